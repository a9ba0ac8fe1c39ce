import { hostname } from 'node:os';
import { WORKER_VERSION } from '../version.ts';

/** What a RunPod worker posts for a finished job (runpod/runpod-python runpod/serverless/modules/rp_job.py `run_job`). */
export interface MappedResult {
  output?: unknown;
  error?: string;
  stopPod?: boolean;
}

const asErrorString = (e: unknown) => (typeof e === 'string' ? e : JSON.stringify(e));

/** The handler's return value mapped exactly as runpod-python maps it. */
export function mapResult(result: unknown): MappedResult {
  if (result && typeof result === 'object' && !Array.isArray(result)) {
    const { error, refresh_worker, ...rest } = result as Record<string, unknown>;
    if (error) {
      return Object.keys(rest).length > 0 ? { output: rest, error: asErrorString(error) } : { error: asErrorString(error) };
    }
    if (refresh_worker === true) return { output: rest, stopPod: true };
    if (error !== undefined || refresh_worker !== undefined) return { output: rest };
  }
  return { output: result };
}

/** A thrown exception as runpod-python reports it: a string holding JSON (`host`: RUNPOD_POD_HOSTNAME when set). */
export function mapException(err: unknown, workerId: string, host: string = hostname()): MappedResult {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    error: JSON.stringify({
      error_type: e.name,
      error_message: e.message,
      error_traceback: e.stack ?? '',
      hostname: host,
      worker_id: workerId,
      runpod_version: `mokuro-worker ${WORKER_VERSION}`,
    }),
  };
}
