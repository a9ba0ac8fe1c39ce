import { isIP } from 'node:net';

/**
 * Without an API key the local API trusts whoever reaches it, meant to be this machine's own
 * programs. A web page open in the user's browser reaches it too: it can send "simple" cross-site
 * requests (form and text/plain bodies, no preflight) to queue or purge jobs, and with DNS
 * rebinding (its own name re-pointed at 127.0.0.1) it can read the answers as same-origin. Both are
 * told apart by the headers a browser always sets and a page cannot forge:
 * - `Host` carries the name the browser resolved: a rebinding page's own name. It must name this
 *   machine: a loopback name or address, or the host the API was bound to (any IP address when
 *   bound to all interfaces, since rebinding needs a name).
 * - `Origin`, sent with every cross-origin request and every POST, must be the API's own origin.
 * Non-browser clients (curl, SDKs) send the right Host and no Origin. With a key none of this
 * applies: a page cannot know the key (the tunnel mode, whose Host is the tunnel's, needs one).
 */
export function foreignRequest(headers: { host?: string; origin?: string }, boundHost: string): string | undefined {
  const host = headers.host?.toLowerCase();
  if (host !== undefined && !isThisMachine(hostname(host), boundHost)) {
    return `without an API key only requests for this machine are served, not for host ${host} (set API_KEY to serve other names)`;
  }
  const origin = headers.origin;
  if (origin !== undefined && (host === undefined || origin.toLowerCase() !== `http://${host}`)) {
    return `without an API key requests from other sites are refused (Origin ${origin.slice(0, 100)}); set API_KEY to allow them`;
  }
  return undefined;
}

const WILDCARD = new Set(['0.0.0.0', '::', '']);

function isThisMachine(name: string, boundHost: string): boolean {
  const bound = bare(boundHost);
  if (name === 'localhost' || name.endsWith('.localhost') || name === bound) return true;
  const family = isIP(name);
  if (family === 0) return false;
  if (WILDCARD.has(bound)) return true;
  return family === 4 ? name.startsWith('127.') : name === '::1';
}

/** The name of a Host header (`[::1]:8000` → `::1`), without a trailing dot. */
function hostname(host: string): string {
  try {
    return bare(new URL(`http://${host}`).hostname);
  } catch {
    return host;
  }
}

const bare = (name: string) => name.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
