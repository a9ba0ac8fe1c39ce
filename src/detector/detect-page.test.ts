import { performance } from 'node:perf_hooks';
import { describe, expect, it, vi } from 'vitest';
import { createDetector } from './detect-page.ts';
import { fakeOutputs } from '../../test/helpers/fake-outputs.ts';
import type { RawImage } from '../image/raw-image.ts';
import type { DetectorOutputs } from './types.ts';

/**
 * A stand-in model that responds to the page: every bright component of the input tensor becomes a
 * DB line (its pixels) and a YOLO box (its bounding box grown by 4 px), with seg ink under it.
 */
async function inkModel(tensor: Float32Array, size: number): Promise<DetectorOutputs> {
  const out = fakeOutputs(size);
  const seen = new Uint8Array(size * size);
  for (let start = 0; start < size * size; start++) {
    if (seen[start] || tensor[start] <= 0.5) continue;
    let [x1, y1, x2, y2] = [size, size, -1, -1];
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % size;
      const y = (i - x) / size;
      [x1, y1, x2, y2] = [Math.min(x1, x), Math.min(y1, y), Math.max(x2, x), Math.max(y2, y)];
      for (const j of [i - 1, i + 1, i - size, i + size]) {
        if (j >= 0 && j < size * size && Math.abs((j % size) - x) <= 1 && !seen[j] && tensor[j] > 0.5) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    out.box([x1 - 4, y1 - 4, x2 + 4, y2 + 4]).line(x1, y1, x2, y2).ink(x1, y1, x2, y2);
  }
  return out;
}

/** Black page with white rectangles [x1, y1, x2, y2] (inclusive). */
function page(width: number, height: number, rects: number[][]): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (const [x1, y1, x2, y2] of rects) {
    for (let y = y1; y <= y2; y++) data.fill(255, (y * width + x1) * 3, (y * width + x2 + 1) * 3);
  }
  return { width, height, channels: 3, data };
}

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
  });

  it('charges the model run to run_ms, and nothing else', async () => {
    let clock = 1000; // a clock that moves only inside the model: 11 ms per run
    const now = vi.spyOn(performance, 'now').mockImplementation(() => clock);
    try {
      const page: RawImage = { width: 128, height: 256, channels: 3, data: new Uint8Array(128 * 256 * 3) };
      const detector = createDetector(async (_tensor, size) => ((clock += 11), fakeOutputs(size)));
      const res = await detector.detect(page, { size: 256 });
      expect(res.timings).toEqual({ pre_ms: 0, run_ms: 11, post_ms: 0 });
    } finally {
      now.mockRestore();
    }
  });

  it('detects a tall strip in overlapping windows: every text once, in page coordinates, top to bottom', async () => {
    // 100×1000 strip; B straddles the first window's bottom edge (row 150)
    const rects = [
      [60, 20, 79, 99], // A
      [20, 120, 39, 199], // B
      [40, 900, 59, 979], // C
    ];
    let calls = 0;
    const detector = createDetector((t, s) => {
      calls++;
      return inkModel(t, s);
    });
    const res = await detector.detect(page(100, 1000, rects), { size: 256 });
    expect(calls).toBe(9); // windows at rows 0, 112, …, 784, 850
    expect(res.tiles?.map((t) => t.y)).toEqual([0, 112, 224, 336, 448, 560, 672, 784, 850]);
    expect(res.blocks).toHaveLength(3);
    res.blocks.forEach((b, i) => {
      const [x1, y1, x2, y2] = rects[i];
      expect(b.vertical).toBe(true);
      // the box holds the drawn text and is at most the DB unclip margin (~12 page px here) larger
      expect(b.box[0]).toBeLessThanOrEqual(x1);
      expect(b.box[1]).toBeLessThanOrEqual(y1);
      expect(b.box[2]).toBeGreaterThanOrEqual(x2);
      expect(b.box[3]).toBeGreaterThanOrEqual(y2);
      expect(Math.max(x1 - b.box[0], y1 - b.box[1], b.box[2] - x2, b.box[3] - y2)).toBeLessThan(20);
    });
    expect(res.mask.length).toBe(100 * 1000);
    expect(res.mask[950 * 100 + 50]).toBe(255); // C's ink lands in the page mask
  });

  it('stops a tiled page before its next window once the job is cancelled', async () => {
    const stop = new AbortController();
    let calls = 0;
    const detector = createDetector((t, s) => {
      if (++calls === 2) stop.abort();
      return inkModel(t, s);
    });
    await expect(detector.detect(page(100, 1000, [[60, 20, 79, 99]]), { size: 256, signal: stop.signal })).rejects.toMatchObject({
      code: 'ABORTED',
    });
    expect(calls).toBe(2); // of 9 windows
  });

  it('does not tile normal pages, nor tall ones when told not to', async () => {
    let calls = 0;
    const detector = createDetector((t, s) => {
      calls++;
      return inkModel(t, s);
    });
    const normal = await detector.detect(page(200, 280, [[100, 20, 119, 99]]), { size: 256 });
    expect(calls).toBe(1);
    expect(normal.tiles).toBeUndefined();
    expect(normal.blocks).toHaveLength(1);
    await detector.detect(page(100, 1000, [[60, 20, 79, 99]]), { size: 256, tile: false });
    expect(calls).toBe(2);
  });
});
