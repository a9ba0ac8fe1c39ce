import { ProcessOutput } from '../contract/output.ts';
import { ERROR_CODES } from '../errors.ts';
import { sanitisePageName } from '../image/page-name.ts';
import { createEndpointClient, type EndpointOptions } from './endpoint-client.ts';
import type { OcrBackend, PageOutcome, VolumeWork } from './ocr-backend.ts';
import { PageTooLargeError, packJobs } from './pack-jobs.ts';
import { createSlots } from './slots.ts';
import type { VolumePage } from './volume-pages.ts';

export interface RemoteOptions extends EndpointOptions {
  /** jobs in flight at once */
  concurrency: number;
  /** cap on one request's JSON body */
  maxRequestBytes: number;
}

/** The worker's own cap on pages per job (MAX_PAGES' default). */
const WORKER_MAX_PAGES = 1000;

/**
 * OCR on an endpoint: the missing pages of a volume are packed into `process_batch` jobs under
 * the request cap, up to `concurrency` jobs in flight, each run to completion by the client
 * (polled, failed jobs submitted again). Every page of an answer is checked against what was
 * sent; a page the worker lists in `errors` goes into a later job, and after `maxAttempts` the
 * page fails (and with it the volume); a page the worker refused as input (not an image, over a
 * limit) fails at once. The title's and volume's names and uuids go with every
 * job, so all jobs' documents agree.
 */
export function remoteBackend(opts: RemoteOptions): OcrBackend {
  const client = createEndpointClient(opts);
  const slots = createSlots(opts.concurrency);

  /** One job: its pages' outcomes, or throws after the client gave up on the job. */
  const runOne = async (work: VolumeWork, pages: VolumePage[], signal: AbortSignal): Promise<PageOutcome[]> => {
    const images = await Promise.all(pages.map(async (p) => ({ name: p.imgPath, data: (await p.read()).toString('base64') })));
    const input = { type: 'process_batch', title: work.title, volume: work.volume, title_uuid: work.title_uuid, volume_uuid: work.volume_uuid, images };
    return client.runJob(input, (output) => matchPages(output, pages), signal);
  };

  return {
    async run(work, onPage, signal) {
      const base = { type: 'process_batch', title: work.title, volume: work.volume, title_uuid: work.title_uuid, volume_uuid: work.volume_uuid, images: [] };
      const baseBytes = Buffer.byteLength(JSON.stringify({ input: base }));
      const attempts = new Map<VolumePage, number>();
      let pending = [...work.pages];
      while (pending.length > 0 && !signal.aborted) {
        let jobs: VolumePage[][];
        try {
          const items = pending.map((page) => ({ name: page.imgPath, size: page.size, page }));
          const pack = (jobCount: number) =>
            packJobs(items, { maxBytes: opts.maxRequestBytes, baseBytes, maxPages: Math.min(WORKER_MAX_PAGES, Math.ceil(items.length / jobCount)) });
          // as many jobs as run at once; when the cap makes more, a whole multiple of that, so that
          // the last round of jobs is as full as the others
          let packed = pack(opts.concurrency);
          if (packed.length > opts.concurrency) packed = pack(Math.ceil(packed.length / opts.concurrency) * opts.concurrency);
          jobs = packed.map((job) => job.map((item) => item.page));
        } catch (err) {
          if (!(err instanceof PageTooLargeError)) throw err;
          // a page that fits no request fails; the others still go
          const { page } = (err as PageTooLargeError<{ name: string; size: number; page: VolumePage }>).item;
          onPage({ page, error: err.message });
          pending = pending.filter((p) => p !== page);
          continue;
        }
        pending = [];
        await Promise.all(
          jobs.map(async (pages) => {
            // every volume's jobs queue for the same slots, first come first served
            if (!(await slots.acquire(signal))) return;
            let outcomes: PageOutcome[];
            try {
              outcomes = await runOne(work, pages, signal);
            } catch (err) {
              if (signal.aborted) return;
              outcomes = pages.map((page) => ({ page, error: (err as Error).message }));
              for (const p of pages) attempts.set(p, opts.maxAttempts); // the client already tried that often
            } finally {
              slots.release();
            }
            for (const o of outcomes) {
              const tries = (attempts.get(o.page) ?? 0) + 1;
              attempts.set(o.page, tries);
              if (o.error && !o.permanent && tries < opts.maxAttempts) {
                opts.onRetry?.(`${o.page.imgPath}: ${o.error}`);
                pending.push(o.page); // into a later job
              } else {
                onPage(o);
              }
            }
          }),
        );
        // pages to try again go in document order
        const order = new Map(work.pages.map((p, i) => [p, i]));
        pending.sort((a, b) => order.get(a)! - order.get(b)!);
      }
    },
    close: async () => {},
  };
}

/**
 * The worker answers the pages it could read in request order (`mokuro.pages`) and lists the
 * others in `errors` by index. Refuses (throws, so the job is sent again) an answer that does not
 * account for every page sent exactly once under the name it was sent.
 */
export function matchPages(output: unknown, sent: readonly VolumePage[]): PageOutcome[] {
  const parsed = ProcessOutput.safeParse(output);
  if (!parsed.success) throw new Error(`the job's output is not a process_batch answer (${parsed.error.issues[0]?.message})`);
  const { mokuro } = parsed.data;
  // the command never asks for an upload, so every entry names a page
  const errors = parsed.data.errors.filter((e) => 'page_index' in e);
  const failed = new Map(errors.map((e) => [e.page_index, e]));
  if (failed.size !== parsed.data.errors.length || [...failed.keys()].some((i) => i < 0 || i >= sent.length)) {
    throw new Error('the job listed page errors twice or for pages it was not sent');
  }
  if (mokuro.pages.length + failed.size !== sent.length) {
    throw new Error(`the job answered ${mokuro.pages.length} pages and ${failed.size} errors for ${sent.length} pages sent`);
  }
  let k = 0;
  return sent.map((page, i) => {
    const error = failed.get(i);
    // a 4xx code is the page's own fault; model failures (5xx) and aborted runs may pass next time
    if (error) return { page, error: `${error.code}: ${error.message}`, permanent: ERROR_CODES[error.code].status < 499 };
    const result = mokuro.pages[k++];
    if (result.img_path !== sanitisePageName(page.imgPath)) {
      throw new Error(`the job answered page "${result.img_path}" where "${page.imgPath}" was sent`);
    }
    return { page, result };
  });
}
