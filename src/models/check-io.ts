import type { InferenceSession } from 'onnxruntime-node';
import type { TensorSpec } from './manifest.ts';

type Metadata = readonly InferenceSession.ValueMetadata[];

/**
 * Differences between a session's inputs/outputs and the manifest: names, dtypes and every fixed
 * dimension (named dimensions are dynamic and match anything). Empty when the model fits.
 */
export function ioMismatches(
  kind: 'input' | 'output',
  actual: Metadata,
  expected: Record<string, TensorSpec> | undefined,
): string[] {
  if (!expected) return [];
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(expected)) {
    const meta = actual.find((m) => m.name === name);
    if (!meta) {
      problems.push(`missing ${kind} "${name}" (has ${actual.map((m) => m.name).join(', ') || 'none'})`);
      continue;
    }
    if (!meta.isTensor) {
      problems.push(`${kind} "${name}" is not a tensor`);
      continue;
    }
    if (meta.type !== spec.type) problems.push(`${kind} "${name}" is ${meta.type}, expected ${spec.type}`);
    if (meta.shape.length > 0 && meta.shape.length !== spec.shape.length) {
      problems.push(`${kind} "${name}" has rank ${meta.shape.length}, expected ${spec.shape.length}`);
      continue;
    }
    spec.shape.forEach((dim, i) => {
      const got = meta.shape[i];
      if (typeof dim === 'number' && typeof got === 'number' && got >= 0 && got !== dim) {
        problems.push(`${kind} "${name}" dim ${i} is ${got}, expected ${dim}`);
      }
    });
  }
  return problems;
}
