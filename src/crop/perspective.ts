/**
 * OpenCV's 4-point perspective transform and `warpPerspective` (INTER_LINEAR, BORDER_CONSTANT 0),
 * written from OpenCV 4.6 `imgproc/src/imgwarp.cpp` (the version Mokuro's reference ran):
 * - `getPerspectiveTransform`: the 8×8 system solved by Gaussian elimination with partial pivoting
 *   (DECOMP_LU), points taken as float32 like cv::Point2f;
 * - `warpPerspective`: the matrix inverted with the 3×3 adjugate formula, each destination pixel
 *   mapped to a source position quantised to 1/32 px (INTER_BITS = 5, cvRound), then sampled with
 *   15-bit fixed-point bilinear weights; taps outside the image read 0.
 * Hand-written rather than opencv-js: short, synchronous, no WASM runtime to await and no Mat
 * lifetimes to manage per line. perspective.test.ts checks it against opencv-js 4.12: identical
 * matrices and identical pixels, borders included.
 */
import type { RawImage } from '../image/raw-image.ts';
import { roundHalfEven } from '../math/python-math.ts';

/** sub-pixel bits of the warp's source coordinates (OpenCV INTER_BITS) */
const INTER_BITS = 5;
/** 1 << INTER_BITS (OpenCV INTER_TAB_SIZE) */
const INTER_TAB_SIZE = 32;
/** fixed-point bits of remap's bilinear weights (OpenCV INTER_REMAP_COEF_BITS) */
const COEF_BITS = 15;
/** OpenCV imgwarp BLOCK_SZ: destination tiles, which fixes the order of float additions */
const BLOCK_SZ = 32;
/** DECOMP_LU treats a pivot below this as singular (OpenCV `LUImpl` eps = DBL_EPSILON·100) */
const LU_EPS = Number.EPSILON * 100;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

export type Pt = readonly [number, number];
/** row-major 3×3 matrix */
export type Mat3 = Float64Array;

/** cv::getPerspectiveTransform(src, dst): src → dst homography, or null when singular. */
export function getPerspectiveTransform(src: readonly Pt[], dst: readonly Pt[]): Mat3 | null {
  const a = new Float64Array(64);
  const b = new Float64Array(8);
  for (let i = 0; i < 4; i++) {
    const [sx, sy] = [Math.fround(src[i][0]), Math.fround(src[i][1])];
    const [dx, dy] = [Math.fround(dst[i][0]), Math.fround(dst[i][1])];
    // Point2f products are float products in OpenCV, rounded to float32 before the double solve
    a.set([sx, sy, 1, 0, 0, 0, Math.fround(-sx * dx), Math.fround(-sy * dx)], i * 8);
    a.set([0, 0, 0, sx, sy, 1, Math.fround(-sx * dy), Math.fround(-sy * dy)], (i + 4) * 8);
    b[i] = dx;
    b[i + 4] = dy;
  }
  // Gaussian elimination with partial pivoting (OpenCV LUImpl)
  for (let i = 0; i < 8; i++) {
    let k = i;
    for (let j = i + 1; j < 8; j++) if (Math.abs(a[j * 8 + i]) > Math.abs(a[k * 8 + i])) k = j;
    if (!(Math.abs(a[k * 8 + i]) >= LU_EPS)) return null;
    if (k !== i) {
      for (let j = i; j < 8; j++) [a[i * 8 + j], a[k * 8 + j]] = [a[k * 8 + j], a[i * 8 + j]];
      [b[i], b[k]] = [b[k], b[i]];
    }
    const d = -1 / a[i * 8 + i];
    for (let j = i + 1; j < 8; j++) {
      const alpha = a[j * 8 + i] * d;
      for (let c = i + 1; c < 8; c++) a[j * 8 + c] += alpha * a[i * 8 + c];
      b[j] += alpha * b[i];
    }
  }
  for (let i = 7; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < 8; k++) s -= a[i * 8 + k] * b[k];
    b[i] = s / a[i * 8 + i];
  }
  const m = Float64Array.from([...b, 1]);
  return m.every(Number.isFinite) ? m : null;
}

