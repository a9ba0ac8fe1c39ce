import { describe, expect, it } from 'vitest';
import { createUrlPolicy } from './url-policy.ts';

const strict = createUrlPolicy({ allowHttp: false, allowAddresses: [], allowedHosts: [] });
const refuse = (url: string, policy = strict) => policy.refuseUrl(new URL(url));

describe('url policy', () => {
  it('fetches only https unless http is allowed', () => {
    expect(refuse('https://example.com/a.cbz')).toBeUndefined();
    expect(refuse('http://example.com/a.cbz')).toBe('only https URLs are fetched, not http:');
    expect(refuse('file:///etc/passwd')).toBe('only https URLs are fetched, not file:');
    const http = createUrlPolicy({ allowHttp: true, allowAddresses: [], allowedHosts: [] });
    expect(refuse('http://example.com/a.cbz', http)).toBeUndefined();
    expect(refuse('ftp://example.com/a.cbz', http)).toBe('only http and https URLs are fetched, not ftp:');
  });

  it('refuses loopback, private, link-local and metadata addresses, IPv4-mapped ones too', () => {
    const cases: [string, string][] = [
      ['127.0.0.1', 'a loopback address'],
      ['::1', 'a loopback address'],
      ['::ffff:127.0.0.1', 'a loopback address'],
      ['10.0.0.5', 'a private address'],
      ['192.168.1.1', 'a private address'],
      ['172.16.0.1', 'a private address'],
      ['169.254.169.254', 'a link-local address'],
      ['fd00:ec2::254', 'a private (unique local) address'],
      ['100.100.100.200', 'a carrier-grade NAT address'],
      ['0.0.0.0', 'the unspecified address'],
      ['64:ff9b::7f00:1', 'a NAT64 address (RFC 6052) that embeds 127.0.0.1, a loopback address'],
    ];
    for (const [ip, words] of cases) expect(strict.refuseAddress(ip)).toContain(words);
    expect(strict.refuseAddress('93.184.215.14')).toBeUndefined();
    expect(strict.refuseAddress('2606:4700::1111')).toBeUndefined();
  });

  it('refuses IP-literal URLs without resolving anything', () => {
    expect(refuse('https://127.0.0.1/x.jpg')).toBe('127.0.0.1 is a loopback address; only public addresses are fetched');
    expect(refuse('https://[::1]:8443/x.jpg')).toContain('::1 is a loopback address');
    expect(refuse('https://2130706433/x.jpg')).toContain('127.0.0.1 is a loopback address'); // WHATWG URL normalises it
  });

  it('refuses IPv6 addresses that embed a non-public IPv4 address, however they are written', () => {
    // IPv4-compatible (::/96, RFC 4291 §2.5.5.1): WHATWG URL and getaddrinfo write ::127.0.0.1 as ::7f00:1
    expect(refuse('https://[::127.0.0.1]/x.jpg')).toContain('embeds 127.0.0.1');
    expect(strict.refuseAddress('::7f00:1')).toContain('embeds 127.0.0.1');
    expect(strict.refuseAddress('::a00:1')).toContain('embeds 10.0.0.1');
    expect(strict.refuseAddress('::2')).toContain('IPv4-compatible');
    expect(strict.refuseAddress('::808:808')).toContain('IPv4-compatible'); // deprecated form: refused even when public
    // IPv4-mapped (in either spelling), SIIT, NAT64 (well-known and local-use prefixes), 6to4, Teredo
    const embedding: [string, string][] = [
      ['::ffff:7f00:1', 'a loopback address'],
      ['::ffff:0:7f00:1', 'embeds 127.0.0.1'],
      ['64:ff9b::a9fe:a9fe', 'embeds 169.254.169.254'],
      ['2002:7f00:1::1', 'embeds 127.0.0.1'],
      ['2002:c0a8:101::1', 'embeds 192.168.1.1'],
    ];
    for (const [ip, words] of embedding) expect(strict.refuseAddress(ip), ip).toContain(words);
    expect(strict.refuseAddress('2001:0:4136:e378:8000:63bf:80ff:fffe')).toContain('teredo');
    expect(strict.refuseAddress('64:ff9b:1::a00:1')).toContain('rfc6052'); // local-use NAT64 (RFC 8215): refused as a range
    // an allowed IPv4 range does not open its IPv6 embeddings
    const tests = createUrlPolicy({ allowHttp: true, allowAddresses: ['127.0.0.1/32'], allowedHosts: [] });
    expect(tests.refuseAddress('::7f00:1')).toContain('embeds 127.0.0.1');
  });

  it('allows configured ranges only', () => {
    const tests = createUrlPolicy({ allowHttp: true, allowAddresses: ['127.0.0.1/32'], allowedHosts: [] });
    expect(tests.refuseAddress('127.0.0.1')).toBeUndefined();
    expect(tests.refuseAddress('127.0.0.2')).toContain('loopback');
    expect(tests.refuseAddress('::1')).toContain('loopback');
  });

  it('keeps to the host allow-list, subdomains by a leading dot or *.', () => {
    const list = createUrlPolicy({ allowHttp: false, allowAddresses: [], allowedHosts: ['cdn.example.com', '*.s3.amazonaws.com'] });
    expect(refuse('https://cdn.example.com/a', list)).toBeUndefined();
    expect(refuse('https://CDN.example.com./a', list)).toBeUndefined();
    expect(refuse('https://b.s3.amazonaws.com/a', list)).toBeUndefined();
    expect(refuse('https://s3.amazonaws.com/a', list)).toBe('host s3.amazonaws.com is not on the allow-list (FETCH_ALLOWED_HOSTS)');
    expect(refuse('https://evil-cdn.example.com/a', list)).toContain('not on the allow-list');
  });

  it('refuses URLs carrying credentials', () => {
    expect(refuse('https://user:pw@example.com/a')).toBe('URLs with credentials are not fetched');
  });
});
