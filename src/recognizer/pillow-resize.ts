/**
 * Pillow's BILINEAR resample of an 8-bit single-channel image (Pillow 9.4 `libImaging/Resample.c`:
 * `precompute_coeffs`, `normalize_coeffs_8bpc`, `ImagingResampleHorizontal_8bpc`/`Vertical_8bpc`,
 * `ImagingResampleInner`). A separable triangle filter whose support grows with the downscale
 * factor (antialiasing), fixed-point weights, horizontal pass first, rounded to 8 bits in between.
 */

/** Pillow `bilinear_filter` support (Resample.c `BILINEAR` filter struct) */
const BILINEAR_SUPPORT = 1.0;
/** Pillow `PRECISION_BITS = 32 - 8 - 2` (Resample.c) */
const PRECISION_BITS = 22;
const PRECISION_ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

interface Coeffs {
  ksize: number;
  /** per output pixel: first input index and tap count */
  bounds: Int32Array;
  /** per output pixel: ksize fixed-point weights */
  weights: Int32Array;
}

function triangle(x: number): number {
  const a = x < 0 ? -x : x;
  return a < 1 ? 1 - a : 0;
}

/** Pillow `precompute_coeffs` + `normalize_coeffs_8bpc` for the box [0, inSize). */
function precomputeCoeffs(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterscale = scale < 1 ? 1 : scale;
  const support = BILINEAR_SUPPORT * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  const ss = 1 / filterscale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    // (int) casts truncate toward zero, as in C
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = triangle((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < ksize; x++) {
      const w = x < xmax ? (ww !== 0 ? k[x] / ww : k[x]) : 0;
      weights[xx * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * PRECISION_ONE) : Math.trunc(0.5 + w * PRECISION_ONE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, weights };
}

/** Pillow `clip8`: fixed-point sum → 0..255 (sums stay below 2^31: the weights add up to 2^22) */
function clip8(v: number): number {
  if (v >= PRECISION_ONE * 256) return 255;
  if (v <= 0) return 0;
  return v >> PRECISION_BITS;
}

/**
 * Resize a grey image (1 byte per pixel, row-major) to outW × outH like
 * `Image.resize((outW, outH), Image.BILINEAR)`. Writes into `out` when given.
 */
export function pillowResizeBilinear(
  src: Uint8Array,
  inW: number,
  inH: number,
  outW: number,
  outH: number,
  out: Uint8Array = new Uint8Array(outW * outH),
): Uint8Array {
  const horiz = inW !== outW;
  const vert = inH !== outH;
  const h = precomputeCoeffs(inW, outW);
  const v = precomputeCoeffs(inH, outH);
  // rows of the source the vertical pass reads (Pillow ybox_first / ybox_last)
  const yFirst = v.bounds[0];
  const yLast = v.bounds[outH * 2 - 2] + v.bounds[outH * 2 - 1];

  let mid = src;
  let midW = inW;
  let rowOffset = 0;
  if (horiz) {
    const rows = yLast - yFirst;
    mid = vert ? new Uint8Array(outW * rows) : out;
    for (let y = 0; y < rows; y++) horizontalRow(src, (y + yFirst) * inW, h, mid, y * outW, outW);
    midW = outW;
    rowOffset = yFirst;
  }
  if (vert) {
    for (let yy = 0; yy < outH; yy++) {
      verticalRow(mid, (v.bounds[yy * 2] - rowOffset) * midW, midW, v.bounds[yy * 2 + 1], v.weights, yy * v.ksize, out, yy * midW);
    }
  } else if (!horiz) {
    out.set(src.subarray(0, outW * outH));
  }
  return out;
}

/** one output row of the horizontal pass: source row at `from`, `outW` pixels written at `at` */
function horizontalRow(src: Uint8Array, from: number, h: Coeffs, out: Uint8Array, at: number, outW: number): void {
  const { bounds, weights, ksize } = h;
  for (let xx = 0; xx < outW; xx++) {
    const s = from + bounds[xx * 2];
    const taps = bounds[xx * 2 + 1];
    const k = xx * ksize;
    let ss = HALF;
    for (let x = 0; x < taps; x++) ss += src[s + x] * weights[k + x];
    out[at + xx] = clip8(ss);
  }
}

/** one output row of the vertical pass: `taps` rows from `from` (each `width` apart), weights at `k` */
function verticalRow(mid: Uint8Array, from: number, width: number, taps: number, weights: Int32Array, k: number, out: Uint8Array, at: number): void {
  const acc = accumulator(width);
  acc.fill(HALF);
  // tap by tap over whole rows: sequential reads (the sums are the same integers in any order)
  for (let y = 0; y < taps; y++) addRow(mid, from + y * width, weights[k + y], acc);
  for (let xx = 0; xx < width; xx++) out[at + xx] = clip8(acc[xx]);
}

function addRow(mid: Uint8Array, from: number, w: number, acc: Int32Array): void {
  const n = acc.length;
  for (let xx = 0; xx < n; xx++) acc[xx] += mid[from + xx] * w;
}

let accBuffer = new Int32Array(0);
/** a reused row of sums (the resize is synchronous) */
function accumulator(width: number): Int32Array {
  if (accBuffer.length < width) accBuffer = new Int32Array(width);
  return accBuffer.subarray(0, width);
}
