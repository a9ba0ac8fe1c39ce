import type { Config } from '../config.ts';
import { WorkerError } from '../errors.ts';
import type { LoadedEngine } from '../handler/create-handler.ts';
import type { Logger } from '../logger.ts';
import { loadModels } from '../models/load-models.ts';
import { resolveModelsDir } from '../models/resolve-models-dir.ts';
import { warmUp } from '../models/warm-up.ts';
import { createOcrEngine } from './ocr-engine.ts';

/** Start-up: find (or generate) the models, open the sessions once, warm them up, build the engine. */
export async function loadEngine(config: Readonly<Config>, log: Logger): Promise<LoadedEngine> {
  const dir = await resolveModelsDir(config.models, log);
  const models = await loadModels({ ...config.models, dir }, log);
  // a model of the wrong geometry fails here, before any job is taken
  const warm_ms = await warmUp(models).catch(async (err: unknown) => {
    await models.release();
    throw err;
  });
  // performance.now() counts from process start: this is the cold start RunPod users pay
  log.info({ warm_ms, load_ms: models.info.load_ms, ready_ms: Math.round(performance.now()) }, 'ready');
  let engine;
  try {
    engine = createOcrEngine(models, config);
  } catch (err) {
    // e.g. a vocab.txt without 6144 entries: the models folder is wrong, say so at start
    throw new WorkerError('MODEL_LOAD', (err as Error).message, { cause: err });
  }
  return {
    engine,
    models: models.info.files.map((f) => ({ id: f.id, file: f.file, sha256: f.sha256, verified: f.verified })),
  };
}
