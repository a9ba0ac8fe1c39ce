/**
 * kha-white/comic-text-detector utils/textblock.py `examine_textblk`: orientation, font size, angle and
 * per-line "distance" of a block, from the summed edge-midpoint vectors of its line quads.
 */
import type { TextBlock } from './text-block.ts';
import { argsortStable, norm2, pyInt, roundHalfEven } from '../math/python-math.ts';

/** utils/textblock.py `examine_textblk`: non-'ja' blocks are vertical only if the down vector beats 2× the right vector. */
const NON_JA_VERTICAL_RATIO = 2;
/** utils/textblock.py `examine_textblk`: angles with |angle| below this are snapped to 0. */
const ANGLE_SNAP_DEG = 3;

export function examineBlock(blk: TextBlock, W: number, H: number, sort: boolean): void {
  void H;
  const n = blk.lines.length;
  if (n === 0) return;
  let vx = 0;
  let vy = 0;
  let hx = 0;
  let hy = 0;
  const centres: [number, number][] = [];
  for (const [p0, p1, p2, p3] of blk.lines) {
    // midpoints: m0 top (p0,p1), m1 right (p1,p2), m2 bottom (p2,p3), m3 left (p3,p0)
    vx += (p3[0] + p2[0]) / 2 - (p1[0] + p0[0]) / 2;
    vy += (p3[1] + p2[1]) / 2 - (p1[1] + p0[1]) / 2;
    hx += (p2[0] + p1[0]) / 2 - (p0[0] + p3[0]) / 2;
    hy += (p2[1] + p1[1]) / 2 - (p0[1] + p3[1]) / 2;
    centres.push([(p0[0] + p2[0]) / 2, (p0[1] + p2[1]) / 2]);
  }
  const nv = norm2(vx, vy);
  const nh = norm2(hx, hy);
  const vertical = blk.language === 'ja' ? nv > nh : nv > nh * NON_JA_VERTICAL_RATIO;
  const [px, py, pnorm] = vertical ? [vx, vy, nv] : [hx, hy, nh];
  const ox = vertical ? W : 0; // vertical text is read right to left: origin at the top-right corner
  const fontSize = pyInt(roundHalfEven((vertical ? nh : nv) / n));
  const angle = pyInt((Math.atan2(py, px) / Math.PI) * 180);

  const distance = centres.map(([cx, cy]) => {
    const dx = cx - ox;
    const dy = cy;
    const d = norm2(dx, dy);
    const rad = Math.acos((dx * px + dy * py) / (d * pnorm)); // NaN for d = 0 or |cos| > 1, as NumPy
    return Math.abs(Math.sin(rad) * d);
  });

  blk.lines = blk.lines.map((l) => l.map(([x, y]) => [pyInt(x), pyInt(y)]) as typeof l);
  blk.distance = distance;
  blk.angle = vertical ? angle - 90 : angle;
  if (Math.abs(blk.angle) < ANGLE_SNAP_DEG) blk.angle = 0;
  blk.font_size = fontSize;
  blk.vertical = vertical;
  blk.vec = [px, py];
  blk.norm = pnorm;
  if (sort) {
    const idx = argsortStable(distance);
    blk.distance = idx.map((i) => distance[i]);
    blk.lines = idx.map((i) => blk.lines[i]);
  }
}