/** cv::invert of a 3×3 with DECOMP_LU (the closed-form adjugate branch), or null if det = 0 */
export function invert3(m: Mat3): Mat3 | null {
  const [a, b, c, d, e, f, g, h, i] = m;
  let det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  if (det === 0 || !Number.isFinite(det)) return null;
  det = 1 / det;
  return Float64Array.from([
    (e * i - f * h) * det, (c * h - b * i) * det, (b * f - c * e) * det,
    (f * g - d * i) * det, (a * i - c * g) * det, (c * d - a * f) * det,
    (d * h - e * g) * det, (b * g - a * h) * det, (a * e - b * d) * det,
  ]);
}

const clampInt = (v: number) => (v < INT_MIN ? INT_MIN : v > INT_MAX ? INT_MAX : v);
const clampShort = (v: number) => (v < -32768 ? -32768 : v > 32767 ? 32767 : v);

/**
 * cv::warpPerspective(img, M, (width, height)) with INTER_LINEAR and a black constant border.
 * `M` maps source → destination. Returns null if M is not invertible.
 */
export function warpPerspective(img: RawImage, M: Mat3, width: number, height: number): RawImage | null {
  const inv = invert3(M);
  if (!inv) return null;
  const cn = img.channels;
  const sw = img.width;
  const sh = img.height;
  const src = img.data;
  const out = new Uint8Array(width * height * cn);
  const half = 1 << (COEF_BITS - 1);
  // OpenCV's tile size: columns are processed in blocks starting at multiples of bw0
  const bh0 = Math.min(BLOCK_SZ / 2, height);
  const bw0 = Math.min(Math.floor((BLOCK_SZ * BLOCK_SZ) / bh0), width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x += bw0) {
      const bw = Math.min(bw0, width - x);
      const X0 = inv[0] * x + inv[1] * y + inv[2];
      const Y0 = inv[3] * x + inv[4] * y + inv[5];
      const W0 = inv[6] * x + inv[7] * y + inv[8];
      for (let x1 = 0; x1 < bw; x1++) {
        let W = W0 + inv[6] * x1;
        W = W ? INTER_TAB_SIZE / W : 0;
        const X = roundHalfEven(clampInt((X0 + inv[0] * x1) * W)) | 0;
        const Y = roundHalfEven(clampInt((Y0 + inv[3] * x1) * W)) | 0;
        const sx = clampShort(X >> INTER_BITS);
        const sy = clampShort(Y >> INTER_BITS);
        const tx = X & (INTER_TAB_SIZE - 1);
        const ty = Y & (INTER_TAB_SIZE - 1);
        // OpenCV's BilinearTab_i entries, exact in 15 bits for the linear kernel
        const w0 = (INTER_TAB_SIZE - tx) * (INTER_TAB_SIZE - ty) * 32;
        const w1 = tx * (INTER_TAB_SIZE - ty) * 32;
        const w2 = (INTER_TAB_SIZE - tx) * ty * 32;
        const w3 = tx * ty * 32;
        const o = (y * width + x + x1) * cn;
        if (sx >= sw || sx + 1 < 0 || sy >= sh || sy + 1 < 0) continue; // all taps outside: border 0
        const in0 = sx >= 0 && sx < sw;
        const in1 = sx + 1 >= 0 && sx + 1 < sw;
        const r0 = sy >= 0 && sy < sh ? sy * sw : -1;
        const r1 = sy + 1 >= 0 && sy + 1 < sh ? (sy + 1) * sw : -1;
        const p0 = in0 && r0 >= 0 ? (r0 + sx) * cn : -1;
        const p1 = in1 && r0 >= 0 ? (r0 + sx + 1) * cn : -1;
        const p2 = in0 && r1 >= 0 ? (r1 + sx) * cn : -1;
        const p3 = in1 && r1 >= 0 ? (r1 + sx + 1) * cn : -1;
        for (let k = 0; k < cn; k++) {
          const v =
            (p0 >= 0 ? src[p0 + k] * w0 : 0) +
            (p1 >= 0 ? src[p1 + k] * w1 : 0) +
            (p2 >= 0 ? src[p2 + k] * w2 : 0) +
            (p3 >= 0 ? src[p3 + k] * w3 : 0);
          out[o + k] = Math.min(255, (v + half) >> COEF_BITS);
        }
      }
    }
  }
  return { data: out, width, height, channels: cn };
}
