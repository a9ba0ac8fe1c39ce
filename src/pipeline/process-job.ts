import { performance } from 'node:perf_hooks';
import type { ProcessOptions } from '../contract/input.ts';
import type { MokuroPage } from '../contract/mokuro.ts';
import type { PageError, ProcessOutput } from '../contract/output.ts';
import { WorkerError, cancelledError, errorData, toWorkerError } from '../errors.ts';
import { pixelBudget, type DecodedPage, type PageLimits } from '../image/decode-page.ts';
import type { Logger } from '../logger.ts';
import type { PageSource } from '../sources/page-source.ts';
import { checkPageCount } from './check-page-count.ts';
import { weightsOf, type PageOcr } from './page-ocr.ts';
import { mokuroPage, mokuroVolume, uniquePaths, type VolumeFields } from './volume.ts';

export interface JobRequest extends VolumeFields {
  /** the pages in reading order: inline, URLs or an archive; names them in errors */
  source: PageSource;
  options: ProcessOptions;
}

export interface JobHooks {
  signal?: AbortSignal;
  /** called after every page, done or failed */
  onPage?: (event: { index: number; page?: MokuroPage; error?: PageError; done: number; total: number }) => void;
}

export interface JobDeps {
  ocr: PageOcr;
  /** `maxJobPixels`: the job's pixel budget (none when absent) */
  limits: Omit<PageLimits, 'budget'> & { maxPages: number; maxJobPixels?: number };
  log: Logger;
  workerVersion: string;
}

/**
 * Pages processed at once: the page OCR merges their line crops into shared recogniser batches
 * (crop-batcher.ts), and the page after them decodes meanwhile. Two bound the decoded pages held.
 */
const PAGES_IN_FLIGHT = 2;

function addTimings(into: Record<string, number>, from: Record<string, number>) {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/**
 * Every page of a job through decode → OCR, in request order. A page that fails is reported in
 * `errors` with its index and the others go on; the next page is decoded while the current one is
 * in the models. Throws (a failed job) only when no page could be processed.
 */
export async function processJob(req: JobRequest, deps: JobDeps, hooks: JobHooks = {}): Promise<ProcessOutput> {
  const { ocr, limits, log } = deps;
  const { source } = req;
  const total = source.count;
  checkPageCount(total, limits.maxPages, source.field);
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const pageLimits: PageLimits = { ...limits, budget: limits.maxJobPixels === undefined ? undefined : pixelBudget(limits.maxJobPixels) };
  const decode = (i: number): Promise<DecodedPage | WorkerError> => {
    const start = performance.now();
    return source.load(i, pageLimits).then(
      (page) => {
        addTimings(timings, { decode: performance.now() - start });
        return page;
      },
      (err: unknown) => toWorkerError(err),
    );
  };

  const done: { index: number; page: MokuroPage }[] = [];
  const errors: PageError[] = [];
  let lines = 0;
  /** the last page handed to the page OCR: pages enter it in request order, whichever decodes first */
  let turn: Promise<unknown> = Promise.resolve();
  /** page i decoded, then through the page OCR; never rejects (a failure comes back as a WorkerError) */
  const attempt = (i: number) => {
    const entered = Promise.all([decode(i), turn]).then(([decoded]) => decoded);
    turn = entered;
    return entered.then(async (decoded) => ({
      decoded,
      outcome: decoded instanceof WorkerError
        ? decoded
        : hooks.signal?.aborted // a page still in flight when the job stops never reaches the models
          ? cancelledError()
          : await ocr.processPage(decoded.image, req.options, hooks.signal).catch((err: unknown) => toWorkerError(err)),
    }));
  };
  const ahead = ocr.pagesInFlight ?? PAGES_IN_FLIGHT;
  const inFlight = Array.from({ length: Math.min(ahead, total) }, (_, k) => attempt(k));
  /** a stopped job returns only once the pages still in flight have left the models (they see the signal) */
  const abort = async (e = cancelledError()) => {
    await Promise.all(inFlight);
    throw e;
  };
  for (let i = 0; i < total; i++) {
    if (hooks.signal?.aborted) await abort();
    const { decoded, outcome } = await inFlight.shift()!;
    if (i + ahead < total) inFlight.push(attempt(i + ahead));
    let page: MokuroPage | undefined;
    let error: PageError | undefined;
    try {
      if (decoded instanceof WorkerError) throw decoded;
      if (outcome instanceof WorkerError) throw outcome;
      const result = outcome;
      addTimings(timings, result.timings);
      lines += result.lines;
      page = mokuroPage(decoded.imgPath, decoded.image.width, decoded.image.height, result.blocks);
      done.push({ index: i, page });
      log.debug({ page: i, lines: result.lines, blocks: result.blocks.length }, 'page done');
    } catch (err) {
      const e = toWorkerError(err);
      if (e.code === 'ABORTED') await abort(e);
      if (e.code === 'INTERNAL' || e.code === 'INFERENCE') log.error({ page: i, err: e.cause ?? e }, 'page failed');
      else log.warn({ page: i, code: e.code, reason: e.message }, 'page rejected');
      const imgPath = decoded instanceof WorkerError ? source.nameHint(i) : decoded.imgPath;
      error = { page_index: i, img_path: imgPath, ...errorData(e) };
      errors.push(error);
    }
    hooks.onPage?.({ index: i, page, error, done: i + 1, total });
  }

  if (done.length === 0) {
    const first = errors[0];
    const summary = total === 1 ? first.message : `none of the ${total} pages could be processed (first: ${first.message})`;
    throw new WorkerError(total === 1 ? first.code : 'NO_PAGES', summary);
  }
  const names = uniquePaths(done.map((d) => d.page.img_path));
  const pages = done.map((d, k) => ({ ...d.page, img_path: names[k] }));
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    mokuro: mokuroVolume(req, pages),
    errors,
    stats: {
      pages: pages.length,
      lines,
      timings_ms: { ...Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, round(v)])), total: round(performance.now() - t0) },
      provider: ocr.providers,
      worker_version: deps.workerVersion,
      models: weightsOf(ocr),
    },
  };
}
