import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decode } from './decoding.ts';
import { createDecoder, createEncoder } from './manga-ocr-session.ts';
import { HIDDEN_SIZE, type SessionLike } from './session-like.ts';
import { scriptedLogits } from '../../test/helpers/scripted-logits.ts';

const V = 12;
const EOS = 3;
const S = 2; // encoder sequence length of the fake encoder output

/** scripted logits as a function of (crop, prefix); EOS grows likelier with length */
const logitsFor = scriptedLogits(V, EOS, 0.35);

/** fake encoder output: every value of crop c's rows is c + 0.5 */
function hiddenFor(batch: number): Float32Array {
  const h = new Float32Array(batch * S * HIDDEN_SIZE);
  for (let c = 0; c < batch; c++) h.fill(c + 0.5, c * S * HIDDEN_SIZE, (c + 1) * S * HIDDEN_SIZE);
  return h;
}

const ids = (t: ort.Tensor) => Array.from(t.data as BigInt64Array, Number);
const f32 = (data: number[], dims: number[]) => new ort.Tensor('float32', Float32Array.from(data), dims);

/** rows × T logits for every position (the plain export), crops read from the hidden states */
function logitsTensor(rows: number, T: number, crop: (r: number) => number, prefix: (r: number) => number[]) {
  const out = new Float32Array(rows * T * V);
  for (let r = 0; r < rows; r++) {
    const p = prefix(r);
    for (let t = 0; t < T; t++) out.set(logitsFor(crop(r), p.slice(0, p.length - T + t + 1)), (r * T + t) * V);
  }
  return new ort.Tensor('float32', out, [rows, T, V]);
}

function plainSession(withPresent: boolean): SessionLike & { calls: number } {
  const s = {
    calls: 0,
    inputNames: ['input_ids', 'encoder_hidden_states'],
    outputNames: withPresent ? ['logits', 'present.0.decoder.key', 'present.0.encoder.key'] : ['logits'],
    async run(feeds: Record<string, ort.Tensor>) {
      s.calls++;
      const [rows, T] = feeds.input_ids.dims;
      const tok = ids(feeds.input_ids);
      const hidden = feeds.encoder_hidden_states.data as Float32Array;
      const crop = (r: number) => Math.floor(hidden[r * S * HIDDEN_SIZE]);
      const prefix = (r: number) => tok.slice(r * T, (r + 1) * T);
      const out: Record<string, ort.Tensor> = { logits: logitsTensor(rows, T, crop, prefix) };
      if (withPresent) {
        out['present.0.decoder.key'] = f32(tok, [rows, 1, T, 1]);
        out['present.0.encoder.key'] = f32(Array.from({ length: rows }, (_, r) => crop(r)), [rows, 1, 1, 1]);
      }
      return out;
    },
  };
  return s;
}

