/**
 * The "raw mask" (C:inf `postprocess_mask` + `__call__`): seg × 255 truncated to uint8, cropped to the
 * unpadded region, resized to the page with OpenCV bilinear. Plus the mask score C:tb `group_output`
 * takes over a box with NumPy slicing (negative indices wrap, empty slices give NaN).
 */
import type { Letterbox } from './types.ts';
import { f32, pySlice } from './python-math.ts';
import { resizeBilinear } from './resize-bilinear.ts';

/** Page-size (H×W) uint8 text mask. */
export function rawMask(seg: Float32Array, size: number, lb: Letterbox): Uint8Array {
  const u8 = new Uint8Array(size * size);
  for (let i = 0; i < u8.length; i++) {
    const v = Math.trunc(f32(seg[i] * 255)); // float32 multiply, then astype(uint8)
    u8[i] = v > 255 ? 255 : v > 0 ? v : 0;
  }
  const cropW = Math.max(0, size - lb.dw);
  const cropH = Math.max(0, size - lb.dh);
  if (cropW === lb.W && cropH === lb.H && cropW === size) return u8;
  return resizeBilinear({ data: u8, width: cropW, height: cropH, channels: 1, stride: size }, lb.W, lb.H);
}

/** `mask[y1:y2, x1:x2].mean() / 255` with NumPy semantics; NaN for an empty slice (never < 0.1). */
export function maskScore(mask: Uint8Array, W: number, H: number, x1: number, y1: number, x2: number, y2: number): number {
  const [ys, ye] = pySlice(y1, y2, H);
  const [xs, xe] = pySlice(x1, x2, W);
  const count = (ye - ys) * (xe - xs);
  if (count === 0) return NaN;
  let sum = 0;
  for (let y = ys; y < ye; y++) {
    const row = y * W;
    for (let x = xs; x < xe; x++) sum += mask[row + x];
  }
  return sum / count / 255;
}
