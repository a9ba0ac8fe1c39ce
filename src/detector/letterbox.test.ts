import { describe, expect, it } from 'vitest';
import { letterbox } from './letterbox.ts';
import type { RawImage } from '../image/raw-image.ts';

/** tensor plane `p` of an S×S letterbox as rows of byte values (×255, rounded) */
function plane(t: Float32Array, S: number, p: number, w = S, h = S): number[][] {
  return Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => Math.round(t[p * S * S + y * S + x] * 255)));
}

describe('letterbox', () => {
  it('upscales 2×2 → 4×4 with half-pixel bilinear and clamped edges', () => {
    // R channel [[0,100],[200,40]]; x weights per output column: (1,0) (.75,.25) (.25,.75) (0,1)
    const img: RawImage = { width: 2, height: 2, channels: 3, data: new Uint8Array([0, 1, 2, 100, 1, 2, 200, 1, 2, 40, 1, 2]) };
    const { tensor, letterbox: lb } = letterbox(img, { size: 4, channelOrder: 'rgb' });
    expect(lb).toEqual({ W: 2, H: 2, dw: 0, dh: 0, r: 2 });
    expect(plane(tensor, 4, 0)).toEqual([
      [0, 25, 75, 100],
      [50, 59, 76, 85], // .75·(0,25,75,100) + .25·(200,160,80,40) = 50, 58.75, 76.25, 85
      [150, 126, 79, 55], // .25·top + .75·bottom = 150, 126.25, 78.75, 55
      [200, 160, 80, 40],
    ]);
    expect(plane(tensor, 4, 1)).toEqual(Array(4).fill([1, 1, 1, 1]));
    expect(tensor[2 * 16 + 5]).toBe(Math.fround(2 / 255)); // /255 in float32
  });

  it('downscales without antialiasing: 8×4 → 2×1 samples only the two source pixels around each centre', () => {
    // value = 10x + 50y; output x0 centre maps to source x 1.5 (pixels 1,2), x1 to 5.5 (5,6); row to y 1.5 (1,2)
    const data = new Uint8Array(8 * 4);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 8; x++) data[y * 8 + x] = 10 * x + 50 * y;
    const { tensor, letterbox: lb } = letterbox({ width: 8, height: 4, channels: 1, data }, { size: 2 });
    expect(lb).toEqual({ W: 8, H: 4, dw: 0, dh: 1, r: 0.25 });
    // (60+70+110+120)/4 = 90, (100+110+150+160)/4 = 130; an area filter would give 50 and 90
    for (const p of [0, 1, 2]) expect(plane(tensor, 2, p)).toEqual([[90, 130], [0, 0]]);
  });

  it('puts B,G,R planes by default and R,G,B on request', () => {
    const img: RawImage = { width: 1, height: 1, channels: 3, data: new Uint8Array([10, 20, 30]) };
    const bgr = letterbox(img, { size: 1 }).tensor;
    const rgb = letterbox(img, { size: 1, channelOrder: 'rgb' }).tensor;
    expect(Array.from(bgr, (v) => Math.round(v * 255))).toEqual([30, 20, 10]);
    expect(Array.from(rgb, (v) => Math.round(v * 255))).toEqual([10, 20, 30]);
  });

  it('tall page: padding on the right only', () => {
    // r = 1024/1700, new_w = round(722.82) = 723 → dw = 301 (as ctd-reference case-000)
    const img: RawImage = { width: 1200, height: 1700, channels: 3, data: new Uint8Array(1200 * 1700 * 3).fill(255) };
    const { tensor, letterbox: lb } = letterbox(img);
    expect(lb).toEqual({ W: 1200, H: 1700, dw: 301, dh: 0, r: 1024 / 1700 });
    expect(tensor.length).toBe(3 * 1024 * 1024);
    expect(tensor[1023 * 1024 + 722]).toBe(1); // last image column, last row
    expect(tensor[1023 * 1024 + 723]).toBe(0); // first padded column
  });

  it('wide page: padding at the bottom only', () => {
    // r = 1024/2400, new_h = round(725.33) = 725 → dh = 299 (as case-020)
    const img: RawImage = { width: 2400, height: 1700, channels: 1, data: new Uint8Array(2400 * 1700).fill(255) };
    const { tensor, letterbox: lb } = letterbox(img);
    expect(lb).toMatchObject({ dw: 0, dh: 299 });
    expect(tensor[2 * 1024 * 1024 + 724 * 1024 + 1023]).toBe(1);
    expect(tensor[2 * 1024 * 1024 + 725 * 1024]).toBe(0);
  });

  it('rounds the new size half to even', () => {
    // 8×5 into 4: r = min(4/5, 4/8) = 0.5, new_h = round(2.5) = 2 (Math.round would give 3)
    const img: RawImage = { width: 8, height: 5, channels: 1, data: new Uint8Array(40) };
    expect(letterbox(img, { size: 4 }).letterbox).toEqual({ W: 8, H: 5, dw: 0, dh: 2, r: 0.5 });
  });
});

describe('letterbox into a reused tensor', () => {
  it('gives the same tensor as a fresh one, padding cleared of the previous page', () => {
    const page = (w: number, h: number, v: number) => ({ data: new Uint8Array(w * h * 3).fill(v), width: w, height: h, channels: 3 as const });
    const out = new Float32Array(3 * 8 * 8).fill(0.5); // a previous page's values everywhere
    for (const [w, h] of [[8, 4], [4, 8], [8, 8], [3, 5]]) {
      const fresh = letterbox(page(w, h, 200), { size: 8 }).tensor;
      const reused = letterbox(page(w, h, 200), { size: 8, out }).tensor;
      expect(reused).toBe(out);
      expect(Array.from(reused)).toEqual(Array.from(fresh));
      out.fill(0.5);
    }
  });
});
