import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { unzipSync, zipSync } from 'fflate';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MokuroVolume } from '../src/contract/mokuro.ts';
import type { Handler } from '../src/handler/create-handler.ts';
import { silentLogger } from '../src/logger.ts';
import { buildApi } from '../src/runners/local-api/build-api.ts';
import { startLoopbackServer } from './helpers/loopback-server.ts';
import { blankPage } from './helpers/pages.ts';
import { SYNTHETIC_PAGES } from './helpers/fixtures.ts';
import { standInHandler } from './helpers/stand-in-handler.ts';

/**
 * The demo page in headless Chromium (Debian's package, driven by playwright-core; playwright never
 * downloads a browser here) against the local API running the real pipeline on the tiny stand-in
 * models, behind an API key so the page's 401 → ask → retry path is exercised too.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const NO_CHROMIUM = `skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
if (!HAVE_CHROMIUM) console.warn(`demo page browser test ${NO_CHROMIUM}`);

// The machine's network is closed: without these, Chromium retries Google's hosts at every start.
// playwright's launch() already gives each run a fresh temporary --user-data-dir.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const ROOT = path.resolve(import.meta.dirname, '..');
const PAGES = SYNTHETIC_PAGES;
const ARTIFACTS = path.join(ROOT, 'artifacts');
const KEY = 'demo-key';

function api(handler: Handler, apiKey?: string) {
  return buildApi({ handler, log: silentLogger(), concurrency: 1, maxQueue: 10, maxBodyBytes: 20 * 1024 * 1024, apiKey }).app;
}

describe('demo page routes', () => {
  const noJobs: Handler = async () => ({ error: 'not used', code: 'INTERNAL' });

  it('serves the page and its files without a key, the API only with one', async () => {
    const app = api(noJobs, KEY);
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.body).toContain('<script type="module" src="demo/app.js">');
    for (const file of ['app.js', 'api.js', 'card.js', 'overlay.js', 'pages.js', 'unzip.js', 'zip.js']) {
      const js = await app.inject({ method: 'GET', url: `/demo/${file}` });
      expect([file, js.statusCode, js.headers['content-type']]).toEqual([file, 200, 'text/javascript; charset=utf-8']);
    }
    expect((await app.inject({ method: 'GET', url: '/demo/demo.css' })).headers['content-type']).toMatch(/^text\/css/);
    expect((await app.inject({ method: 'GET', url: '/demo/..%2Fbuild-api.ts' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/demo/nope.js' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/run', payload: { input: {} } })).statusCode).toBe(401);
    await app.close();
  });
});

describe.skipIf(!HAVE_CHROMIUM)('demo page in headless Chromium', () => {
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let handler: Handler;

  beforeAll(async () => {
    handler = (await standInHandler()).handler;
    app = api(handler, KEY);
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Everything measured in the page, relative to each page image's displayed box. */
  const measure = (page: Page) =>
    page.$$eval('.page[data-state="done"]', (cards: any[]) =>
      cards.map((card) => {
        const img = card.querySelector('.sheet img');
        const r = img.getBoundingClientRect();
        const rel = (el: any) => {
          const b = el.getBoundingClientRect();
          return [b.left - r.left, b.top - r.top, b.right - r.left, b.bottom - r.top];
        };
        return {
          natural: [img.naturalWidth, img.naturalHeight],
          shown: [r.width, r.height],
          blocks: Array.from(card.querySelectorAll('.block'), (b: any) => ({
            rect: rel(b),
            lines: Array.from(b.querySelectorAll('.line'), (l: any) => ({
              rect: rel(l),
              text: l.textContent,
              writingMode: (globalThis as any).getComputedStyle(l).writingMode,
            })),
          })),
        };
      }),
    );

  const near = (got: number[], want: number[], tolerance = 1.5) =>
    expect(got.every((v, i) => Math.abs(v - want[i]) <= tolerance), `${got.map((v) => v.toFixed(1))} ≈ ${want.map((v) => v.toFixed(1))}`).toBe(true);

  it('uploads two pages, asks for the key, draws the blocks where the API put them, and downloads the volume', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${base}/`);

    const files = ['page-001.png', 'page-002.png'].map((f) => path.join(PAGES, f));
    // A third "page" that is not an image: it must fail on its own, in plain words.
    const asUpload = (file: string) => ({ name: path.basename(file), mimeType: 'image/png', buffer: readFileSync(file) });
    await page.setInputFiles('#files', [...files.map(asUpload), { name: 'zz-broken.png', mimeType: 'image/png', buffer: Buffer.from('not an image') }]);
    await expect.poll(() => page.textContent('#chosen')).toContain('3 pages: page-001.png, page-002.png, zz-broken.png');
    await page.fill('#title', 'Demo Chapter');

    const submitted = page.waitForResponse((r) => r.url() === `${base}/run` && r.status() === 200);
    await page.click('#submit');
    // The server wants a key: the first /run answers 401 and the page asks for one.
    await page.waitForSelector('#key-form:not([hidden])');
    expect(await page.textContent('#key-message')).toContain('wants an API key');
    await page.fill('#key', KEY);
    await page.click('#key-form button[type="submit"]');
    const { id } = await (await submitted).json();

    // The run is over when the submit button is back; then its closing words say how it went.
    await page.waitForSelector('#submit:not([disabled])', { timeout: 150_000 });
    expect(await page.textContent('#job-status')).toMatch(/^Done: 2 pages, \d+ lines .* 1 page could not be processed/);
    const status = (await (await fetch(`${base}/status/${id}`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as { status: string; output: { mokuro: MokuroVolume } };
    expect(status.status).toBe('COMPLETED');
    const doc = status.output.mokuro;
    expect(doc.pages.map((p) => p.img_path)).toEqual(['page-001.png', 'page-002.png']);
    expect(doc.title).toBe('Demo Chapter');

    // Per-page states, and the broken file's error in plain words.
    expect(await page.$$eval('.page', (els: any[]) => els.map((e) => e.dataset.state))).toEqual(['done', 'done', 'error']);
    expect(await page.textContent('.page:nth-child(3) .page-error')).toMatch(/^This file could not be read as an image\. \(images\[2\]/);

    // Blocks and lines where the API put them, scaled to the displayed image size.
    await page.mouse.move(0, 0); // hovering a block reveals (and so resizes) its lines
    await page.waitForFunction(() => Array.from((globalThis as any).document.images, (i: any) => i.complete).every(Boolean));
    const shown = await measure(page);
    doc.pages.forEach((p, i) => {
      const m = shown[i];
      expect(m.natural).toEqual([p.img_width, p.img_height]);
      const scale = m.shown[0] / p.img_width;
      expect(m.shown[1] / p.img_height).toBeCloseTo(scale, 3);
      expect(m.blocks).toHaveLength(p.blocks.length);
      expect(p.blocks.length).toBeGreaterThan(0);
      p.blocks.forEach((b, j) => {
        near(m.blocks[j].rect, b.box.map((v) => v * scale));
        b.lines_coords.forEach((quad, k) => {
          const xs = quad.map((q) => q[0]);
          const ys = quad.map((q) => q[1]);
          near(m.blocks[j].lines[k].rect, [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)].map((v) => v * scale));
          expect(m.blocks[j].lines[k].text).toBe(b.lines[k]);
          expect(m.blocks[j].lines[k].writingMode).toBe(b.vertical ? 'vertical-rl' : 'horizontal-tb');
        });
      });
    });
    expect(doc.pages.some((p) => p.blocks.some((b) => b.vertical))).toBe(true);

    // Text is selectable: select a line through the DOM selection API and read it back.
    const firstLine = doc.pages[0].blocks[0].lines[0];
    const selected = await page.$eval('.page .line', (line: any) => {
      const g = globalThis as any;
      const range = g.document.createRange();
      range.selectNodeContents(line);
      const sel = g.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      return { text: sel.toString(), userSelect: g.getComputedStyle(line).userSelect };
    });
    expect(selected).toEqual({ text: firstLine, userSelect: 'text' });
    // Hover reveals a block's text; the box toggle hides the outlines.
    const color = () => page.$eval('.page .line', (l: any) => (globalThis as any).getComputedStyle(l).color);
    expect(await color()).toBe('rgba(0, 0, 0, 0)');
    await page.hover('.page .block');
    expect(await color()).not.toBe('rgba(0, 0, 0, 0)');
    await page.uncheck('#show-boxes');
    expect(await page.$eval('.page .block', (b: any) => (globalThis as any).getComputedStyle(b).boxShadow)).toBe('none');
    await page.check('#show-boxes');

    // The .mokuro download is the API's document; the zip holds it and the images by img_path.
    const [mokuro] = await Promise.all([page.waitForEvent('download'), page.click('#download-mokuro')]);
    expect(mokuro.suggestedFilename()).toBe('Demo Chapter.mokuro');
    expect(JSON.parse(readFileSync(await mokuro.path(), 'utf8'))).toEqual(doc);
    const [zip] = await Promise.all([page.waitForEvent('download'), page.click('#download-zip')]);
    expect(zip.suggestedFilename()).toBe('Demo Chapter.zip');
    const entries = unzipSync(readFileSync(await zip.path()));
    expect(Object.keys(entries)).toEqual(['Demo Chapter.mokuro', 'Demo Chapter/page-001.png', 'Demo Chapter/page-002.png']);
    expect(JSON.parse(Buffer.from(entries['Demo Chapter.mokuro']).toString('utf8'))).toEqual(doc);
    expect(Buffer.from(entries['Demo Chapter/page-001.png']).equals(readFileSync(files[0]))).toBe(true);

    // Artifacts to look at: the desktop page with one block's text revealed as a tap reveals it,
    // and a phone-sized view.
    await page.evaluate(() => (globalThis as any).getSelection().removeAllRanges());
    await page.mouse.move(0, 0);
    await page.focus('.page .block:nth-child(2)');
    await page.screenshot({ path: path.join(ARTIFACTS, 'demo-page.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'demo-page-phone.png'), fullPage: true });
    // On a phone the page must not scroll sideways.
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    expect(pageErrors).toEqual([]);
    await context.close();
  }, 180_000);

  /** A CBZ with pages out of natural order and Mac junk; fflate deflates, so the page inflates it. */
  const cbz = () =>
    Buffer.from(
      zipSync({
        'Vol 01/p10.png': readFileSync(path.join(PAGES, 'page-001.png')),
        'Vol 01/p2.png': readFileSync(path.join(PAGES, 'page-002.png')),
        '__MACOSX/Vol 01/._p2.png': new Uint8Array([0, 5, 22, 7]),
      }),
    );

  it('lists a CBZ\'s pages in natural order, junk left out', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.setInputFiles('#files', { name: 'Vol 01.cbz', mimeType: 'application/zip', buffer: cbz() });
    await expect.poll(() => page.textContent('#chosen')).toBe('Vol 01.cbz: 2 pages');
    await page.setInputFiles('#files', { name: 'notes.cbz', mimeType: 'application/zip', buffer: Buffer.from('not a zip') });
    await expect.poll(() => page.textContent('#chosen')).toBe('notes.cbz could not be opened: this file is not a ZIP/CBZ archive.');
    expect(await page.isDisabled('#submit')).toBe(true);
    await page.close();
  });

  it('works without a key from its own origin, while a page of another origin cannot drive the keyless API', async () => {
    const keyless = buildApi({ handler, log: silentLogger(), concurrency: 1, maxQueue: 10, maxBodyBytes: 20 * 1024 * 1024 });
    await keyless.app.listen({ host: '127.0.0.1', port: 0 });
    const own = `http://127.0.0.1:${(keyless.app.server.address() as AddressInfo).port}`;
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${own}/`);
      await page.setInputFiles('#files', { name: 'blank.png', mimeType: 'image/png', buffer: Buffer.from(await blankPage(64, 96), 'base64') });
      await expect.poll(() => page.textContent('#chosen')).toContain('blank.png');
      await page.click('#submit');
      await page.waitForSelector('#submit:not([disabled])', { timeout: 60_000 });
      expect(await page.textContent('#job-status')).toMatch(/^Done: 1 page/);

      // from a page of another origin, the "simple" requests any site may send
      const other = await startLoopbackServer((_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>another site</title>'));
      await page.goto(`${other.origin}/`);
      const jobs = () => {
        const c = keyless.store.counts();
        return c.completed + c.failed + c.inQueue + c.inProgress;
      };
      const before = jobs();
      const sent = await page.evaluate(async (target) => {
        const simple = async (route: string, init: Record<string, unknown>) => {
          await fetch(target + route, { method: 'POST', mode: 'no-cors', ...init });
          return route;
        };
        return [
          await simple('/run', { headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ input: { type: 'health' } }) }),
          await simple('/runsync', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: JSON.stringify({ input: { type: 'health' } }) }),
          await simple('/purge-queue', {}),
        ];
      }, own);
      expect(sent).toEqual(['/run', '/runsync', '/purge-queue']);
      expect(jobs()).toBe(before);
      await other.close();
    } finally {
      await context.close();
      await keyless.app.close();
    }
  }, 90_000);

  it('processes a CBZ as one archive job and shows its pages from the archive', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${base}/`);
    await page.setInputFiles('#files', { name: 'Vol 01.cbz', mimeType: 'application/zip', buffer: cbz() });
    await expect.poll(() => page.textContent('#chosen')).toBe('Vol 01.cbz: 2 pages');
    const submitted = page.waitForResponse((r) => r.url() === `${base}/run` && r.status() === 200);
    await page.click('#submit');
    await page.fill('#key', KEY); // a fresh context: the key is asked for again
    await page.click('#key-form button[type="submit"]');
    const { id } = await (await submitted).json();
    await page.waitForSelector('#submit:not([disabled])', { timeout: 150_000 });
    expect(await page.textContent('#job-status')).toMatch(/^Done: 2 pages/);
    const status = (await (await fetch(`${base}/status/${id}`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as { output: { mokuro: MokuroVolume } };
    const doc = status.output.mokuro;
    // `Vol 01/` is dropped from the paths (Mokuro flattens a folder named like the archive).
    expect(doc.pages.map((p) => p.img_path)).toEqual(['p2.png', 'p10.png']);
    expect(doc.volume).toBe('Vol 01');
    expect(await page.$$eval('.page .name', (els: any[]) => els.map((e) => e.textContent))).toEqual(['1. p2.png', '2. p10.png']);
    await page.waitForFunction(() => Array.from((globalThis as any).document.images, (i: any) => i.complete).every(Boolean));
    const shown = await measure(page);
    expect(shown.map((m) => m.natural)).toEqual(doc.pages.map((p) => [p.img_width, p.img_height]));
    expect(shown.map((m) => m.blocks.length)).toEqual(doc.pages.map((p) => p.blocks.length));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-mokuro')]);
    expect(JSON.parse(readFileSync(await download.path(), 'utf8'))).toEqual(doc);
    const [zip] = await Promise.all([page.waitForEvent('download'), page.click('#download-zip')]);
    const entries = unzipSync(readFileSync(await zip.path()));
    expect(Object.keys(entries)).toEqual(['Vol 01.mokuro', 'Vol 01/p2.png', 'Vol 01/p10.png']);
    expect(Buffer.from(entries['Vol 01/p2.png']).equals(readFileSync(path.join(PAGES, 'page-002.png')))).toBe(true);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 180_000);
});
