/**
 * Accuracy against manga-ocr's own test suite (kha-white/manga-ocr tests/data/expected_results.json):
 * needs the real manga-ocr-base ONNX weights in models/ (checked by size against models/manifest.json,
 * so generated stand-ins do not count). Skipped otherwise: without real weights the texts cannot be
 * right. The crops come from published manga, so they are not in the repository: skipped too when the
 * external test data is absent.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import nodePath from 'node:path';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MANGA_CROPS_ABSENT, MANGA_OCR_EXAMPLES } from '../../test/helpers/fixtures.ts';
import { createDecoder, createEncoder } from './manga-ocr-session.ts';
import { createRecognizer } from './recognizer.ts';

const MODELS = new URL('../../models/', import.meta.url);
const EXAMPLES = MANGA_OCR_EXAMPLES;
const manifest = JSON.parse(readFileSync(new URL('manifest.json', MODELS), 'utf8')) as {
  models: { id: string; file: string; bytes: number }[];
};
const file = (id: string) => manifest.models.find((m) => m.id === id)!;
const real = ['manga-ocr-encoder', 'manga-ocr-decoder', 'manga-ocr-vocab'].every((id) => {
  const m = file(id);
  const path = new URL(m.file, MODELS);
  return existsSync(path) && statSync(path).size === m.bytes;
});

const skipped = !real ? 'real weights not in models/' : !EXAMPLES ? MANGA_CROPS_ABSENT : undefined;

describe.skipIf(skipped)(`manga-ocr examples with the real weights${skipped ? ` (skipped: ${skipped})` : ''}`, () => {
  it('reads all twelve crops as the reference model does (beam search)', { timeout: 600_000 }, async () => {
    const opts = { intraOpNumThreads: 2 };
    const open = (id: string) => ort.InferenceSession.create(new URL(file(id).file, MODELS).pathname, opts);
    const recogniser = createRecognizer({
      encode: createEncoder(await open('manga-ocr-encoder')),
      decoder: createDecoder({ decoder: await open('manga-ocr-decoder') }),
      vocab: readFileSync(new URL(file('manga-ocr-vocab').file, MODELS), 'utf8'),
      batchSize: 4,
    });
    const expected = JSON.parse(readFileSync(nodePath.join(EXAMPLES!, 'expected_results.json'), 'utf8')) as {
      filename: string;
      result: string;
    }[];
    const crops = await Promise.all(
      expected.map(async ({ filename }) => {
        const { data, info } = await sharp(nodePath.join(EXAMPLES!, filename))
          .removeAlpha()
          .toColourspace('srgb')
          .raw()
          .toBuffer({ resolveWithObject: true });
        return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 as const };
      }),
    );
    expect((await recogniser.recogniseWithStats(crops)).texts).toEqual(expected.map((e) => e.result));
  });
});
