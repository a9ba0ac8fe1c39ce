import type { InferenceSession } from 'onnxruntime-node';
import { FREE_AXES, type ModelEntry } from './manifest.ts';

type Metadata = readonly InferenceSession.ValueMetadata[];
type Tensors = NonNullable<ModelEntry['declared']>['inputs'];

const isFree = (dim: unknown) => typeof dim === 'string' && (FREE_AXES as readonly string[]).includes(dim);

/**
 * Differences between what a session declares and what the manifest records for the pinned file:
 * names, dtypes, ranks, and every dim the file fixes, which must be the concrete size the worker
 * relies on (`sizes`). A symbolic dim is accepted whatever its name: an export of the same model by
 * someone else may name its axes differently, and the warm-up runs every model at the concrete sizes
 * and checks what comes out. Extra outputs (a decoder's `present.*`) are allowed. Empty when it fits.
 */
export function ioMismatches(
  kind: 'input' | 'output',
  actual: Metadata,
  recorded: Tensors | undefined,
  sizes: ModelEntry['sizes'] = {},
): string[] {
  if (!recorded) return [];
  const problems: string[] = [];
  for (const want of recorded) {
    const { name } = want;
    const meta = actual.find((m) => m.name === name);
    if (!meta) {
      problems.push(`missing ${kind} "${name}" (has ${actual.map((m) => m.name).join(', ') || 'none'})`);
      continue;
    }
    if (!meta.isTensor) {
      problems.push(`${kind} "${name}" is not a tensor`);
      continue;
    }
    if (meta.type !== want.type) problems.push(`${kind} "${name}" is ${meta.type}, expected ${want.type}`);
    if (meta.shape.length > 0 && meta.shape.length !== want.shape.length) {
      problems.push(`${kind} "${name}" has rank ${meta.shape.length}, expected ${want.shape.length}`);
      continue;
    }
    const concrete = sizes[name] ?? want.shape;
    concrete.forEach((size, i) => {
      const got = meta.shape[i];
      if (typeof got !== 'number') return;
      if (isFree(size)) problems.push(`${kind} "${name}" dim ${i} is fixed at ${got}, the worker needs it free (${size})`);
      else if (typeof size === 'number' && got !== size) problems.push(`${kind} "${name}" dim ${i} is ${got}, expected ${size}`);
    });
  }
  return problems;
}
