/**
 * Mokuro's line crop geometry (kha-white/comic-text-detector utils/textblock.py
 * `TextBlock.get_transformed_region`): each line quad is warped to a strip 64 px tall (horizontal text)
 * or 64 px wide (vertical text, then rotated 90° counter-clockwise so every strip reads left → right).
 * Degenerate quads give null, read as "", never a throw.
 */
import type { DetectedBlock, Quad } from '../detector/types.ts';
import { getPerspectiveTransform, type Mat3 } from './perspective.ts';
import { norm2, roundHalfEven } from '../math/python-math.ts';

/** strip thickness in pixels (kha-white/mokuro mokuro/manga_page_ocr.py `text_height=64`) */
export const TEXT_HEIGHT = 64;
/** quads of 'eng' (and horizontal 'unknown') blocks grow by font_size / this (utils/textblock.py get_transformed_region `e_size`) */
const ENG_GROWTH_DIVISOR = 3;
/** OpenCV's remap asserts image sides < SHRT_MAX (imgwarp.cpp `remap`): longer strips are degenerate */
const MAX_STRIP_SIDE = 32766;

/** What it takes to warp a line (and, for chunking, the page mask) the same way. */
export interface LineWarp {
  /** page → strip homography (before the vertical rotation) */
  M: Mat3;
  /** warped size before rotation */
  width: number;
  height: number;
  vertical: boolean;
}

type BlockGeometry = Pick<DetectedBlock, 'language' | 'vertical' | 'font_size'>;

/** The source quad after the 'eng' / horizontal-'unknown' growth, clipped to [0,W]×[0,H]. */
export function sourceQuad(quad: Quad, block: BlockGeometry, pageW: number, pageH: number): Quad {
  if (!(block.language === 'eng' || (block.language === 'unknown' && !block.vertical))) return quad;
  const e = block.font_size / ENG_GROWTH_DIVISOR;
  const sign: ReadonlyArray<readonly [number, number]> = [[-1, -1], [1, -1], [1, 1], [-1, 1]];
  const clip = (v: number, hi: number) => Math.min(hi, Math.max(0, v));
  return quad.map(([x, y], i) => [clip(x + sign[i][0] * e, pageW), clip(y + sign[i][1] * e, pageH)]) as Quad;
}

/** The homography and strip size for one line, or null for a degenerate quad. */
export function lineWarp(quad: Quad, block: BlockGeometry, pageW: number, pageH: number): LineWarp | null {
  const src = sourceQuad(quad, block, pageW, pageH);
  const mid = src.map(([x, y], i) => [(x + src[(i + 1) % 4][0]) / 2, (y + src[(i + 1) % 4][1]) / 2]);
  // mid[0] top, mid[1] right, mid[2] bottom, mid[3] left
  const vLen = norm2(mid[2][0] - mid[0][0], mid[2][1] - mid[0][1]);
  const hLen = norm2(mid[1][0] - mid[3][0], mid[1][1] - mid[3][1]);
  const ratio = vLen / hLen;
  if (!Number.isFinite(ratio) || ratio <= 0) return null;
  const width = block.vertical ? TEXT_HEIGHT : roundHalfEven(TEXT_HEIGHT / ratio);
  const height = block.vertical ? roundHalfEven(TEXT_HEIGHT * ratio) : TEXT_HEIGHT;
  if (!(width >= 1 && height >= 1 && width <= MAX_STRIP_SIDE && height <= MAX_STRIP_SIDE)) return null;
  const dst: [number, number][] = [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]];
  const M = getPerspectiveTransform(src, dst);
  return M ? { M, width, height, vertical: block.vertical } : null;
}
