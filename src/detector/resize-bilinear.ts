/**
 * `cv2.resize(..., INTER_LINEAR)` for 8-bit images, written by hand to match OpenCV's fixed-point path
 * (opencv imgproc/src/resize.cpp: `resizeGeneric_` with `HResizeLinear` + `VResizeLinear<uchar,int,short>`).
 * - half-pixel centres: `fx = (dx + 0.5) * scale - 0.5` in float32, clamped at both edges;
 * - weights are `rint(w * 2048)` as int16 (INTER_RESIZE_COEF_BITS = 11), no antialiasing on downscale;
 * - the vertical pass uses the SIMD formula `((S0>>4)*b0>>16) + ((S1>>4)*b1>>16) + 2 >> 2`, which x86
 *   builds run for all but a row's last few bytes (the scalar tail rounds exactly; ≤ 1 LSB apart).
 * sharp/libvips cannot be used: they antialias and use different centres.
 */
import { f32, roundHalfEven } from './python-math.ts';

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
export function axisTable(srcSize: number, dstSize: number): AxisTable {
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
  const cn = src.channels;
  const stride = src.stride ?? src.width * cn;
  const out = new Uint8Array(dstW * dstH * cn);
  if (dstW <= 0 || dstH <= 0 || src.width <= 0 || src.height <= 0) return out;
  const xt = axisTable(src.width, dstW);
  const yt = axisTable(src.height, dstH);
  const rowLen = dstW * cn;
  // channel-expanded x tables so the inner loop is a flat walk
  const xo0 = new Int32Array(rowLen);
  const xo1 = new Int32Array(rowLen);
  const xw0 = new Int32Array(rowLen);
  const xw1 = new Int32Array(rowLen);
  for (let dx = 0, i = 0; dx < dstW; dx++) {
    for (let c = 0; c < cn; c++, i++) {
      xo0[i] = xt.ofs[dx] * cn + c;
      xo1[i] = xt.ofs1[dx] * cn + c;
      xw0[i] = xt.w0[dx];
      xw1[i] = xt.w1[dx];
    }
  }
  // two cached horizontal rows (consecutive output rows mostly share source rows)
  const bufs = [new Int32Array(rowLen), new Int32Array(rowLen)];
  const bufRow = [-1, -1];
  /** horizontal pass of source row `sy`, never evicting slot `keep` */
  const hrow = (sy: number, keep: number): number => {
    if (bufRow[0] === sy) return 0;
    if (bufRow[1] === sy) return 1;
    const slot = keep === 0 ? 1 : 0;
    const b = bufs[slot];
    bufRow[slot] = sy;
    const base = sy * stride;
    const d = src.data;
    for (let i = 0; i < rowLen; i++) b[i] = d[base + xo0[i]] * xw0[i] + d[base + xo1[i]] * xw1[i];
    return slot;
  };
  for (let dy = 0; dy < dstH; dy++) {
    const y1 = yt.ofs1[dy];
    const k0 = hrow(yt.ofs[dy], bufRow[0] === y1 ? 0 : bufRow[1] === y1 ? 1 : -1);
    const k1 = hrow(y1, k0);
    const s0 = bufs[k0];
    const r1 = bufs[k1];
    const b0 = yt.w0[dy];
    const b1 = yt.w1[dy];
    const o = dy * rowLen;
    for (let i = 0; i < rowLen; i++) {
      const v = (((s0[i] >> 4) * b0) >> 16) + (((r1[i] >> 4) * b1) >> 16) + 2;
      const u = v >> 2;
      out[o + i] = u > 255 ? 255 : u < 0 ? 0 : u;
    }
  }
  return out;
}
