/**
 * The stop channel (runpod/runpod-python ≥ 1.10): a long-poll GET on `/job-stop/` whose 200 answer
 * `{"jobsToStop": [ids]}` names running jobs to cancel. Only running jobs can be stopped, so it
 * polls only while this worker has some.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../logger.ts';
import { authHeaders } from './post-json.ts';
import { TAKE_TIMEOUT_MS } from './take-jobs.ts';

export interface StopChannelTiming {
  /** after a 429, as for job-take */
  rateLimitWaitMs: number;
  errorBackoffMs: number;
  /**
   * Polls start at least this far apart (our choice, not runpod-python's): a real long-poll holds
   * ~seconds, but a server answering 204 at once must not make us spin (the SDK's take loop asks
   * again at once; this channel is less urgent).
   */
  minIntervalMs: number;
}

const STOP_CHANNEL_TIMING: StopChannelTiming = { rateLimitWaitMs: 5000, errorBackoffMs: 1000, minIntervalMs: 1000 };

/** The ids a 200 answer asks to stop; anything unexpected is no id. */
export function parseJobsToStop(text: string): string[] {
  try {
    const body = JSON.parse(text) as { jobsToStop?: unknown };
    return Array.isArray(body?.jobsToStop) ? body.jobsToStop.filter((id) => typeof id === 'string' || typeof id === 'number').map(String) : [];
  } catch {
    return [];
  }
}

export function startStopChannel(opts: {
  url: string;
  apiKey?: string;
  /** resolves when at least one job runs; the channel is idle meanwhile */
  whenJobsRun: () => Promise<void>;
  onStop: (jobIds: string[]) => void;
  log: Logger;
  timing?: Partial<StopChannelTiming>;
}): { close(): Promise<void> } {
  const timing = { ...STOP_CHANNEL_TIMING, ...opts.timing };
  const log = opts.log.child({ component: 'stop-channel' });
  const closing = new AbortController();
  let failing = false;

  const pollOnce = async (): Promise<number> => {
    try {
      const res = await fetch(opts.url, {
        headers: authHeaders(opts.apiKey),
        signal: AbortSignal.any([closing.signal, AbortSignal.timeout(TAKE_TIMEOUT_MS)]),
      });
      const text = await res.text();
      if (res.status === 200) {
        const ids = parseJobsToStop(text);
        if (ids.length > 0) opts.onStop(ids);
        else log.debug({ bytes: text.length }, 'stop answer names no job');
      } else if (res.status === 429) {
        return timing.rateLimitWaitMs;
      } else if (res.status !== 204) {
        throw new Error(`HTTP ${res.status}`);
      }
      failing = false;
      return 0;
    } catch (err) {
      if (closing.signal.aborted) return 0;
      if (!failing) log.warn({ reason: (err as Error).message }, 'stop channel poll failed; retrying');
      failing = true;
      return timing.errorBackoffMs;
    }
  };

  const closed = new Promise<void>((resolve) => closing.signal.addEventListener('abort', () => resolve(), { once: true }));
  const loop = (async () => {
    while (!closing.signal.aborted) {
      await Promise.race([opts.whenJobsRun(), closed]);
      if (closing.signal.aborted) break;
      const started = Date.now();
      const wait = Math.max(await pollOnce(), timing.minIntervalMs - (Date.now() - started));
      if (wait > 0) await sleep(wait, undefined, { signal: closing.signal }).catch(() => undefined);
    }
  })();

  return {
    async close() {
      closing.abort();
      await loop;
    },
  };
}
