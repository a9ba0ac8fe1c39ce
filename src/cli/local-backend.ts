import type { PageLimits } from '../image/decode-page.ts';
import { decodePageBytes } from '../image/decode-page.ts';
import type { Logger } from '../logger.ts';
import type { PageOcr } from '../pipeline/page-ocr.ts';
import { processJob } from '../pipeline/process-job.ts';
import type { PageSource } from '../sources/page-source.ts';
import { WORKER_VERSION } from '../version.ts';
import type { OcrBackend } from './ocr-backend.ts';
import type { VolumePage } from './volume-pages.ts';

/** Pages per in-process job: each job's pages stay bounded whatever the volume's size. */
const PAGES_PER_JOB = 50;

/** A volume's pages read from disk as the page loop asks for them. */
function diskPageSource(pages: readonly VolumePage[]): PageSource {
  return {
    count: pages.length,
    field: 'images',
    pathOf: (i) => pages[i].imgPath,
    nameHint: (i) => pages[i].imgPath,
    load: async (i, limits) => decodePageBytes(await pages[i].read(), pages[i].imgPath, i, pages[i].imgPath, limits),
    close: () => {},
  };
}

/**
 * OCR in this process through the worker's own page loop (process-job.ts) and page OCR: the models
 * are loaded once by the caller and serve every volume of the run.
 */
export function localBackend(ocr: PageOcr, limits: PageLimits & { maxPages: number }, log: Logger): OcrBackend {
  return {
    async run(work, onPage, signal) {
      for (let start = 0; start < work.pages.length && !signal.aborted; start += PAGES_PER_JOB) {
        const pages = work.pages.slice(start, start + PAGES_PER_JOB);
        const reported = new Set<number>();
        try {
          await processJob(
            { source: diskPageSource(pages), options: {}, title: work.title, volume: work.volume, title_uuid: work.title_uuid, volume_uuid: work.volume_uuid },
            { ocr, limits, log, workerVersion: WORKER_VERSION },
            {
              signal,
              onPage: ({ index, page, error }) => {
                reported.add(index);
                onPage({ page: pages[index], result: page, error: error && `${error.code}: ${error.message}` });
              },
            },
          );
        } catch (err) {
          // a job throws when it was stopped, or when none of its pages could be read (already reported)
          if (signal.aborted) return;
          pages.forEach((page, i) => reported.has(i) || onPage({ page, error: (err as Error).message }));
        }
      }
    },
    close: async () => {},
  };
}
