import { WorkerError } from '../errors.ts';

/**
 * The page-count limit (MAX_PAGES): a job over it fails whole, since taking only some of its pages
 * would silently drop the rest. Checked on the request (handler) and again on the opened source,
 * whose count an archive only tells once it is read.
 */
export function checkPageCount(count: number, maxPages: number, field: string): void {
  if (count > maxPages) {
    throw new WorkerError('TOO_MANY_PAGES', `${count} pages is over the limit of ${maxPages} pages per job`, { path: field });
  }
}
