import { describe, expect, it } from 'vitest';
import { blankPage } from '../../test/helpers/pages.ts';
import { loadConfig } from '../config.ts';
import { WorkerError } from '../errors.ts';
import { silentLogger } from '../logger.ts';
import type { PageOcr } from '../pipeline/page-ocr.ts';
import type { LoadedWorker } from '../pipeline/start-worker.ts';
import { createHandler } from './create-handler.ts';

const ocr: PageOcr = {
  providers: { detector: 'cpu', encoder: 'cpu', decoder: 'cpu' },
  standIn: false,
  processPage: async () => ({ blocks: [], lines: 0, timings: {} }),
};
const loaded: LoadedWorker = { ocr, models: [{ id: 'm', file: 'm.onnx', sha256: 'ab', verified: true }] };
const config = loadConfig([], {});
const make = (p: Promise<LoadedWorker>) => createHandler({ worker: p, config, log: silentLogger() });

describe('handler', () => {
  it('answers health with the providers and models in use', async () => {
    const handler = make(Promise.resolve(loaded));
    await Promise.resolve();
    const h = await handler({ id: '1', input: { type: 'health' } });
    expect(h).toMatchObject({ status: 'ready', ready: true, provider: { encoder: 'cpu' }, versions: { mokuro_format: '0.2.5' } });
  });

  it('answers health while models load and after they failed, with the reason', async () => {
    expect(await make(new Promise(() => {}))({ input: { type: 'health' } })).toMatchObject({ status: 'loading', ready: false });
    const failing = make(Promise.reject(new WorkerError('MODEL_LOAD', 'encoder_model.onnx missing')));
    await new Promise((r) => setImmediate(r));
    expect(await failing({ input: { type: 'health' } })).toMatchObject({ status: 'failed', error: 'encoder_model.onnx missing' });
    expect(await failing({ input: { type: 'process_page', image: await blankPage(4, 4) } })).toEqual({
      error: 'encoder_model.onnx missing',
      code: 'MODEL_LOAD',
    });
  });

  it('names the field of an invalid input in one line', async () => {
    const handler = make(Promise.resolve(loaded));
    expect(await handler({ input: { type: 'ocr' } })).toEqual({
      error: 'type: expected "health", "process_page" or "process_batch"',
      code: 'INVALID_INPUT',
    });
    expect(await handler({})).toMatchObject({ code: 'INVALID_INPUT', error: expect.stringContaining('input') });
    expect(await handler({ input: { type: 'process_batch', images: ['a', 3] } })).toMatchObject({
      code: 'INVALID_INPUT',
      error: expect.stringMatching(/^images\[1\]: /),
    });
    expect(await handler({ input: { type: 'process_batch', images: [] } })).toEqual({
      code: 'INVALID_INPUT',
      error: 'images: expected at least one page',
    });
    expect(await handler({ input: { type: 'process_page', image: 'x', options: { beams: 3 } } })).toMatchObject({
      code: 'INVALID_INPUT',
      error: expect.stringMatching(/^options: .*beams/),
    });
  });

  it('fails a single page job with the page problem, naming the field', async () => {
    const handler = make(Promise.resolve(loaded));
    expect(await handler({ input: { type: 'process_page', image: 'not-base64' } })).toEqual({
      error: 'image: not a JPEG/PNG/WebP/AVIF/GIF image',
      code: 'IMAGE_DECODE',
    });
  });

  it('checks every limit with its code and a message stating it; job limits even before models are ready', async () => {
    const env = { MAX_PAGES: '2', MAX_REQUEST_BYTES: '3000', MAX_PAGE_BYTES: '2000', MAX_PAGE_PIXELS: '10000', MAX_PAGE_SIDE: '200' };
    const limited = (p: Promise<LoadedWorker>) => createHandler({ worker: p, config: loadConfig([], env), log: silentLogger() });
    const loading = limited(new Promise(() => {}));
    const page = await blankPage(8, 8);
    expect(await loading({ input: { type: 'process_batch', images: [page, page, page] } })).toEqual({
      code: 'TOO_MANY_PAGES',
      error: 'images: 3 pages is over the limit of 2 pages per job',
    });
    const bulky = Buffer.alloc(1600, 1).toString('base64');
    expect(await loading({ input: { type: 'process_batch', images: [bulky, { name: 'b.png', data: bulky }] } })).toEqual({
      code: 'REQUEST_TOO_LARGE',
      error: 'images: 3200 bytes of page data is over the limit of 3000 bytes per job',
    });
    const ready = limited(Promise.resolve(loaded));
    expect(await ready({ input: { type: 'process_page', image: Buffer.alloc(2001, 1).toString('base64') } })).toEqual({
      code: 'PAGE_TOO_LARGE',
      error: 'image: page is larger than the limit of 2000 bytes',
    });
    expect(await ready({ input: { type: 'process_page', image: await blankPage(101, 100) } })).toEqual({
      code: 'TOO_MANY_PIXELS',
      error: 'image: 101×100 pixels is over the limit of 10000 pixels',
    });
    expect(await ready({ input: { type: 'process_page', image: { name: 'strip.png', data: await blankPage(201, 10) } } })).toEqual({
      code: 'PAGE_SIDE_TOO_LONG',
      error: 'image.data: 201×10 has a side over the limit of 200 pixels',
    });
    // in a batch, a page over a page limit is left out and reported; the others are kept
    const out = await ready({ input: { type: 'process_batch', images: [page, await blankPage(201, 10)] } });
    expect(out).toMatchObject({
      mokuro: { pages: [{ img_width: 8 }] },
      errors: [{ page_index: 1, img_path: '0002', code: 'PAGE_SIDE_TOO_LONG', message: 'images[1]: 201×10 has a side over the limit of 200 pixels' }],
    });
  });

  it('reports progress per page and streams pages when asked', async () => {
    const handler = make(Promise.resolve(loaded));
    const progress: unknown[] = [];
    const chunks: unknown[] = [];
    const images = [await blankPage(5, 5), await blankPage(6, 6)];
    const out = await handler(
      { input: { type: 'process_batch', images, stream: true } },
      { progress: (p) => progress.push(p), stream: (c) => chunks.push(c) },
    );
    expect(out).toHaveProperty('mokuro');
    expect(progress).toEqual([{ pages_done: 1, pages_total: 2 }, { pages_done: 2, pages_total: 2 }]);
    expect(chunks).toHaveLength(2);
    expect(chunks[1]).toMatchObject({ page_index: 1, page: { img_width: 6 } });
  });
});
