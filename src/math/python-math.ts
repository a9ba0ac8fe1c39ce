/**
 * Python / NumPy / C++ numeric semantics that the comic-text-detector and Mokuro ports (detector/, crop/)
 * must reproduce.
 * JS differs in rounding (Math.round is half-up), float width (everything is float64) and
 * slicing (no negative indices), so each reference behaviour gets an explicit helper here.
 */

/** float32 rounding of one operation result (NumPy float32 arrays, torch tensors, C++ `float`). */
export const f32 = Math.fround;

/** Python `round()` / `np.round` / C `rint`: round half to even. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const d = x - f; // exact for doubles
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** Python `int()` on a float / `astype(np.int32)`: truncation toward zero (NaN → 0 instead of throwing). */
export function pyInt(x: number): number {
  if (Number.isNaN(x)) return 0;
  return Math.trunc(x) + 0; // `+ 0` turns -0 into 0
}

/** Clipper's `Round()`: half away from zero (C++ cast of `val ± 0.5`). */
export function clipperRound(x: number): number {
  return x < 0 ? Math.trunc(x - 0.5) : Math.trunc(x + 0.5);
}

/** Bounds of a Python slice `[start:stop]` over a length-`len` axis (negative indices count from the end). */
export function pySlice(start: number, stop: number, len: number): [number, number] {
  const norm = (i: number): number => {
    if (i < 0) i += len;
    return i < 0 ? 0 : i > len ? len : i;
  };
  const s = norm(start);
  const e = norm(stop);
  return [s, e < s ? s : e];
}

/**
 * Indices that sort `values` ascending like `np.argsort` on short arrays: stable, NaN last.
 * (NumPy's introsort falls back to a stable insertion sort below 16 elements, the usual block size.)
 */
export function argsortStable(values: ArrayLike<number>): number[] {
  const idx = Array.from({ length: values.length }, (_, i) => i);
  return idx.sort((a, b) => {
    const va = values[a];
    const vb = values[b];
    const na = Number.isNaN(va);
    const nb = Number.isNaN(vb);
    if (na || nb) return na === nb ? a - b : na ? 1 : -1;
    return va < vb ? -1 : va > vb ? 1 : a - b;
  });
}

/** `np.linalg.norm` of a 2-vector: `sqrt(x*x + y*y)` (not Math.hypot, which rounds differently). */
export function norm2(x: number, y: number): number {
  return Math.sqrt(x * x + y * y);
}
