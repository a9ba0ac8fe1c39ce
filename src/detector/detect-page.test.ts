import { describe, expect, it } from 'vitest';
import { createDetector } from './detect-page.ts';
import { fakeOutputs } from './fake-outputs.ts';
import type { RawImage } from '../image/raw-image.ts';

describe('createDetector', () => {
  it('letterboxes, runs the given model step and maps its outputs back to the page', async () => {
    // page 128×256 at S = 256: r = 1, dw = 128; the fake model reports one vertical line
    const page: RawImage = { width: 128, height: 256, channels: 3, data: new Uint8Array(128 * 256 * 3) };
    const seen: { length: number; size: number }[] = [];
    const detector = createDetector(async (tensor, size) => {
      seen.push({ length: tensor.length, size });
      return fakeOutputs(size).box([40, 20, 100, 140]).line(60, 30, 69, 129); // → [54,24]-[75,135]
    });
    const res = await detector.detect(page, { size: 256 });
    expect(seen).toEqual([{ length: 3 * 256 * 256, size: 256 }]);
    expect(res.letterbox).toEqual({ W: 128, H: 256, dw: 128, dh: 0, r: 1 });
    expect(res.blocks.map((b) => [b.box, b.vertical, b.lines])).toEqual([
      [
        [40, 20, 100, 140],
        true,
        [
          [
            [54, 24],
            [75, 24],
            [75, 135],
            [54, 135],
          ],
        ],
      ],
    ]);
    expect(res.mask.length).toBe(128 * 256);
    for (const v of Object.values(res.timings)) expect(v).toBeGreaterThanOrEqual(0);
  });
});
