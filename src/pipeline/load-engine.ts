import type { Config } from '../config.ts';
import type { LoadedEngine } from '../handler/create-handler.ts';
import type { Logger } from '../logger.ts';
import { loadModels } from '../models/load-models.ts';
import { resolveModelsDir } from '../models/resolve-models-dir.ts';
import { createOcrEngine } from './ocr-engine.ts';

/** Start-up: find (or generate) the models, open the sessions once, and build the OCR engine. */
export async function loadEngine(config: Readonly<Config>, log: Logger): Promise<LoadedEngine> {
  const dir = await resolveModelsDir(config.models, log);
  const models = await loadModels({ ...config.models, dir }, log);
  return {
    engine: createOcrEngine(models, config),
    models: models.info.files.map((f) => ({ id: f.id, file: f.file, sha256: f.sha256, verified: f.verified })),
  };
}
