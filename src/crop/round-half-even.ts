/**
 * Python `round()` / C `rint` (what OpenCV's `cvRound` does): half to even. JS Math.round rounds
 * half up, which moves crop widths by a pixel (spec §7.8).
 */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const d = x - f; // exact for doubles
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}
