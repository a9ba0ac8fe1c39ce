/**
 * The benchmark's models, generated once and cached outside git. A stamp (hash of the generator's
 * sources) makes a changed generator regenerate instead of timing stale files.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKvDecoderPair, generateStandInModels, type StandInSize } from '../generate-stand-in-models.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const MODEL_DIRS: Record<StandInSize, string> = {
  real: join(ROOT, '.cache/models/real'),
  tiny: join(ROOT, '.cache/models/bench-tiny'),
};
/**
 * The real-size decoder as an optimum KV pair, for the KV-vs-re-run comparison only: production (the
 * pinned export) has no with-past decoder, so every other run takes the plain decoder.
 */
export const KV_DIR = join(ROOT, '.cache/models/real-kv');
const STAMP = 'BENCH_GENERATOR_STAMP';

function generatorStamp(): string {
  const hash = createHash('sha256');
  const onnx = join(ROOT, 'scripts/onnx');
  const files = readdirSync(onnx).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort().map((f) => join(onnx, f));
  for (const f of [join(ROOT, 'scripts/generate-stand-in-models.ts'), ...files]) hash.update(f).update(readFileSync(f));
  return hash.digest('hex');
}

/** Ensure the model sets exist and match the generator; returns seconds spent generating. */
export function ensureBenchModels(log: (line: string) => void): { generated_s: number } {
  const stamp = generatorStamp();
  const t0 = performance.now();
  for (const size of ['real', 'tiny'] as const) {
    const dir = MODEL_DIRS[size];
    const stampFile = join(dir, STAMP);
    const fresh = existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
    if (!fresh) log(`generating ${size} stand-in models in ${dir} (once; real-size takes ~15 s)`);
    generateStandInModels({ outDir: dir, size, force: !fresh });
    writeFileSync(stampFile, stamp);
  }
  const kvStamp = join(KV_DIR, STAMP);
  const kvFresh = existsSync(kvStamp) && readFileSync(kvStamp, 'utf8') === stamp;
  if (!kvFresh) log(`generating the real-size KV decoder pair in ${KV_DIR} (for the KV comparison only)`);
  generateKvDecoderPair({ outDir: KV_DIR, size: 'real', force: !kvFresh });
  writeFileSync(kvStamp, stamp);
  return { generated_s: (performance.now() - t0) / 1000 };
}
