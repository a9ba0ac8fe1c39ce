import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { WorkerError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { readManifest } from './manifest.ts';
import { isStandInDir } from './verify-files.ts';

/** Where generated stand-in models live, below the configured models folder. */
const standInDir = (modelsDir: string) => path.join(modelsDir, 'stand-in');

/**
 * The folder to load models from. Real weights win; without them (a fresh clone, CI) the worker
 * generates small stand-in models with the real inputs and outputs so everything runs end to end,
 * and says so loudly. `STAND_IN_MODELS=never` (the Docker image) makes missing weights fatal.
 */
export async function resolveModelsDir(config: Config['models'], log: Logger): Promise<string> {
  const manifest = readManifest();
  const hasReal = manifest.models.every((m) => existsSync(path.join(config.dir, m.file)));
  if (config.standIn === 'never' || (config.standIn === 'auto' && hasReal)) return config.dir;

  const dir = standInDir(config.dir);
  if (!isStandInDir(dir)) {
    log.warn({ dir }, 'real model weights not found: generating stand-in models (npm run models:download fetches the real ones)');
    let generate: typeof import('../../scripts/generate-stand-in-models.ts').generateStandInModels;
    try {
      ({ generateStandInModels: generate } = await import('../../scripts/generate-stand-in-models.ts'));
    } catch (cause) {
      throw new WorkerError('MODEL_LOAD', `model files missing in ${config.dir} and the stand-in generator is not installed (run \`npm run models:download\`)`, { cause });
    }
    generate({ outDir: dir, size: 'tiny', force: false });
  }
  return dir;
}
