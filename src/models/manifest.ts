import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** A size, or a symbolic dim name exactly as the file declares it (`batch_size`, `decoder_sequence_length`). */
const Dim = z.union([z.number().int(), z.string()]);

/** One input or output as an ONNX file declares it. */
export const DeclaredTensor = z.object({
  name: z.string(),
  type: z.enum(['float32', 'int64', 'float16', 'bool']),
  shape: z.array(Dim),
});
export type DeclaredTensor = z.infer<typeof DeclaredTensor>;

/** An ONNX file's declared inputs and outputs, in the file's order. */
export const Signature = z.object({ inputs: z.array(DeclaredTensor), outputs: z.array(DeclaredTensor) });
export type Signature = z.infer<typeof Signature>;

/** Axes the worker varies; every other dim is a concrete size it relies on. */
export const FREE_AXES = ['batch', 'sequence'] as const;
export type FreeAxis = (typeof FREE_AXES)[number];
export type SizedDim = number | FreeAxis;

const ModelEntry = z
  .object({
    id: z.string(),
    file: z.string(),
    url: z.url(),
    bytes: z.number().int().positive(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    license: z.string(),
    /** the pinned file's declared I/O, verbatim */
    declared: Signature.optional(),
    /** per declared tensor, the concrete sizes the worker relies on */
    sizes: z.record(z.string(), z.array(z.union([z.number().int().positive(), z.enum(FREE_AXES)]))).optional(),
    entries: z.number().int().optional(),
  })
  .superRefine((m, ctx) => {
    // every declared tensor has sizes of its rank, and nothing else has
    const tensors = m.declared ? [...m.declared.inputs, ...m.declared.outputs] : [];
    const sizes = m.sizes ?? {};
    for (const t of tensors) {
      if (sizes[t.name]?.length !== t.shape.length) ctx.addIssue({ code: 'custom', message: `${m.id}: sizes.${t.name} must have rank ${t.shape.length}` });
    }
    for (const name of Object.keys(sizes)) {
      if (!tensors.some((t) => t.name === name)) ctx.addIssue({ code: 'custom', message: `${m.id}: sizes.${name} is not a declared tensor` });
    }
  });
export type ModelEntry = z.infer<typeof ModelEntry>;

const Manifest = z.object({
  models: z.array(ModelEntry),
  optional: z.array(z.object({ id: z.string(), file: z.string() })),
});
export type Manifest = z.infer<typeof Manifest>;

export const MANIFEST_PATH = fileURLToPath(new URL('../../models/manifest.json', import.meta.url));

/** The model manifest shipped in `models/manifest.json` (the single list of files, URLs, hashes and I/O). */
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
