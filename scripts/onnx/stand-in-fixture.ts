import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { generateKvDecoderPair, generateStandInModels } from '../generate-stand-in-models.ts';

/** Where tests keep the tiny stand-ins: outside git, shared by every test file. */
export const TINY_MODELS_DIR = resolve(fileURLToPath(new URL('../../.cache/models/tiny', import.meta.url)));
/** The tiny stand-in decoder as an optimum KV pair (not production's; for the KV-cache path's tests). */
export const TINY_KV_DIR = resolve(fileURLToPath(new URL('../../.cache/models/tiny-kv', import.meta.url)));

let generated = false;
let generatedKv = false;

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

/** `decoder_model.onnx` (with `present.*`) or `decoder_with_past_model.onnx` of the tiny KV pair. */
export function openTinyKv(file: 'decoder_model.onnx' | 'decoder_with_past_model.onnx'): Promise<ort.InferenceSession> {
  if (!generatedKv) generateKvDecoderPair({ outDir: TINY_KV_DIR, size: 'tiny', force: true });
  generatedKv = true;
  return ort.InferenceSession.create(resolve(TINY_KV_DIR, file), { intraOpNumThreads: 1 });
}
