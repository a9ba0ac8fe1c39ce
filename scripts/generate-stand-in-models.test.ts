import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { generateStandInModels } from './generate-stand-in-models.ts';
import { DECODER_IO, DECODER_WITH_PAST_IO, DETECTOR_IO, ENCODER_IO, type ModelIo } from './onnx/model-io.ts';
import { SPECIAL_TOKENS } from './onnx/vocab.ts';

const dir = mkdtempSync(join(tmpdir(), 'stand-in-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXPECTED: Record<string, ModelIo> = {
  'comictextdetector.pt.onnx': DETECTOR_IO,
  'encoder_model.onnx': ENCODER_IO,
  'decoder_model.onnx': DECODER_IO,
  'decoder_with_past_model.onnx': DECODER_WITH_PAST_IO,
};

const signature = (meta: readonly ort.InferenceSession.ValueMetadata[]) =>
  meta.map((m) => (m.isTensor ? { name: m.name, dtype: m.type, dims: [...m.shape] } : { name: m.name }));

describe('generateStandInModels (tiny)', () => {
  const first = generateStandInModels({ outDir: dir, size: 'tiny' });

  it('writes the five files, small enough for tests', () => {
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

  it.each(Object.entries(EXPECTED))('%s has the published inputs and outputs', async (file, io) => {
    const session = await ort.InferenceSession.create(join(dir, file));
    expect(signature(session.inputMetadata)).toEqual(io.inputs.map((t) => ({ ...t, dims: [...t.dims] })));
    expect(signature(session.outputMetadata)).toEqual(io.outputs.map((t) => ({ ...t, dims: [...t.dims] })));
    await session.release();
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
