import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { generateKvDecoderPair, generateStandInModels } from './generate-stand-in-models.ts';
import { DECODER_IO, DECODER_WITH_PAST_IO, DECODER_WITH_PRESENT_IO, DETECTOR_IO, ENCODER_IO, type ModelIo } from './onnx/model-io.ts';
import { declaredSignature } from '../test/helpers/declared-signature.ts';
import { readManifest } from '../src/models/manifest.ts';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/logger.ts';
import { loadModels } from '../src/models/load-models.ts';
import { createDecoder } from '../src/recognizer/manga-ocr-session.ts';
import { SPECIAL_TOKENS } from './onnx/vocab.ts';

const dir = mkdtempSync(join(tmpdir(), 'stand-in-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXPECTED: Record<string, ModelIo> = {
  'comictextdetector.pt.onnx': DETECTOR_IO,
  'encoder_model.onnx': ENCODER_IO,
  'decoder_model.onnx': DECODER_IO,
};

const signature = (meta: readonly ort.InferenceSession.ValueMetadata[]) =>
  meta.map((m) => (m.isTensor ? { name: m.name, dtype: m.type, dims: [...m.shape] } : { name: m.name }));

describe('generateStandInModels (tiny)', () => {
  const first = generateStandInModels({ outDir: dir, size: 'tiny' });

  it('writes the four files, small enough for tests, and no with-past decoder (the pinned export has none)', () => {
    expect(first.map((f) => f.file).sort()).toEqual([...Object.keys(EXPECTED), 'vocab.txt'].sort());
    expect(first.every((f) => f.written)).toBe(true);
    expect(first.reduce((sum, f) => sum + f.bytes, 0)).toBeLessThan(30e6);
  });

  it('keeps existing files unless forced, and is deterministic', () => {
    const before = readFileSync(join(dir, 'decoder_model.onnx'));
    expect(generateStandInModels({ outDir: dir, size: 'tiny' }).some((f) => f.written)).toBe(false);
    const forced = generateStandInModels({ outDir: dir, size: 'tiny', force: true });
    expect(forced.every((f) => f.written)).toBe(true);
    expect(readFileSync(join(dir, 'decoder_model.onnx')).equals(before)).toBe(true);
  });

  it.each(Object.entries(EXPECTED))('%s declares what the generator means it to', async (file, io) => {
    const session = await ort.InferenceSession.create(join(dir, file));
    expect(signature(session.inputMetadata)).toEqual(io.inputs.map((t) => ({ ...t, dims: [...t.dims] })));
    expect(signature(session.outputMetadata)).toEqual(io.outputs.map((t) => ({ ...t, dims: [...t.dims] })));
    await session.release();
  });

  /**
   * The manifest's `declared` is the pinned real file's signature as published (mayocream/manga-ocr-onnx
   * @24b1277 for the encoder and decoder, manga-image-translator beta-0.3 for the detector): each stand-in
   * must declare exactly that, field by field — names, dtypes, dims with symbolic names verbatim, order.
   */
  it.each(readManifest().models.filter((m) => m.declared).map((m) => [m.file, m] as const))(
    '%s declares exactly the pinned real file\'s recorded I/O',
    async (file, entry) => {
      const signature = await declaredSignature(join(dir, file));
      expect(signature.inputs).toEqual(entry.declared!.inputs);
      expect(signature.outputs).toEqual(entry.declared!.outputs);
    },
  );

  it('loaded as the worker loads them, they take the plain decoder path production takes', async () => {
    const config = loadConfig([], { EXECUTION_PROVIDERS: 'cpu', ORT_INTRA_OP_THREADS: '1' });
    const models = await loadModels({ ...config.models, dir }, silentLogger());
    try {
      expect(models.decoderWithPast).toBeUndefined();
      expect(createDecoder(models).kind).toBe('plain');
      expect(models.info.weights).toBe('stand-in');
    } finally {
      await models.release();
    }
  });

  it('writes a 6144-line vocab.txt with the manga-ocr special ids', () => {
    const lines = readFileSync(join(dir, 'vocab.txt'), 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(6144);
    expect(lines.slice(0, 5)).toEqual([...SPECIAL_TOKENS]);
    expect(new Set(lines).size).toBe(6144);
    expect(lines.some((l) => l.startsWith('##'))).toBe(true);
    expect(statSync(join(dir, 'vocab.txt')).size).toBeGreaterThan(6144 * 2);
  });
});

describe('generateKvDecoderPair (tiny)', () => {
  const kvDir = mkdtempSync(join(tmpdir(), 'stand-in-kv-'));
  afterAll(() => rmSync(kvDir, { recursive: true, force: true }));
  const files = generateKvDecoderPair({ outDir: kvDir, size: 'tiny' });

  it('writes an optimum-style KV pair, in its own folder', async () => {
    expect(files.map((f) => f.file)).toEqual(['decoder_model.onnx', 'decoder_with_past_model.onnx']);
    for (const [file, io] of [['decoder_model.onnx', DECODER_WITH_PRESENT_IO], ['decoder_with_past_model.onnx', DECODER_WITH_PAST_IO]] as const) {
      const session = await ort.InferenceSession.create(join(kvDir, file));
      expect(signature(session.inputMetadata)).toEqual(io.inputs.map((t) => ({ ...t, dims: [...t.dims] })));
      expect(signature(session.outputMetadata)).toEqual(io.outputs.map((t) => ({ ...t, dims: [...t.dims] })));
      await session.release();
    }
  });
});