/** KV session: the decoder cache holds the prefix's token ids, the encoder cache the crop id */
function kvSession(merged: boolean): SessionLike {
  const inputs = ['input_ids', 'past_key_values.0.decoder.key', 'past_key_values.0.encoder.key'];
  return {
    inputNames: merged ? [...inputs, 'encoder_hidden_states', 'use_cache_branch'] : inputs,
    outputNames: ['logits', 'present.0.decoder.key', 'present.0.encoder.key'],
    async run(feeds, fetches) {
      const [rows, T] = feeds.input_ids.dims;
      expect(T).toBe(1);
      const useCache = merged ? (feeds.use_cache_branch.data as Uint8Array | boolean[])[0] : true;
      if (!useCache) return plainSession(true).run(feeds, fetches);
      // the encoder K/V outputs only echo their inputs: fetching them would copy MBs per row per step
      const names = Array.isArray(fetches) ? fetches : Object.keys(fetches);
      expect(names.filter((n) => n.includes('.encoder.'))).toEqual([]);
      const past = feeds['past_key_values.0.decoder.key'];
      const P = past.dims[2];
      const cache = Array.from(past.data as Float32Array);
      const encoder = feeds['past_key_values.0.encoder.key'].data as Float32Array;
      const tok = ids(feeds.input_ids);
      const prefix = (r: number) => [...cache.slice(r * P, (r + 1) * P), tok[r]];
      const crop = (r: number) => encoder[r];
      if (merged) {
        // the hidden states fed alongside must belong to the same crop as the cached encoder K/V
        const hidden = feeds.encoder_hidden_states.data as Float32Array;
        for (let r = 0; r < rows; r++) expect(Math.floor(hidden[r * S * HIDDEN_SIZE])).toBe(crop(r));
      }
      const present: number[] = [];
      for (let r = 0; r < rows; r++) present.push(...prefix(r));
      return {
        logits: logitsTensor(rows, 1, crop, prefix),
        'present.0.decoder.key': f32(present, [rows, 1, P + 1, 1]),
        // optimum's with-past branch only echoes a constant here; the wrapper must not use it
        'present.0.encoder.key': f32(new Array(rows).fill(-99), [rows, 1, 1, 1]),
      };
    },
  };
}

describe('manga-ocr session wiring', () => {
  it('detects the export from input names', () => {
    expect(createDecoder({ decoder: plainSession(false) }).kind).toBe('plain');
    expect(createDecoder({ decoder: kvSession(true) }).kind).toBe('kv-merged');
    expect(createDecoder({ decoder: plainSession(true), decoderWithPast: kvSession(false) }).kind).toBe('kv-split');
    // a with-past session is useless if the first-step decoder does not emit present.*
    expect(createDecoder({ decoder: plainSession(false), decoderWithPast: kvSession(false) }).kind).toBe('plain');
    const odd = { ...plainSession(false), inputNames: ['input_ids', 'encoder_hidden_states', 'attention_mask'] };
    expect(() => createDecoder({ decoder: odd })).toThrow(/unsupported decoder inputs attention_mask/);
  });

  it('the KV-cache paths give the same tokens as the plain path (beam and greedy, batched)', async () => {
    const batch = 5;
    const hidden = hiddenFor(batch);
    for (const mode of ['beam', 'greedy'] as const) {
      const opts = { vocabSize: V, mode, maxNewTokens: 30 };
      const plain = await decode(createDecoder({ decoder: plainSession(false) }).bind(hidden, batch), batch, opts);
      const merged = await decode(createDecoder({ decoder: kvSession(true) }).bind(hidden, batch), batch, opts);
      const first = plainSession(true);
      const split = createDecoder({ decoder: first, decoderWithPast: kvSession(false) });
      const splitResult = await decode(split.bind(hidden, batch), batch, opts);
      expect(merged.tokens).toEqual(plain.tokens);
      expect(splitResult.tokens).toEqual(plain.tokens);
      expect(first.calls).toBe(1); // only the first step runs the plain decoder
      expect(new Set(plain.tokens.map((t) => t.join())).size).toBeGreaterThan(1);
      // and each equals the scripted truth decoded crop by crop
      for (let c = 0; c < batch; c++) {
        const alone = await decode(async ({ prefixes }) => Float32Array.from(prefixes.flatMap((p) => logitsFor(c, p))), 1, opts);
        expect(plain.tokens[c]).toEqual(alone.tokens[0]);
      }
    }
  });

  it('runs the encoder on pixel_values and returns last_hidden_state', async () => {
    const enc = createEncoder({
      inputNames: ['pixel_values'],
      outputNames: ['last_hidden_state'],
      async run(feeds) {
        expect(feeds.pixel_values.dims).toEqual([2, 3, 224, 224]);
        return { last_hidden_state: f32([1, 2, 3], [3]) };
      },
    });
    expect([...(await enc(new Float32Array(2 * 3 * 224 * 224), 2))]).toEqual([1, 2, 3]);
  });
});
