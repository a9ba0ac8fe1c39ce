import { describe, expect, it } from 'vitest';
import type { DetectedBlock, Quad } from '../detector/types.ts';
import type { RawImage } from '../image/raw-image.ts';
import { cropLine, rotate90 } from '../../test/helpers/reference-line-crop.ts';
import { lineWarp, sourceQuad } from './line-crop.ts';

type Geo = Pick<DetectedBlock, 'language' | 'vertical' | 'font_size'>;
const ja: Geo = { language: 'ja', vertical: false, font_size: 30 };
const jaV: Geo = { language: 'ja', vertical: true, font_size: 30 };

/** an RGB page whose pixel (x, y) is [x % 256, y % 256, (x + 2y) % 256] */
function pattern(w: number, h: number): RawImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) data.set([x % 256, y % 256, (x + 2 * y) % 256], (y * w + x) * 3);
  return { data, width: w, height: h, channels: 3 };
}
const px = (img: RawImage, x: number, y: number) => [...img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3)];
const rect = (x1: number, y1: number, x2: number, y2: number): Quad => [[x1, y1], [x2, y1], [x2, y2], [x1, y2]];

describe('rotate90', () => {
  it('ccw puts the top row on the left, cw undoes it', () => {
    const img: RawImage = { data: Uint8Array.from([1, 2, 3, 4, 5, 6]), width: 3, height: 2, channels: 1 };
    const ccw = rotate90(img, 'ccw');
    expect([ccw.width, ccw.height]).toEqual([2, 3]);
    expect([...ccw.data]).toEqual([3, 6, 2, 5, 1, 4]);
    expect([...rotate90(img, 'cw').data]).toEqual([4, 1, 5, 2, 6, 3]);
    expect(rotate90(ccw, 'cw')).toEqual(img);
  });
});

describe('lineWarp / cropLine', () => {
  it('an axis-aligned 64×64 quad copies the page pixels exactly', () => {
    const page = pattern(200, 120);
    const crop = cropLine(page, rect(10, 20, 73, 83), ja)!;
    expect([crop.width, crop.height]).toEqual([64, 64]);
    for (const [x, y] of [[0, 0], [63, 0], [17, 40], [63, 63]]) expect(px(crop, x, y)).toEqual(px(page, 10 + x, 20 + y));
  });

  it('halves the page for a 2:1 quad and reads black outside the page', () => {
    const page = pattern(300, 200);
    // 127×127 source → 64×64 strip: a 2× downscale through the homography
    const crop = cropLine(page, rect(0, 0, 126, 126), ja)!;
    expect([crop.width, crop.height]).toEqual([64, 64]);
    expect(px(crop, 10, 5)).toEqual(px(page, 20, 10));
    const outside = cropLine(page, rect(250, 150, 313, 213), ja)!; // half off the page
    expect(px(outside, 60, 60)).toEqual([0, 0, 0]);
    expect(px(outside, 5, 5)).toEqual(px(page, 255, 155));
  });

  it('rounds the strip length half to even like Python round()', () => {
    expect(lineWarp(rect(0, 0, 101, 128), ja, 500, 500)).toMatchObject({ width: 50, height: 64 }); // 64/ratio = 50.5
    expect(lineWarp(rect(0, 0, 128, 81), jaV, 500, 500)).toMatchObject({ width: 64, height: 40 }); // 64·ratio = 40.5
  });

  it('rotates vertical strips 90° counter-clockwise: the column top ends up on the left', () => {
    const page = pattern(200, 400);
    const crop = cropLine(page, rect(40, 20, 103, 275), jaV)!; // 64 wide, ~256 tall
    expect(crop.height).toBe(64);
    expect(crop.width).toBe(259); // round(64 · 255/63)
    // left end = top of the column (page y ≈ 20), right end = bottom (y ≈ 275); green = y
    expect(px(crop, 0, 32)[1]).toBeLessThan(25);
    expect(px(crop, 258, 32)[1]).toBeGreaterThan(270 - 256 - 5); // y % 256 wrapped: 275 → 19
    expect(px(crop, 129, 32)[1]).toBeGreaterThan(140);
    // top row of the strip = right edge of the column (x ≈ 103); red = x
    expect(px(crop, 100, 0)[0]).toBeGreaterThan(100);
    expect(px(crop, 100, 63)[0]).toBeLessThan(43);
  });

  it("grows 'eng' and horizontal 'unknown' quads by font_size / 3, clipped to the page", () => {
    const q = rect(30, 30, 130, 50);
    expect(sourceQuad(q, ja, 500, 500)).toEqual(q);
    expect(sourceQuad(q, { ...ja, language: 'unknown', vertical: true }, 500, 500)).toEqual(q);
    const grown = rect(20, 20, 140, 60);
    expect(sourceQuad(q, { ...ja, language: 'eng' }, 500, 500)).toEqual(grown);
    expect(sourceQuad(q, { ...ja, language: 'unknown' }, 500, 500)).toEqual(grown);
    expect(sourceQuad(rect(5, 5, 130, 50), { ...ja, language: 'eng' }, 135, 500)).toEqual(rect(0, 0, 135, 60));
    // ja: 20 / 100 → 320 wide; eng: 40 / 120 → 192 wide
    expect(lineWarp(q, ja, 500, 500)!.width).toBe(320);
    expect(lineWarp(q, { ...ja, language: 'eng' }, 500, 500)!.width).toBe(192);
  });

  it('degenerate quads give null, never a throw', () => {
    const page = pattern(50, 50);
    const bad: Quad[] = [
      rect(10, 10, 10, 40), // zero width
      rect(10, 10, 40, 10), // zero height
      [[5, 5], [5, 5], [5, 5], [5, 5]],
      [[NaN, 0], [10, 0], [10, 10], [0, 10]],
      [[0, 0], [10, 0], [20, 0], [30, 0]], // all collinear
      [[0, 0], [10, 0], [20, 0], [10, 10]], // three collinear: no homography (singular LU)
      [[0, 0], [10, 0], [10, 10], [5, 0]],
      rect(0, 0, 1e-9, 40), // absurdly long strip
    ];
    for (const q of bad) {
      for (const geo of [ja, jaV]) {
        expect(() => cropLine(page, q, geo)).not.toThrow();
        expect(cropLine(page, q, geo)).toBeNull();
      }
    }
  });
});
