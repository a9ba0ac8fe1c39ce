/**
 * Identical pages are not recomputed within a warm worker (issue 9 item 4): RunPod retries a job,
 * clients resend a chapter, volumes repeat blank or title pages. The key is a SHA-256 of the decoded
 * pixels and the OCR options; the models are fixed for the page OCR the cache wraps. Bounded LRU; a page
 * being processed is shared by a second identical page instead of running twice, until every caller
 * waiting on it has been cancelled.
 */
import { createHash } from 'node:crypto';
import type { ProcessOptions } from '../contract/input.ts';
import { WorkerError } from '../errors.ts';
import type { RawImage } from '../image/raw-image.ts';
import type { PageOcr, PageResult } from './page-ocr.ts';

function pageKey(image: RawImage, options: ProcessOptions): string {
  const hash = createHash('sha256');
  hash.update(`${image.width}x${image.height}x${image.channels}\n`);
  hash.update(JSON.stringify(Object.entries(options).sort(([a], [b]) => a.localeCompare(b))));
  hash.update(image.data);
  return hash.digest('hex');
}

/**
 * A page in the cache: its result, and while it is still being processed, the run's own abort
 * controller and how many callers wait on it. Each caller's signal releases only that caller; the run
 * is stopped when the last one has gone (a page shared under the first job's signal failed a second
 * job when the first was cancelled).
 */
interface Entry {
  result: Promise<PageResult>;
  flight?: { controller: AbortController; waiters: number };
}

const cancelled = () => new WorkerError('ABORTED', 'job was cancelled');

export function withPageCache(ocr: PageOcr, maxEntries: number): PageOcr & { cacheSize(): number } {
  const cache = new Map<string, Entry>();

  const start = (key: string, image: RawImage, options: ProcessOptions): Entry => {
    const controller = new AbortController();
    const entry: Entry = { result: ocr.processPage(image, options, controller.signal), flight: { controller, waiters: 0 } };
    entry.result.then(
      () => (entry.flight = undefined),
      // a failed or cancelled page is not remembered
      () => cache.get(key) === entry && cache.delete(key),
    );
    return entry;
  };

  /** The entry's result for one caller, who may leave early on its own signal. */
  const wait = (key: string, entry: Entry, signal?: AbortSignal): Promise<PageResult> => {
    const flight = entry.flight;
    if (!flight) return entry.result;
    flight.waiters++; // a caller without a signal never leaves, so the run always finishes for it
    if (!signal) return entry.result;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (--flight.waiters > 0) return reject(cancelled());
        // the last caller: stop the run, forget it (a later identical page runs afresh), and return
        // only once the run has left the models, as an unshared page does
        if (cache.get(key) === entry) cache.delete(key);
        flight.controller.abort();
        entry.result.then(() => reject(cancelled()), () => reject(cancelled()));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      entry.result.then(
        (r) => (signal.removeEventListener('abort', onAbort), resolve(r)),
        (err: unknown) => (signal.removeEventListener('abort', onAbort), reject(err)),
      );
    });
  };

  return {
    providers: ocr.providers,
    standIn: ocr.standIn,
    decoder: ocr.decoder,
    weights: ocr.weights,
    pagesInFlight: ocr.pagesInFlight,
    cacheSize: () => cache.size,
    async processPage(image, options, signal) {
      if (signal?.aborted) throw cancelled();
      const key = pageKey(image, options);
      let entry = cache.get(key);
      const hit = entry !== undefined;
      if (entry) cache.delete(key); // re-inserted below: most recently used last
      else entry = start(key, image, options);
      cache.set(key, entry);
      while (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
      const r = await wait(key, entry, signal);
      // a copy, so no caller shares the remembered blocks; a hit ran nothing, so it has no stage timings
      return { blocks: structuredClone(r.blocks), lines: r.lines, timings: hit ? {} : r.timings };
    },
  };
}
