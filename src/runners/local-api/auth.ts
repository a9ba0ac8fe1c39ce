import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** RunPod clients send `Authorization: Bearer <key>`; some send the raw key. Compared in constant time. */
export function isAuthorised(header: string | undefined, key: string): boolean {
  if (!header) return false;
  const given = header.replace(/^Bearer\s+/i, '').trim();
  return timingSafeEqual(digest(given), digest(key));
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host);
}

/**
 * The local API answers anyone who can reach it. Bound beyond loopback (or behind a tunnel, which
 * forwards to loopback but is public) it needs a key; refuse to start without one unless told to.
 */
export function checkExposure(host: string, apiKey: string | undefined, insecure: boolean): string | undefined {
  if (apiKey || insecure || isLoopbackHost(host)) return undefined;
  return `refusing to serve on ${host} without an API key: set API_KEY (or --api-key), or pass --insecure to serve it open`;
}
