/**
 * The threaded page OCR (an inference thread owning the sessions, page threads running the pipeline)
 * gives byte for byte the `.mokuro` of the single-threaded pipeline on the six synthetic pages, with
 * page threads and with PAGE_THREADS=0 (the pipeline in the inference thread). Stand-in models with
 * the pinned files' I/O (scripts/generate-stand-in-models.ts); beam search, as Mokuro decodes.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyModelsDir } from '../scripts/onnx/stand-in-fixture.ts';
import { loadConfig } from '../src/config.ts';
import { ProcessOutput } from '../src/contract/output.ts';
import { createHandler, type Handler } from '../src/handler/create-handler.ts';
import { silentLogger } from '../src/logger.ts';
import { loadModels } from '../src/models/load-models.ts';
import { createSessionPageOcr } from '../src/pipeline/create-session-page-ocr.ts';
import { syntheticPage } from './helpers/fixtures.ts';
import { startThreadedPageOcr, type ThreadedPageOcr } from '../src/pipeline/threads/threaded-page-ocr.ts';

const images = [1, 2, 3, 4, 5, 6].map((n) => ({ name: `page-00${n}.png`, data: readFileSync(syntheticPage(`page-00${n}.png`)).toString('base64') }));
const job = { id: 'six', input: { type: 'process_batch', title: 'Synthetic', images } };
/** random weights never emit EOS: lines stop at this many tokens (as the benchmark does) */
const tuning = { decode: { maxNewTokens: 12 }, pageCacheEntries: 0 };

const log = silentLogger();
const config = loadConfig([], { EXECUTION_PROVIDERS: 'cpu', OCR_DECODING: 'beam', MODELS_DIR: tinyModelsDir(), STAND_IN_MODELS: 'never', ORT_INTRA_OP_THREADS: '1' });
const running: ThreadedPageOcr[] = [];

async function mokuroOf(handler: Handler): Promise<string> {
  const out = ProcessOutput.parse(await handler(job));
  expect(out.errors).toEqual([]);
  return JSON.stringify(out.mokuro);
}

async function threaded(pageThreads: number): Promise<string> {
  const loaded = await startThreadedPageOcr(config, log, { pageThreads, tuning });
  running.push(loaded);
  return mokuroOf(createHandler({ worker: Promise.resolve(loaded), config, log }));
}

let single: string;
beforeAll(async () => {
  const models = await loadModels(config.models, log);
  single = await mokuroOf(createHandler({ worker: Promise.resolve({ ocr: createSessionPageOcr(models, config, tuning), models: [] }), config, log }));
  await models.release();
}, 120_000);
afterAll(() => Promise.all(running.map((t) => t.close())));

describe('threaded page OCR: the same document as one thread', () => {
  it('found text on every page (so the comparison compares something)', () => {
    const doc = JSON.parse(single) as { pages: { blocks: { lines: string[] }[] }[] };
    expect(doc.pages).toHaveLength(6);
    for (const p of doc.pages) expect(p.blocks.flatMap((b) => b.lines).length).toBeGreaterThan(3);
  });

  it('two page threads', async () => {
    expect(await threaded(2)).toBe(single);
  }, 120_000);

  it('PAGE_THREADS=0: the pipeline in the inference thread', async () => {
    expect(await threaded(0)).toBe(single);
  }, 120_000);
});
