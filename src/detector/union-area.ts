import type { Box } from './types.ts';

/**
 * kha-white/comic-text-detector utils/imgproc_utils.py `union_area`, which despite its name returns
 * the boxes' intersection area, or -1 when they do not meet (line grouping and mask refinement both
 * use it).
 */
export function unionArea(a: Box, b: Box): number {
  const x1 = Math.max(a[0], b[0]);
  const y1 = Math.max(a[1], b[1]);
  const x2 = Math.min(a[2], b[2]);
  const y2 = Math.min(a[3], b[3]);
  if (y2 < y1 || x2 < x1) return -1;
  return (y2 - y1) * (x2 - x1);
}
