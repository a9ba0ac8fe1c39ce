/**
 * comic-text-detector `refine_mask` (kha-white/comic-text-detector utils/textmask.py) with
 * refine_mode=REFINEMASK_ANNOTATION, as Mokuro's TextDetector call uses it: per block, a window
 * around its box (`expand_textwindow(..., expand_r=16)`, utils/imgproc_utils.py) is thresholded into
 * candidate text masks (top grey levels, Otsu) and merged against the predicted mask; the windows'
 * results are OR-ed into a page-size 0/255 mask.
 */
import type { RawImage } from '../image/raw-image.ts';
import { getOtsuthreshMasklist } from './get-otsuthresh-masklist.ts';
import { getTopkMasklist } from './get-topk-masklist.ts';
import { grey, type Plane } from './mask-ops.ts';
import { mergeMaskList } from './merge-mask-list.ts';
import { roundHalfEven } from '../math/python-math.ts';
import type { Box } from './types.ts';

/** `expand_textwindow(..., expand_r=16)` as refine_mask calls it */
const EXPAND_R = 16;

/** `expand_textwindow(img.shape, xyxy, expand_r)`: the box grown by a size-dependent padding, clipped to [0, size − 1]. */
export function expandTextwindow(width: number, height: number, [x1, y1, x2, y2]: Box, expandR = EXPAND_R): Box {
  const w = x2 - x1;
  const h = y2 - y1;
  const pad = Math.trunc(roundHalfEven((Math.max(h, w) * 0.25 + Math.min(h, w) * 0.75) / expandR));
  return [Math.max(0, x1 - pad), Math.max(0, y1 - pad), Math.min(width - 1, x2 + pad), Math.min(height - 1, y2 + pad)];
}

/**
 * `page` is RGB (Mokuro's image is the same pixels in BGR), `predMask` the detector's raw page mask,
 * `boxes` the blocks' xyxy. Needs OpenCV loaded (`loadOpenCv()`).
 */
export function refineMask(page: RawImage, predMask: Uint8Array, boxes: readonly Box[]): Uint8Array {
  const { width: W, height: H } = page;
  const refined = new Uint8Array(W * H);
  for (const box of boxes) {
    const [bx1, by1, bx2, by2] = expandTextwindow(W, H, box);
    const w = bx2 - bx1;
    const h = by2 - by1;
    if (w <= 0 || h <= 0) continue; // an empty window (cv2 would raise on it; blocks never give one)
    const rgb = new Uint8Array(w * h * 3);
    const msk: Plane = { data: new Uint8Array(w * h), width: w, height: h };
    for (let y = 0; y < h; y++) {
      const row = (by1 + y) * W + bx1;
      rgb.set(page.data.subarray(row * 3, (row + w) * 3), y * w * 3);
      msk.data.set(predMask.subarray(row, row + w), y * w);
    }
    const candidates = [...getTopkMasklist(grey(rgb, w, h), msk), ...getOtsuthreshMasklist(rgb, msk)];
    const merged = mergeMaskList(candidates, msk);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) refined[(by1 + y) * W + bx1 + x] |= merged.data[y * w + x];
    }
  }
  return refined;
}
