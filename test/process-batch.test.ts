import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyModelsDir } from '../scripts/onnx/stand-in-fixture.ts';
import { loadConfig } from '../src/config.ts';
import { MokuroVolume } from '../src/contract/mokuro.ts';
import { ProcessOutput } from '../src/contract/output.ts';
import { createHandler, type Handler } from '../src/handler/create-handler.ts';
import { silentLogger } from '../src/logger.ts';
import { loadModels } from '../src/models/load-models.ts';
import { createSessionPageOcr } from '../src/pipeline/create-session-page-ocr.ts';
import { truncatedJpeg } from './helpers/pages.ts';
import { SYNTHETIC_PAGES } from './helpers/fixtures.ts';
import { standInHandler } from './helpers/stand-in-handler.ts';

const PAGES = SYNTHETIC_PAGES;
const page = (name: string) => readFileSync(path.join(PAGES, name)).toString('base64');

let handler: Handler;
beforeAll(async () => {
  ({ handler } = await standInHandler());
});

describe('process_batch through real onnxruntime sessions (stand-in models)', () => {
  it('returns the good pages in request order and the corrupt one in errors', async () => {
    const result = await handler({
      id: 'e2e',
      input: {
        type: 'process_batch',
        title: 'Manga Chapter 1',
        images: [{ name: 'p1.png', data: page('page-001.png') }, await truncatedJpeg(), page('page-003.png')],
      },
    });
    const out = ProcessOutput.parse(result);
    expect(MokuroVolume.safeParse(out.mokuro).success).toBe(true);
    expect(out.mokuro).toMatchObject({ version: '0.2.5', title: 'Manga Chapter 1', volume: 'Manga Chapter 1' });
    expect(out.mokuro.pages.map((p) => [p.img_path, p.img_width, p.img_height])).toEqual([
      ['p1.png', 1200, 1700],
      ['0003.png', 1000, 1500],
    ]);
    expect(out.errors).toEqual([
      { page_index: 1, img_path: '0002', code: 'IMAGE_DECODE', message: 'images[1]: the jpeg image is corrupt or truncated' },
    ]);
    // the stand-in detector responds to ink: every page with text gets blocks, each line read
    for (const p of out.mokuro.pages) {
      expect(p.blocks.length).toBeGreaterThan(3);
      for (const b of p.blocks) {
        expect(b.lines).toHaveLength(b.lines_coords.length);
        expect(b.lines.every((t) => t.length > 0)).toBe(true);
      }
    }
    expect(out.stats).toMatchObject({ pages: 2, models: 'stand-in', provider: { detector: 'cpu', encoder: 'cpu' } });
    expect(out.stats.lines).toBe(out.mokuro.pages.reduce((n, p) => n + p.blocks.reduce((m, b) => m + b.lines.length, 0), 0));
  });
});

describe('page cache (on by default)', () => {
  it('answers a page sent again from memory, without running the models', async () => {
    // wired here, not by standInHandler (which turns the cache off): the default config is under test
    const config = loadConfig([], { EXECUTION_PROVIDERS: 'cpu', OCR_DECODING: 'greedy' });
    const log = silentLogger();
    const models = await loadModels({ ...config.models, dir: tinyModelsDir() }, log);
    let detectorRuns = 0;
    const counted = new Proxy(models.detector, {
      get: (target, key) => (key === 'run' ? (...args: Parameters<typeof target.run>) => (detectorRuns++, target.run(...args)) : Reflect.get(target, key)),
    });
    const ocr = createSessionPageOcr({ ...models, detector: counted }, config);
    const cached = createHandler({ worker: Promise.resolve({ ocr, models: [] }), config, log });
    const job = { input: { type: 'process_batch', images: [page('page-003.png'), page('page-003.png')] } };
    const first = ProcessOutput.parse(await cached(job));
    expect(detectorRuns).toBe(1);
    const again = ProcessOutput.parse(await cached(job));
    expect(detectorRuns).toBe(1);
    expect(again.mokuro.pages).toEqual(first.mokuro.pages);
    expect(first.mokuro.pages[0].blocks).toEqual(first.mokuro.pages[1].blocks);
  });
});
