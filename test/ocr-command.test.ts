import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyModelsDir } from '../scripts/onnx/stand-in-fixture.ts';
import { localBackend } from '../src/cli/local-backend.ts';
import { remoteBackend, type RemoteOptions } from '../src/cli/remote-backend.ts';
import { runOcr, type RunOptions } from '../src/cli/run-ocr.ts';
import { loadConfig } from '../src/config.ts';
import { MokuroVolume } from '../src/contract/mokuro.ts';
import { createHandler } from '../src/handler/create-handler.ts';
import { silentLogger } from '../src/logger.ts';
import { loadModels } from '../src/models/load-models.ts';
import { createSessionPageOcr } from '../src/pipeline/create-session-page-ocr.ts';
import type { PageOcr } from '../src/pipeline/page-ocr.ts';
import { buildApi } from '../src/runners/local-api/build-api.ts';
import { renderPage } from './helpers/render-page.ts';
import { makeZip } from './helpers/zip.ts';

/**
 * The `ocr` command end to end, with the tiny generated stand-in models (they declare the real
 * models' inputs and outputs; the text is not real OCR): in this process, and against the local
 * API over real HTTP (RunPod's endpoint routes), plain and through a proxy that injects failures.
 * The library: a title folder with a volume folder (full-width page numbers) and a CBZ holding
 * its pages in a folder named like the volume; an older document of the title holds the
 * `title_uuid` to keep.
 */
const TITLE_UUID = '0b9c2f9e-4a47-4d7a-9d0e-1f1f3f6e8a21';
const fw = (n: number) => String(n).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
const FOLDER_PAGES = [1, 2, 3, 4, 5, 9, 10, 11].map((n) => `p${fw(n)}.png`); // natsort order
const CBZ_PAGES = ['001.png', '002.png', '003.png', '010.png', '020.png', '100.png'];

let template: string;
let ocr: PageOcr;
let api: { base: string; close(): Promise<void> };
const env = { EXECUTION_PROVIDERS: 'cpu', OCR_DECODING: 'greedy', ORT_INTRA_OP_THREADS: '1', PAGE_CACHE_ENTRIES: '0' };
const config = loadConfig([], env);
const work: string[] = [];

