/**
 * The hand-written transform and warp against OpenCV itself (@techstark/opencv-js 4.12, WASM):
 * the matrices must be bit-identical and the warped pixels equal, borders included.
 */
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { getPerspectiveTransform, invert3, warpPerspective, type Pt } from './perspective.ts';

// the slice of opencv.js this test touches
interface Mat {
  data: Uint8Array;
  data64F: Float64Array;
  delete(): void;
}
interface Cv {
  Mat: new () => Mat;
  Size: new (w: number, h: number) => unknown;
  Scalar: new (...v: number[]) => unknown;
  matFromArray(rows: number, cols: number, type: number, data: ArrayLike<number>): Mat;
  getPerspectiveTransform(src: Mat, dst: Mat): Mat;
  warpPerspective(src: Mat, dst: Mat, M: Mat, size: unknown, flags: number, border: number, value: unknown): void;
  CV_8UC1: number;
  CV_8UC3: number;
  CV_32FC2: number;
  INTER_LINEAR: number;
  BORDER_CONSTANT: number;
}

let cv: Cv;
beforeAll(async () => {
  const require = createRequire(import.meta.url);
  let mod = require('@techstark/opencv-js') as unknown;
  if (mod instanceof Promise) mod = await mod;
  const c = mod as Cv & { onRuntimeInitialized?: () => void };
  if (typeof c.Mat !== 'function') await new Promise<void>((resolve) => (c.onRuntimeInitialized = resolve));
  cv = c;
}, 60_000);

function lcg(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe('perspective vs OpenCV', () => {
  it.each([[3], [1]] as const)('matches getPerspectiveTransform + warpPerspective exactly (%i channels)', (cn) => {
    const rnd = lcg(cn);
    const W = 160;
    const H = 120;
    const data = Uint8Array.from({ length: W * H * cn }, () => Math.floor(rnd() * 256));
    const src = cv.matFromArray(H, W, cn === 3 ? cv.CV_8UC3 : cv.CV_8UC1, data);
    let compared = 0;
    for (let t = 0; t < 25; t++) {
      // rough quads, some reaching past the image edges, warped up or down
      const q: Pt[] = [
        [rnd() * 30 - 15, rnd() * 30 - 15],
        [110 + rnd() * 60, rnd() * 30 - 15],
        [110 + rnd() * 60, 80 + rnd() * 50],
        [rnd() * 30 - 15, 80 + rnd() * 50],
      ];
      const w = 20 + Math.floor(rnd() * 300);
      const h = 64;
      const dst: Pt[] = [[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]];
      const ours = getPerspectiveTransform(q, dst)!;
      const sp = cv.matFromArray(4, 1, cv.CV_32FC2, q.flat());
      const dp = cv.matFromArray(4, 1, cv.CV_32FC2, dst.flat());
      const M = cv.getPerspectiveTransform(sp, dp);
      expect(Array.from(ours)).toEqual(Array.from(M.data64F));
      const out = new cv.Mat();
      cv.warpPerspective(src, out, M, new cv.Size(w, h), cv.INTER_LINEAR, cv.BORDER_CONSTANT, new cv.Scalar(0, 0, 0, 0));
      const warped = warpPerspective({ data, width: W, height: H, channels: cn }, ours, w, h)!;
      expect(warped.data).toEqual(new Uint8Array(out.data));
      compared += warped.data.length;
      for (const m of [sp, dp, M, out]) m.delete();
    }
    src.delete();
    expect(compared).toBeGreaterThan(100_000);
  });

  it('inverts a 3×3 and reports singular ones', () => {
    const m = Float64Array.from([2, 0, 1, 0, 4, 2, 0, 0, 1]);
    const inv = invert3(m)!;
    expect(Array.from(inv)).toEqual([0.5, 0, -0.5, 0, 0.25, -0.5, 0, 0, 1]);
    expect(invert3(Float64Array.from([1, 2, 3, 2, 4, 6, 0, 0, 1]))).toBeNull();
  });
});
