/** Seeded random numbers so that generated weights, and therefore model outputs, are reproducible. */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** `n` values uniform in [-a, a] with standard deviation `std` (a = std·√3). */
  uniform(n: number, std: number): Float32Array;
}

/** mulberry32: tiny, fast and good enough for weights; not for anything security related. */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform(n, std) {
      const a = std * Math.sqrt(3);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = (next() * 2 - 1) * a;
      return out;
    },
  };
}
