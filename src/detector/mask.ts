/**
 * The "raw mask" (kha-white/comic-text-detector inference.py `postprocess_mask` + `__call__`): seg ×
 * 255 truncated to uint8, cropped to the unpadded region, resized to the page with OpenCV bilinear.
 * Plus the mask score kha-white/comic-text-detector utils/textblock.py `group_output` takes over a box
 * with NumPy slicing (negative indices wrap, empty slices give NaN).
 */
import type { Letterbox } from './types.ts';
import { f32, pySlice } from '../math/python-math.ts';
import { resizeBilinear } from './resize-bilinear.ts';

/** Page-size (H×W) uint8 text mask. */
export function rawMask(seg: Float32Array, size: number, lb: Letterbox): Uint8Array {
  const cropW = Math.max(0, size - lb.dw);
  const cropH = Math.max(0, size - lb.dh);
  const same = cropW === lb.W && cropH === lb.H;
  // only the unpadded region is read; a page of the model's size is the mask itself
  const u8 = same ? new Uint8Array(lb.W * lb.H) : scratch(cropW * cropH);
  for (let y = 0; y < cropH; y++) toBytes(seg, y * size, u8, y * cropW, cropW);
  if (same) return u8;
  return resizeBilinear({ data: u8, width: cropW, height: cropH, channels: 1 }, lb.W, lb.H);
}

/** seg × 255 in float32, then astype(uint8): truncation, clamped to 0..255 */
function toBytes(seg: Float32Array, from: number, out: Uint8Array, at: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = Math.trunc(f32(seg[from + i] * 255));
    out[at + i] = v > 255 ? 255 : v > 0 ? v : 0;
  }
}

let scratchBuffer = new Uint8Array(0);
/** a reused buffer for the cropped mask (rawMask is synchronous, so one serves every page) */
function scratch(n: number): Uint8Array {
  if (scratchBuffer.length < n) scratchBuffer = new Uint8Array(n);
  return scratchBuffer.subarray(0, n);
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
