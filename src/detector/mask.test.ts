import { describe, expect, it } from 'vitest';
import { rawMask } from './mask.ts';
import { resizeBilinear } from './resize-bilinear.ts';

/** a size×size seg map whose value at (x, y) is ((x + 3y) mod 256) / 255, so every pixel is known */
function seg(size: number): Float32Array {
  return Float32Array.from({ length: size * size }, (_, i) => ((i % size) + 3 * Math.floor(i / size)) % 256 / 255);
}

describe('rawMask', () => {
  it('is the page size when the page is as wide as the model input but shorter (padded below)', () => {
    const mask = rawMask(seg(8), 8, { W: 8, H: 5, dw: 0, dh: 3, r: 1 });
    expect(mask.length).toBe(8 * 5);
    expect(Array.from(mask.subarray(8, 16))).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('crops the padding, then resizes the rest to the page with OpenCV bilinear', () => {
    const s = seg(8);
    const mask = rawMask(s, 8, { W: 12, H: 16, dw: 2, dh: 0, r: 0.5 });
    const crop = Uint8Array.from({ length: 6 * 8 }, (_, i) => Math.trunc(Math.fround(s[Math.floor(i / 6) * 8 + (i % 6)] * 255)));
    expect(Array.from(mask)).toEqual(Array.from(resizeBilinear({ data: crop, width: 6, height: 8, channels: 1 }, 12, 16)));
  });

  it('truncates seg × 255 to bytes and clamps outside 0..1', () => {
    const s = Float32Array.from([0.5, 1.5, -0.2, 0.999]);
    expect(Array.from(rawMask(s, 2, { W: 2, H: 2, dw: 0, dh: 0, r: 1 }))).toEqual([127, 255, 0, 254]);
  });
});
