/**
 * The RunPod cloud worker loop (runpod/runpod-python runpod/serverless/worker.py), doing what
 * runpod-python's JobScaler does: once the models are ready, long-poll job-take for as many jobs as
 * there are free slots, run each through the handler, post progress, chunks and results, keep the
 * heartbeat beating, obey the stop channel, and drain on stop(). Signals are the entry's business: it
 * calls stop().
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../../config.ts';
import type { Handler } from '../../handler/create-handler.ts';
import type { Logger } from '../../logger.ts';
import { startHeartbeat, type Heartbeat } from './heartbeat.ts';
import { createJobReporter } from './job-reporter.ts';
import { createJobSlots } from './job-slots.ts';
import { createNotifier } from './notifier.ts';
import { createPostJson, POST_BACKOFF_MS, RUNPOD_PROTOCOL_VERSION } from './post-json.ts';
import { runJob } from './run-job.ts';
import { startStopChannel, type StopChannelTiming } from './stop-channel.ts';
import { takeJobs, type RunpodJob } from './take-jobs.ts';
import { runpodUrls } from './urls.ts';

interface RunpodWorkerTiming {
  /** wait after a 429 from job-take (runpod/runpod-python runpod/serverless/modules/rp_scale.py: 5 s) */
  rateLimitWaitMs: number;
  /** wait after a failed or unusable job-take answer; short, RunPod may just be restarting */
  errorBackoffMs: number;
  postBackoffMs: number;
  stopChannel: Partial<StopChannelTiming>;
}

const DEFAULT_TIMING: RunpodWorkerTiming = { rateLimitWaitMs: 5000, errorBackoffMs: 1000, postBackoffMs: POST_BACKOFF_MS, stopChannel: {} };

export interface RunpodWorkerOptions {
  handler: Handler;
  config: Readonly<Pick<Config, 'runpod'>>;
  log: Logger;
  /** models loaded; no job is taken before it resolves, and its rejection ends the loop */
  ready?: Promise<unknown>;
  /** the SDK's `refresh_worker` option: stop the pod after every job */
  refreshWorker?: boolean;
  timing?: Partial<RunpodWorkerTiming>;
}

export interface RunpodWorker {
  workerId: string;
  /** stop taking jobs, finish and post the taken ones; resolves when `done` settles */
  stop(): Promise<void>;
  /** resolves when the loop has drained after stop() or a stopPod result; rejects if `ready` does */
  done: Promise<void>;
}

export function startRunpodWorker(opts: RunpodWorkerOptions): RunpodWorker {
  const rp = opts.config.runpod;
  if (!rp.takeUrl || !rp.doneUrl) {
    throw new Error('the RunPod worker loop needs RUNPOD_WEBHOOK_GET_JOB and RUNPOD_WEBHOOK_POST_OUTPUT');
  }
  const timing = { ...DEFAULT_TIMING, ...opts.timing };
  const workerId = rp.podId ?? randomUUID();
  const log = opts.log.child({ workerId });
  const urls = runpodUrls({ take: rp.takeUrl, done: rp.doneUrl, stream: rp.streamUrl, ping: rp.pingUrl }, workerId);
  const post = createPostJson({ apiKey: rp.apiKey, log, backoffMs: timing.postBackoffMs });

  const changed = createNotifier();
  const stopping = new AbortController();
  let heartbeat: Heartbeat | undefined;
  const slots = createJobSlots({
    concurrency: rp.concurrency,
    execute,
    onChange: () => {
      heartbeat?.setRunning(slots.reportedIds());
      changed.notify();
    },
    log,
  });

  const beginStop = (why: string) => {
    if (stopping.signal.aborted) return;
    log.info({ running: slots.count() }, `${why}: no more jobs will be taken; finishing the running ones`);
    stopping.abort();
    changed.notify();
  };

  async function execute(job: RunpodJob, signal: AbortSignal) {
    const jobLog = log.child({ jobId: job.id });
    try {
      const { stopPod } = await runJob(job, {
        handler: opts.handler,
        reporter: createJobReporter({ jobId: job.id, urls, post, log: jobLog }),
        signal,
        workerId,
        hostname: rp.podHostname,
        refreshWorker: opts.refreshWorker,
        log: jobLog,
      });
      if (stopPod) beginStop('stopPod (refresh_worker) requested');
    } catch (err) {
      jobLog.error({ err }, 'job runner failed');
    }
  }

  const pause = (ms: number) => sleep(ms, undefined, { signal: stopping.signal }).catch(() => undefined);

  async function takeLoop() {
    while (!stopping.signal.aborted) {
      const free = slots.free();
      if (free <= 0) {
        await changed.wait();
        continue;
      }
      const url = urls.take(slots.reportedIds().length > 0, free);
      const r = await takeJobs(url, { apiKey: rp.apiKey, signal: stopping.signal });
      if (r.kind === 'jobs') {
        for (const reason of r.rejected) log.error({ reason }, 'job-take answer holds no valid job');
        if (r.jobs.length > free) log.warn({ taken: r.jobs.length, free }, 'RunPod sent more jobs than asked; they wait for a slot');
        if (r.jobs.length > 0) log.info({ jobIds: r.jobs.map((j) => j.id) }, 'jobs taken');
        for (const job of r.jobs) slots.accept(job);
        // a server answering garbage at once must not make us spin
        if (r.jobs.length === 0) await pause(timing.errorBackoffMs);
      } else if (r.kind === 'rate-limited') {
        log.warn({ waitMs: timing.rateLimitWaitMs }, 'job-take rate limited (429); waiting');
        await pause(timing.rateLimitWaitMs);
      } else if (r.kind === 'error') {
        log.error({ reason: r.why, waitMs: timing.errorBackoffMs }, 'job-take failed; retrying');
        await pause(timing.errorBackoffMs);
      } else if (r.kind === 'none') {
        log.trace({ why: r.why }, 'no job');
      }
    }
  }

  async function drain() {
    while (slots.count() > 0) await changed.wait();
  }

  const stopped = new Promise<void>((resolve) => stopping.signal.addEventListener('abort', () => resolve(), { once: true }));

  const done = (async () => {
    await Promise.race([opts.ready, stopped]);
    if (stopping.signal.aborted) return;
    if (rp.pingUrl && rp.apiKey && rp.podId) {
      heartbeat = startHeartbeat({ pingUrl: (ids) => urls.ping(ids, RUNPOD_PROTOCOL_VERSION)!, intervalMs: rp.pingIntervalMs, apiKey: rp.apiKey, log });
    } else {
      log.info('no heartbeat: RUNPOD_WEBHOOK_PING, RUNPOD_AI_API_KEY and RUNPOD_POD_ID are not all set (not on RunPod?)');
    }
    const stopChannel = startStopChannel({
      url: urls.stop(),
      apiKey: rp.apiKey,
      whenJobsRun: async () => {
        while (slots.reportedIds().length === 0) await changed.wait();
      },
      onStop: (ids) => slots.cancel(ids),
      log,
      timing: { rateLimitWaitMs: timing.rateLimitWaitMs, errorBackoffMs: timing.errorBackoffMs, ...timing.stopChannel },
    });
    log.info({ concurrency: rp.concurrency }, 'RunPod worker loop started');
    try {
      await takeLoop();
      await drain();
    } finally {
      await stopChannel.close();
      await heartbeat?.stop();
    }
    log.info('RunPod worker loop stopped');
  })();

  return {
    workerId,
    async stop() {
      beginStop('stop requested');
      await done.catch(() => undefined);
    },
    done,
  };
}
