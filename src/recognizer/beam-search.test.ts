import { describe, expect, it } from 'vitest';
import { createBeamSearch } from './beam-search.ts';
import { DEFAULT_DECODE_OPTIONS } from './decoding.ts';
import { bannedTokens } from './ngram-ban.ts';

const V = 300;
const EOS = 2;

/** the log-sum-exp of one row, in float64 */
function lse(row: Float32Array): number {
  const max = Math.max(...row);
  return max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
}

/**
 * The oracle for one beam step: every (beam, token) scored, banned tokens dropped, all sorted by
 * score then flat index (HF's topk over beams × vocab; ties keep the lower index), first `k` kept.
 */
function bestContinuations(rows: Float32Array[], beams: number[][], scores: number[], k: number): string[] {
  const all: { s: number; i: number; seq: number[] }[] = [];
  rows.forEach((row, b) => {
    const banned = new Set(bannedTokens(beams[b], DEFAULT_DECODE_OPTIONS.noRepeatNgramSize));
    const l = lse(row);
    row.forEach((x, v) => {
      if (!banned.has(v)) all.push({ s: x - l + scores[b], i: b * V + v, seq: [...beams[b], v] });
    });
  });
  all.sort((a, b) => b.s - a.s || a.i - b.i);
  return all.slice(0, k).map((c) => c.seq.join());
}

describe('beam search selection', () => {
  it('keeps exactly the best-scoring continuations over every beam, ties to the lower index (50 random steps)', () => {
    let seed = 11;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let trial = 0; trial < 50; trial++) {
      const coarse = trial % 2 === 0; // whole-number logits: many exact ties
      const logitsRow = () => Float32Array.from({ length: V }, (_, v) => (v === EOS ? -50 : coarse ? Math.floor(rnd() * 6) : rnd() * 12 - 6));
      const search = createBeamSearch({ ...DEFAULT_DECODE_OPTIONS, vocabSize: V, eosId: EOS, startId: 1, maxLength: 50 });
      // first call: one row shared by all beams; a repeated pair makes the 3-gram ban bite later
      const first = logitsRow();
      search.advance(first, 0);
      const afterFirst = search.rows();
      const beams = afterFirst.prefixes.map((p) => [...p]);
      expect(beams.map((b) => b.join())).toEqual(bestContinuations([first], [[1]], [0], 4));
      const scores = beams.map((b) => first[b[1]] - lse(first));

      const rows = beams.map(() => logitsRow());
      const flat = new Float32Array(4 * V);
      rows.forEach((r, i) => flat.set(r, i * V));
      search.advance(flat, 0);
      const next = search.rows().prefixes.map((p) => p.join());
      expect(next).toEqual(bestContinuations(rows, beams, scores, 4));
    }
  });
});
