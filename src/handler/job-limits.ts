import { WorkerError } from '../errors.ts';
import { base64DecodedSize } from '../image/base64.ts';
import type { PageRef } from '../contract/input.ts';
import { checkPageCount } from '../pipeline/check-page-count.ts';

export interface JobLimits {
  maxPages: number;
  maxRequestBytes: number;
}

/**
 * The job-wide limits, checked from the request alone before any page is decoded: a job over them
 * fails whole (TOO_MANY_PAGES, REQUEST_TOO_LARGE), since taking only some of its pages would silently drop the rest.
 * Per-page limits (bytes, pixels, side) are checked page by page in decodePage.
 */
export function checkJobLimits(req: { pages: readonly PageRef[]; field: string }, limits: JobLimits): void {
  checkPageCount(req.pages.length, limits.maxPages, req.field);
  let bytes = 0;
  // URL pages count by page only: their bytes are capped per download (MAX_PAGE_BYTES)
  for (const page of req.pages) bytes += typeof page === 'string' ? base64DecodedSize(page) : 'data' in page ? base64DecodedSize(page.data) : 0;
  if (bytes > limits.maxRequestBytes) {
    throw new WorkerError('REQUEST_TOO_LARGE', `${bytes} bytes of page data is over the limit of ${limits.maxRequestBytes} bytes per job`, { path: req.field });
  }
}
