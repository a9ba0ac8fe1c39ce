import { describeUrl, type HttpClient } from '../../net/guarded-request.ts';
import type { Logger } from '../../logger.ts';

/** RunPod delivers a webhook once per final job and retries twice, 10 s apart (RunPod's docs, docs.runpod.io serverless/endpoints). */
export const WEBHOOK_ATTEMPTS = 3;
export const WEBHOOK_RETRY_MS = 10_000;
/** one delivery attempt, connection and answer included */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** how long a stopping server waits for deliveries still being tried: one with both retries fits */
export const WEBHOOK_STOP_GRACE_MS = WEBHOOK_ATTEMPTS * WEBHOOK_TIMEOUT_MS + (WEBHOOK_ATTEMPTS - 1) * WEBHOOK_RETRY_MS;
/** the receiver's answer is read and dropped: no need to take much of it */
const ANSWER_BYTES = 64 * 1024;

/**
 * Webhook deliveries through the guarded client that fetches a job's URLs (src/net): a webhook is
 * a URL the job names, so it is held to the same address policy — https unless FETCH_ALLOW_HTTP,
 * FETCH_ALLOWED_HOSTS, public addresses only, the socket pinned to the checked address. It is a
 * POST carrying the result, so a redirect is never followed (it would re-send the result
 * elsewhere); a 3xx counts as a failed attempt. Deliveries in flight are tracked, so a stopping
 * server can wait for them.
 */
export function createWebhookSender(deps: { client: HttpClient; log: Logger; retryMs?: number }) {
  const retryMs = deps.retryMs ?? WEBHOOK_RETRY_MS;
  const inFlight = new Set<Promise<boolean>>();

  async function deliver(url: string, body: unknown): Promise<boolean> {
    const payload = Buffer.from(JSON.stringify(body));
    const where = describeUrl(new URL(url));
    for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS; attempt++) {
      try {
        const res = await deps.client(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload, maxBytes: ANSWER_BYTES, tooLarge: 'FETCH', path: 'webhook' });
        if (res.status >= 200 && res.status < 300) return true;
        deps.log.warn({ url: where, status: res.status, attempt }, 'webhook answered with an error');
      } catch (err) {
        deps.log.warn({ url: where, attempt, reason: (err as Error).message }, 'webhook delivery failed');
      }
      if (attempt < WEBHOOK_ATTEMPTS) await new Promise((r) => setTimeout(r, retryMs));
    }
    return false;
  }

  return {
    /** delivers in the background; resolves true once the receiver took it */
    send(url: string, body: unknown): Promise<boolean> {
      const delivery = deliver(url, body);
      inFlight.add(delivery);
      void delivery.finally(() => inFlight.delete(delivery));
      return delivery;
    },
    /** deliveries still being tried */
    get pending() {
      return inFlight.size;
    },
    /** resolves when every delivery is done (new ones included), or after `ms`: the count still pending */
    async settle(ms: number): Promise<number> {
      const deadline = Date.now() + ms;
      while (inFlight.size > 0 && Date.now() < deadline) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => (timer = setTimeout(r, deadline - Date.now())))]);
        clearTimeout(timer);
      }
      return inFlight.size;
    },
  };
}
export type WebhookSender = ReturnType<typeof createWebhookSender>;
