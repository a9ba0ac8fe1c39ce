import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blankPage } from '../../test/helpers/pages.ts';
import { startLoopbackServer, type LoopbackServer } from '../../test/helpers/loopback-server.ts';
import { silentLogger } from '../logger.ts';
import { createHttpClient } from '../net/guarded-request.ts';
import { createUrlPolicy } from '../net/url-policy.ts';
import type { PageOcr } from '../pipeline/page-ocr.ts';
import { processJob } from '../pipeline/process-job.ts';
import { inlinePageSource } from './page-source.ts';

const events: string[] = [];
let server: LoopbackServer;
let png: Buffer;
const client = createHttpClient(createUrlPolicy({ allowHttp: true, allowAddresses: ['127.0.0.1/32'], allowedHosts: [] }), { timeoutMs: 5000, maxRedirects: 2 });
const limits = { maxPages: 100, maxPageBytes: 1e6, maxPagePixels: 1e8, maxPageSide: 1e5 };

/** Resolves when the server has been asked for page `n` (pages are n px wide, served as /p<n>.png). */
let fetched: Map<number, () => void>;
const asked = new Map<number, Promise<void>>();
function expectFetch(n: number) {
  asked.set(n, new Promise<void>((r) => fetched.set(n, r)));
}

/**
 * A page OCR that logs when a page starts and ends, to see the overlap. It holds page 1 until page 4
 * has been requested (5 s at most, so a source that does not fetch ahead fails the order check
 * below instead of hanging).
 */
const slowOcr: PageOcr = {
  providers: { detector: 'cpu' },
  standIn: true,
  async processPage(image) {
    const page = image.width;
    events.push(`ocr ${page}`);
    const ahead = page === 1 ? asked.get(4) : undefined;
    if (ahead) await Promise.race([ahead, new Promise((r) => setTimeout(r, 5000).unref())]);
    events.push(`ocr ${page} done`);
    return { blocks: [], lines: 0, timings: {} };
  },
};

beforeAll(async () => {
  server = await startLoopbackServer(async (req, res) => {
    const m = /^\/p(\d+)\.png$/.exec(req.url ?? '');
    if (!m) return void res.writeHead(404).end();
    events.push(`fetch ${m[1]}`);
    fetched?.get(Number(m[1]))?.();
    res.end(Buffer.from(await blankPage(Number(m[1]), 10), 'base64'));
  });
  png = Buffer.from(await blankPage(7, 7), 'base64');
});
afterAll(() => server.close());

describe('inlinePageSource', () => {
  it('fetches URL pages ahead while earlier pages are in the models', async () => {
    events.length = 0;
    fetched = new Map();
    expectFetch(4);
    const pages = [1, 2, 3, 4, 5].map((n) => ({ url: `${server.origin}/p${n}.png` }));
    const source = inlinePageSource(pages, 'images', { client, fetchAhead: 3, maxPageBytes: limits.maxPageBytes });
    const out = await processJob({ source, options: {} }, { ocr: slowOcr, limits, log: silentLogger(), workerVersion: 't' });
    expect(out.mokuro.pages.map((p) => p.img_path)).toEqual(['p1.png', 'p2.png', 'p3.png', 'p4.png', 'p5.png']);
    // pages 2–4 were downloaded before the models finished page 1
    expect(events.indexOf('fetch 4')).toBeLessThan(events.indexOf('ocr 1 done'));
    expect(events.filter((e) => e.startsWith('fetch'))).toHaveLength(5);
  });

  it('mixes inline and URL pages, names URL pages by their file name, and keeps going past a failed download', async () => {
    const pages = [png.toString('base64'), { url: `${server.origin}/missing.png?sig=secret` }, { url: `${server.origin}/p9.png`, name: 'ch1/nine.png' }];
    const source = inlinePageSource(pages, 'images', { client, fetchAhead: 1, maxPageBytes: limits.maxPageBytes });
    expect(source.nameHint(1)).toBe('missing.png');
    const out = await processJob({ source, options: {} }, { ocr: slowOcr, limits, log: silentLogger(), workerVersion: 't' });
    expect(out.mokuro.pages.map((p) => [p.img_path, p.img_width])).toEqual([['0001.png', 7], ['ch1/nine.png', 9]]);
    expect(out.errors).toEqual([
      { page_index: 1, img_path: 'missing.png', code: 'FETCH', message: `images[1].url: HTTP 404 from ${server.origin}/missing.png` },
    ]);
  });

  it('caps each download at the page byte limit', async () => {
    const source = inlinePageSource([{ url: `${server.origin}/p50.png` }], 'image', { client, fetchAhead: 0, maxPageBytes: 20 });
    await expect(source.load(0, { ...limits, maxPageBytes: 20 })).rejects.toMatchObject({ code: 'PAGE_TOO_LARGE', message: 'image.url: the answer is larger than the limit of 20 bytes' });
  });
});
