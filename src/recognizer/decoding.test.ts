import { describe, expect, it } from 'vitest';
import type { DecoderStep, DecoderStepInput } from './decoder-step.ts';
import { decode, type DecodeOptions } from './decoding.ts';
import { bannedTokens } from './ngram-ban.ts';
import { scriptedLogits } from '../../test/helpers/scripted-logits.ts';

const V = 12; // small vocabulary: 0–4 special, 5–11 text
const EOS = 3;
const small: Partial<DecodeOptions> = { vocabSize: V };

/** A decoder whose logits are a known function of (crop, prefix); records every call. */
function scripted(fn: (crop: number, prefix: readonly number[]) => number[]) {
  const calls: DecoderStepInput[] = [];
  const step: DecoderStep = async (input) => {
    calls.push(input);
    const out = new Float32Array(input.prefixes.length * V);
    input.prefixes.forEach((p, r) => out.set(fn(input.crops[r], p), r * V));
    return out;
  };
  return { step, calls };
}

/** logits from probabilities (missing tokens get a tiny probability) */
function probs(p: Record<number, number>): number[] {
  return Array.from({ length: V }, (_, t) => Math.log(p[t] ?? 1e-9));
}

const key = (p: readonly number[]) => p.join(',');

/** deterministic pseudo-random logits; EOS gets likelier with length so decoding ends */
const noisy = scriptedLogits(V, EOS, 0.4);

function hasRepeatedTrigram(seq: readonly number[]): boolean {
  const seen = new Set<string>();
  for (let i = 0; i + 3 <= seq.length; i++) {
    const g = key(seq.slice(i, i + 3));
    if (seen.has(g)) return true;
    seen.add(g);
  }
  return false;
}

describe('n-gram ban', () => {
  it('bans tokens that would repeat a 3-gram, start token included', () => {
    expect(bannedTokens([2], 3)).toEqual([]);
    expect(bannedTokens([2, 5], 3)).toEqual([]);
    expect(bannedTokens([2, 5, 6, 2, 5], 3)).toEqual([6]);
    expect(bannedTokens([2, 5, 5, 5], 3)).toEqual([5]);
    expect(bannedTokens([2, 5, 6, 7, 5, 6, 9, 5, 6], 3)).toEqual([7, 9]);
  });
});

describe('greedy', () => {
  it('follows the argmax path and stops on EOS', async () => {
    const table: Record<string, number[]> = {
      '2': probs({ 5: 0.6, 6: 0.4 }),
      '2,5': probs({ 7: 0.7, 8: 0.3 }),
      '2,5,7': probs({ [EOS]: 0.8, 9: 0.2 }),
    };
    const { step, calls } = scripted((_, p) => table[key(p)] ?? probs({ [EOS]: 1 }));
    const r = await decode(step, 1, { ...small, mode: 'greedy' });
    expect(r.tokens).toEqual([[5, 7]]);
    expect(calls.map((c) => c.prefixes)).toEqual([[[2]], [[2, 5]], [[2, 5, 7]]]);
    expect(calls.map((c) => c.parents)).toEqual([null, [0], [0]]);
  });
});

describe('beam search', () => {
  // greedy takes 5 then EOS (0.6·0.9); the path 6,7 is less likely (0.4) but longer, and the
  // length penalty (len² with the start token) makes log(0.4)/3² beat log(0.54)/2²
  const table: Record<string, number[]> = {
    '2': probs({ 5: 0.6, 6: 0.4 }),
    '2,5': probs({ [EOS]: 0.9, 8: 0.1 }),
    '2,6': probs({ 7: 1 }),
    '2,6,7': probs({ [EOS]: 1 }),
  };
  const fn = (_: number, p: readonly number[]) => table[key(p)] ?? probs({ [EOS]: 1 });

  it('returns the best hypothesis under the length penalty, not the greedy path', async () => {
    expect((await decode(scripted(fn).step, 1, { ...small, mode: 'greedy' })).tokens).toEqual([[5]]);
    const { step, calls } = scripted(fn);
    const r = await decode(step, 1, small);
    expect(r.tokens).toEqual([[6, 7]]);
    // first call: one row (all beams share the start token); later: 4 rows with their parents
    expect(calls[0].prefixes).toEqual([[2]]);
    expect(calls[1].prefixes).toHaveLength(4);
    expect(calls[1].parents).toEqual([0, 0, 0, 0]);
  });

  it('stops on EOS once four hypotheses are finished (early stopping)', async () => {
    const { step, calls } = scripted((_, p) => (p.length < 3 ? probs({ 5: 0.5, 6: 0.5 }) : probs({ [EOS]: 1 })));
    const r = await decode(step, 1, small);
    expect(calls).toHaveLength(3);
    expect(r.tokens[0]).toHaveLength(2);
  });

  it('never emits a repeated 3-gram even when the model wants to', async () => {
    const { step } = scripted((_, p) => probs({ 5: 0.9, 6: 0.05, [EOS]: p.length > 12 ? 0.5 : 1e-6 }));
    for (const mode of ['beam', 'greedy'] as const) {
      const r = await decode(step, 1, { ...small, mode, maxNewTokens: 40 });
      expect(r.tokens[0].length).toBeGreaterThan(3);
      expect(hasRepeatedTrigram([2, ...r.tokens[0]])).toBe(false);
    }
  });

  it('the hard cap stops a decoder that never emits EOS', async () => {
    const never = (_: number, p: readonly number[]) =>
      Array.from({ length: V }, (_, t) => (t === EOS ? -Infinity : ((p.length * 7 + t * 3) % 11) / 3));
    for (const mode of ['beam', 'greedy'] as const) {
      const { step, calls } = scripted(never);
      const r = await decode(step, 2, { ...small, mode, maxNewTokens: 10 });
      expect(calls).toHaveLength(10);
      for (const t of r.tokens) expect(t).toHaveLength(10);
    }
    const { step, calls } = scripted(never);
    await decode(step, 1, { ...small, maxLength: 6 }); // HF max_length counts the start token
    expect(calls).toHaveLength(5);
  });

  it('decodes N different crops in one batch exactly as N single decodes', async () => {
    const N = 6;
    for (const mode of ['beam', 'greedy'] as const) {
      const batched = scripted(noisy);
      const together = await decode(batched.step, N, { ...small, mode });
      const alone: number[][] = [];
      for (let c = 0; c < N; c++) {
        const { step } = scripted((_, p) => noisy(c, p));
        alone.push((await decode(step, 1, { ...small, mode })).tokens[0]);
      }
      expect(together.tokens).toEqual(alone);
      expect(new Set(alone.map(key)).size).toBeGreaterThan(1); // the crops really differ
      // finished crops leave the batch: rows per call never grow, and the last call is small
      const rows = batched.calls.map((c) => c.prefixes.length);
      for (let i = 2; i < rows.length; i++) expect(rows[i]).toBeLessThanOrEqual(rows[i - 1]);
      const perCrop = mode === 'beam' ? 4 : 1;
      expect(rows[1]).toBe(N * perCrop);
      expect(rows.at(-1)).toBeLessThan(N * perCrop);
      // every row's parent in the previous call belongs to the same crop
      for (let i = 1; i < batched.calls.length; i++) {
        const { crops, parents } = batched.calls[i];
        crops.forEach((c, r) => expect(batched.calls[i - 1].crops[parents![r]]).toBe(c));
      }
    }
  });
});
