/**
 * Hand-built detector outputs for tests: YOLO rows, DB line rectangles and seg ink drawn into
 * zeroed tensors of an S×S model input. Coordinates are model-input pixels.
 */
import type { DetectorOutputs } from '../../src/detector/types.ts';
import { YOLO_ROW } from '../../src/detector/yolo-boxes.ts';

export interface FakeOutputs extends DetectorOutputs {
  /** add a YOLO row for box [x1,y1,x2,y2] with objectness and class scores */
  box(xyxy: [number, number, number, number], cls?: 'ja' | 'eng', obj?: number): FakeOutputs;
  /** fill DB shrink map pixels x1..x2, y1..y2 (inclusive) with `value` */
  line(x1: number, y1: number, x2: number, y2: number, value?: number): FakeOutputs;
  /** fill seg pixels x1..x2, y1..y2 (inclusive) with `value` */
  ink(x1: number, y1: number, x2: number, y2: number, value?: number): FakeOutputs;
}

export function fakeOutputs(size: number, rows = 64): FakeOutputs {
  const blk = new Float32Array(rows * YOLO_ROW);
  const det = new Float32Array(2 * size * size);
  const seg = new Float32Array(size * size);
  let nextRow = 0;
  const fill = (map: Float32Array, x1: number, y1: number, x2: number, y2: number, v: number): void => {
    for (let y = Math.max(0, y1); y <= Math.min(size - 1, y2); y++) {
      for (let x = Math.max(0, x1); x <= Math.min(size - 1, x2); x++) map[y * size + x] = v;
    }
  };
  const out: FakeOutputs = {
    blk,
    det,
    seg,
    size,
    box([x1, y1, x2, y2], cls = 'ja', obj = 0.9) {
      const row = [(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1, obj, cls === 'eng' ? 0.9 : 0.05, cls === 'ja' ? 0.9 : 0.05];
      blk.set(row, nextRow++ * YOLO_ROW);
      return out;
    },
    line(x1, y1, x2, y2, value = 0.9) {
      fill(det, x1, y1, x2, y2, value);
      return out;
    },
    ink(x1, y1, x2, y2, value = 1) {
      fill(seg, x1, y1, x2, y2, value);
      return out;
    },
  };
  return out;
}
