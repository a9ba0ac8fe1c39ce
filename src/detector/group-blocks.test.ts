import { describe, expect, it } from 'vitest';
import { groupBlocks } from './group-blocks.ts';
import type { Quad } from './types.ts';

const point = (x: number, y: number): Quad => [
  [x, y],
  [x, y],
  [x, y],
  [x, y],
];

describe('groupBlocks on degenerate lines', () => {
  it('zero-area stray lines: NaN mask score keeps them, NaN distances, identical quads merge', () => {
    // area 0 → every block score is NaN/−inf, mask[10:10, 10:10] is empty → NaN, not < 0.1 → kept;
    // examine: no vectors → horizontal, font 0, distance NaN; the two quads touch → merged unconditionally
    const blocks = groupBlocks({ boxes: [], lines: [point(10, 10), point(10, 10)], mask: new Uint8Array(64 * 64), W: 64, H: 64 });
    expect(blocks).toEqual([
      { box: [10, 10, 10, 10], vertical: false, font_size: 0, language: 'unknown', angle: 0, lines: [point(10, 10), point(10, 10)] },
    ]);
  });

  it('a zero-area line inside a YOLO block cannot be assigned (0/0) and falls back to the mask', () => {
    const mask = new Uint8Array(64 * 64);
    const blocks = groupBlocks({
      boxes: [{ xyxy: [0, 0, 40, 40], cls: 1, conf: 0.9 }],
      lines: [point(20, 20)],
      mask,
      W: 64,
      H: 64,
    });
    // the YOLO block has no line and no ink → dropped; the line survives as a stray block
    expect(blocks.map((b) => [b.language, b.box])).toEqual([['unknown', [20, 20, 20, 20]]]);
  });
});
