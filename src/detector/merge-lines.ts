/**
 * kha-white/comic-text-detector utils/textblock.py `merge_textlines` / `try_merge_textline`: stray
 * lines (one-line blocks) that sit close together with a similar size and direction are merged greedily
 * into one block.
 */
import { adjustBox, copyLine, type TextBlock } from './text-block.ts';
import { polygonsIntersect } from './polygon-intersects.ts';
import { norm2, pyInt, roundHalfEven } from '../math/python-math.ts';

/** utils/textblock.py `try_merge_textline` `fntsize_tol=1.3`: max font-size ratio either way. */
const MERGE_FONT_SIZE_TOL = 1.3;
/** utils/textblock.py `try_merge_textline` `distance_tol=2`: max (signed) distance step in average font sizes. */
const MERGE_DISTANCE_TOL = 2;
/** utils/textblock.py `try_merge_textline`: cos 30°, min |cos| between the two primary vectors. */
const MERGE_MIN_COS = 0.866;
/** utils/textblock.py `try_merge_textline`: max TL-to-TL distance in average font sizes. */
const MERGE_TL_DISTANCE_TOL = 2.5;

function tryMergeLine(blk: TextBlock, blk2: TextBlock): boolean {
  if (blk2.merged) return false;
  const n1 = blk.lines.length;
  const n2 = blk2.lines.length;
  const fontDiv = blk.font_size / blk2.font_size;
  const fontAvg = (blk.font_size * n1 + blk2.font_size * n2) / (n1 + n2);
  const cos = (blk.vec[0] * blk2.vec[0] + blk.vec[1] * blk2.vec[1]) / blk.norm / blk2.norm;
  const distance = blk2.distance[blk2.distance.length - 1] - blk.distance[blk.distance.length - 1];
  const last1 = blk.lines[n1 - 1];
  const last2 = blk2.lines[n2 - 1];
  const distanceTl = norm2(last2[0][0] - last1[0][0], last2[0][1] - last1[0][1]);
  if (!polygonsIntersect(last1, last2)) {
    if (fontDiv > MERGE_FONT_SIZE_TOL || 1 / fontDiv > MERGE_FONT_SIZE_TOL) return false;
    if (Math.abs(cos) < MERGE_MIN_COS) return false;
    if (distance > MERGE_DISTANCE_TOL * fontAvg || distanceTl > fontAvg * MERGE_TL_DISTANCE_TOL) return false;
  }
  const vx = blk.vec[0] + blk2.vec[0];
  const vy = blk.vec[1] + blk2.vec[1];
  blk.lines.push(copyLine(blk2.lines[0]));
  blk.vec = [vx, vy];
  blk.angle = pyInt(roundHalfEven(Math.atan2(vy, vx) * (180 / Math.PI)));
  if (blk.vertical) blk.angle -= 90;
  blk.norm = norm2(vx, vy);
  blk.distance = [...blk.distance, blk2.distance[blk2.distance.length - 1]];
  blk.font_size = fontAvg;
  blk2.merged = true;
  return true;
}

/** Sort by the first line's distance (stable), merge greedily, then fit each box to its lines. */
export function mergeLines(list: TextBlock[]): TextBlock[] {
  if (list.length < 2) return list;
  const sorted = list
    .map((b, i) => ({ b, i }))
    .sort((x, y) => cmpNumber(x.b.distance[0], y.b.distance[0]) || x.i - y.i)
    .map((e) => e.b);
  const merged: TextBlock[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const current = sorted[i];
    if (current.merged) continue;
    for (let j = i + 1; j < sorted.length; j++) tryMergeLine(current, sorted[j]);
    merged.push(current);
  }
  for (const b of merged) adjustBox(b, false);
  return merged;
}

/** Python's `<` ordering used by list.sort: NaN compares false both ways, i.e. keeps its place. */
const cmpNumber = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);
