/**
 * The RunPod heartbeat (runpod/runpod-python runpod/serverless/modules/rp_ping.py). RunPod takes a
 * worker whose pings stop for too long as dead and requeues its jobs. Our pre/post-processing is
 * synchronous JS that can hold the main thread for hundreds of milliseconds at a time (and a large page
 * for longer), so a timer on the main thread could starve. The timer and the fetches therefore live in
 * their own worker thread (ping-thread.js), with its own event loop; the main thread only tells it, by
 * message, which jobs are running. Messages are delivered on the ping thread even while the main thread
 * is busy, and a ping that left during a busy stretch lists the ids known when it started.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../logger.ts';
import { clampDelay } from '../../timer-delay.ts';
import { authHeaders } from './post-json.ts';

export interface Heartbeat {
  /** the ids of the jobs running now (sent with every ping as `job_id`) */
  setRunning(jobIds: readonly string[]): void;
  stop(): Promise<void>;
}

interface PingReport {
  ok: boolean;
  status?: number;
  error?: string;
  ms: number;
}

export function startHeartbeat(opts: {
  /** the full ping URL for the given running jobs */
  pingUrl: (jobIds: readonly string[]) => string;
  intervalMs: number;
  apiKey?: string;
  log: Logger;
}): Heartbeat {
  const log = opts.log.child({ component: 'heartbeat' });
  const worker = new Worker(new URL('./ping-thread.js', import.meta.url), {
    workerData: { url: opts.pingUrl([]), intervalMs: clampDelay(opts.intervalMs), headers: authHeaders(opts.apiKey) },
  });
  // The heartbeat must never keep the process alive on its own: exit is decided by the loop.
  worker.unref();

  // Log a failing heartbeat once when it starts failing and once when it recovers, not every beat.
  let failing = false;
  worker.on('message', (r: PingReport) => {
    if (!r.ok && !failing) log.warn({ status: r.status, reason: r.error, ms: r.ms }, 'heartbeat failed');
    else if (r.ok && failing) log.info({ ms: r.ms }, 'heartbeat recovered');
    else log.trace({ status: r.status, ms: r.ms }, 'heartbeat sent');
    failing = !r.ok;
  });
  worker.on('error', (err) => log.error({ err }, 'heartbeat thread crashed; RunPod will see this worker as gone'));

  let stopped = false;
  log.info({ intervalMs: opts.intervalMs }, 'heartbeat started');
  return {
    setRunning(jobIds) {
      if (!stopped) worker.postMessage({ url: opts.pingUrl(jobIds) });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await worker.terminate();
    },
  };
}
