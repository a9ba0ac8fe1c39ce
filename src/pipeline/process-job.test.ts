import { describe, expect, it, vi } from 'vitest';
import { blankPage, truncatedJpeg } from '../../test/helpers/pages.ts';
import { MokuroVolume } from '../contract/mokuro.ts';
import { silentLogger } from '../logger.ts';
import type { PageOcr } from './page-ocr.ts';
import { inlinePageSource } from '../sources/page-source.ts';
import type { PageInput } from '../contract/input.ts';
import { processJob } from './process-job.ts';

const noFetch = () => Promise.reject(new Error('no URL pages here'));
const source = (pages: PageInput[], field: 'images' | 'image' = 'images') => inlinePageSource(pages, field, { client: noFetch, fetchAhead: 1, maxPageBytes: 1e7 });

/** A page OCR that reports each page's size as one block, so tests can see which page went where. */
const sizeOcr: PageOcr = {
  providers: { detector: 'cpu' },
  standIn: true,
  async processPage(image) {
    return {
      blocks: [{ box: [0, 0, image.width, image.height], vertical: true, font_size: 10, lines_coords: [[[0, 0], [1, 0], [1, 1], [0, 1]]], lines: [`${image.width}x${image.height}`] }],
      lines: 1,
      timings: { detector_ms: 1 },
    };
  },
};

const deps = {
  ocr: sizeOcr,
  limits: { maxPages: 10, maxPageBytes: 1e7, maxPagePixels: 1e8, maxPageSide: 1e5 },
  log: silentLogger(),
  workerVersion: 'test',
};

describe('processJob', () => {
  it('keeps good pages in request order and reports the bad one by index', async () => {
    const pages = [await blankPage(30, 40), await truncatedJpeg(), { name: 'last.png', data: await blankPage(50, 60) }];
    const progress: number[] = [];
    const out = await processJob(
      { source: source(pages), options: {}, title: 'T' },
      deps,
      { onPage: (e) => progress.push(e.done) },
    );
    expect(out.mokuro.pages.map((p) => [p.img_path, p.img_width, p.img_height, p.blocks[0].lines[0]])).toEqual([
      ['0001.png', 30, 40, '30x40'],
      ['last.png', 50, 60, '50x60'],
    ]);
    expect(out.errors).toEqual([
      { page_index: 1, img_path: '0002', code: 'IMAGE_DECODE', message: 'images[1]: the jpeg image is corrupt or truncated' },
    ]);
    expect(progress).toEqual([1, 2, 3]);
    expect(out.stats).toMatchObject({ pages: 2, lines: 2, models: 'stand-in', provider: { detector: 'cpu' } });
    expect(MokuroVolume.safeParse(out.mokuro).success).toBe(true);
  });

  it('fails the job when no page could be read', async () => {
    await expect(processJob({ source: source(['####'], 'image'), options: {} }, deps)).rejects.toMatchObject({
      code: 'IMAGE_DECODE',
      message: 'image: not valid base64 data',
    });
    await expect(processJob({ source: source(['####', '@@@@']), options: {} }, deps)).rejects.toMatchObject({
      code: 'NO_PAGES',
    });
  });

  it('keeps the other pages when the page OCR fails on one', async () => {
    let calls = 0;
    const flaky: PageOcr = {
      ...sizeOcr,
      processPage: async (image, o) => {
        if (calls++ === 0) throw new Error('CUDA out of memory');
        return sizeOcr.processPage(image, o);
      },
    };
    const out = await processJob({ source: source([await blankPage(10, 10), await blankPage(20, 20)]), options: {} }, { ...deps, ocr: flaky });
    expect(out.mokuro.pages.map((p) => p.img_width)).toEqual([20]);
    expect(out.errors[0]).toMatchObject({ page_index: 0, code: 'INTERNAL' });
    expect(out.errors[0].message).not.toContain('CUDA');
  });

  it('refuses more pages than the limit before decoding any', async () => {
    const pages = new Array(11).fill('x');
    await expect(processJob({ source: source(pages), options: {} }, deps)).rejects.toMatchObject({
      code: 'TOO_MANY_PAGES',
      message: 'images: 11 pages is over the limit of 10 pages per job',
    });
  });

  it('stops at the next page when cancelled', async () => {
    const ctl = new AbortController();
    const pages = [await blankPage(10, 10), await blankPage(10, 10)];
    const run = processJob({ source: source(pages), options: {} }, deps, { signal: ctl.signal, onPage: () => ctl.abort() });
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('returns from a cancelled job only after the page still in the models has left them', async () => {
    const ctl = new AbortController();
    const events: string[] = [];
    const release: (() => void)[] = [];
    const held: PageOcr = {
      ...sizeOcr,
      // each page stays in the models until the test releases it
      processPage: async (image, o, signal) => {
        const call = release.length + 1;
        await new Promise<void>((r) => {
          release.push(r);
          if (call === 2) ctl.abort(); // cancelled while two pages are in the models
        });
        events.push(`page ${call} left`);
        return sizeOcr.processPage(image, o, signal);
      },
    };
    const pages = [await blankPage(10, 10), await blankPage(10, 10), await blankPage(10, 10)];
    const run = processJob({ source: source(pages), options: {} }, { ...deps, ocr: held }, { signal: ctl.signal });
    const outcome = run.then(
      () => events.push('resolved'),
      (err: { code?: string }) => events.push(`returned ${err.code}`),
    );
    await vi.waitFor(() => expect(release).toHaveLength(2));
    const settle = () => new Promise((r) => setImmediate(r)); // let everything that can run now run
    release[1]();
    await settle();
    expect(events).toEqual(['page 2 left']); // page 1 is still in the models: no return yet
    release[0]();
    await outcome;
    expect(events).toEqual(['page 2 left', 'page 1 left', 'returned ABORTED']);
    expect(release).toHaveLength(2); // the third page never entered the models
  });
});
