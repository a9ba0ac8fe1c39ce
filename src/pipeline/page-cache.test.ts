import { describe, expect, it } from 'vitest';
import type { RawImage } from '../image/raw-image.ts';
import type { PageOcr } from './page-ocr.ts';
import { withPageCache } from './page-cache.ts';
import { blankPage } from '../../test/helpers/pages.ts';
import { callsSeen, heldPageOcr } from '../../test/helpers/held-page-ocr.ts';
import { silentLogger } from '../logger.ts';
import { inlinePageSource } from '../sources/page-source.ts';
import { processJob } from './process-job.ts';

const page = (fill: number): RawImage => ({ data: new Uint8Array(4 * 4 * 3).fill(fill), width: 4, height: 4, channels: 3 });

function countingOcr(fail = false) {
  const ocr: PageOcr & { calls: number } = {
    calls: 0,
    providers: { detector: 'cpu' },
    standIn: true,
    async processPage(image) {
      ocr.calls++;
      if (fail) throw new Error('model failed');
      return { blocks: [{ box: [0, 0, image.data[0], 1], vertical: true, font_size: 10, lines_coords: [], lines: [] }], lines: 0, timings: { detector_run: 5 } };
    },
  };
  return ocr;
}

describe('page cache', () => {
  it('answers an identical page with the same options from the cache, and a different one from the page OCR', async () => {
    const inner = countingOcr();
    const ocr = withPageCache(inner, 512);
    const a = await ocr.processPage(page(1), { decoding: 'beam' });
    const b = await ocr.processPage(page(1), { decoding: 'beam' });
    expect(b.blocks).toEqual(a.blocks);
    expect(b.blocks).not.toBe(a.blocks);
    await ocr.processPage(page(2), { decoding: 'beam' });
    await ocr.processPage(page(1), { decoding: 'greedy' });
    expect(inner.calls).toBe(3);
  });

  it('shares a page in flight, forgets failures, and keeps only the most recent pages', async () => {
    const inner = countingOcr();
    const ocr = withPageCache(inner, 2);
    await Promise.all([ocr.processPage(page(1), {}), ocr.processPage(page(1), {})]);
    expect(inner.calls).toBe(1);
    await ocr.processPage(page(2), {});
    await ocr.processPage(page(3), {}); // evicts page 1
    await ocr.processPage(page(1), {});
    expect([inner.calls, ocr.cacheSize()]).toEqual([4, 2]);

    const failing = withPageCache(countingOcr(true), 512);
    await expect(failing.processPage(page(1), {})).rejects.toThrow('model failed');
    expect(failing.cacheSize()).toBe(0);
  });
});

describe('page cache with jobs running side by side', () => {
  const noFetch = () => Promise.reject(new Error('no URL pages here'));
  const job = async (ocr: PageOcr, signal: AbortSignal) =>
    processJob(
      { source: inlinePageSource([await blankPage(30, 40)], 'image', { client: noFetch, fetchAhead: 1, maxPageBytes: 1e7 }), options: {} },
      { ocr, limits: { maxPages: 10, maxPageBytes: 1e7, maxPagePixels: 1e8, maxPageSide: 1e5 }, log: silentLogger(), workerVersion: 'test' },
      { signal },
    );

  it('cancelling one job leaves another job with the identical page complete', async () => {
    const held = heldPageOcr();
    const { ocr, reached } = callsSeen(withPageCache(held.ocr, 512), 2);
    const [a, b] = [new AbortController(), new AbortController()];
    const jobA = job(ocr, a.signal);
    const jobB = job(ocr, b.signal);
    await reached; // both jobs are waiting on the one run of the page
    expect(held.started).toHaveLength(1);
    a.abort();
    await expect(jobA).rejects.toMatchObject({ code: 'ABORTED' });
    expect(held.started[0].aborted).toBe(false); // B still wants the page
    held.release();
    const out = await jobB;
    expect(out.mokuro.pages.map((p) => p.blocks[0].lines)).toEqual([['shared']]);
    expect(out.errors).toEqual([]);
  });

  it('stops the shared run once every job waiting on it is cancelled, and runs the page afresh after', async () => {
    const held = heldPageOcr();
    const cached = withPageCache(held.ocr, 512);
    const { ocr, reached } = callsSeen(cached, 2);
    const [a, b] = [new AbortController(), new AbortController()];
    const jobs = [job(ocr, a.signal), job(ocr, b.signal)];
    await reached;
    a.abort();
    expect(held.started[0].aborted).toBe(false);
    b.abort();
    expect(held.started[0].aborted).toBe(true);
    for (const j of jobs) await expect(j).rejects.toMatchObject({ code: 'ABORTED' });
    expect(cached.cacheSize()).toBe(0);
    held.release();
    const out = await job(cached, new AbortController().signal);
    expect([held.started.length, out.mokuro.pages.length]).toEqual([2, 1]);
  });
});

it('never stops a shared run that a caller without a signal still waits on', async () => {
  const held = heldPageOcr();
  const ocr = withPageCache(held.ocr, 512);
  const plain = ocr.processPage(page(7), {});
  const a = new AbortController();
  const cancelledOne = ocr.processPage(page(7), {}, a.signal);
  a.abort();
  await expect(cancelledOne).rejects.toMatchObject({ code: 'ABORTED' });
  expect(held.started[0].aborted).toBe(false);
  held.release();
  expect((await plain).lines).toBe(1);
});
