/**
 * One job-take long-poll (runpod/runpod-python runpod/serverless/modules/rp_job.py `get_job`): what the
 * answer means for the loop. The loop decides what to do next (poll again, wait, back off); this only
 * classifies.
 */
import { authHeaders } from './post-json.ts';

/** the SDK's client timeout for the take long-poll */
export const TAKE_TIMEOUT_MS = 90_000;

/** A job as RunPod sends it; extras such as `webhook` or `s3Config` are kept and passed on. */
export interface RunpodJob {
  id: string;
  input: unknown;
  [extra: string]: unknown;
}

export type TakeResult =
  | { kind: 'jobs'; jobs: RunpodJob[]; rejected: string[] }
  /** 204, 400 (FlashBoot) or the long-poll timed out: ask again at once */
  | { kind: 'none'; why: string }
  | { kind: 'rate-limited' }
  /** anything else: log, back off a little, ask again */
  | { kind: 'error'; why: string }
  | { kind: 'aborted' };

/**
 * Which parts of a 200 body are jobs. Like the SDK, a body that is not JSON, or an entry without
 * `id` or `input`, is no job; each rejection is described (never with its content) for the log.
 */
export function parseJobs(text: string): { jobs: RunpodJob[]; rejected: string[] } {
  if (text.trim() === '') return { jobs: [], rejected: ['empty body'] };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { jobs: [], rejected: [`body is not JSON (${text.length} bytes)`] };
  }
  const jobs: RunpodJob[] = [];
  const rejected: string[] = [];
  for (const [i, entry] of (Array.isArray(body) ? body : [body]).entries()) {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      rejected.push(`entry ${i} is not an object`);
      continue;
    }
    const job = entry as Record<string, unknown>;
    const missing = ['id', 'input'].filter((k) => job[k] === undefined || job[k] === null);
    if (missing.length > 0) rejected.push(`entry ${i} has missing field(s): ${missing.join(', ')}`);
    else jobs.push({ ...job, id: String(job.id), input: job.input });
  }
  return { jobs, rejected };
}

export async function takeJobs(url: string, opts: { apiKey?: string; signal: AbortSignal; timeoutMs?: number }): Promise<TakeResult> {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? TAKE_TIMEOUT_MS);
  try {
    const res = await fetch(url, {
      headers: authHeaders(opts.apiKey),
      signal: AbortSignal.any([opts.signal, timeout]),
    });
    const text = await res.text();
    if (res.status === 204 || res.status === 400) return { kind: 'none', why: `HTTP ${res.status}` };
    if (res.status === 429) return { kind: 'rate-limited' };
    if (res.status !== 200) return { kind: 'error', why: `HTTP ${res.status}` };
    const { jobs, rejected } = parseJobs(text);
    return { kind: 'jobs', jobs, rejected };
  } catch (err) {
    if (opts.signal.aborted) return { kind: 'aborted' };
    if (timeout.aborted) return { kind: 'none', why: 'long-poll timed out' };
    return { kind: 'error', why: (err as Error).message };
  }
}
