/**
 * One RunPod job from start to posted result: the handler gets the job (extras such as `webhook`
 * included), a cancellation signal and the progress/stream channels; its return value is mapped
 * exactly as runpod-python maps it (or, should it throw, reported as the SDK reports exceptions).
 */
import { performance } from 'node:perf_hooks';
import type { Handler } from '../../handler/create-handler.ts';
import type { Logger } from '../../logger.ts';
import { mapException, mapResult, type MappedResult } from '../map-result.ts';
import type { JobReporter } from './job-reporter.ts';
import type { RunpodJob } from './take-jobs.ts';

export type JobOutcome = 'posted' | 'post-failed' | 'cancelled';

export async function runJob(
  job: RunpodJob,
  deps: {
    handler: Handler;
    reporter: JobReporter;
    /** aborted when RunPod asks to stop this job (stop channel) */
    signal: AbortSignal;
    workerId: string;
    /** RUNPOD_POD_HOSTNAME, copied into exception reports */
    hostname?: string;
    /** the SDK's `refresh_worker` option: every result asks RunPod to stop this pod */
    refreshWorker?: boolean;
    log: Logger;
  },
): Promise<{ outcome: JobOutcome; stopPod: boolean }> {
  const { reporter, log } = deps;
  const t0 = performance.now();
  log.info('job started');
  let mapped: MappedResult;
  try {
    // Promise.resolve().then: a handler that throws synchronously is caught here too.
    const result = await Promise.resolve().then(() =>
      deps.handler(job, { signal: deps.signal, progress: (u) => reporter.progress(u), stream: (c) => reporter.chunk(c) }),
    );
    mapped = mapResult(result);
  } catch (err) {
    log.error({ err }, 'handler threw; reporting the exception');
    mapped = mapException(err, deps.workerId, deps.hostname);
  }
  const ms = Math.round(performance.now() - t0);
  // A cancelled job is RunPod's to report (CANCELLED); anything we posted would overwrite that.
  if (deps.signal.aborted) {
    reporter.cancel();
    log.info({ ms }, 'job cancelled; nothing posted');
    return { outcome: 'cancelled', stopPod: false };
  }
  if (deps.refreshWorker) mapped = { ...mapped, stopPod: true };
  const ok = await reporter.finish(mapped);
  log.info({ ms, failed: Boolean(mapped.error), stopPod: Boolean(mapped.stopPod), posted: ok }, 'job finished');
  return { outcome: ok ? 'posted' : 'post-failed', stopPod: Boolean(mapped.stopPod) };
}
