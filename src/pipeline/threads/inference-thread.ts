/**
 * The inference thread: it owns the model sessions, so their blocking runs never stall the main
 * thread (HTTP API, RunPod job loop). It loads, checks and warms the models as the main thread did,
 * says `ready` (or `failed`, with the MODEL_LOAD error), then serves model runs to the page threads
 * over their ports — or, with no page threads (PAGE_THREADS=0), runs the whole page pipeline itself.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Config } from '../../config.ts';
import { WorkerError, toWorkerError } from '../../errors.ts';
import type { LoadedModels } from '../../models/load-models.ts';
import { loadModels } from '../../models/load-models.ts';
import { resolveModelsDir } from '../../models/resolve-models-dir.ts';
import { warmUp } from '../../models/warm-up.ts';
import type { DecoderInfo } from '../page-ocr.ts';
import { createSessionPageOcr } from '../create-session-page-ocr.ts';
import { servePages } from './page-server.ts';
import { serveSessions, shapeOf, type SessionShape } from './remote-session.ts';
import { sessionsOf } from './sessions-of.ts';
import { threadLogger } from './thread-log.ts';
import { errorToWire, type WireError } from './wire.ts';

/** createSessionPageOcr's tuning (decoding limits for the benchmark, the page cache) */
export type OcrTuning = NonNullable<Parameters<typeof createSessionPageOcr>[2]>;

export interface InferenceThreadData {
  entry: string;
  config: Config;
  logLevel: string;
  /** no page threads: this thread runs the pipeline too */
  pagesHere: boolean;
  tuning: Omit<OcrTuning, 'pageCacheEntries'>;
  /** a module whose `wrapModels(models)` replaces the sessions (the benchmark's recorded outputs) */
  wrapModels?: string;
}

/** What the page threads and `health` need of the loaded models. */
export interface ModelsShape {
  sessions: Record<string, SessionShape>;
  vocabText: string;
  info: Pick<LoadedModels['info'], 'standIn' | 'weights' | 'providers'>;
  /** which decoder path the page OCR built on these models runs (health) */
  decoder?: DecoderInfo;
  files: { id: string; file: string; sha256: string; verified: boolean }[];
}

export type InferenceMessage =
  | { type: 'ready'; models: ModelsShape }
  | { type: 'failed'; error: WireError };

async function start(data: InferenceThreadData): Promise<void> {
  const port = parentPort!;
  const log = threadLogger(data.logLevel);
  let models: LoadedModels;
  let ocr;
  try {
    const dir = await resolveModelsDir(data.config.models, log);
    models = await loadModels({ ...data.config.models, dir }, log);
    // a model of the wrong geometry fails here, before any job is taken
    const warm_ms = await warmUp(models).catch(async (err: unknown) => {
      await models.release();
      throw err;
    });
    log.info({ warm_ms, load_ms: models.info.load_ms, ready_ms: Math.round(performance.now()) }, 'ready');
    if (data.wrapModels) models = await ((await import(data.wrapModels)) as { wrapModels(m: LoadedModels): Promise<LoadedModels> }).wrapModels(models);
    try {
      // built here even with page threads: a vocab of the wrong size fails the start, not a job
      ocr = createSessionPageOcr(models, data.config, { ...data.tuning, pageCacheEntries: 0 });
    } catch (err) {
      throw new WorkerError('MODEL_LOAD', (err as Error).message, { cause: err });
    }
  } catch (err) {
    port.postMessage({ type: 'failed', error: errorToWire(toWorkerError(err)) } satisfies InferenceMessage);
    return;
  }
  const sessions = sessionsOf(models);
  port.on('message', (msg: { type: string; port?: MessagePort }) => {
    if (msg.type === 'serve') serveSessions(msg.port!, sessions);
  });
  if (data.pagesHere) servePages(port, ocr);
  const shape: ModelsShape = {
    sessions: Object.fromEntries(Object.entries(sessions).map(([k, s]) => [k, shapeOf(s)])),
    vocabText: models.vocabText,
    info: { standIn: models.info.standIn, weights: models.info.weights, providers: models.info.providers },
    decoder: ocr.decoder,
    files: models.info.files.map((f) => ({ id: f.id, file: f.file, sha256: f.sha256, verified: f.verified })),
  };
  port.postMessage({ type: 'ready', models: shape } satisfies InferenceMessage);
}

void start(workerData as InferenceThreadData);