beforeAll(async () => {
  template = mkdtempSync(path.join(tmpdir(), 'ocr-cmd-'));
  const title = path.join(template, 'My Manga');
  mkdirSync(path.join(title, '第１巻'), { recursive: true });
  const page = async (i: number) =>
    (await renderPage(220, 300, [{ right: 180, top: 40 + (i % 3) * 10, size: 18, columns: ['テスト', `${i}頁`] }])).png;
  for (const [i, name] of FOLDER_PAGES.entries()) writeFileSync(path.join(title, '第１巻', name), await page(i));
  const cbz: Record<string, Buffer> = {};
  for (const [i, name] of CBZ_PAGES.entries()) cbz[`第２巻/${name}`] = await page(i + 20);
  writeFileSync(path.join(title, '第２巻.cbz'), makeZip(cbz));
  writeFileSync(path.join(title, '第０巻.mokuro'), JSON.stringify({ version: '0.2.5', title: 'My Manga', title_uuid: TITLE_UUID, volume: '第０巻', volume_uuid: '5e2a2f9e-4a47-4d7a-9d0e-1f1f3f6e8a21', pages: [] }));

  const log = silentLogger();
  const models = await loadModels({ ...config.models, dir: tinyModelsDir() }, log);
  ocr = createSessionPageOcr(models, config);
  const handler = createHandler({ worker: Promise.resolve({ ocr, models: [] }), config, log });
  const { app } = buildApi({ handler, log, concurrency: 2, maxQueue: 100, maxBodyBytes: 20 * 1024 * 1024 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  api = { base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
}, 60_000);

afterAll(async () => {
  await api?.close();
  for (const dir of [template, ...work]) rmSync(dir, { recursive: true, force: true });
});

/** A fresh copy of the library. */
function library(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ocr-lib-'));
  work.push(dir);
  cpSync(template, dir, { recursive: true });
  return dir;
}

const out: string[] = [];
function options(root: string, over: Partial<RunOptions>): RunOptions {
  return {
    paths: [],
    parentDir: path.join(root, 'My Manga'),
    cwd: root,
    force: false,
    yes: true,
    backend: async () => localBackend(ocr, config.limits, silentLogger()),
    archiveLimits: config.archive,
    write: (t) => out.push(t),
    tty: false,
    ...over,
  };
}

/** Remote options against `url`, keeping the page names of each /run body in `jobs`. */
function remote(url: string, jobs: string[][], over: Partial<RemoteOptions> = {}): RunOptions['backend'] {
  const counting: typeof fetch = async (input, init) => {
    if (String(input).endsWith('/run')) {
      const body = JSON.parse(String(init?.body)) as { input: { images: { name: string }[] } };
      jobs.push(body.input.images.map((i) => i.name));
    }
    return fetch(input, init);
  };
  // 0.012 MB: two or three pages per job, so every volume takes several jobs
  return async (hooks) => remoteBackend({ url, concurrency: 2, maxRequestBytes: 12_000, pollMs: 10, retryBaseMs: 5, maxAttempts: 4, fetch: counting, ...hooks, ...over });
}

const docsOf = (root: string) =>
  ['第１巻', '第２巻'].map((v) => MokuroVolume.parse(JSON.parse(readFileSync(path.join(root, 'My Manga', `${v}.mokuro`), 'utf8'))));

let localDocs: MokuroVolume[];

describe('ocr command', () => {
  it('OCRs a title folder in this process: both documents beside their volumes, pages in natsort order, the title uuid kept', async () => {
    const root = library();
    const summary = await runOcr(options(root, {}));
    expect(summary).toMatchObject({ exitCode: 0, failed: [], pagesOcred: 14 });
    localDocs = docsOf(root);
    expect(localDocs.map((d) => [d.title, d.volume, d.title_uuid])).toEqual([
      ['My Manga', '第１巻', TITLE_UUID],
      ['My Manga', '第２巻', TITLE_UUID],
    ]);
    expect(localDocs[0].pages.map((p) => p.img_path)).toEqual(FOLDER_PAGES);
    expect(localDocs[1].pages.map((p) => p.img_path)).toEqual(CBZ_PAGES);
    expect(localDocs.flatMap((d) => d.pages).every((p) => p.blocks.length > 0)).toBe(true);
    // Mokuro's cache layout: _ocr/<volume>/<page stem>.json, the page without img_path
    const cached = JSON.parse(readFileSync(path.join(root, 'My Manga', '_ocr', '第２巻', '010.json'), 'utf8'));
    expect(cached).toEqual((({ img_path: _, ...rest }) => rest)(localDocs[1].pages[3]));
  }, 120_000);

  it('on the local API over HTTP: stopped midway, run again, it resumes and writes what the in-process run wrote; a further run leaves the files alone', async () => {
    const root = library();
    const jobs: string[][] = [];
    const stop = new AbortController();
    const first = await runOcr(options(root, { backend: remote(api.base, jobs), volumesAtOnce: 2, signal: stop.signal, onPage: (n) => n >= 5 && stop.abort() }));
    expect(first).toMatchObject({ exitCode: 130, interrupted: true, written: [] });
    expect(existsSync(path.join(root, 'My Manga', '第１巻.mokuro'))).toBe(false);
    const cacheDir = (v: string) => path.join(root, 'My Manga', '_ocr', v);
    const cacheFiles = () => ['第１巻', '第２巻'].flatMap((v) => (existsSync(cacheDir(v)) ? readdirSync(cacheDir(v)) : []));
    const cachedAfterFirst = cacheFiles().length;
    expect(cachedAfterFirst).toBeGreaterThanOrEqual(5);
    expect(cachedAfterFirst).toBeLessThan(FOLDER_PAGES.length + CBZ_PAGES.length);

    jobs.length = 0;
    const second = await runOcr(options(root, { backend: remote(`${api.base}/v2/local-endpoint`, jobs), volumesAtOnce: 2 }));
    expect(second).toMatchObject({ exitCode: 0, failed: [], interrupted: false });
    const sent = jobs.flat();
    // several jobs per volume under the 12 000-byte cap
    expect(jobs.filter((j) => j.some((n) => CBZ_PAGES.includes(n))).length).toBeGreaterThanOrEqual(2);
    // only the pages the first run had not finished were sent, each once
    expect(sent.length).toBe(FOLDER_PAGES.length + CBZ_PAGES.length - cachedAfterFirst);
    expect(new Set(sent).size).toBe(sent.length);
    // uuids are derived the same way in both modes, so the documents are equal as a whole
    expect(docsOf(root)).toEqual(localDocs);

    const files = ['第１巻', '第２巻'].map((v) => path.join(root, 'My Manga', `${v}.mokuro`));
    const before = files.map((f) => ({ bytes: readFileSync(f), mtime: statSync(f).mtimeMs }));
    jobs.length = 0;
    const third = await runOcr(options(root, { backend: remote(api.base, jobs) }));
    expect(third).toMatchObject({ exitCode: 0, written: [], skipped: files });
    expect(jobs).toEqual([]);
    expect(files.map((f) => ({ bytes: readFileSync(f), mtime: statSync(f).mtimeMs }))).toEqual(before);
  }, 120_000);

  it('against a RunPod-shaped endpoint (/v2/<id>, bearer key) that fails requests, jobs and pages: retries until every page is in, same documents', async () => {
    const root = library();
    const seen = { run: 0, status: 0, completed: 0, auth: new Set<string>() };
    const proxy = await startProxy(async (route, status, body) => {
      if (route.endsWith('/run') && ++seen.run % 4 === 1) return { status: seen.run === 1 ? 500 : 429, body: { error: 'injected' } };
      if (route.includes('/status/') && ++seen.status === 2) return { status: 503, body: { error: 'injected' } };
      if (body?.status !== 'COMPLETED') return { status, body };
      const output = body.output as { mokuro: MokuroVolume; errors: unknown[] };
      switch (++seen.completed) {
        case 1: // the worker died after finishing: the job is FAILED
          return { status, body: { id: body.id, status: 'FAILED', error: 'injected: worker lost' } };
        case 2: { // one page failed on the worker: listed in errors, to be sent again
          const [first, ...rest] = output.mokuro.pages;
          return { status, body: { ...body, output: { ...output, mokuro: { ...output.mokuro, pages: rest }, errors: [{ page_index: 0, img_path: first.img_path, code: 'INFERENCE', message: 'injected' }] } } };
        }
        case 3: // a page missing without an error: the answer is refused and the job sent again
          return { status, body: { ...body, output: { ...output, mokuro: { ...output.mokuro, pages: output.mokuro.pages.slice(1) } } } };
        default:
          return { status, body };
      }
    }, seen.auth);
    try {
      const jobs: string[][] = [];
      const summary = await runOcr(options(root, { backend: remote(`${proxy.base}/v2/ep-123`, jobs, { apiKey: 'rp_key' }), volumesAtOnce: 2 }));
      expect(summary).toMatchObject({ exitCode: 0, failed: [] });
      expect(docsOf(root)).toEqual(localDocs);
      expect(seen.completed).toBeGreaterThan(3);
      expect(seen.run).toBeGreaterThan(4); // two refused submissions among them
      expect([...seen.auth]).toEqual(['Bearer rp_key']);
      // each retry has its line (no terminal here)
      expect(out).toContainEqual(expect.stringMatching(/^retrying: POST \/run: HTTP 500/));
      expect(out).toContainEqual(expect.stringMatching(/^retrying: job \S+ FAILED: injected: worker lost/));
      // more pages were sent than the volumes hold: the failed job's, the failed page, the refused answer's
      expect(jobs.flat().length).toBeGreaterThan(FOLDER_PAGES.length + CBZ_PAGES.length);
    } finally {
      await proxy.close();
    }
  }, 120_000);

  it('fails a volume whose page the worker refuses (exit 1, no document, its other pages cached) and writes the other', async () => {
    const root = library();
    const jobs: string[][] = [];
    const proxy = await startProxy(async (_route, status, body) => {
      if (body?.status !== 'COMPLETED') return { status, body };
      const output = body.output as { mokuro: MokuroVolume; errors: { page_index: number }[] };
      const bad = output.mokuro.pages.findIndex((p) => p.img_path === '020.png');
      if (bad < 0) return { status, body };
      const pages = output.mokuro.pages.filter((_, i) => i !== bad);
      return { status, body: { ...body, output: { ...output, mokuro: { ...output.mokuro, pages }, errors: [{ page_index: bad, img_path: '020.png', code: 'IMAGE_DECODE', message: 'injected' }] } } };
    });
    try {
      const summary = await runOcr(options(root, { backend: remote(proxy.base, jobs) }));
      expect(summary.exitCode).toBe(1);
      expect(jobs.flat().filter((n) => n === '020.png')).toEqual(['020.png']); // IMAGE_DECODE: not sent again
      expect(summary.written).toEqual([path.join(root, 'My Manga', '第１巻.mokuro')]);
      expect(summary.failed).toEqual([{ volume: path.join(root, 'My Manga', '第２巻.cbz'), reason: expect.stringMatching(/020\.png: IMAGE_DECODE: injected/) }]);
      expect(existsSync(path.join(root, 'My Manga', '第２巻.mokuro'))).toBe(false);
      expect(readdirSync(path.join(root, 'My Manga', '_ocr', '第２巻')).sort()).toEqual(CBZ_PAGES.filter((p) => p !== '020.png').map((p) => p.replace('.png', '.json')));
    } finally {
      await proxy.close();
    }
  }, 120_000);

  it('refuses to start unasked when nobody can confirm, and asks otherwise', async () => {
    const root = library();
    const refused = await runOcr(options(root, { yes: false, confirm: undefined }));
    expect(refused.exitCode).toBe(2);
    expect(out.at(-1)).toMatch(/Pass --yes/);
    const declined = await runOcr(options(root, { yes: false, confirm: async () => false }));
    expect(declined.exitCode).toBe(0);
    expect(readdirSync(path.join(root, 'My Manga')).sort()).toEqual(['第０巻.mokuro', '第１巻', '第２巻.cbz']);
  });
});

type Rewrite = (route: string, status: number, body: Record<string, any> | undefined) => Promise<{ status: number; body: unknown }>;

/** A RunPod-shaped endpoint in front of the local API: forwards every call, lets `rewrite` change answers. */
async function startProxy(rewrite: Rewrite, auth = new Set<string>()) {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.headers.authorization) auth.add(req.headers.authorization);
    const route = req.url ?? '';
    const upstream = await fetch(api.base + route, {
      method: req.method,
      headers: chunks.length ? { 'content-type': 'application/json' } : {},
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    const text = await upstream.text();
    const answer = await rewrite(route, upstream.status, text ? JSON.parse(text) : undefined);
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
