import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** What outbound requests a job may make (SSRF protection); from config, the same for every job. */
export interface UrlPolicyConfig {
  /** allow plain `http:` (default: `https:` only) */
  allowHttp: boolean;
  /** CIDR ranges allowed although not public, e.g. an in-cluster object store or tests' 127.0.0.1/32 */
  allowAddresses: readonly string[];
  /** hosts allowed (`example.com` exactly, `.example.com` or `*.example.com` for its subdomains); empty = any */
  allowedHosts: readonly string[];
}

export interface UrlPolicy {
  /** why the URL itself (scheme, credentials, host) is refused, or undefined */
  refuseUrl(url: URL): string | undefined;
  /** what kind of non-public address `ip` is (`a loopback address`), or undefined when it may be reached */
  refuseAddress(ip: string): string | undefined;
}

/** ipaddr.js range names → words for error messages; any range but `unicast` is refused. */
const RANGE_WORDS: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private address',
  uniqueLocal: 'a private (unique local) address',
  linkLocal: 'a link-local address (where cloud metadata services live)',
  carrierGradeNat: 'a carrier-grade NAT address',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
};

/** A URL's host without IPv6 brackets or a trailing dot, lower-cased. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

export function createUrlPolicy(config: UrlPolicyConfig): UrlPolicy {
  const allowed = config.allowAddresses.map((cidr) => ipaddr.parseCIDR(cidr));
  const hosts = config.allowedHosts.map((h) => h.trim().toLowerCase().replace(/^\*\./, '.')).filter(Boolean);
  const hostAllowed = (host: string) =>
    hosts.length === 0 || hosts.some((h) => (h.startsWith('.') ? host.endsWith(h) && host.length > h.length : host === h));

  const refuseAddress = (ip: string): string | undefined => {
    if (!ipaddr.isValid(ip)) return 'not an IP address';
    // IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it reaches.
    const addr = ipaddr.process(ip);
    const range = addr.range();
    if (range === 'unicast') return undefined;
    if (allowed.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits))) return undefined;
    return RANGE_WORDS[range] ?? `a reserved address (${range})`;
  };

  return {
    refuseAddress,
    refuseUrl(url) {
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && config.allowHttp)) {
        return config.allowHttp ? `only http and https URLs are fetched, not ${url.protocol}` : `only https URLs are fetched, not ${url.protocol}`;
      }
      if (url.username || url.password) return 'URLs with credentials are not fetched';
      const host = bareHost(url);
      if (!hostAllowed(host)) return `host ${host} is not on the allow-list (FETCH_ALLOWED_HOSTS)`;
      const kind = isIP(host) ? refuseAddress(host) : undefined;
      return kind && `${host} is ${kind}; only public addresses are fetched`;
    },
  };
}
