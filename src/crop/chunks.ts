/**
 * Mokuro's long-line split (§3.6; M:mpo `split_into_chunks`): a strip longer than 16 (vertical) or
 * 8 (horizontal) times its height is cut into ceil(ratio / max) chunks, each cut at the first ink
 * density minimum within ±64 px of an evenly spaced anchor. Vertical chunks are turned back upright.
 *
 * Deviation (allowed by spec §2.9): the density comes from the detector's raw mask thresholded at
 * > 127, not from Mokuro's refined mask; a cut can land a few pixels elsewhere on very long lines.
 */
import type { DetectedBlock, Quad } from '../detector/types.ts';
import type { RawImage } from '../image/raw-image.ts';
import { applyLineWarp, lineWarp, TEXT_HEIGHT } from './line-crop.ts';
import { rotate90 } from './rotate.ts';

/** vertical strips longer than this ratio are split (M:mpo `max_ratio_vert=16`) */
export const MAX_RATIO_VERTICAL = 16;
/** horizontal strips longer than this ratio are split (M:mpo `max_ratio_hor=8`) */
export const MAX_RATIO_HORIZONTAL = 8;
/** search window around an anchor, in text heights (M:mpo `anchor_window=2`) */
const ANCHOR_WINDOW = 2;
/** Gaussian smoothing window length = 2·text height (M:mpo `gaussian(textheight * 2, ...)`) */
const GAUSS_LENGTH = 2 * TEXT_HEIGHT;
/** its σ = text height / 8 (M:mpo `gaussian(..., textheight / 8)`) */
const GAUSS_STD = TEXT_HEIGHT / 8;
/** raw-mask level counted as ink (spec §2.9 TS-port recommendation: raw_mask > 127) */
const MASK_THRESHOLD = 127;

/** scipy.signal.windows.gaussian(M, std): symmetric, peak 1, unnormalised */
const GAUSS = Float64Array.from({ length: GAUSS_LENGTH }, (_, i) => {
  const n = i - (GAUSS_LENGTH - 1) / 2;
  return Math.exp(-(n * n) / (2 * GAUSS_STD * GAUSS_STD));
});

/** The detector's raw mask (H×W bytes) as a 0/255 image: the stand-in for Mokuro's refined mask. */
export function binariseMask(raw: Uint8Array, width: number, height: number): RawImage {
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = raw[i] > MASK_THRESHOLD ? 255 : 0;
  return { data, width, height, channels: 1 };
}

/** Cut columns for a strip of width w, from the warped mask strip (null: cut at the anchors). */
export function cutPoints(w: number, h: number, maxRatio: number, maskStrip: RawImage | null): number[] {
  const ratio = w / h;
  if (ratio <= maxRatio) return [];
  const n = Math.ceil(ratio / maxRatio);
  const step = w / n; // np.linspace(0, w, n + 1)[1:-1] = i · (w / n)
  const anchors = Array.from({ length: n - 1 }, (_, i) => Math.trunc((i + 1) * step));
  if (!maskStrip) return anchors;

  // column sums, then np.convolve(density, gaussian, 'same') (kernel centre (M − 1) // 2), / max
  const col = new Float64Array(w);
  for (let y = 0; y < maskStrip.height; y++) for (let x = 0; x < w; x++) col[x] += maskStrip.data[y * w + x];
  const centre = (GAUSS_LENGTH - 1) >> 1;
  const density = new Float64Array(w);
  let max = -Infinity;
  for (let i = 0; i < w; i++) {
    let s = 0;
    const lo = Math.max(0, i + centre - GAUSS_LENGTH + 1);
    const hi = Math.min(w - 1, i + centre);
    for (let m = lo; m <= hi; m++) s += col[m] * GAUSS[i + centre - m];
    density[i] = s;
    if (s > max) max = s;
  }
  const half = (ANCHOR_WINDOW * TEXT_HEIGHT) >> 1;
  return anchors.map((a) => {
    const n0 = Math.min(w, Math.max(0, a - half));
    const n1 = Math.min(w, Math.max(0, a + half));
    // all-zero density divides to NaN in numpy and argmin then returns the window start
    if (!(max > 0)) return n0;
    let best = n0;
    for (let x = n0 + 1; x < n1; x++) if (density[x] / max < density[best] / max) best = x;
    return best;
  });
}

/** Columns [x0, x1) of an image. */
function columns(img: RawImage, x0: number, x1: number): RawImage {
  const cn = img.channels;
  const w = x1 - x0;
  const data = new Uint8Array(w * img.height * cn);
  for (let y = 0; y < img.height; y++) {
    data.set(img.data.subarray((y * img.width + x0) * cn, (y * img.width + x1) * cn), y * w * cn);
  }
  return { data, width: w, height: img.height, channels: cn };
}

/**
 * The crops to OCR for one line, in reading order: one strip, or its chunks for a long line;
 * vertical ones upright. `mask` is `binariseMask(...)` of the page; `[]` for a degenerate quad.
 */
export function lineChunks(
  page: RawImage,
  mask: RawImage | null,
  quad: Quad,
  block: Pick<DetectedBlock, 'language' | 'vertical' | 'font_size'>,
): RawImage[] {
  const warp = lineWarp(quad, block, page.width, page.height);
  const strip = warp && applyLineWarp(page, warp);
  if (!warp || !strip) return [];
  const maxRatio = block.vertical ? MAX_RATIO_VERTICAL : MAX_RATIO_HORIZONTAL;
  let cuts: number[] = [];
  if (strip.width / strip.height > maxRatio) {
    const maskStrip = mask && applyLineWarp(mask, warp);
    cuts = cutPoints(strip.width, strip.height, maxRatio, maskStrip);
  }
  const edges = [0, ...cuts, strip.width];
  const chunks: RawImage[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    if (edges[i + 1] <= edges[i]) continue; // np.split would give an empty chunk
    const chunk = cuts.length ? columns(strip, edges[i], edges[i + 1]) : strip;
    chunks.push(block.vertical ? rotate90(chunk, 'cw') : chunk);
  }
  return chunks;
}
