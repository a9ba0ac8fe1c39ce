import { WorkerError } from '../errors.ts';
import { base64DecodedSize } from '../image/base64.ts';
import type { JobRequest } from '../pipeline/process-job.ts';

export interface JobLimits {
  maxPages: number;
  maxRequestBytes: number;
}

/**
 * The job-wide limits, checked from the request alone before any page is decoded: a job over them
 * fails whole (JOB_TOO_LARGE), since taking only some of its pages would silently drop the rest.
 * Per-page limits (bytes, pixels, side) are checked page by page in decodePage.
 */
export function checkJobLimits(req: Pick<JobRequest, 'pages' | 'field'>, limits: JobLimits): void {
  const pages = req.pages.length;
  if (pages > limits.maxPages) {
    throw new WorkerError('JOB_TOO_LARGE', `${pages} pages is over the limit of ${limits.maxPages} pages per job`, { path: req.field });
  }
  let bytes = 0;
  for (const page of req.pages) bytes += base64DecodedSize(typeof page === 'string' ? page : page.data);
  if (bytes > limits.maxRequestBytes) {
    throw new WorkerError('JOB_TOO_LARGE', `${bytes} bytes of page data is over the limit of ${limits.maxRequestBytes} bytes per job`, { path: req.field });
  }
}
