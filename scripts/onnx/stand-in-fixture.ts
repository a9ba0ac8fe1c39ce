import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { generateStandInModels } from '../generate-stand-in-models.ts';

/** Where tests keep the tiny stand-ins: outside git, shared by every test file. */
export const TINY_MODELS_DIR = resolve(fileURLToPath(new URL('../../.cache/models/tiny', import.meta.url)));

let generated = false;

/**
 * Regenerates the tiny models once per test worker (about a second), so a changed generator can never be
 * tested against stale files. Files are swapped in by rename, so parallel workers never read half a file.
 */
export function tinyModelsDir(): string {
  if (!generated) generateStandInModels({ outDir: TINY_MODELS_DIR, size: 'tiny', force: true });
  generated = true;
  return TINY_MODELS_DIR;
}

export function openTiny(file: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(resolve(tinyModelsDir(), file), { intraOpNumThreads: 1 });
}
