import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { openTiny, openTinyKv } from './stand-in-fixture.ts';
import { EOS_ID } from './decoder-parts.ts';

type Feeds = Record<string, ort.Tensor>;
const VOCAB = 6144;

// production's plain decoder (logits only), and the same weights as an optimum KV pair
const [encoder, plain, withPresent, withPast] = await Promise.all([
  openTiny('encoder_model.onnx'),
  openTiny('decoder_model.onnx'),
  openTinyKv('decoder_model.onnx'),
  openTinyKv('decoder_with_past_model.onnx'),
]);

/** A "crop": black vertical strokes on white, at positions that depend on `seed`. */
async function encode(seeds: number[]): Promise<ort.Tensor> {
  const px = new Float32Array(seeds.length * 3 * 224 * 224).fill(1);
  seeds.forEach((seed, b) => {
    for (let c = 0; c < 3; c++)
      for (let y = 20; y < 200; y++)
        for (let x = 0; x < 224; x++) if ((x * seed + y * (seed % 3)) % 37 < 6) px[((b * 3 + c) * 224 + y) * 224 + x] = -1;
  });
  return (await encoder.run({ pixel_values: new ort.Tensor('float32', px, [seeds.length, 3, 224, 224]) })).last_hidden_state;
}

const ids = (rows: bigint[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat()), [rows.length, rows[0].length]);
const lastRow = (logits: ort.Tensor, b: number) => {
  const [, t] = logits.dims;
  return (logits.data as Float32Array).subarray((b * t + t - 1) * VOCAB, (b * t + t) * VOCAB);
};
const argmax = (row: Float32Array) => row.reduce((best, v, i) => (v > row[best] ? i : best), 0);

async function greedy(enc: ort.Tensor): Promise<number[]> {
  const seq = [2n];
  for (let step = 0; step < 20 && seq.at(-1) !== BigInt(EOS_ID); step++) {
    const out = await plain.run({ input_ids: ids([seq]), encoder_hidden_states: enc });
    seq.push(BigInt(argmax(lastRow(out.logits, 0))));
  }
  return seq.map(Number);
}

describe('tiny manga-ocr stand-in', () => {
  it('encodes different images differently, batch dimension dynamic', async () => {
    const enc = await encode([5, 7, 5]);
    expect(enc.dims).toEqual([3, 197, 768]);
    const item = (b: number) => (enc.data as Float32Array).subarray(b * 197 * 768, (b + 1) * 197 * 768);
    expect(item(0)).toEqual(item(2));
    expect(item(0)).not.toEqual(item(1));
  });

  it('greedy decoding emits ordinary tokens, then EOS within 20 steps, and depends on the image', async () => {
    const enc = await encode([5, 7]);
    const one = (b: number) => new ort.Tensor('float32', (enc.data as Float32Array).slice(b * 197 * 768, (b + 1) * 197 * 768), [1, 197, 768]);
    const [a, b] = [await greedy(one(0)), await greedy(one(1))];
    for (const seq of [a, b]) {
      expect(seq.at(-1)).toBe(EOS_ID);
      expect(seq.length).toBeGreaterThanOrEqual(5);
      expect(seq.slice(1, -1).every((id) => id >= 5)).toBe(true);
    }
    expect(a).not.toEqual(b);
  });

  it('the plain decoder emits logits only, like the pinned export', () => {
    expect(plain.outputNames).toEqual(['logits']);
  });

  it('the KV pair gives the plain decoder\'s logits, starting from an empty cache', async () => {
    const enc = await encode([5, 11]);
    const prefix = [[2n, 100n, 2000n, 3000n, 17n], [2n, 6000n, 5n, 5n, 900n]];
    const full = await withPresent.run({ input_ids: ids(prefix), encoder_hidden_states: enc });
    const plainFull = await plain.run({ input_ids: ids(prefix), encoder_hidden_states: enc });
    // the same weights: the pair's first half and production's decoder give the same logits
    expect(full.logits.data).toEqual(plainFull.logits.data);

    const empty = new ort.Tensor('float32', new Float32Array(0), [2, 12, 0, 64]);
    let cache: Feeds = {};
    for (const name of withPast.inputNames.filter((n) => n.startsWith('past_key_values.'))) {
      // The encoder half of the cache comes from the plain decoder's first run, as optimum does it.
      cache[name] = name.includes('.encoder.') ? full[name.replace('past_key_values', 'present')] : empty;
    }
    for (let t = 0; t < prefix[0].length; t++) {
      const out = await withPast.run({ input_ids: ids(prefix.map((r) => [r[t]])), encoder_hidden_states: enc, ...cache });
      const upTo = await plain.run({ input_ids: ids(prefix.map((r) => r.slice(0, t + 1))), encoder_hidden_states: enc });
      for (const b of [0, 1]) {
        const [cached, uncached] = [lastRow(out.logits, b), lastRow(upTo.logits, b)];
        expect(Math.max(...cached.map((v, i) => Math.abs(v - uncached[i])))).toBeLessThan(1e-4);
      }
      expect(out['present.1.decoder.key'].dims).toEqual([2, 12, t + 1, 64]);
      cache = Object.fromEntries(Object.keys(cache).map((n) => [n, out[n.replace('past_key_values', 'present')]]));
    }
  });
});
