/**
 * comic-text-detector `merge_mask_list` (kha-white/comic-text-detector utils/textmask.py) as Mokuro
 * calls it (pred_thresh=30, filter_with_lines=False, refine_mode=REFINEMASK_ANNOTATION, so no final
 * dilation): the candidates' connected components are added one by one, best candidate first, when
 * that brings the window closer to the (eroded, binarised) predicted mask; then holes are filled the
 * same way.
 */
import { components, erode3, type Plane } from './mask-ops.ts';
import type { Candidate } from './min-xor-thresh.ts';

/** predicted-mask level kept after the erosion (`cv2.threshold(pred_mask, 60, 255, THRESH_BINARY)`) */
const PRED_LEVEL = 60;
/** components whose box is smaller than this many pixels are skipped */
const MIN_BOX_AREA = 3;
const CONNECTIVITY = 8;

export function mergeMaskList(candidates: Candidate[], msk: Plane): Plane {
  const { width, height } = msk;
  const sorted = [...candidates].sort((a, b) => a.xorSum - b.xorSum); // stable, like list.sort
  const pred = erode3(msk, 'ellipse').data;
  for (let i = 0; i < pred.length; i++) pred[i] = pred[i] > PRED_LEVEL ? 255 : 0;
  const merged = new Uint8Array(width * height);

  /** Sets the label's pixels inside its box when that lowers the box's XOR sum with `pred`. */
  const tryAdd = (labels: Int32Array, label: number, x: number, y: number, w: number, h: number): void => {
    let before = 0;
    let after = 0;
    for (let yy = y; yy < y + h; yy++) {
      for (let xx = x; xx < x + w; xx++) {
        const i = yy * width + xx;
        const m = merged[i];
        before += m ^ pred[i];
        after += (labels[i] === label ? 255 : m) ^ pred[i];
      }
    }
    if (after >= before) return;
    for (let yy = y; yy < y + h; yy++) {
      for (let xx = x; xx < x + w; xx++) if (labels[yy * width + xx] === label) merged[yy * width + xx] = 255;
    }
  };

  for (const { mask } of sorted) {
    const cc = components(mask, CONNECTIVITY);
    for (let label = 1; label < cc.count; label++) {
      const [x, y, w, h] = cc.stats.subarray(label * 5, label * 5 + 4);
      if (w * h < MIN_BOX_AREA) continue;
      tryAdd(cc.labels, label, x, y, w, h);
    }
  }

  // fill holes: every region of the complement smaller than the second largest one
  const complement = new Uint8Array(merged.length);
  for (let i = 0; i < merged.length; i++) complement[i] = 255 - merged[i];
  const holes = components({ data: complement, width, height }, CONNECTIVITY);
  const areas = Array.from({ length: holes.count }, (_, l) => holes.stats[l * 5 + 4]).sort((a, b) => a - b);
  const areaThresh = areas.length > 1 ? areas[areas.length - 2] : areas[areas.length - 1];
  for (let label = 0; label < holes.count; label++) {
    const [x, y, w, h, area] = holes.stats.subarray(label * 5, label * 5 + 5);
    if (area < areaThresh) tryAdd(holes.labels, label, x, y, w, h);
  }
  return { data: merged, width, height };
}
