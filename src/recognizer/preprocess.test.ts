import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MANGA_CROPS_ABSENT, OCR_REFERENCE, OCR_REFERENCE_MANGA_CROPS } from '../../test/helpers/fixtures.ts';
import type { RawImage } from '../image/raw-image.ts';
import { pillowResizeBilinear } from './pillow-resize.ts';
import { INPUT_SIZE, pillowGrey, preprocess } from './preprocess.ts';

const cases = (
  JSON.parse(readFileSync(path.join(OCR_REFERENCE, 'reference.json'), 'utf8')) as {
    preprocess: { name: string; w: number; h: number }[];
  }
).preprocess;
// The random crops ship in the repository; the six cut from published manga are read from the
// external test data when it is there (see test/helpers/fixtures.ts).
const fromManga = (name: string) => name.startsWith('real-');
const dirOf = (name: string) => (fromManga(name) ? OCR_REFERENCE_MANGA_CROPS : OCR_REFERENCE);

async function decode(file: string, dir: string): Promise<RawImage> {
  const { data, info } = await sharp(path.join(dir, file))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: info.channels as 1 | 3 };
}

const rgb = (w: number, h: number, px: number[]): RawImage => ({
  data: Uint8Array.from(px),
  width: w,
  height: h,
  channels: 3,
});

describe('pillowGrey', () => {
  it('uses Pillow 601 fixed point on the stored channel order', () => {
    const img = rgb(4, 1, [0, 255, 0, 255, 0, 0, 0, 0, 255, 10, 20, 30]);
    expect([...pillowGrey(img)]).toEqual([150, 76, 29, 18]); // (19595R + 38470G + 7471B + 32768) >> 16
    expect([...pillowGrey(img, { swapRedBlue: true })]).toEqual([150, 29, 76, 22]);
  });
});

describe('pillowResizeBilinear (worked by hand)', () => {
  it('downscales 2→1 with a widened triangle', () => {
    // scale 2: support 2, taps at distance 0.5 weigh 0.75 each → 0.5/0.5 after normalising
    expect([...pillowResizeBilinear(Uint8Array.from([0, 255]), 2, 1, 1, 1)]).toEqual([128]);
  });
  it('upscales 2→4 as plain bilinear with clamped edges', () => {
    // centres 0.25, 0.75, 1.25, 1.75: edge pixels have one tap, inner ones 0.75/0.25
    expect([...pillowResizeBilinear(Uint8Array.from([0, 200]), 2, 1, 4, 1)]).toEqual([0, 50, 150, 200]);
  });
  it('runs the vertical pass on the horizontal pass output, rounded to 8 bits', () => {
    // horizontally [0,255]→128 and [255,255]→255, then vertically (128+255)/2 = 191.5 → 192
    expect([...pillowResizeBilinear(Uint8Array.from([0, 255, 255, 255]), 2, 2, 1, 1)]).toEqual([192]);
  });
  it('copies when the size does not change', () => {
    const src = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    expect([...pillowResizeBilinear(src, 3, 2, 3, 2)]).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('preprocess against Pillow 9.4 (ocr-reference)', () => {
  it('has the random crops in the repository', () => {
    const present = cases.filter((c) => !fromManga(c.name) && existsSync(path.join(OCR_REFERENCE, `${c.name}-in.png`)));
    expect(present.map((c) => c.name)).toEqual(['rand-0-s21', 'rand-1-s21', 'rand-2-s21', 'rand-3-s21', 'rand-4-s21']);
  });
  for (const c of cases) {
    const dir = dirOf(c.name);
    const title = `${c.name} matches within ±1 grey level`;
    it.skipIf(!dir)(dir ? title : `${title} (skipped: ${MANGA_CROPS_ABSENT})`, async () => {
      await matchesPillow(c, dir!);
    });
  }

  async function matchesPillow(c: { name: string; w: number; h: number }, dir: string) {
    const input = await decode(`${c.name}-in.png`, dir);
    expect([input.width, input.height]).toEqual([c.w, c.h]);
    const expected = await decode(`${c.name}-224.png`, dir);
    const grey = pillowGrey(input);
    const ours = pillowResizeBilinear(grey, input.width, input.height, INPUT_SIZE, INPUT_SIZE);
    const step = expected.channels;
    let worst = 0;
    let off = 0;
    for (let p = 0; p < ours.length; p++) {
      const d = Math.abs(ours[p] - expected.data[p * step]);
      worst = Math.max(worst, d);
      if (d) off++;
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(off).toBe(0); // exact port: expect no difference at all
  }

  it('normalises to (v/255 − 0.5)/0.5 in three equal channels', () => {
    const white = rgb(1, 1, [255, 255, 255]);
    const black = rgb(1, 1, [0, 0, 0]);
    const out = preprocess([white, black]);
    const plane = INPUT_SIZE * INPUT_SIZE;
    expect(out).toHaveLength(2 * 3 * plane);
    expect(out[0]).toBe(1);
    expect(out[2 * plane + 5]).toBe(1);
    expect(out[3 * plane]).toBe(-1);
    expect(out[6 * plane - 1]).toBe(-1);
    const mid = preprocess([rgb(1, 1, [128, 128, 128])]);
    expect(mid[0]).toBeCloseTo(128 / 255 / 0.5 - 1, 6);
  });
});
