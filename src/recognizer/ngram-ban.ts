/**
 * transformers' NoRepeatNGramLogitsProcessor (HF ≤4.x `_get_ngrams`, `_calc_banned_ngram_tokens`):
 * a token is banned when it would repeat an n-gram already present in the sequence. The start token
 * counts as part of the sequence.
 */
export function bannedTokens(seq: readonly number[], n: number): number[] {
  const len = seq.length;
  if (n <= 0 || len + 1 < n) return [];
  const banned: number[] = [];
  // the last n−1 tokens form the prefix to look up
  const start = len - (n - 1);
  for (let i = 0; i + n <= len; i++) {
    let same = true;
    for (let j = 0; j < n - 1; j++) {
      if (seq[i + j] !== seq[start + j]) {
        same = false;
        break;
      }
    }
    if (same) banned.push(seq[i + n - 1]);
  }
  return banned;
}
