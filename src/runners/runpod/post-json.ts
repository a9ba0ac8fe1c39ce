/**
 * POSTing to job-done and job-stream exactly as runpod-python's rp_http does: the body is JSON text
 * but labelled `application/x-www-form-urlencoded` with a separate `charset` header (RunPod's
 * server expects what the SDK sends), plus the raw API key and the job id.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../logger.ts';
import { WORKER_VERSION } from '../../version.ts';

/**
 * The runpod-python release whose worker protocol we speak. Sent as `runpod_version` in pings:
 * RunPod may decide by it which features (batch take, stop channel) the worker understands.
 */
export const RUNPOD_PROTOCOL_VERSION = '1.12.0';

/** the SDK retries a result 3 times (aiohttp_retry ExponentialRetry(attempts=3)) */
const POST_ATTEMPTS = 3;
/** first backoff between attempts, doubled each time; short, the job is done and waiting */
export const POST_BACKOFF_MS = 250;
/** a result post that hangs longer than this counts as a network error */
const POST_TIMEOUT_MS = 30_000;

interface PostOptions {
  /** 1 for fire-and-forget progress updates */
  attempts?: number;
}

export type PostJson = (url: string, jobId: string, body: unknown, opts?: PostOptions) => Promise<boolean>;

/** Every call carries the raw key (no `Bearer`), as the SDK's session does; the agent names us. */
export function authHeaders(apiKey: string | undefined): Record<string, string> {
  return {
    'User-Agent': `mokuro-worker/${WORKER_VERSION} (runpod-python ${RUNPOD_PROTOCOL_VERSION} protocol)`,
    ...(apiKey !== undefined ? { Authorization: apiKey } : {}),
  };
}

function postHeaders(apiKey: string | undefined, jobId: string): Record<string, string> {
  return {
    ...authHeaders(apiKey),
    'Content-Type': 'application/x-www-form-urlencoded',
    charset: 'utf-8',
    'X-Request-ID': jobId,
  };
}

/**
 * Returns a `post` that resolves true once RunPod accepted the body and false when it gave up
 * (it never throws: a lost result is logged, the loop goes on, as in the SDK).
 */
export function createPostJson(deps: { apiKey?: string; log: Logger; backoffMs?: number; timeoutMs?: number }): PostJson {
  const backoffMs = deps.backoffMs ?? POST_BACKOFF_MS;
  const timeoutMs = deps.timeoutMs ?? POST_TIMEOUT_MS;
  return async (url, jobId, body, opts = {}) => {
    const attempts = opts.attempts ?? POST_ATTEMPTS;
    const text = JSON.stringify(body);
    let reason = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep(backoffMs * 2 ** (attempt - 2));
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: postHeaders(deps.apiKey, jobId),
          body: text,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined); // drain so the connection is reused
        if (res.ok) return true;
        reason = `HTTP ${res.status}`;
        // 4xx will not get better by asking again (the SDK's retry also only covers 5xx).
        if (res.status < 500) break;
      } catch (err) {
        reason = (err as Error).message;
      }
    }
    deps.log.error({ jobId, url: stripQuery(url), reason, bytes: text.length }, 'RunPod did not accept a post; dropped');
    return false;
  };
}

/** URLs are logged without their query (it carries nothing useful and may grow long). */
const stripQuery = (url: string) => url.split('?')[0];
