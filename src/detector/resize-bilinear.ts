/**
 * `cv2.resize(..., INTER_LINEAR)` for 8-bit images, written by hand to match OpenCV's fixed-point path
 * (opencv imgproc/src/resize.cpp: `resizeGeneric_` with `HResizeLinear` + `VResizeLinear<uchar,int,short>`).
 * - half-pixel centres: `fx = (dx + 0.5) * scale - 0.5` in float32, clamped at both edges;
 * - weights are `rint(w * 2048)` as int16 (INTER_RESIZE_COEF_BITS = 11), no antialiasing on downscale;
 * - the vertical pass uses the SIMD formula `((S0>>4)*b0>>16) + ((S1>>4)*b1>>16) + 2 >> 2`, which x86
 *   builds run for all but a row's last few bytes (the scalar tail rounds exactly; ≤ 1 LSB apart).
 * sharp/libvips cannot be used: they antialias and use different centres.
 */
import { f32, roundHalfEven } from '../math/python-math.ts';

/** C:cv2 INTER_RESIZE_COEF_SCALE (1 << INTER_RESIZE_COEF_BITS). */
const COEF_SCALE = 2048;

interface AxisTable {
  /** first source index of each destination index */
  ofs: Int32Array;
  /** second source index (clamped to the last one) */
  ofs1: Int32Array;
  w0: Int32Array;
  w1: Int32Array;
}

/** Per-axis source indices and fixed-point weights, computed once per resize. */
function axisTable(srcSize: number, dstSize: number): AxisTable {
  const scale = 1 / (dstSize / srcSize); // cv::resize stores inv_scale = dsize/ssize, then scale = 1/inv_scale
  const t: AxisTable = {
    ofs: new Int32Array(dstSize),
    ofs1: new Int32Array(dstSize),
    w0: new Int32Array(dstSize),
    w1: new Int32Array(dstSize),
  };
  for (let d = 0; d < dstSize; d++) {
    let fx = f32((d + 0.5) * scale - 0.5);
    let sx = Math.floor(fx);
    fx = f32(fx - sx);
    if (sx < 0) {
      fx = 0;
      sx = 0;
    }
    if (sx >= srcSize - 1) {
      fx = 0;
      sx = srcSize - 1;
    }
    t.ofs[d] = sx;
    t.ofs1[d] = Math.min(sx + 1, srcSize - 1);
    t.w0[d] = roundHalfEven(f32(1 - fx) * COEF_SCALE);
    t.w1[d] = roundHalfEven(fx * COEF_SCALE);
  }
  return t;
}

export interface ResizeInput {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
  /** elements between row starts (defaults to width × channels); lets callers resize a crop in place */
  stride?: number;
}

/** Bilinear resize of an interleaved 8-bit image to `dstW × dstH`; returns a tightly packed buffer. */
export function resizeBilinear(src: ResizeInput, dstW: number, dstH: number): Uint8Array {
  const dst = new Uint8Array(dstW * dstH * src.channels);
  const rowLen = dstW * src.channels;
  resizeBilinearRows(src, dstW, dstH, (dy, row) => dst.set(row, dy * rowLen));
  return dst;
}

/**
 * The same resize, handing each destination row to `sink` as it is made (the row buffer is reused
 * for the next row), so a caller converting the pixels further needs no whole intermediate image.
 */
export function resizeBilinearRows(src: ResizeInput, dstW: number, dstH: number, sink: (dy: number, row: Uint8Array) => void): void {
  const cn = src.channels;
  const stride = src.stride ?? src.width * cn;
  if (dstW <= 0 || dstH <= 0) return;
  const rowLen = dstW * cn;
  const row = new Uint8Array(rowLen);
  if (src.width <= 0 || src.height <= 0) {
    for (let dy = 0; dy < dstH; dy++) sink(dy, row);
    return;
  }
  const xt = axisTable(src.width, dstW);
  const yt = axisTable(src.height, dstH);
  // two horizontal rows (consecutive output rows mostly share source rows)
  let r0 = new Int32Array(rowLen);
  let r1 = new Int32Array(rowLen);
  let y0 = -1;
  let y1 = -1;
  for (let dy = 0; dy < dstH; dy++) {
    const sy0 = yt.ofs[dy];
    const sy1 = yt.ofs1[dy];
    if (sy0 !== y0) {
      if (sy0 === y1) {
        const t = r0;
        r0 = r1;
        r1 = t;
        y0 = sy0;
        y1 = -1;
      } else {
        horizontalRow(src.data, sy0 * stride, cn, xt, r0);
        y0 = sy0;
      }
    }
    if (sy1 !== y1) {
      if (sy1 === y0) r1.set(r0);
      else horizontalRow(src.data, sy1 * stride, cn, xt, r1);
      y1 = sy1;
    }
    verticalRow(r0, r1, yt.w0[dy], yt.w1[dy], row);
    sink(dy, row);
  }
}

/** OpenCV's (SIMD) vertical pass of two horizontal rows into one output row. */
function verticalRow(r0: Int32Array, r1: Int32Array, b0: number, b1: number, row: Uint8Array): void {
  // the weights sum to 2048 (±1), so every value is within 0..255
  const n = row.length;
  for (let i = 0; i < n; i++) row[i] = ((Math.imul(r0[i] >> 4, b0) >> 16) + (Math.imul(r1[i] >> 4, b1) >> 16) + 2) >> 2;
}

/** OpenCV's horizontal pass of one source row (starting at `base`) into `b`, fixed point. */
function horizontalRow(d: Uint8Array, base: number, cn: number, xt: AxisTable, b: Int32Array): void {
  const { ofs, ofs1, w0, w1 } = xt;
  const n = ofs.length;
  if (cn === 1) {
    for (let dx = 0; dx < n; dx++) b[dx] = d[base + ofs[dx]] * w0[dx] + d[base + ofs1[dx]] * w1[dx];
  } else if (cn === 3) {
    for (let dx = 0, i = 0; dx < n; dx++, i += 3) {
      const s0 = base + ofs[dx] * 3;
      const s1 = base + ofs1[dx] * 3;
      const a = w0[dx];
      const c = w1[dx];
      b[i] = d[s0] * a + d[s1] * c;
      b[i + 1] = d[s0 + 1] * a + d[s1 + 1] * c;
      b[i + 2] = d[s0 + 2] * a + d[s1 + 2] * c;
    }
  } else {
    for (let dx = 0, i = 0; dx < n; dx++) {
      const s0 = base + ofs[dx] * cn;
      const s1 = base + ofs1[dx] * cn;
      for (let c = 0; c < cn; c++, i++) b[i] = d[s0 + c] * w0[dx] + d[s1 + c] * w1[dx];
    }
  }
}
