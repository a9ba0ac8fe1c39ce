/**
 * A page thread: the page pipeline (letterbox, detector post-processing, crops, recogniser
 * preprocessing, beam selection) on sessions that live in the inference thread. Several of these run
 * pages side by side, while the inference thread runs the models for all of them.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Config } from '../../config.ts';
import type { LoadedModels } from '../../models/load-models.ts';
import { createSessionPageOcr } from '../create-session-page-ocr.ts';
import type { ModelsShape, OcrTuning } from './inference-thread.ts';
import { servePages } from './page-server.ts';
import { modelsOfSessions } from './sessions-of.ts';
import { createRemoteSessions } from './remote-session.ts';

export interface PageThreadData {
  entry: string;
  config: Config;
  models: ModelsShape;
  /** this thread's end of a channel to the inference thread */
  inference: MessagePort;
  tuning: Omit<OcrTuning, 'pageCacheEntries'>;
}

const data = workerData as PageThreadData;
const sessions = createRemoteSessions(data.inference, data.models.sessions);
const models = {
  ...modelsOfSessions(sessions),
  vocabText: data.models.vocabText,
  info: { ...data.models.info, dir: '', files: [], load_ms: 0 },
  release: async () => undefined,
} as unknown as LoadedModels;
// the page cache stays in the main thread, in front of all page threads
servePages(parentPort!, createSessionPageOcr(models, data.config, { ...data.tuning, pageCacheEntries: 0 }));
