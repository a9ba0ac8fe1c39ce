import type { CropSearch, DecodeOptions } from './crop-search.ts';
import { bannedTokens } from './ngram-ban.ts';

/**
 * Greedy decoding: the argmax token each step (first index on ties, like torch.argmax), with the
 * same no-repeat-n-gram ban generate() applies in greedy mode. Stops on EOS or at maxLength.
 */
export function createGreedySearch(opts: DecodeOptions): CropSearch {
  const seq: number[] = [opts.startId];
  let first = true;
  let done = false;
  return {
    rows: () => ({ prefixes: [seq.slice()], parents: first ? null : [0] }),
    advance(logits, firstRow) {
      first = false;
      const base = firstRow * opts.vocabSize;
      const banned = new Set(bannedTokens(seq, opts.noRepeatNgramSize));
      let best = -1;
      let bestValue = -Infinity;
      for (let v = 0; v < opts.vocabSize; v++) {
        const x = logits[base + v];
        if (x > bestValue && !banned.has(v)) {
          best = v;
          bestValue = x;
        }
      }
      if (best < 0 || best === opts.eosId) done = true;
      else seq.push(best);
      if (seq.length >= opts.maxLength) done = true;
      return done;
    },
    result: () => seq.slice(1),
  };
}
