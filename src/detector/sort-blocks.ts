/**
 * kha-white/comic-text-detector utils/textblock.py `sort_textblk_list`: reading order from a 3×4 grid
 * over the page (over each half of a two-page spread when W > H), right to left when most blocks are
 * Japanese.
 */
import type { BlockLanguage, Box } from './types.ts';
import { pyInt } from '../math/python-math.ts';

/** utils/textblock.py `sort_textblk_list` `num_gridx`. */
const SORT_GRID_X = 3;
/** utils/textblock.py `sort_textblk_list` `num_gridy`. */
const SORT_GRID_Y = 4;
/** utils/textblock.py `sort_textblk_list`: weight of the x offset inside a cell relative to the y offset. */
const SORT_X_WEIGHT = 1.2;

export function sortBlocks<T extends { xyxy: Box; language: BlockLanguage }>(list: T[], W: number, H: number): T[] {
  if (list.length === 0) return list;
  const numJa = list.filter((b) => b.language === 'ja').length;
  const flip = numJa > list.length / 2;
  const spread = W > H;
  const w = spread ? W / 2 : W;
  const area = H * w;
  const weighted = list.map((b, i) => {
    let cx = (b.xyxy[0] + b.xyxy[2]) / 2;
    if (flip) cx = spread ? W - cx : w - cx;
    const gx = pyInt((cx / w) * SORT_GRID_X);
    const cy = (b.xyxy[1] + b.xyxy[3]) / 2;
    const gy = pyInt((cy / H) * SORT_GRID_Y);
    let weight = (gy * SORT_GRID_X + gx) * area + SORT_X_WEIGHT * (cx - (gx * w) / SORT_GRID_X) + (cy - (gy * H) / SORT_GRID_Y);
    if (spread && gx >= SORT_GRID_X) weight += area * SORT_GRID_Y * SORT_GRID_X; // second page after the first
    return { b, i, weight };
  });
  weighted.sort((x, y) => (x.weight < y.weight ? -1 : x.weight > y.weight ? 1 : x.i - y.i));
  return weighted.map((e) => e.b);
}
