import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const TensorSpec = z.object({
  type: z.enum(['float32', 'int64', 'float16']),
  /** numbers are fixed sizes, strings name a dynamic axis */
  shape: z.array(z.union([z.number().int(), z.string()])),
});
export type TensorSpec = z.infer<typeof TensorSpec>;

const ModelEntry = z.object({
  id: z.string(),
  file: z.string(),
  url: z.url(),
  bytes: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  license: z.string(),
  inputs: z.record(z.string(), TensorSpec).optional(),
  outputs: z.record(z.string(), TensorSpec).optional(),
  entries: z.number().int().optional(),
});
export type ModelEntry = z.infer<typeof ModelEntry>;

const Manifest = z.object({
  models: z.array(ModelEntry),
  optional: z.array(z.object({ id: z.string(), file: z.string() })),
});
export type Manifest = z.infer<typeof Manifest>;

export const MANIFEST_PATH = fileURLToPath(new URL('../../models/manifest.json', import.meta.url));

/** The model manifest shipped in `models/manifest.json` (the single list of files, URLs and hashes). */
export function readManifest(file = MANIFEST_PATH): Manifest {
  return Manifest.parse(JSON.parse(readFileSync(file, 'utf8')));
}

export function manifestEntry(manifest: Manifest, id: string): ModelEntry {
  const entry = manifest.models.find((m) => m.id === id);
  if (!entry) throw new Error(`model manifest has no entry "${id}"`);
  return entry;
}

/** File name of the marker that `npm run models:stand-in` leaves beside generated models. */
export const STAND_IN_MARKER = 'STAND_IN_MODELS';
