/**
 * Mokuro's line crop the way Mokuro does it, in two steps: warp the page along the line, then rotate a
 * vertical strip 90° counter-clockwise (kha-white/comic-text-detector utils/textblock.py
 * `TextBlock.get_transformed_region`, then kha-white/mokuro mokuro/manga_page_ocr.py). The worker folds
 * the rotation into the warp (src/crop/chunks.ts); the tests compare it against this reference.
 */
import type { Quad } from '../../src/detector/types.ts';
import type { RawImage } from '../../src/image/raw-image.ts';
import { lineWarp, type LineWarp } from '../../src/crop/line-crop.ts';
import { warpPerspective } from '../../src/crop/perspective.ts';

type BlockGeometry = Parameters<typeof lineWarp>[1];

/**
 * cv2.rotate by 90°: 'ccw' (ROTATE_90_COUNTERCLOCKWISE) puts the top row at the left, 'cw'
 * (ROTATE_90_CLOCKWISE) undoes it. Output is height × width.
 */
export function rotate90(img: RawImage, direction: 'cw' | 'ccw'): RawImage {
  const { width: w, height: h, channels: cn, data } = img;
  const out = new Uint8Array(data.length);
  // output has w rows and h columns
  for (let r = 0; r < w; r++) {
    for (let c = 0; c < h; c++) {
      // ccw: out(r, c) = in(c, w−1−r); cw: out(r, c) = in(h−1−c, r)
      const s = direction === 'ccw' ? (c * w + (w - 1 - r)) * cn : ((h - 1 - c) * w + r) * cn;
      const o = (r * h + c) * cn;
      for (let k = 0; k < cn; k++) out[o + k] = data[s + k];
    }
  }
  return { data: out, width: h, height: w, channels: cn };
}

/** Warp `img` (page, or page mask) along a line warp; vertical strips are rotated 90° CCW. */
function applyLineWarp(img: RawImage, warp: LineWarp): RawImage | null {
  const strip = warpPerspective(img, warp.M, warp.width, warp.height);
  if (!strip) return null;
  return warp.vertical ? rotate90(strip, 'ccw') : strip;
}

/** One line's 64-px strip in the page's channel order, or null for a degenerate quad. */
export function cropLine(page: RawImage, quad: Quad, block: BlockGeometry): RawImage | null {
  const warp = lineWarp(quad, block, page.width, page.height);
  return warp && applyLineWarp(page, warp);
}
