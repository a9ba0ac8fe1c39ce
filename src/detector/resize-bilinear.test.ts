import { beforeAll, describe, expect, it } from 'vitest';
import { resizeBilinear } from './resize-bilinear.ts';
import { loadOpenCv, openCv } from './opencv.ts';

/** opencv.js pieces used only here, as a second opinion on the hand-written resize */
interface CvResize {
  matFromArray(r: number, c: number, t: number, d: ArrayLike<number>): { data: Uint8Array; delete(): void };
  Mat: new () => { data: Uint8Array; delete(): void };
  Size: new (w: number, h: number) => unknown;
  resize(src: unknown, dst: unknown, size: unknown, fx: number, fy: number, interpolation: number): void;
  CV_8UC3: number;
  INTER_LINEAR: number;
}

beforeAll(async () => {
  await loadOpenCv();
});

describe('resizeBilinear against OpenCV (WASM build) cv.resize INTER_LINEAR', () => {
  // random pixels from a fixed LCG so a failure is reproducible
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24) & 255;

  it.each([
    [1200, 1700, 723, 1024, 0],
    [2400, 1700, 1024, 725, 0],
    [800, 4000, 205, 1024, 0],
    [640, 480, 1024, 768, 1], // upscaling: OpenCV's SIMD and scalar vertical rounding may differ by 1
    [37, 53, 100, 71, 1],
  ])('%i×%i → %i×%i within %i LSB', (sw, sh, dw, dh, tol) => {
    const cv = openCv() as unknown as CvResize;
    const src = Uint8Array.from({ length: sw * sh * 3 }, rand);
    const mine = resizeBilinear({ data: src, width: sw, height: sh, channels: 3 }, dw, dh);
    const m = cv.matFromArray(sh, sw, cv.CV_8UC3, src);
    const o = new cv.Mat();
    try {
      cv.resize(m, o, new cv.Size(dw, dh), 0, 0, cv.INTER_LINEAR);
      let worst = 0;
      for (let i = 0; i < mine.length; i++) worst = Math.max(worst, Math.abs(mine[i] - o.data[i]));
      expect(worst).toBeLessThanOrEqual(tol);
    } finally {
      m.delete();
      o.delete();
    }
  });
});
