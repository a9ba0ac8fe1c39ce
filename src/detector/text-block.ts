/**
 * The mutable working record of kha-white/comic-text-detector utils/textblock.py `TextBlock` while
 * lines are grouped, split and merged. Only the fields the grouping reads are kept; `toDetectedBlock`
 * turns it into the public shape.
 */
import type { BlockLanguage, Box, DetectedBlock, Point, Quad } from './types.ts';

export type Line = Quad;

export interface TextBlock {
  /** integer box, utils/textblock.py `xyxy` */
  xyxy: Box;
  lines: Line[];
  language: BlockLanguage;
  vertical: boolean;
  /** int after examine, a float after merging (utils/textblock.py `try_merge_textline`) */
  font_size: number;
  /** distance of each line centre to the reading "origin" line (utils/textblock.py `examine_textblk`) */
  distance: number[];
  angle: number;
  /** primary vector: summed down vectors (vertical) or right vectors (horizontal) */
  vec: Point;
  norm: number;
  merged: boolean;
}

export function newTextBlock(xyxy: Box, language: BlockLanguage, lines: Line[] = []): TextBlock {
  return {
    xyxy: [...xyxy],
    lines,
    language,
    vertical: false,
    font_size: -1,
    distance: [],
    angle: 0,
    vec: [0, 0],
    norm: -1,
    merged: false,
  };
}

/** `copy.deepcopy(blk)` for the fields we keep. */
export function cloneTextBlock(b: TextBlock): TextBlock {
  return {
    ...b,
    xyxy: [...b.xyxy],
    lines: b.lines.map(copyLine),
    distance: [...b.distance],
    vec: [...b.vec],
  };
}

export const copyLine = (l: Line): Line => l.map((p) => [p[0], p[1]]) as Line;

/** utils/textblock.py `adjust_bbox`: box = AABB of the (int32) lines, united with the current box if `withBox`. */
export function adjustBox(b: TextBlock, withBox: boolean): void {
  if (b.lines.length === 0) return;
  let [x1, y1, x2, y2] = withBox ? b.xyxy : [Infinity, Infinity, -Infinity, -Infinity];
  for (const line of b.lines) {
    for (const [px, py] of line) {
      const x = Math.trunc(px);
      const y = Math.trunc(py);
      if (x < x1) x1 = x;
      if (y < y1) y1 = y;
      if (x > x2) x2 = x;
      if (y > y2) y2 = y;
    }
  }
  b.xyxy = [x1, y1, x2, y2];
}

export function toDetectedBlock(b: TextBlock): DetectedBlock {
  return {
    box: [...b.xyxy],
    vertical: b.vertical,
    font_size: b.font_size,
    language: b.language,
    angle: b.angle,
    lines: b.lines.map(copyLine),
  };
}
