/**
 * kha-white/comic-text-detector utils/textblock.py `split_textblk`: cut a YOLO block's lines into
 * sub-blocks where consecutive lines are far apart. Upstream quirks kept for parity: lines are
 * re-sorted by the distance of their TL corner to the first line's TL, but the `distance` array is not;
 * the gap uses |Δdistance|.
 */
import { adjustBox, cloneTextBlock, copyLine, type TextBlock } from './text-block.ts';
import { polygonsIntersect } from './polygon-intersects.ts';
import { norm2 } from '../math/python-math.ts';

/** utils/textblock.py `split_textblk`: a gap above this many font sizes always splits. */
const SPLIT_DISTANCE_FONT_RATIO = 2;
/** utils/textblock.py `split_textblk`: the TL-y rule applies to vertical blocks with |angle| below this (degrees). */
const SPLIT_MAX_ANGLE_DEG = 15;

export interface SplitResult {
  splitted: boolean;
  blocks: TextBlock[];
}

export function splitBlock(blk: TextBlock): SplitResult {
  const { font_size: fontSize, distance } = blk;
  const l0 = blk.lines[0];
  // Python's list.sort is stable; blk.lines is sorted in place upstream
  const lines = blk.lines
    .map((line, i) => ({ line, i, d: norm2(line[0][0] - l0[0][0], line[0][1] - l0[0][1]) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((e) => e.line);
  blk.lines = lines;
  const distanceTol = fontSize * SPLIT_DISTANCE_FONT_RATIO;
  let current = cloneTextBlock(blk);
  current.lines = [copyLine(l0)];
  const subs = [current];
  for (let jj = 0; jj + 1 < lines.length; jj++) {
    const prev = lines[jj];
    const line = lines[jj + 1];
    let split = false;
    if (!polygonsIntersect(prev, line)) {
      const gap = Math.abs(distance[jj + 1] - distance[jj]);
      if (gap > distanceTol) split = true;
      else if (blk.vertical && Math.abs(blk.angle) < SPLIT_MAX_ANGLE_DEG) {
        if (current.lines.length > 1 || gap > fontSize) split = Math.abs(prev[0][1] - line[0][1]) > fontSize;
      }
    }
    if (split) {
      current = cloneTextBlock(current);
      current.lines = [copyLine(line)];
      subs.push(current);
    } else {
      current.lines.push(copyLine(line));
    }
  }
  if (subs.length > 1) {
    for (const s of subs) adjustBox(s, false);
    return { splitted: true, blocks: subs };
  }
  return { splitted: false, blocks: subs };
}
