/**
 * Mokuro's long-line split (kha-white/mokuro mokuro/manga_page_ocr.py `split_into_chunks`): a strip
 * longer than 16 (vertical) or 8 (horizontal) times its height is cut into ceil(ratio / max) chunks,
 * each cut at the first ink density minimum within ±64 px of an evenly spaced anchor. Vertical chunks
 * are turned back upright.
 *
 * Deviation: the density comes from the detector's raw mask thresholded at > 127, not from the mask
 * Mokuro refines with kha-white/comic-text-detector utils/textmask.py (which needs the page's own
 * text-colour analysis); a cut can land a few pixels elsewhere on very long lines.
 */
import type { DetectedBlock, Quad } from '../detector/types.ts';
import type { RawImage } from '../image/raw-image.ts';
import { lineWarp, TEXT_HEIGHT } from './line-crop.ts';
import { warpPerspective } from './perspective.ts';

/** vertical strips longer than this ratio are split (mokuro/manga_page_ocr.py `max_ratio_vert=16`) */
const MAX_RATIO_VERTICAL = 16;
/** horizontal strips longer than this ratio are split (mokuro/manga_page_ocr.py `max_ratio_hor=8`) */
const MAX_RATIO_HORIZONTAL = 8;
/** search window around an anchor, in text heights (mokuro/manga_page_ocr.py `anchor_window=2`) */
const ANCHOR_WINDOW = 2;
/** Gaussian smoothing window length = 2·text height (mokuro/manga_page_ocr.py `gaussian(textheight * 2, ...)`) */
const GAUSS_LENGTH = 2 * TEXT_HEIGHT;
/** its σ = text height / 8 (mokuro/manga_page_ocr.py `gaussian(..., textheight / 8)`) */
const GAUSS_STD = TEXT_HEIGHT / 8;
/** raw-mask level counted as ink (our choice, standing in for the refined mask: raw_mask > 127) */
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

/**
 * Ink along the reading direction of an unrotated warped mask strip: column sums for horizontal
 * text, row sums for vertical text (= Mokuro's column sums of the strip rotated 90° CCW).
 */
export function inkProfile(maskStrip: RawImage, vertical: boolean): Float64Array {
  const { width: w, height: h, data } = maskStrip;
  const profile = new Float64Array(vertical ? h : w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) profile[vertical ? y : x] += data[y * w + x];
  return profile;
}

/**
 * Cut positions along a strip of `length` × `thickness` (Mokuro: w × h after rotation), from its
 * ink profile (null: cut at the anchors).
 */
export function cutPoints(length: number, thickness: number, maxRatio: number, profile: Float64Array | null): number[] {
  const w = length;
  const ratio = w / thickness;
  if (ratio <= maxRatio) return [];
  const n = Math.ceil(ratio / maxRatio);
  const step = w / n; // np.linspace(0, w, n + 1)[1:-1] = i · (w / n)
  const anchors = Array.from({ length: n - 1 }, (_, i) => Math.trunc((i + 1) * step));
  if (!profile) return anchors;

  // np.convolve(profile, gaussian, 'same') (kernel centre (M − 1) // 2), then / max
  const centre = (GAUSS_LENGTH - 1) >> 1;
  const density = new Float64Array(w);
  let max = -Infinity;
  for (let i = 0; i < w; i++) {
    let s = 0;
    const lo = Math.max(0, i + centre - GAUSS_LENGTH + 1);
    const hi = Math.min(w - 1, i + centre);
    for (let m = lo; m <= hi; m++) s += profile[m] * GAUSS[i + centre - m];
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

/** Columns [a, b) of a horizontal strip, or rows [a, b) of a vertical one. */
function slice(img: RawImage, a: number, b: number, vertical: boolean): RawImage {
  const cn = img.channels;
  if (vertical) {
    const data = img.data.slice(a * img.width * cn, b * img.width * cn);
    return { data, width: img.width, height: b - a, channels: cn };
  }
  const w = b - a;
  const data = new Uint8Array(w * img.height * cn);
  for (let y = 0; y < img.height; y++) {
    data.set(img.data.subarray((y * img.width + a) * cn, (y * img.width + b) * cn), y * w * cn);
  }
  return { data, width: w, height: img.height, channels: cn };
}

/**
 * The crops to OCR for one line, in reading order: one strip, or its chunks for a long line;
 * vertical ones upright (64 px wide). `mask` is `binariseMask(...)` of the page; `[]` for a
 * degenerate quad. Mokuro rotates vertical strips CCW, splits columns and rotates each chunk back
 * CW; splitting the unrotated strip's rows at the same positions gives the same pixels.
 */
export function lineChunks(
  page: RawImage,
  mask: RawImage | null,
  quad: Quad,
  block: Pick<DetectedBlock, 'language' | 'vertical' | 'font_size'>,
): RawImage[] {
  const warp = lineWarp(quad, block, page.width, page.height);
  const strip = warp && warpPerspective(page, warp.M, warp.width, warp.height);
  if (!warp || !strip) return [];
  const vertical = block.vertical;
  const [length, thickness] = vertical ? [strip.height, strip.width] : [strip.width, strip.height];
  const maxRatio = vertical ? MAX_RATIO_VERTICAL : MAX_RATIO_HORIZONTAL;
  if (length / thickness <= maxRatio) return [strip];
  const maskStrip = mask && warpPerspective(mask, warp.M, warp.width, warp.height);
  const cuts = cutPoints(length, thickness, maxRatio, maskStrip && inkProfile(maskStrip, vertical));
  const edges = [0, ...cuts, length];
  const chunks: RawImage[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    if (edges[i + 1] > edges[i]) chunks.push(slice(strip, edges[i], edges[i + 1], vertical)); // np.split may give empty ones
  }
  return chunks;
}
