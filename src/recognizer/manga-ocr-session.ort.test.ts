/**
 * The wiring on real onnxruntime sessions: the tiny stand-in models (generated, random weights; see
 * scripts/onnx) declare the pinned files' I/O, whose decoder is plain (logits only). The KV-cache path,
 * which production does not take with the pinned files, runs on the same weights built explicitly as an
 * optimum pair (a decoder that also emits present.*, and a with-past decoder); it must decode exactly
 * what the plain path decodes.
 */
import { describe, expect, it } from 'vitest';
import type { RawImage } from '../image/raw-image.ts';
import { openTiny, openTinyKv } from '../../scripts/onnx/stand-in-fixture.ts';
import { decode } from './decoding.ts';
import { createDecoder, createEncoder } from './manga-ocr-session.ts';
import { preprocess } from './preprocess.ts';

/** dark strokes on white at positions that depend on `seed` */
function crop(seed: number, width: number): RawImage {
  const height = 64;
  const data = new Uint8Array(width * height * 3).fill(255);
  for (let y = 8; y < 56; y++)
    for (let x = 0; x < width; x++) if ((x * seed + y * (seed % 3)) % 37 < 6) data.fill(0, (y * width + x) * 3, (y * width + x) * 3 + 3);
  return { data, width, height, channels: 3 };
}

describe('manga-ocr session wiring on onnxruntime (tiny stand-ins)', () => {
  it('plain and KV-cache decoders give the same tokens, batched, beam and greedy', { timeout: 120_000 }, async () => {
    const [encoder, plain, withPresent, withPast] = await Promise.all([
      openTiny('encoder_model.onnx'),
      openTiny('decoder_model.onnx'),
      openTinyKv('decoder_model.onnx'),
      openTinyKv('decoder_with_past_model.onnx'),
    ]);
    const crops = [crop(5, 300), crop(7, 120), crop(11, 500), crop(13, 64)];
    const hidden = await createEncoder(encoder)(preprocess(crops), crops.length);
    const plainDecoder = createDecoder({ decoder: plain });
    const kvDecoder = createDecoder({ decoder: withPresent, decoderWithPast: withPast });
    // production's plain decoder beside a with-past file still decodes plainly: it emits no cache
    expect(createDecoder({ decoder: plain, decoderWithPast: withPast }).kind).toBe('plain');
    expect([plainDecoder.kind, kvDecoder.kind]).toEqual(['plain', 'kv-split']);
    for (const mode of ['beam', 'greedy'] as const) {
      const opts = { mode, maxNewTokens: 40 };
      const a = await decode(plainDecoder.bind(hidden, crops.length), crops.length, opts);
      const b = await decode(kvDecoder.bind(hidden, crops.length), crops.length, opts);
      expect(b.tokens).toEqual(a.tokens);
      expect(a.tokens.some((t) => t.length > 0)).toBe(true);
      // batched equals one by one on the real session too
      const single = await decode(kvDecoder.bind(hidden.slice(0, hidden.length / crops.length), 1), 1, opts);
      expect(single.tokens[0]).toEqual(a.tokens[0]);
    }
  });
});
