import type { Logger } from '../../logger.ts';

/** RunPod delivers a webhook once per final job and retries twice, 10 s apart (runpod.md §5). */
export const WEBHOOK_ATTEMPTS = 3;
export const WEBHOOK_RETRY_MS = 10_000;

export async function deliverWebhook(
  url: string,
  body: unknown,
  log: Logger,
  retryMs = WEBHOOK_RETRY_MS,
): Promise<boolean> {
  for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS; attempt++) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      if (res.ok) return true;
      log.warn({ url: new URL(url).origin, status: res.status, attempt }, 'webhook answered with an error');
    } catch (err) {
      log.warn({ url: new URL(url).origin, attempt, reason: (err as Error).message }, 'webhook delivery failed');
    }
    if (attempt < WEBHOOK_ATTEMPTS) await new Promise((r) => setTimeout(r, retryMs));
  }
  return false;
}
