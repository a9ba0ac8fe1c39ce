import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { MokuroVolume } from '../src/contract/mokuro.ts';
import { PackedOutput, ProcessOutput } from '../src/contract/output.ts';
import { createHandler, type Handler } from '../src/handler/create-handler.ts';
import { silentLogger } from '../src/logger.ts';
import type { PageOcr } from '../src/pipeline/page-ocr.ts';
import { startFakeS3 } from './helpers/fake-s3.ts';
import { startLoopbackServer, type LoopbackServer } from './helpers/loopback-server.ts';
import { blankPage } from './helpers/pages.ts';
import { lieAboutSizes, makeZip } from './helpers/zip.ts';

/**
 * Whole volumes through the handler with a fake page OCR (fast, many pages): archives in every
 * form, URL inputs from a loopback server, the address policy, gzip output and the upload.
 */
const fakeOcr: PageOcr = {
  providers: { detector: 'cpu' },
  standIn: true,
  processPage: async () => ({ blocks: [], lines: 0, timings: { detector_ms: 1 } }),
};
const png = async (width: number) => Buffer.from(await blankPage(width, 10), 'base64');
const handlerWith = (env: Record<string, string>): Handler =>
  createHandler({ worker: Promise.resolve({ ocr: fakeOcr, models: [] }), config: loadConfig([], env), log: silentLogger() });
// the tests' explicit exception to the address policy: plain http to 127.0.0.1 only
const LOOPBACK_ALLOWED = { FETCH_ALLOW_HTTP: '1', FETCH_ALLOW_ADDRESSES: '127.0.0.1' };
const doc = (result: unknown) => ProcessOutput.parse(result).mokuro;
const pagesOf = (result: unknown) => doc(result).pages.map((p) => [p.img_path, p.img_width]);

let files: Record<string, Buffer>;
let server: LoopbackServer;
beforeAll(async () => {
  files = {
    '/Vol%2003.cbz': makeZip({ 'p10.png': await png(10), 'p2.png': await png(2), 'p1.png': await png(1) }),
    '/big.cbz': makeZip({ 'p1.png': Buffer.alloc(3000, 1) }, 0),
  };
  server = await startLoopbackServer((req, res) => {
    const body = files[(req.url ?? '').split('?')[0]];
    if (req.url === '/moved.cbz') return void res.writeHead(302, { location: '/Vol%2003.cbz' }).end();
    if (req.url === '/slow.cbz') return void res.writeHead(200).write('PK'); // never finishes
    if (req.url === '/to-metadata.cbz') return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    res.writeHead(body ? 200 : 404).end(body);
  });
});
afterAll(() => server.close());

