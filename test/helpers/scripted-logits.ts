/**
 * Test fixture: deterministic pseudo-random decoder logits as a function of (crop, prefix), so a
 * decoding test knows what every call returns. Ids below 5 (the special tokens) are unlikely, except
 * EOS, which grows likelier by `eosSlope` per prefix token so that decoding ends.
 */
export function scriptedLogits(vocab: number, eos: number, eosSlope: number) {
  return (crop: number, prefix: readonly number[]): number[] => {
    let h = 2166136261 ^ (crop * 7919);
    for (const t of prefix) h = Math.imul(h ^ t, 16777619);
    return Array.from({ length: vocab }, (_, t) => {
      h = Math.imul(h ^ (t + 1), 16777619);
      const r = ((h >>> 0) % 1000) / 250;
      return t === eos ? r - 3 + prefix.length * eosSlope : t < 5 ? -20 : r;
    });
  };
}
