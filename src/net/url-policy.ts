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

const refuseRange = (range: string): string | undefined =>
  range === 'unicast' ? undefined : (RANGE_WORDS[range] ?? `a reserved address (${range})`);

/**
 * IPv6 prefixes whose addresses carry an IPv4 address (RFC 4291 §2.5.5, RFC 6052, RFC 6145, RFC 3056),
 * with the bit offset of the embedded address. A router or stack may deliver such a packet to the
 * embedded IPv4 address, so an embedded loopback or private address must not pass as public IPv6.
 */
const EMBEDDING_PREFIXES: { net: [ipaddr.IPv6, number]; offset: number; words: string }[] = [
  // ::a.b.c.d, deprecated; ipaddr.js has no range for it and calls it unicast
  { net: ipaddr.IPv6.parseCIDR('::/96'), offset: 96, words: 'an IPv4-compatible IPv6 address (::/96, deprecated)' },
  { net: ipaddr.IPv6.parseCIDR('::ffff:0:0:0/96'), offset: 96, words: 'an IPv4-translated IPv6 address (RFC 6145)' },
  { net: ipaddr.IPv6.parseCIDR('64:ff9b::/96'), offset: 96, words: 'a NAT64 address (RFC 6052)' },
  { net: ipaddr.IPv6.parseCIDR('2002::/16'), offset: 16, words: 'a 6to4 address (RFC 3056)' },
];

function embeddedIpv4(addr: ipaddr.IPv6, offset: number): ipaddr.IPv4 {
  const bytes = addr.toByteArray().slice(offset / 8, offset / 8 + 4);
  return new ipaddr.IPv4(bytes);
}

/**
 * Only global unicast IPv6 passes, and none of the prefixes that embed IPv4: those are refused whatever
 * they embed, and the message names an embedded non-public address (`::7f00:1` embeds 127.0.0.1).
 */
function refuseIpv6(addr: ipaddr.IPv6): string | undefined {
  const range = addr.range();
  // :: and ::1 sit inside ::/96 but are their own ranges
  if (range === 'unspecified' || range === 'loopback') return refuseRange(range);
  const prefix = EMBEDDING_PREFIXES.find(({ net }) => addr.match(net));
  if (!prefix) return refuseRange(range);
  const v4 = embeddedIpv4(addr, prefix.offset);
  const v4Reason = refuseRange(v4.range());
  return v4Reason ? `${prefix.words} that embeds ${v4.toString()}, ${v4Reason}` : prefix.words;
}

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
    const reason = addr.kind() === 'ipv6' ? refuseIpv6(addr as ipaddr.IPv6) : refuseRange(addr.range());
    if (reason === undefined) return undefined;
    if (allowed.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits))) return undefined;
    return reason;
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
