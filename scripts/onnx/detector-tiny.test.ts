import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { SYNTHETIC_PAGES } from '../../test/helpers/fixtures.ts';
import { openTiny } from './stand-in-fixture.ts';

const N = 1024;
const PAGES = pathToFileURL(`${SYNTHETIC_PAGES}/`);
const detector = await openTiny('comictextdetector.pt.onnx');

type Box = [x1: number, y1: number, x2: number, y2: number];

/** White page with black boxes (inclusive pixel coordinates). */
function page(boxes: Box[]): Float32Array {
  const px = new Float32Array(3 * N * N).fill(1);
  for (const [x1, y1, x2, y2] of boxes)
    for (let c = 0; c < 3; c++) for (let y = y1; y <= y2; y++) px.fill(0, c * N * N + y * N + x1, c * N * N + y * N + x2 + 1);
  return px;
}

async function detect(px: Float32Array) {
  const out = await detector.run({ images: new ort.Tensor('float32', px, [1, 3, N, N]) });
  const det = (out.det.data as Float32Array).subarray(0, N * N);
  const blk = out.blk.data as Float32Array;
  const boxes: Box[] = [];
  for (let r = 0; r < 64512; r++) {
    const [cx, cy, w, h, obj] = blk.subarray(r * 7, r * 7 + 5);
    if (obj > 0.4) boxes.push([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]);
  }
  return { det, seg: out.seg.data as Float32Array, boxes };
}

const region = (map: Float32Array, [x1, y1, x2, y2]: Box) => {
  let [min, max, sum] = [Infinity, -Infinity, 0];
  for (let y = y1; y <= y2; y++)
    for (let x = x1; x <= x2; x++) [min, max, sum] = [Math.min(min, map[y * N + x]), Math.max(max, map[y * N + x]), sum + map[y * N + x]];
  return { min, max, mean: sum / ((x2 - x1 + 1) * (y2 - y1 + 1)) };
};

/** Bounding boxes of the 8-connected regions where `map > 0.3` (the DB bitmap of kha-white/comic-text-detector utils/db_utils.py `boxes_from_bitmap`). */
function regions(map: Float32Array): Box[] {
  const seen = new Uint8Array(N * N);
  const found: Box[] = [];
  for (let start = 0; start < N * N; start++) {
    if (seen[start] || map[start] <= 0.3) continue;
    const box: Box = [N, N, -1, -1];
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const p = stack.pop()!;
      const [x, y] = [p % N, Math.floor(p / N)];
      box.splice(0, 4, Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y));
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const q = (y + dy) * N + x + dx;
          if (x + dx >= 0 && x + dx < N && y + dy >= 0 && y + dy < N && !seen[q] && map[q] > 0.3) (seen[q] = 1), stack.push(q);
        }
    }
    found.push(box);
  }
  return found;
}

describe('tiny comic-text-detector stand-in', () => {
  it('finds nothing on blank paper, nor in black letterbox padding', async () => {
    for (const px of [page([]), page([[700, 0, 1023, 1023]])]) {
      const { det, seg, boxes } = await detect(px);
      expect(det.every((v) => v < 0.3)).toBe(true);
      expect(region(seg, [0, 0, 650, 1023]).max).toBeLessThan(0.1);
      expect(boxes).toEqual([]);
    }
  });

  it('marks a column-sized black rectangle as one text line inside one block box', async () => {
    const bar: Box = [500, 300, 523, 459];
    const { det, seg, boxes } = await detect(page([bar]));
    expect(region(det, [506, 306, 517, 453]).min).toBeGreaterThan(0.3);
    expect(region(det, bar).mean).toBeGreaterThan(0.6);
    expect(region(det, [0, 0, 480, 1023]).max).toBeLessThan(0.3);
    expect(region(seg, bar).mean).toBeGreaterThan(0.5);
    expect(regions(det)).toHaveLength(1);
    expect(boxes.length).toBeGreaterThan(0);
    for (const [x1, y1, x2, y2] of boxes) expect([x1 <= 500, y1 <= 300, x2 >= 523, y2 >= 459, x2 - x1 < 60]).toEqual([true, true, true, true, true]);
  });

  it('finds each vertical column of a synthetic page as one region', async () => {
    const truth = JSON.parse(readFileSync(new URL('truth.json', PAGES), 'utf8')).pages[0];
    const r = Math.min(N / truth.img_width, N / truth.img_height);
    const [w, h] = [Math.round(truth.img_width * r), Math.round(truth.img_height * r)];
    const rgb = await sharp(new URL(truth.img_path, PAGES).pathname).removeAlpha().resize(w, h)
      .extend({ right: N - w, bottom: N - h, background: '#000' }).raw().toBuffer();
    const px = new Float32Array(3 * N * N);
    for (let i = 0; i < N * N; i++) for (let c = 0; c < 3; c++) px[c * N * N + i] = rgb[i * 3 + c] / 255;
    const found = regions((await detect(px)).det);
    const columns: Box[] = truth.blocks.filter((b: { vertical: boolean }) => b.vertical)
      .flatMap((b: { lines_box: Box[] }) => b.lines_box.map((l) => l.map((v) => v * r) as Box));
    const overlaps = (a: Box, b: Box) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
    for (const column of columns) expect(found.filter((f) => overlaps(f, column))).toHaveLength(1);
  });
});
