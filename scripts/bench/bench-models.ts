/**
 * The benchmark's models, generated once and cached outside git. A stamp (hash of the generator's
 * sources) makes a changed generator regenerate instead of timing stale files.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKvDecoderPair, generateStandInModels, type StandInSize } from '../generate-stand-in-models.ts';
import { STAND_IN_MARKER } from '../../src/models/manifest.ts';

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

/**
 * The faithful replicas of manga-ocr (seeded random weights in kha-white/manga-ocr-base's
 * architecture, exported as the publisher exported the real files; see the oracle's replicas) and
 * their KV-cache export under kv/ (docker/kv-decoder/, as the Docker image builds it).
 * BENCH_REPLICA_DIR overrides the place.
 */
export const REPLICA_DIR = process.env.BENCH_REPLICA_DIR ?? join(ROOT, '.cache/replicas/full');
const REPLICA_FILES = ['encoder_model.onnx', 'decoder_model.onnx', 'kv/decoder_model.onnx', 'kv/decoder_with_past_model.onnx'];
export const BEAM_SEARCH_FILE = 'kv/manga_ocr_beam_search.onnx';

/**
 * A models folder for the benchmark: the replicas' encoder, plain decoder, KV pair and in-graph
 * search beside the real-size detector stand-in and the stand-in vocab (links, nothing copied).
 * Undefined when the replicas are absent: the benchmark then times the generated stand-ins.
 */
export function replicaModelsDir(): string | undefined {
  if (!REPLICA_FILES.every((f) => existsSync(join(REPLICA_DIR, f)))) return undefined;
  const dir = join(ROOT, '.cache/models/bench-replica');
  mkdirSync(join(dir, 'kv'), { recursive: true });
  const link = (target: string, name: string) => {
    rmSync(join(dir, name), { force: true });
    if (existsSync(target)) symlinkSync(target, join(dir, name));
  };
  for (const f of [...REPLICA_FILES, BEAM_SEARCH_FILE]) link(join(REPLICA_DIR, f), f);
  link(join(MODEL_DIRS.real, 'comictextdetector.pt.onnx'), 'comictextdetector.pt.onnx');
  link(join(MODEL_DIRS.real, 'vocab.txt'), 'vocab.txt');
  // not the pinned files: the loader skips their sha256 (a benchmark, not production)
  writeFileSync(join(dir, STAND_IN_MARKER), 'replicas of the real architectures with random weights\n');
  return dir;
}
