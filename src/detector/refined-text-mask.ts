/**
 * The `mask_refined` comic-text-detector's TextDetector returns (kha-white/comic-text-detector
 * inference.py: `refine_mask`, then `refine_undetected_mask`), called by kha-white/mokuro
 * mokuro/manga_page_ocr.py with `refine_mode=1, keep_undetected_mask=True`; Mokuro's
 * split_into_chunks measures a long line's ink on it. A page-size 0/255 mask.
 */
import type { RawImage } from '../image/raw-image.ts';
import { refineMask } from './refine-mask.ts';
import { refineUndetectedMask } from './refine-undetected-mask.ts';
import type { Box } from './types.ts';

/** `page` RGB, `rawMask` the detector's H×W mask, `boxes` every block's xyxy. Needs OpenCV loaded. */
export function refinedTextMask(page: RawImage, rawMask: Uint8Array, boxes: readonly Box[]): RawImage {
  const refined = refineMask(page, rawMask, boxes);
  const data = refineUndetectedMask(page, rawMask, refined, boxes);
  return { data, width: page.width, height: page.height, channels: 1 };
}
