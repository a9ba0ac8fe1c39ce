import { describe, expect, it } from 'vitest';
import type { DetectedBlock, Quad } from '../detector/types.ts';
import type { RawImage } from '../image/raw-image.ts';
import { binariseMask, cutPoints, inkProfile, lineChunks } from './chunks.ts';
import { cropLine, rotate90 } from '../../test/helpers/reference-line-crop.ts';
import { lineWarp } from './line-crop.ts';

type Geo = Pick<DetectedBlock, 'language' | 'vertical' | 'font_size'>;
const ja: Geo = { language: 'ja', vertical: false, font_size: 40 };
const jaV: Geo = { language: 'ja', vertical: true, font_size: 40 };
const rect = (x1: number, y1: number, x2: number, y2: number): Quad => [[x1, y1], [x2, y1], [x2, y2], [x1, y2]];

/** RGB page, red channel = x % 256 (to locate chunks), green = y % 256 */
function page(w: number, h: number): RawImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x % 256, y % 256, 0], (y * w + x) * 3);
  return { data, width: w, height: h, channels: 3 };
}

/** raw mask with ink (200) everywhere inside [x1,x2)×[y1,y2) except where `gap` says */
function rawMask(w: number, h: number, ink: (x: number, y: number) => boolean): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) m[y * w + x] = ink(x, y) ? 200 : 100;
  return m;
}

describe('cutPoints', () => {
  it('keeps short strips whole and cuts at anchors without a mask', () => {
    expect(cutPoints(512, 64, 8, null)).toEqual([]); // ratio 8 is not > 8
    expect(cutPoints(1100, 64, 8, null)).toEqual([366, 733]); // n = 3, trunc(i · 1100/3)
  });

  it('cuts at the window start when the mask has no ink (numpy NaN argmin)', () => {
    expect(cutPoints(1100, 64, 8, new Float64Array(1100))).toEqual([366 - 64, 733 - 64]);
  });

  it('finds the first density minimum inside the ±64 px window', () => {
    const w = 1100;
    const data = new Uint8Array(w * 64).fill(255);
    for (let y = 0; y < 64; y++) for (let x = 380; x < 390; x++) data[y * w + x] = 0; // gap near anchor 366
    const flat = cutPoints(w, 64, 8, inkProfile({ data, width: w, height: 64, channels: 1 }, false));
    expect(flat[0]).toBeGreaterThanOrEqual(384);
    expect(flat[0]).toBeLessThanOrEqual(385);
    expect(flat[1]).toBe(733 - 64); // flat density: the first minimum is the window start
    // a gap just past the window [669, 797) pulls the minimum to the window's last column
    for (let y = 0; y < 64; y++) for (let x = 800; x < 810; x++) data[y * w + x] = 0;
    const cuts = cutPoints(w, 64, 8, inkProfile({ data, width: w, height: 64, channels: 1 }, false));
    expect(cuts).toEqual([flat[0], 796]);
  });
});

describe('lineChunks', () => {
  it('returns one strip for a short line and [] for a degenerate quad', () => {
    const p = page(300, 100);
    const chunks = lineChunks(p, null, rect(10, 10, 73, 73), ja);
    expect(chunks.map((c) => [c.width, c.height])).toEqual([[64, 64]]);
    expect(lineChunks(p, null, rect(10, 10, 10, 73), ja)).toEqual([]);
  });

  it('splits a long horizontal strip where a gap was drawn in the mask', () => {
    const W = 1200;
    const p = page(W, 100);
    const quad = rect(0, 10, 1099, 73); // 1100 × 64 → strip 1117 wide, ratio 17.5 → 3 chunks
    const mask = binariseMask(rawMask(W, 100, (x) => !(x >= 420 && x < 440)), W, 100);
    const chunks = lineChunks(p, mask, quad, ja);
    const warp = lineWarp(quad, ja, W, 100)!;
    expect(chunks).toHaveLength(3);
    expect(chunks.reduce((s, c) => s + c.width, 0)).toBe(warp.width);
    for (const c of chunks) expect(c.height).toBe(64);
    // the first cut lies in the gap: the last column of chunk 0 shows page x in [420, 440)
    const lastRed = chunks[0].data[(32 * chunks[0].width + chunks[0].width - 1) * 3];
    expect(lastRed).toBeGreaterThanOrEqual(420 - 256);
    expect(lastRed).toBeLessThan(440 - 256);
  });

  it('splits a long vertical strip and turns each chunk back upright, top first', () => {
    const H = 1300;
    const p = page(100, H);
    const quad = rect(10, 0, 73, 1199); // 64 wide, 1200 tall → ratio ≈ 19 > 16 → 2 chunks
    const mask = binariseMask(rawMask(100, H, (_, y) => !(y >= 590 && y < 610)), 100, H);
    const chunks = lineChunks(p, mask, quad, jaV);
    expect(chunks).toHaveLength(2);
    for (const c of chunks) expect(c.width).toBe(64); // upright columns
    const green = (c: RawImage, y: number) => c.data[(y * c.width + 32) * 3 + 1];
    expect(green(chunks[0], 0)).toBeLessThan(3); // page y ≈ 0 at the top of the first chunk
    // the first chunk ends inside the gap: page y in [590, 610), i.e. green = y − 512
    const end = green(chunks[0], chunks[0].height - 1);
    expect(end + 512).toBeGreaterThanOrEqual(590);
    expect(end + 512).toBeLessThan(610);
    // red = page x: the left column of an upright chunk is the left of the column (x ≈ 10)
    expect(chunks[1].data[(5 * 64 + 0) * 3]).toBeLessThan(13);
  });

  it("gives Mokuro's pixels: rotate CCW, split columns, rotate each chunk back CW", () => {
    const H = 1300;
    const p = page(100, H);
    const quad = rect(10, 0, 73, 1199);
    const mask = binariseMask(rawMask(100, H, (_, y) => !(y >= 590 && y < 610)), 100, H);
    const chunks = lineChunks(p, mask, quad, jaV);
    const rotated = cropLine(p, quad, jaV)!; // Mokuro's strip: 64 tall, reading left → right
    let x0 = 0;
    for (const c of chunks) {
      const cols = { ...rotated, width: c.height, data: new Uint8Array(c.height * 64 * 3) };
      for (let y = 0; y < 64; y++)
        cols.data.set(rotated.data.subarray((y * rotated.width + x0) * 3, (y * rotated.width + x0 + c.height) * 3), y * c.height * 3);
      expect(rotate90(cols, 'cw')).toEqual(c);
      x0 += c.height;
    }
    expect(x0).toBe(rotated.width);
  });
});
