import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig: URL fetching and archives', () => {
  it('fetches only public https by default, with caps', () => {
    const c = loadConfig([], {});
    expect(c.fetch).toEqual({ allowHttp: false, allowAddresses: [], allowedHosts: [], timeoutMs: 120_000, maxRedirects: 3, ahead: 4 });
    expect(c.archive).toEqual({ maxBytes: 512 * 1024 * 1024, maxEntries: 10_000, maxUncompressedBytes: 2 * 1024 ** 3, maxRatio: 100 });
  });

  it('reads the allow-lists; a bare address is a one-address range', () => {
    const c = loadConfig([], { FETCH_ALLOW_HTTP: '1', FETCH_ALLOW_ADDRESSES: '127.0.0.1, 10.0.0.0/8,::1', FETCH_ALLOWED_HOSTS: 'cdn.example.com, *.s3.amazonaws.com' });
    expect(c.fetch).toMatchObject({ allowHttp: true, allowAddresses: ['127.0.0.1/32', '10.0.0.0/8', '::1/128'], allowedHosts: ['cdn.example.com', '*.s3.amazonaws.com'] });
  });

  it('refuses a malformed address range at start', () => {
    expect(() => loadConfig([], { FETCH_ALLOW_ADDRESSES: 'localhost' })).toThrow('FETCH_ALLOW_ADDRESSES: "localhost" is not an IP address or CIDR range');
  });
});