describe('archive input (CBZ/ZIP as base64)', () => {
  it('takes the image entries in natural order, skips junk, names the volume from the archive', async () => {
    const cbz = makeZip({
      'Vol 1/page10.png': await png(10),
      'Vol 1/page2.png': await png(2),
      'Vol 1/page1.png': await png(1),
      '__MACOSX/Vol 1/._page1.png': Buffer.from('resource fork'),
      'Vol 1/Thumbs.db': Buffer.from('thumbs'),
      'Vol 1/notes.txt': Buffer.from('hello'),
    });
    const result = await handlerWith({})({ input: { type: 'process_batch', archive: { data: cbz.toString('base64'), name: 'My Manga/Vol 1.cbz' } } });
    expect(doc(result)).toMatchObject({ title: 'My Manga', volume: 'Vol 1' });
    // one top folder named like the volume is flattened, as Mokuro does when it unzips
    expect(pagesOf(result)).toEqual([['page1.png', 1], ['page2.png', 2], ['page10.png', 10]]);
  });

  it('orders nested folders naturally and keeps a ../ entry under a safe name', async () => {
    const cbz = makeZip({ 'ch10/p1.png': await png(101), 'ch2/p10.png': await png(210), '../evil.png': await png(66), 'ch2/p1.png': await png(21) });
    const result = await handlerWith({})({ input: { type: 'process_batch', title: 'T', archive: { data: cbz.toString('base64') } } });
    expect(pagesOf(result)).toEqual([['ch2/p1.png', 21], ['ch2/p10.png', 210], ['ch10/p1.png', 101], ['evil.png', 66]]);
    expect(doc(result)).toMatchObject({ title: 'T', volume: 'T' });
  });

  it('refuses a zip bomb before inflating it', async () => {
    const cbz = makeZip({ 'p1.png': await png(1), 'bomb.png': Buffer.alloc(20 * 1024 * 1024) }, 9);
    const result = await handlerWith({})({ input: { type: 'process_batch', archive: { data: cbz.toString('base64') } } });
    expect(result).toMatchObject({ code: 'ARCHIVE_TOO_LARGE', error: expect.stringMatching(/^archive: entry "bomb\.png" would expand \d+× .* over the limit of 100×: refusing a possible zip bomb$/) });
  });

  it('stops an entry that inflates past the size it declares, keeping the other pages', async () => {
    const cbz = lieAboutSizes(makeZip({ 'p1.png': await png(1), 'p2.png': Buffer.alloc(3_000_000), 'p3.png': await png(3) }, 9), 1000, 1);
    const result = await handlerWith({})({ input: { type: 'process_batch', archive: { data: cbz.toString('base64') } } });
    expect(pagesOf(result)).toEqual([['p1.png', 1], ['p3.png', 3]]);
    expect(ProcessOutput.parse(result).errors).toEqual([
      { page_index: 1, img_path: 'p2.png', code: 'ARCHIVE', message: expect.stringMatching(/^archive: entry "p2\.png": the entry is corrupt \(too many bytes/) },
    ]);
  });

  it('says clearly when the caps are reached or the data is no archive', async () => {
    const three = makeZip({ 'a.png': await png(1), 'b.png': await png(1), 'c.png': await png(1) });
    const run = (env: Record<string, string>, data: string) => handlerWith(env)({ input: { type: 'process_batch', archive: { data } } });
    expect(await run({ MAX_ARCHIVE_ENTRIES: '2' }, three.toString('base64'))).toEqual({ code: 'ARCHIVE_TOO_LARGE', error: 'archive: 3 entries is over the limit of 2 entries per archive' });
    expect(await run({ MAX_ARCHIVE_BYTES: '100' }, three.toString('base64'))).toEqual({ code: 'ARCHIVE_TOO_LARGE', error: 'archive.data: the archive is larger than the limit of 100 bytes' });
    expect(await run({ MAX_PAGES: '2' }, three.toString('base64'))).toEqual({ code: 'TOO_MANY_PAGES', error: 'archive: 3 pages is over the limit of 2 pages per job' });
    expect(await run({}, Buffer.from('plain text, not a zip').toString('base64'))).toMatchObject({ code: 'ARCHIVE', error: expect.stringMatching(/^archive: not a ZIP\/CBZ archive/) });
    expect(await run({}, makeZip({ 'readme.txt': Buffer.from('x') }).toString('base64'))).toMatchObject({ code: 'NO_PAGES' });
  });

  it('wants images or an archive, not both', async () => {
    expect(await handlerWith({})({ input: { type: 'process_batch', images: ['x'], archive: { data: 'x' } } })).toEqual({
      code: 'INVALID_INPUT',
      error: 'images: expected either images or archive (exactly one)',
    });
  });
});

describe('URL inputs from a loopback server', () => {
  it('fetches an archive by URL (through a redirect) and names the volume from the URL', async () => {
    const result = await handlerWith(LOOPBACK_ALLOWED)({ input: { type: 'process_batch', archive: { url: `${server.origin}/Vol%2003.cbz?X-Amz-Signature=abc` } } });
    expect(doc(result)).toMatchObject({ title: 'Vol 03', volume: 'Vol 03' });
    expect(pagesOf(result)).toEqual([['p1.png', 1], ['p2.png', 2], ['p10.png', 10]]);
    const moved = await handlerWith(LOOPBACK_ALLOWED)({ input: { type: 'process_batch', archive: { url: `${server.origin}/moved.cbz`, name: 'Series/Vol 3.cbz' } } });
    expect(doc(moved)).toMatchObject({ title: 'Series', volume: 'Vol 3' });
    expect(pagesOf(moved)).toHaveLength(3);
  });

  it('fetches pages by URL next to inline ones', async () => {
    files['/pages/a.png'] = await png(5);
    const images = [{ url: `${server.origin}/pages/a.png` }, (await png(6)).toString('base64')];
    expect(pagesOf(await handlerWith(LOOPBACK_ALLOWED)({ input: { type: 'process_batch', images } }))).toEqual([['a.png', 5], ['0002.png', 6]]);
  });

  it('refuses loopback, and redirects to private or metadata addresses, unless allowed', async () => {
    const url = `${server.origin}/Vol%2003.cbz`;
    const before = server.hits.length;
    expect(await handlerWith({})({ input: { type: 'process_batch', archive: { url } } })).toEqual({ code: 'URL_REFUSED', error: 'archive.url: only https URLs are fetched, not http:' });
    expect(await handlerWith({ FETCH_ALLOW_HTTP: '1' })({ input: { type: 'process_batch', archive: { url } } })).toEqual({
      code: 'URL_REFUSED',
      error: 'archive.url: 127.0.0.1 is a loopback address; only public addresses are fetched',
    });
    expect(server.hits.length).toBe(before);
    expect(await handlerWith(LOOPBACK_ALLOWED)({ input: { type: 'process_batch', archive: { url: `${server.origin}/to-metadata.cbz` } } })).toEqual({
      code: 'URL_REFUSED',
      error: 'archive.url (redirected to http://169.254.169.254/latest/meta-data/): 169.254.169.254 is a link-local address (where cloud metadata services live); only public addresses are fetched',
    });
    expect(await handlerWith({ ...LOOPBACK_ALLOWED, FETCH_ALLOWED_HOSTS: 'cdn.example.com' })({ input: { type: 'process_batch', archive: { url } } })).toEqual({
      code: 'URL_REFUSED',
      error: 'archive.url: host 127.0.0.1 is not on the allow-list (FETCH_ALLOWED_HOSTS)',
    });
  });

  it('caps the download time', async () => {
    const t0 = Date.now();
    expect(await handlerWith({ ...LOOPBACK_ALLOWED, FETCH_TIMEOUT_MS: '300' })({ input: { type: 'process_batch', archive: { url: `${server.origin}/slow.cbz` } } })).toEqual({
      code: 'FETCH',
      error: `archive.url: no complete answer from 127.0.0.1:${server.port} within 300 ms`,
    });
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('caps the archive download and reports HTTP errors', async () => {
    expect(await handlerWith({ ...LOOPBACK_ALLOWED, MAX_ARCHIVE_BYTES: '1000' })({ input: { type: 'process_batch', archive: { url: `${server.origin}/big.cbz` } } })).toEqual({
      code: 'ARCHIVE_TOO_LARGE',
      error: 'archive.url: the answer is larger than the limit of 1000 bytes',
    });
    expect(await handlerWith(LOOPBACK_ALLOWED)({ input: { type: 'process_batch', archive: { url: `${server.origin}/gone.cbz` } } })).toEqual({
      code: 'FETCH',
      error: `archive.url: HTTP 404 from ${server.origin}/gone.cbz`,
    });
  });
});

describe('page names a reader resolves as URLs', () => {
  it('keeps inline and archive page names inside the volume folder', async () => {
    const data = (await png(3)).toString('base64');
    const images = [{ name: 'https://evil/x.png', data }, { name: 'file:///etc/passwd', data }, { name: '第1話/001.jpg?v=2#top', data }];
    expect(pagesOf(await handlerWith({})({ input: { type: 'process_batch', images } }))).toEqual([
      ['https_/evil/x.png', 3],
      ['file_/etc/passwd', 3],
      ['第1話/001.jpg_v=2_top', 3],
    ]);
    const cbz = makeZip({ 'javascript:x.png': await png(4), '第1話/001.jpg': await png(5) });
    expect(pagesOf(await handlerWith({})({ input: { type: 'process_batch', archive: { data: cbz.toString('base64') } } }))).toEqual([
      ['javascript_x.png', 4],
      ['第1話/001.jpg', 5],
    ]);
  });
});

describe('per-job pixel budget (MAX_JOB_PIXELS)', () => {
  it('refuses the pages that would take the job over its budget, from their headers, and keeps the rest', async () => {
    const images = await Promise.all([10, 10, 10, 5].map(async (w) => (await png(w)).toString('base64')));
    const out = ProcessOutput.parse(await handlerWith({ MAX_JOB_PIXELS: '250' })({ input: { type: 'process_batch', images } }));
    expect(pagesOf(out)).toEqual([['0001.png', 10], ['0002.png', 10], ['0004.png', 5]]);
    expect(out.errors).toEqual([
      { page_index: 2, img_path: '0003', code: 'TOO_MANY_PIXELS', message: 'images[2]: 10×10 pixels would bring the job to 300 pixels, over its budget of 250 pixels (MAX_JOB_PIXELS)' },
    ]);
  });
});

describe('output', () => {
  it('"gzip" answers the document gzipped and base64-encoded, with its file name', async () => {
    const out = PackedOutput.parse(await handlerWith({})({ input: { type: 'process_batch', volume: 'V 1', images: [(await png(3)).toString('base64')], output: 'gzip' } }));
    expect(out.mokuro_file).toBe('V 1.mokuro.gz');
    const mokuro = MokuroVolume.parse(JSON.parse(gunzipSync(Buffer.from(out.mokuro_gzip!, 'base64')).toString('utf8')));
    expect(mokuro).toMatchObject({ volume: 'V 1', pages: [{ img_path: '0001.png', img_width: 3 }] });
  });

  it('"upload" stores the .mokuro in the s3Config bucket and answers a link to it', async () => {
    const s3 = await startFakeS3();
    try {
      const s3Config = { accessId: 'AKID', accessSecret: 'SECRET', bucketName: 'volumes', endpointUrl: s3.origin };
      const input = { type: 'process_batch', volume: 'V 2', images: [(await png(4)).toString('base64')], output: 'gzip', upload: true };
      const out = PackedOutput.parse(await handlerWith(LOOPBACK_ALLOWED)({ id: 'job-7', input, s3Config }));
      expect(out).not.toHaveProperty('mokuro_gzip');
      expect(s3.objects.map((o) => o.path)).toEqual(['/volumes/job-7/V%202.mokuro.gz']);
      const stored = Buffer.from(await (await fetch(out.mokuro_url!)).arrayBuffer());
      expect(JSON.parse(gunzipSync(stored).toString('utf8'))).toMatchObject({ volume: 'V 2', pages: [{ img_width: 4 }] });
    } finally {
      await s3.close();
    }
  });

  it('"upload" to a refused endpoint fails the job before any page reaches the models', async () => {
    let pagesRun = 0;
    const counting: PageOcr = { ...fakeOcr, processPage: async (...args) => (pagesRun++, fakeOcr.processPage(...args)) };
    const handler = createHandler({ worker: Promise.resolve({ ocr: counting, models: [] }), config: loadConfig([], {}), log: silentLogger() });
    const images = await Promise.all([1, 2, 3].map(async (w) => (await png(w)).toString('base64')));
    const input = { type: 'process_batch', images, upload: true };
    const s3Config = { accessId: 'AKID', accessSecret: 'SECRET', bucketName: 'volumes' };
    expect(await handler({ input, s3Config: { ...s3Config, endpointUrl: 'https://169.254.169.254/' } })).toEqual({
      code: 'URL_REFUSED',
      error: 's3Config.endpointUrl: 169.254.169.254 is a link-local address (where cloud metadata services live); only public addresses are fetched',
    });
    expect(await handler({ input, s3Config: { ...s3Config, endpointUrl: 'http://s3.example.com/' } })).toEqual({
      code: 'URL_REFUSED',
      error: 's3Config.endpointUrl: only https URLs are fetched, not http:',
    });
    expect(await handler({ input, s3Config: { ...s3Config, endpointUrl: 'https://localhost:9000/' } })).toMatchObject({
      code: 'URL_REFUSED',
      error: expect.stringMatching(/^s3Config\.endpointUrl: host localhost resolves to (127\.0\.0\.1|::1), a loopback address/),
    });
    expect(pagesRun).toBe(0);
  });

  it('a failed upload answers the document inline, with an UPLOAD entry in errors', async () => {
    const s3 = await startFakeS3({ status: 403 });
    try {
      const s3Config = { accessId: 'AKID', accessSecret: 'SECRET', bucketName: 'volumes', endpointUrl: s3.origin };
      const images = [(await png(4)).toString('base64'), 'not-an-image'];
      const asJson = ProcessOutput.parse(await handlerWith(LOOPBACK_ALLOWED)({ id: 'job-8', input: { type: 'process_batch', volume: 'V 3', images, upload: true }, s3Config }));
      expect(asJson.mokuro).toMatchObject({ volume: 'V 3', pages: [{ img_path: '0001.png', img_width: 4 }] });
      expect(asJson.errors).toEqual([
        expect.objectContaining({ page_index: 1, code: 'IMAGE_DECODE' }),
        { code: 'UPLOAD', field: 's3Config', message: 's3Config: bucket volumes answered HTTP 403 (AccessDenied) to the upload' },
      ]);
      const asGzip = PackedOutput.parse(await handlerWith(LOOPBACK_ALLOWED)({ id: 'job-9', input: { type: 'process_batch', volume: 'V 3', images, upload: true, output: 'gzip' }, s3Config }));
      expect(asGzip).toMatchObject({ mokuro_file: 'V 3.mokuro.gz', errors: [{ page_index: 1 }, { code: 'UPLOAD', field: 's3Config' }] });
      expect(asGzip).not.toHaveProperty('mokuro_url');
      expect(JSON.parse(gunzipSync(Buffer.from(asGzip.mokuro_gzip!, 'base64')).toString('utf8'))).toMatchObject({ volume: 'V 3', pages: [{ img_width: 4 }] });
    } finally {
      await s3.close();
    }
  });

  it('"upload" without an s3Config, or with a bad one, is an input error', async () => {
    const input = { type: 'process_page', image: (await png(3)).toString('base64'), upload: true };
    expect(await handlerWith({})({ input })).toEqual({ code: 'INVALID_INPUT', error: 'upload: the job carries no s3Config to upload to' });
    expect(await handlerWith({})({ input, s3Config: { accessId: 'a', bucketName: 'b', endpointUrl: 'https://s3.example.com' } })).toMatchObject({
      code: 'INVALID_INPUT',
      error: expect.stringMatching(/^s3Config\.accessSecret: /),
    });
  });
});
