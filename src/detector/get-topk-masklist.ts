/**
 * comic-text-detector `get_topk_masklist` and `get_topk_color` (kha-white/comic-text-detector
 * utils/textmask.py): the grey levels under the eroded predicted mask are binned by `np.histogram(...,
 * bins=255)`; up to 3 well-separated frequent levels become candidate text colours, each giving the
 * window's pixels within ±30 of it (`cv2.inRange`), kept as is or negated by minxor_thresh.
 */
import { erode3, type Plane } from './mask-ops.ts';
import { type Candidate, minXorThresh } from './min-xor-thresh.ts';
import { numpyArgsort } from './numpy-argsort.ts';
import { roundHalfEven } from '../math/python-math.ts';

/** get_topk_color defaults as get_topk_masklist calls it */
const TOP_K = 3;
const COLOR_VAR = 10;
const BIN_TOL = 0.001;
const BINS = 255;
/** half width of the grey range around a colour */
const COLOR_RANGE = 30;
/** eroded-mask level counted as text (`> 127`) */
const MASK_LEVEL = 127;

export function getTopkMasklist(greyWindow: Plane, msk: Plane): Candidate[] {
  const eroded = erode3(msk, 'rect');
  const px: number[] = [];
  for (let i = 0; i < eroded.data.length; i++) if (eroded.data[i] > MASK_LEVEL) px.push(greyWindow.data[i]);
  const { counts, edges } = histogram(px);
  return topkColors(edges, counts).map((color) => {
    const cTop = Math.min(color + COLOR_RANGE, 255);
    return minXorThresh(inRange(greyWindow, cTop - 2 * COLOR_RANGE, cTop), msk);
  });
}

/** `np.histogram(px, bins=255)` of uint8 values (NumPy 1.24 lib/histograms.py, uniform-bins path). */
export function histogram(px: readonly number[]): { counts: number[]; edges: number[] } {
  let first = 0;
  let last = 1;
  if (px.length > 0) {
    first = 255;
    last = 0;
    for (const x of px) {
      if (x < first) first = x;
      if (x > last) last = x;
    }
  }
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  // np.linspace(first, last, 256): i * step + first, the last edge set to `last`
  const step = (last - first) / BINS;
  const edges = Array.from({ length: BINS + 1 }, (_, i) => (i === BINS ? last : i * step + first));
  const norm = BINS / (last - first);
  const counts = new Array<number>(BINS).fill(0);
  for (const x of px) {
    let i = Math.trunc((x - first) * norm);
    if (i === BINS) i -= 1;
    if (x < edges[i]) i -= 1;
    if (x >= edges[i + 1] && i !== BINS - 1) i += 1;
    counts[i]++;
  }
  return { counts, edges };
}

/** `get_topk_color(edges, counts, k=3, color_var=10)`: the left edges of up to k frequent, distinct bins. */
export function topkColors(edges: readonly number[], counts: readonly number[]): number[] {
  const idx = numpyArgsort(counts.map((c) => -c));
  const tol = counts.reduce((a, b) => a + b, 0) * BIN_TOL;
  const top = [edges[idx[0]]];
  for (let j = 1; j < idx.length; j++) {
    const color = edges[idx[j]];
    if (Math.min(...top.map((t) => Math.abs(t - color))) > COLOR_VAR) top.push(color);
    if (top.length >= TOP_K || counts[idx[j]] < tol) break;
  }
  return top;
}

/**
 * `cv2.inRange(grey, lo, hi)` with float bounds: OpenCV rounds them half to even to int, treats an
 * impossible range as empty and saturates to 0..255.
 */
function inRange(p: Plane, lo: number, hi: number): Plane {
  let l = roundHalfEven(lo);
  let h = roundHalfEven(hi);
  if (l > h || l > 255 || h < 0) [l, h] = [1, 0];
  l = Math.max(0, Math.min(255, l));
  h = Math.max(0, Math.min(255, h));
  const data = new Uint8Array(p.data.length);
  for (let i = 0; i < data.length; i++) data[i] = p.data[i] >= l && p.data[i] <= h ? 255 : 0;
  return { ...p, data };
}
