import type { Config } from '../config.ts';
import type { HealthOutput } from '../contract/output.ts';
import type { Logger } from '../logger.ts';
import type { PageOcr } from './page-ocr.ts';
import { startThreadedPageOcr, type ThreadedPageOcr } from './threads/threaded-page-ocr.ts';

/** The worker once its models are loaded: its page OCR, and what `health` reports about the models. */
export interface LoadedWorker {
  ocr: PageOcr;
  models: HealthOutput['models'];
}

/**
 * Start-up: an inference thread finds (or generates) the models, opens the sessions once and warms
 * them up; PAGE_THREADS page threads then run pages on them (threads/threaded-page-ocr.ts). A model
 * that cannot load rejects with MODEL_LOAD, as before.
 */
export function startWorker(config: Readonly<Config>, log: Logger): Promise<ThreadedPageOcr> {
  return startThreadedPageOcr(config, log, { pageThreads: config.ocr.pageThreads });
}
