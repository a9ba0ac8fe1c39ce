import { decodePageBytes, type PageLimits } from '../../src/image/decode-page.ts';
import type { WorkloadPage } from './workload.ts';

/**
 * Page decoding with nothing else running. In the pipeline the next page decodes (on libuv threads)
 * while the current one is in the models, so its timer there also counts the wait for the busy
 * main thread; this is the figure to read as decode cost.
 */
export async function decodeAlone(pages: readonly WorkloadPage[], limits: PageLimits): Promise<number> {
  await decodePageBytes(pages[0].bytes, pages[0].name, 0, 'images[0]', limits); // warm-up
  const t0 = performance.now();
  for (const [i, p] of pages.entries()) await decodePageBytes(p.bytes, p.name, i, `images[${i}]`, limits);
  return Math.round(((performance.now() - t0) / pages.length) * 10) / 10;
}
