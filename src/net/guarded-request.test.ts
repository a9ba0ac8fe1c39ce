import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from '../../test/helpers/loopback-server.ts';
import { createHttpClient, fetchBytes, type HttpClient } from './guarded-request.ts';
import { createUrlPolicy } from './url-policy.ts';

const BODY = Buffer.from('0123456789'.repeat(10));
let server: LoopbackServer;
let client: HttpClient;
const limits = { timeoutMs: 2000, maxRedirects: 3 };
const get = (path: string, maxBytes = 1000, c = client) => fetchBytes(c, `${server.origin}${path}`, { maxBytes, tooLarge: 'PAGE_TOO_LARGE', path: 'images[0].url' });

beforeAll(async () => {
  server = await startLoopbackServer((req, res) => {
    const to = (location: string) => res.writeHead(302, { location }).end();
    switch (req.url) {
      case '/page.png': return void res.end(BODY);
      case '/declared-big': return void res.writeHead(200, { 'content-length': '5000' }).end(Buffer.alloc(5000));
      case '/chunked-big': {
        res.writeHead(200); // no content-length: the cap must hold while reading
        for (let i = 0; i < 10; i++) res.write(Buffer.alloc(500));
        return void res.end();
      }
      case '/slow': return void res.writeHead(200).write('a'); // never ends
      case '/to-page': return to('/page.png');
      case '/to-other-loopback': return to(`http://127.0.0.2:${server.port}/page.png`);
      case '/loop': return to('/loop');
      default: return void res.writeHead(404).end('nope');
    }
  });
  // the test's explicit exception: http, and 127.0.0.1 only
  client = createHttpClient(createUrlPolicy({ allowHttp: true, allowAddresses: ['127.0.0.1/32'], allowedHosts: [] }), limits);
});
afterAll(() => server.close());

describe('guarded HTTP client', () => {
  it('fetches from an explicitly allowed address and follows redirects', async () => {
    expect(await get('/page.png')).toEqual(BODY);
    expect(await get('/to-page')).toEqual(BODY);
  });

  it('refuses loopback by default, before connecting, for IP literals and for names after DNS', async () => {
    const strict = createHttpClient(createUrlPolicy({ allowHttp: true, allowAddresses: [], allowedHosts: [] }), limits);
    const before = server.hits.length;
    await expect(get('/page.png', 1000, strict)).rejects.toMatchObject({
      code: 'URL_REFUSED',
      message: 'images[0].url: 127.0.0.1 is a loopback address; only public addresses are fetched',
    });
    await expect(fetchBytes(strict, `http://localhost:${server.port}/page.png`, { maxBytes: 1000, tooLarge: 'PAGE_TOO_LARGE', path: 'images[0].url' })).rejects.toMatchObject({
      code: 'URL_REFUSED',
      message: expect.stringMatching(/^images\[0\]\.url: host localhost resolves to (127\.0\.0\.1|::1), a loopback address/),
    });
    expect(server.hits.length).toBe(before);
  });

  it('refuses http unless allowed', async () => {
    const httpsOnly = createHttpClient(createUrlPolicy({ allowHttp: false, allowAddresses: ['127.0.0.1/32'], allowedHosts: [] }), limits);
    await expect(get('/page.png', 1000, httpsOnly)).rejects.toMatchObject({ code: 'URL_REFUSED', message: 'images[0].url: only https URLs are fetched, not http:' });
  });

  it('re-checks every redirect', async () => {
    await expect(get('/to-other-loopback')).rejects.toMatchObject({
      code: 'URL_REFUSED',
      message: `images[0].url (redirected to http://127.0.0.2:${server.port}/page.png): 127.0.0.2 is a loopback address; only public addresses are fetched`,
    });
    await expect(get('/loop')).rejects.toMatchObject({ code: 'FETCH', message: 'images[0].url: more than 3 redirects' });
  });

  it('never redirects a POST or PUT: the 3xx comes back as it is and nothing is sent on', async () => {
    for (const method of ['POST', 'PUT'] as const) {
      const before = server.hits.length;
      const res = await client(`${server.origin}/to-page`, { method, body: Buffer.from('{}'), maxBytes: 1000, tooLarge: 'FETCH', path: 'webhook' });
      expect(res.status).toBe(302);
      expect(server.hits.slice(before)).toEqual(['/to-page']);
    }
  });

  it('caps the body by its declared length and while reading', async () => {
    await expect(get('/declared-big')).rejects.toMatchObject({ code: 'PAGE_TOO_LARGE', message: 'images[0].url: the answer is larger than the limit of 1000 bytes' });
    await expect(get('/chunked-big')).rejects.toMatchObject({ code: 'PAGE_TOO_LARGE' });
    expect(await get('/chunked-big', 5000)).toHaveLength(5000);
  });

  it('caps the time of the whole exchange', async () => {
    const quick = createHttpClient(createUrlPolicy({ allowHttp: true, allowAddresses: ['127.0.0.1/32'], allowedHosts: [] }), { ...limits, timeoutMs: 300 });
    // /slow never ends: only the 300 ms timeout can settle this
    await expect(get('/slow', 1000, quick)).rejects.toMatchObject({ code: 'FETCH', message: `images[0].url: no complete answer from 127.0.0.1:${server.port} within 300 ms` });
  });

  it('reports HTTP errors without the query string, and cancellation as ABORTED', async () => {
    await expect(fetchBytes(client, `${server.origin}/missing.png?X-Amz-Signature=secret`, { maxBytes: 1000, tooLarge: 'FETCH', path: 'archive.url' })).rejects.toMatchObject({
      code: 'FETCH',
      message: `archive.url: HTTP 404 from ${server.origin}/missing.png`,
    });
    const ctl = new AbortController();
    const asked = server.hits.filter((h) => h === '/slow').length;
    const run = fetchBytes(client, `${server.origin}/slow`, { maxBytes: 1000, tooLarge: 'FETCH', path: 'archive.url', signal: ctl.signal });
    // cancel once the request is in flight (the server has it; its answer never ends)
    await vi.waitFor(() => expect(server.hits.filter((h) => h === '/slow')).toHaveLength(asked + 1));
    ctl.abort();
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
