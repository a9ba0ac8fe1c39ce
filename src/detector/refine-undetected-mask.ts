/**
 * comic-text-detector `refine_undetected_mask` (kha-white/comic-text-detector utils/textmask.py), which
 * Mokuro asks for (`keep_undetected_mask=True`): predicted text that no block covers (4-connected
 * regions of the mask > 30, outside the refined mask, over 50 px, less than half inside any block's
 * box) is refined as extra blocks and OR-ed into the refined mask. This is the `mask_refined` that
 * Mokuro's split_into_chunks measures ink on.
 */
import type { RawImage } from '../image/raw-image.ts';
import { components } from './mask-ops.ts';
import { refineMask } from './refine-mask.ts';
import { unionArea } from './union-area.ts';
import type { Box } from './types.ts';

/** mask level counted as text, both for clearing refined pixels and for the regions */
const LEVEL = 30;
/** regions of at most this many pixels are ignored */
const MIN_AREA = 50;
/** a region at least this much inside some block's box counts as detected */
const COVERED = 0.5;

/** Returns the page's refined mask including undetected text; `refined` is not modified. */
export function refineUndetectedMask(page: RawImage, predMask: Uint8Array, refined: Uint8Array, boxes: readonly Box[]): Uint8Array {
  const { width, height } = page;
  // Python clears these pixels of the caller's mask in place; we work on a copy
  const pred = new Uint8Array(predMask.length);
  const text = new Uint8Array(predMask.length);
  for (let i = 0; i < pred.length; i++) {
    pred[i] = refined[i] > LEVEL ? 0 : predMask[i];
    text[i] = pred[i] > LEVEL ? 255 : 0;
  }
  const cc = components({ data: text, width, height }, 4);
  const valid: number[] = [];
  for (let l = 0; l < cc.count; l++) if (cc.stats[l * 5 + 4] > MIN_AREA) valid.push(l);
  const extra: Box[] = [];
  for (const l of valid.slice(1)) {
    // the first valid label is taken to be the background, as upstream does
    const [x, y, w, h] = cc.stats.subarray(l * 5, l * 5 + 4);
    const bbox: Box = [x, y, x + w, y + h];
    let score = -1;
    for (const b of boxes) score = Math.max(score, unionArea(b, bbox));
    if (score / w / h < COVERED) extra.push(bbox);
  }
  if (extra.length === 0) return refined;
  const more = refineMask(page, pred, extra);
  for (let i = 0; i < more.length; i++) more[i] |= refined[i];
  return more;
}
