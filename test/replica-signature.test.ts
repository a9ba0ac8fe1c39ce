/**
 * The faithful replicas (oracle/make_replicas.py: a manga-ocr-base-shaped VisionEncoderDecoderModel with
 * random weights, exported with `optimum-cli export onnx --task vision2seq-lm` as mayocream/manga-ocr-onnx
 * was) must declare exactly what the pinned real files declare, as models/manifest.json records it: names,
 * dtypes, dims with their symbolic names verbatim, order. So must the ink-responsive stand-in detector the
 * replica folders carry (comic-text-detector's export declares only fixed sizes).
 *
 * The replicas are built by Python tooling (`oracle/setup.sh`, then `npm run parity` or
 * `.ci/run`), which the README's Node-only `npm test` cannot assume: without them this file skips and
 * says so, unless ORACLE_REQUIRED=1 (set by .ci/run, which builds them first) makes that a failure.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import ort from 'onnxruntime-node';
import { ioMismatches } from '../src/models/check-io.ts';
import { readManifest } from '../src/models/manifest.ts';
import { fileSignature } from '../scripts/parity/file-signature.ts';

const REPLICAS = path.resolve(import.meta.dirname, '..', '.cache', 'replicas');
const sizes = ['small', 'full'].filter((s) => existsSync(path.join(REPLICAS, s, '.replica-key')));
const required = process.env.ORACLE_REQUIRED === '1';

describe('replica signatures', () => {
  it('replicas are present (built by oracle/make_replicas.py)', (ctx) => {
    if (sizes.length === 0 && !required) {
      ctx.skip('no replicas in .cache/replicas: they are made by Python tooling (`npm run parity` or .ci/run); set ORACLE_REQUIRED=1 to make this a failure');
    }
    expect(sizes).toContain('small');
  });

  const entries = readManifest().models.filter((m) => m.declared);
  it('the manifest records a declared signature for the detector, encoder and decoder', () => {
    expect(entries.map((m) => m.file).sort()).toEqual(['comictextdetector.pt.onnx', 'decoder_model.onnx', 'encoder_model.onnx']);
  });

  for (const size of sizes) {
    it.each(entries.map((m) => [m.file, m] as const))(`${size}: %s declares exactly the pinned real file's recorded I/O`, (file, entry) => {
      const signature = fileSignature(path.join(REPLICAS, size, file));
      expect(signature.inputs).toEqual(entry.declared!.inputs);
      expect(signature.outputs).toEqual(entry.declared!.outputs);
    });

    it(`${size}: the manga-ocr files are opset 14 and there is no with-past decoder, as in the pinned export`, () => {
      expect(fileSignature(path.join(REPLICAS, size, 'encoder_model.onnx')).opset).toBe(14);
      expect(fileSignature(path.join(REPLICAS, size, 'decoder_model.onnx')).opset).toBe(14);
      expect(existsSync(path.join(REPLICAS, size, 'decoder_with_past_model.onnx'))).toBe(false);
    });

    // onnxruntime infers the encoder's output dims (197, 768) where the file names them: the worker's
    // I/O check must accept what onnxruntime reports for a file declared like the pinned one
    it.each(entries.map((m) => [m.file, m] as const))(`${size}: the worker's I/O check accepts %s as onnxruntime reports it`, async (file, entry) => {
      const session = await ort.InferenceSession.create(path.join(REPLICAS, size, file), { executionProviders: ['cpu'], intraOpNumThreads: 1 });
      try {
        expect(ioMismatches('input', session.inputMetadata, entry.declared!.inputs, entry.sizes)).toEqual([]);
        expect(ioMismatches('output', session.outputMetadata, entry.declared!.outputs, entry.sizes)).toEqual([]);
      } finally {
        await session.release();
      }
    });
  }
});
