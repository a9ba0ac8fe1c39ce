import { describe, expect, it } from 'vitest';
import { decode } from './decoding.ts';
import { createNativeLogSumExp } from './log-sum-exp.ts';

const V = 64;

/** deterministic logits with a wide range, including a large spike (overflow without max-shift) */
function logitsFor(seed: number, prefix: readonly number[]): number[] {
  let h = 2166136261 ^ seed;
  for (const t of prefix) h = Math.imul(h ^ t, 16777619);
  return Array.from({ length: V }, (_, v) => {
    h = Math.imul(h ^ (v + 1), 16777619);
    const r = ((h >>> 0) % 10000) / 1000;
    return v === 3 ? r - 8 + prefix.length * 0.6 : v < 5 ? -30 : r * 2 + (v === 9 ? 150 : 0);
  });
}

describe('native log-sum-exp', () => {
  it('matches the float64 JS value per row to float32 precision', async () => {
    const lse = createNativeLogSumExp();
    const rows = 5;
    const logits = Float32Array.from(Array.from({ length: rows }, (_, r) => logitsFor(r, [2])).flat());
    const out = await lse(logits, rows, V);
    for (let r = 0; r < rows; r++) {
      const row = logits.subarray(r * V, (r + 1) * V);
      const max = Math.max(...row);
      const ref = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
      expect(Math.abs(out[r] - ref)).toBeLessThan(Math.abs(ref) * 1e-6 + 1e-6);
    }
  });

  it('beam search decodes the same tokens with it', async () => {
    const step = async ({ prefixes, crops }: { prefixes: readonly (readonly number[])[]; crops: readonly number[] }) =>
      Float32Array.from(prefixes.flatMap((p, r) => logitsFor(crops[r], p)));
    const opts = { vocabSize: V, mode: 'beam' as const, maxNewTokens: 25 };
    const js = await decode(step, 4, opts);
    const native = await decode(step, 4, opts, createNativeLogSumExp());
    expect(native.tokens).toEqual(js.tokens);
    expect(js.tokens.some((t) => t.length > 2)).toBe(true);
  });
});
