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
      ['64:ff9b::7f00:1', 'a reserved address (rfc6052)'],
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
