/**
 * Identical pages are not recomputed within a warm worker (issue 9 item 4): RunPod retries a job,
 * clients resend a chapter, volumes repeat blank or title pages. The key is a SHA-256 of the decoded
 * pixels and the OCR options; the models are fixed for the engine the cache wraps. Bounded LRU; a page
 * being processed is shared by a second identical page instead of running twice.
 */
import { createHash } from 'node:crypto';
import type { ProcessOptions } from '../contract/input.ts';
import type { RawImage } from '../image/raw-image.ts';
import type { PageEngine, PageResult } from './page-engine.ts';

/** pages remembered; a result is a few kB of blocks, so this is well under a few MB (our choice) */
export const PAGE_CACHE_ENTRIES = 512;

function pageKey(image: RawImage, options: ProcessOptions): string {
  const hash = createHash('sha256');
  hash.update(`${image.width}x${image.height}x${image.channels}\n`);
  hash.update(JSON.stringify(Object.entries(options).sort(([a], [b]) => a.localeCompare(b))));
  hash.update(image.data);
  return hash.digest('hex');
}

export function withPageCache(engine: PageEngine, maxEntries = PAGE_CACHE_ENTRIES): PageEngine & { cacheSize(): number } {
  const cache = new Map<string, Promise<PageResult>>();
  return {
    providers: engine.providers,
    standIn: engine.standIn,
    decoder: engine.decoder,
    weights: engine.weights,
    cacheSize: () => cache.size,
    async processPage(image, options, signal) {
      const key = pageKey(image, options);
      let result = cache.get(key);
      const hit = result !== undefined;
      if (result) {
        cache.delete(key); // re-inserted below: most recently used last
      } else {
        const running = engine.processPage(image, options, signal);
        // a failed or cancelled page is not remembered
        running.catch(() => cache.get(key) === running && cache.delete(key));
        result = running;
      }
      cache.set(key, result);
      while (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
      const r = await result;
      // a copy, so no caller shares the remembered blocks; a hit ran nothing, so it has no stage timings
      return { blocks: structuredClone(r.blocks), lines: r.lines, timings: hit ? {} : r.timings };
    },
  };
}
