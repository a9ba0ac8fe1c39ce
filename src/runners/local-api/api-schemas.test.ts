import { describe, expect, it } from 'vitest';
import { WEBHOOK_URL } from './api-schemas.ts';

describe('WEBHOOK_URL, the webhook URLs the OpenAPI document promises to take', () => {
  it('matches only URLs that parse (schemathesis sent "http://", which the pattern ^https?:// let through)', () => {
    const refused = ['http://', 'ftp://example.com/', 'http://xn--a', 'http://99999999999', 'http://1.2.3.4.5', 'http://x.1', 'http://a:70000', 'http://a b', 'http://%41', 'https://u:p@example.com/', 'http://a..b'];
    for (const url of refused) expect(WEBHOOK_URL.test(url), url).toBe(false);
    const taken = ['https://hooks.example.com/x?token=a%zz#f', 'http://a', 'http://1.2.3.4:65535/', 'http://a.b.c.', 'http://a-b.c1:8080', 'https://example.com/ä ö', 'http://a/\u0016'];
    for (const url of taken) {
      expect(WEBHOOK_URL.test(url), url).toBe(true);
      expect(URL.canParse(url), url).toBe(true);
    }
  });

  it('every string it matches parses as a URL: host names, addresses and ports built from their parts', () => {
    const hosts = ['a', 'a1', 'a-1', 'x.y', 'x-y.z-w.', '0a.b', 'b.c0', '255.255.255.255', '0.0.0.0', '10.1.2.3'];
    const ports = ['', ':0', ':80', ':9999', ':59999', ':65535'];
    const rests = ['', '/', '/p?q=1', '?x', '#f', '/%', '/\\\\'];
    for (const scheme of ['http', 'https'])
      for (const h of hosts)
        for (const p of ports)
          for (const r of rests) {
            const url = `${scheme}://${h}${p}${r}`;
            expect(WEBHOOK_URL.test(url), url).toBe(true);
            expect(URL.canParse(url), url).toBe(true);
          }
  });
});
