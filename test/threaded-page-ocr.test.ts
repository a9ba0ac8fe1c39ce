/**
 * The threaded page OCR's edges: a models folder that cannot load rejects with MODEL_LOAD as the
 * in-thread start did; the threads' logs reach the main logger; a job cancelled mid-way stops with
 * ABORTED and leaves the threads serving the next job; PAGE_THREADS' default. Stand-in models.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyModelsDir } from '../scripts/onnx/stand-in-fixture.ts';
import { loadConfig } from '../src/config.ts';
import { ProcessOutput } from '../src/contract/output.ts';
import { createHandler } from '../src/handler/create-handler.ts';
import { silentLogger } from '../src/logger.ts';
import { syntheticPage } from './helpers/fixtures.ts';
import { startThreadedPageOcr, type ThreadedPageOcr } from '../src/pipeline/threads/threaded-page-ocr.ts';

const page = (n: number) => ({ name: `p${n}.png`, data: readFileSync(syntheticPage(`page-00${(n % 6) + 1}.png`)).toString('base64') });
const env = { EXECUTION_PROVIDERS: 'cpu', OCR_DECODING: 'greedy', STAND_IN_MODELS: 'never', ORT_INTRA_OP_THREADS: '1' };
const ROOT = path.resolve(import.meta.dirname, '..');
const running: ThreadedPageOcr[] = [];
afterAll(() => Promise.all(running.map((t) => t.close())));

describe('PAGE_THREADS', () => {
  it('defaults to one thread per core but one, at least one; 0 is allowed', () => {
    expect(loadConfig([], {}).ocr.pageThreads).toBe(Math.max(1, availableParallelism() - 1));
    expect(loadConfig([], { PAGE_THREADS: '0' }).ocr.pageThreads).toBe(0);
    expect(loadConfig([], { PAGE_THREADS: '6' }).ocr.pageThreads).toBe(6);
    expect(() => loadConfig([], { PAGE_THREADS: '-1' })).toThrow(/PAGE_THREADS/);
  });
});

describe('threaded page OCR', () => {
  it('rejects with MODEL_LOAD when the models cannot load (the inference thread says why)', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'no-models-'));
    const config = loadConfig([], { ...env, MODELS_DIR: empty });
    const err = await startThreadedPageOcr(config, silentLogger(), { pageThreads: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'WorkerError', code: 'MODEL_LOAD' });
    expect((err as Error).message).toMatch(/detector|\.onnx/);
  });

  it('relays the threads\' logs, stops a cancelled job with ABORTED, then serves the next job', async () => {
    const lines: { msg?: string; level: number }[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(JSON.parse(chunk.toString())), done()) }));
    const config = loadConfig([], { ...env, MODELS_DIR: tinyModelsDir() });
    const loaded = await startThreadedPageOcr(config, log, { pageThreads: 2, tuning: { pageCacheEntries: 0 } });
    running.push(loaded);
    expect(lines.some((l) => l.msg === 'models loaded' && l.level === 30)).toBe(true);

    const handler = createHandler({ worker: Promise.resolve(loaded), config, log });
    const controller = new AbortController();
    const progress: number[] = [];
    const stopped = await handler(
      { id: 'stop', input: { type: 'process_batch', images: Array.from({ length: 12 }, (_, i) => page(i)) } },
      { signal: controller.signal, progress: ({ pages_done }) => (progress.push(pages_done), controller.abort()) },
    );
    expect(stopped).toMatchObject({ code: 'ABORTED' });
    expect(progress).toEqual([1]);

    const next = ProcessOutput.parse(await handler({ id: 'next', input: { type: 'process_page', image: page(0).data } }));
    expect(next.mokuro.pages[0].blocks.length).toBeGreaterThan(3);
  });

  it('holds at most 2 pages per thread over concurrent jobs, and finishes them all', async () => {
    const config = loadConfig([], { ...env, MODELS_DIR: tinyModelsDir() });
    const loaded = await startThreadedPageOcr(config, silentLogger(), { pageThreads: 1, tuning: { pageCacheEntries: 0 } });
    running.push(loaded);
    const handler = createHandler({ worker: Promise.resolve(loaded), config, log: silentLogger() });
    const held: number[] = [];
    const job = (id: string) =>
      handler({ id, input: { type: 'process_batch', images: Array.from({ length: 4 }, (_, i) => page(i)) } }, { progress: () => held.push(loaded.held()) });
    const outs = (await Promise.all([job('a'), job('b'), job('c')])).map((r) => ProcessOutput.parse(r));
    expect(outs.map((o) => [o.mokuro.pages.length, o.errors.length])).toEqual([[4, 0], [4, 0], [4, 0]]);
    expect(held).toHaveLength(12);
    expect(Math.max(...held)).toBeLessThanOrEqual(2);
    expect(loaded.held()).toBe(0);
  });
});

describe('closing the threaded page OCR', () => {
  it('resolves close() in a process with nothing else to do, after a page (idle threads are unref\'d; it ended with exit code 13)', () => {
    // a child process with a plain environment: in this one, and in a child given the test runner's
    // variables, something else keeps the event loop alive whatever the threads do
    const script = `
      import { readFileSync } from 'node:fs';
      import { loadConfig } from '${ROOT}/src/config.ts';
      import { silentLogger } from '${ROOT}/src/logger.ts';
      import { createHandler } from '${ROOT}/src/handler/create-handler.ts';
      import { startThreadedPageOcr } from '${ROOT}/src/pipeline/threads/threaded-page-ocr.ts';
      const config = loadConfig([], ${JSON.stringify({ ...env, MODELS_DIR: tinyModelsDir() })});
      const loaded = await startThreadedPageOcr(config, silentLogger(), { pageThreads: 1, tuning: { pageCacheEntries: 0 } });
      const out = await createHandler({ worker: Promise.resolve(loaded), config, log: silentLogger() })({ id: 'one', input: { type: 'process_page', image: readFileSync(${JSON.stringify(syntheticPage('page-001.png'))}).toString('base64') } });
      await loaded.close();
      console.log('closed', Object.keys(out).join(','));
    `;
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'close-')), 'close.mts');
    writeFileSync(file, script);
    const child = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH } });
    if (child.status !== 0) console.error(child.stderr);
    expect({ status: child.status, stdout: child.stdout.trim() }).toEqual({ status: 0, stdout: 'closed mokuro,errors,stats' });
  });
});
