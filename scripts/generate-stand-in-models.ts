import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildTinyDetector } from './onnx/detector-tiny.ts';
import { buildRealDetector } from './onnx/detector-real.ts';
import { buildEncoder } from './onnx/encoder.ts';
import { BERT_DECODER, TINY_DECODER, buildDecoder } from './onnx/decoder.ts';
import { vocabText } from './onnx/vocab.ts';

export type StandInSize = 'tiny' | 'real';

export interface GenerateOptions {
  outDir: string;
  size: StandInSize;
  /** Rewrite files that already exist (otherwise they are kept as they are). */
  force?: boolean;
  log?: (line: string) => void;
}

export interface GeneratedFile {
  file: string;
  path: string;
  bytes: number;
  ms: number;
  /** False when the file already existed and was kept. */
  written: boolean;
}

/** File name → builder, in the names the published exports use (spec §5). */
function builders(size: StandInSize): Record<string, () => Uint8Array | string> {
  const decoder = size === 'tiny' ? TINY_DECODER : BERT_DECODER;
  return {
    'comictextdetector.pt.onnx': size === 'tiny' ? buildTinyDetector : buildRealDetector,
    'encoder_model.onnx': () => buildEncoder(size),
    'decoder_model.onnx': () => buildDecoder(decoder, false),
    'decoder_with_past_model.onnx': () => buildDecoder(decoder, true),
    'vocab.txt': vocabText,
  };
}

/**
 * Writes stand-in models with the real exports' names, inputs and outputs. Random (seeded) weights, so the
 * files are identical on every run. Each file goes through a temporary name so a crash never leaves a
 * truncated model that a later run would skip.
 */
export function generateStandInModels(opts: GenerateOptions): GeneratedFile[] {
  mkdirSync(opts.outDir, { recursive: true });
  const results: GeneratedFile[] = [];
  for (const [file, build] of Object.entries(builders(opts.size))) {
    const path = join(opts.outDir, file);
    const started = performance.now();
    if (existsSync(path) && !opts.force) {
      results.push({ file, path, bytes: statSync(path).size, ms: 0, written: false });
      continue;
    }
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, build());
    renameSync(tmp, path);
    results.push({ file, path, bytes: statSync(path).size, ms: Math.round(performance.now() - started), written: true });
  }
  for (const r of results) {
    const size = `${(r.bytes / 1e6).toFixed(2)} MB`.padStart(10);
    opts.log?.(`${r.written ? 'wrote' : 'kept '} ${size} ${String(r.ms).padStart(6)} ms  ${r.path}`);
  }
  return results;
}

const HELP = `Usage: npm run models:stand-in -- [--out DIR] [--size tiny|real] [--force]

Generates ONNX stand-ins for comic-text-detector and manga-ocr (encoder, decoder, decoder with past) plus a
vocab.txt, with the real exports' input/output names and shapes.
  --out DIR    output directory (default models/stand-in)
  --size S     tiny: fast, ink-driven detector and short decodes, for tests (default)
               real: published architectures with random weights, for benchmarks (~660 MB, ~15 s)
  --force      rewrite files that already exist
  --help       show this text`;

function main(): void {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'models/stand-in' },
      size: { type: 'string', default: 'tiny' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (values.size !== 'tiny' && values.size !== 'real') {
    console.error(`--size must be tiny or real, got ${values.size}\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  const started = performance.now();
  generateStandInModels({ outDir: resolve(values.out), size: values.size, force: values.force, log: console.log });
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
