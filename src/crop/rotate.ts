import type { RawImage } from '../image/raw-image.ts';

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
