/**
 * kha-white/comic-text-detector utils/textblock.py `group_output`: assign DB lines to YOLO blocks, turn
 * stray lines with ink into blocks, give empty YOLO blocks their own rectangle as a line, examine /
 * split / merge, sort, and widen English horizontal lines.
 */
import { unionArea } from './union-area.ts';
import type { Box, DetectedBlock, Quad } from './types.ts';
import type { YoloBox } from './yolo-boxes.ts';
import { adjustBox, newTextBlock, toDetectedBlock, type TextBlock } from './text-block.ts';
import { examineBlock } from './examine-block.ts';
import { splitBlock } from './split-block.ts';
import { mergeLines } from './merge-lines.ts';
import { sortBlocks } from './sort-blocks.ts';
import { maskScore } from './mask.ts';
import { pyInt } from '../math/python-math.ts';

/** utils/textblock.py LANG_LIST: YOLO class index → language. */
const LANG_LIST = ['eng', 'ja'] as const;
/** utils/textblock.py `group_output` `bbox_score_thresh`: share of a line's box that must lie inside a block. */
const BBOX_SCORE_THRESH = 0.4;
/** utils/textblock.py `group_output` `mask_score_thresh`: min mean raw-mask value (/255) for lines/blocks without a partner. */
const MASK_SCORE_THRESH = 0.1;
/** utils/textblock.py `group_output`: English lines grow by max(int(font_size × this), EN_EXPAND_MIN). */
const EN_EXPAND_RATIO = 0.1;
/** utils/textblock.py `group_output`: minimum English line growth in pixels. */
const EN_EXPAND_MIN = 2;

export interface GroupInput {
  boxes: YoloBox[];
  /** line quads in page pixels (integers) */
  lines: Quad[];
  mask: Uint8Array;
  W: number;
  H: number;
}

export function groupBlocks({ boxes, lines, mask, W, H }: GroupInput): DetectedBlock[] {
  const yolo = boxes.map((b) => newTextBlock(b.xyxy, LANG_LIST[b.cls] ?? 'unknown'));
  const scattered = { hor: [] as TextBlock[], ver: [] as TextBlock[] };

  // step 1: assign lines to blocks; stray lines with enough ink become blocks of their own
  for (const line of lines) {
    const [bx1, by1, bx2, by2] = lineBox(line);
    const lineArea = (by2 - by1) * (bx2 - bx1);
    let best = -1;
    let bestIdx = -1;
    yolo.forEach((blk, jj) => {
      const score = unionArea(blk.xyxy, [bx1, by1, bx2, by2]) / lineArea; // 0/0 = NaN never wins
      if (best < score) {
        best = score;
        bestIdx = jj;
      }
    });
    if (best > BBOX_SCORE_THRESH) {
      yolo[bestIdx].lines.push(line);
      continue;
    }
    if (maskScore(mask, W, H, bx1, by1, bx2, by2) < MASK_SCORE_THRESH) continue; // NaN (empty) is kept
    const blk = newTextBlock([bx1, by1, bx2, by2], 'unknown', [line]);
    examineBlock(blk, W, H, false);
    (blk.vertical ? scattered.ver : scattered.hor).push(blk);
  }

  // step 2: drop inkless empty blocks, examine, split
  const final: TextBlock[] = [];
  for (const blk of yolo) {
    if (blk.lines.length === 0) {
      const [x1, y1, x2, y2] = blk.xyxy;
      if (maskScore(mask, W, H, x1, y1, x2, y2) < MASK_SCORE_THRESH) continue;
      blk.lines = [[[x1, y1], [x2, y1], [x2, y2], [x1, y2]]];
    }
    examineBlock(blk, W, H, true);
    let subs = [blk];
    let splitted = false;
    if (blk.lines.length > 1 && (blk.language === 'ja' || blk.vertical)) {
      ({ splitted, blocks: subs } = splitBlock(blk));
    }
    if (!splitted) for (const s of subs) adjustBox(s, true);
    final.push(...subs);
  }

  // step 3: merge scattered lines, reading order, English line growth
  final.push(...mergeLines(scattered.hor), ...mergeLines(scattered.ver));
  const sorted = sortBlocks(final, W, H);
  for (const blk of sorted) if (blk.language === 'eng' && !blk.vertical) widenEnglish(blk, W, H);
  return sorted.map(toDetectedBlock);
}

function lineBox(line: Quad): Box {
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of line) {
    x1 = Math.min(x1, x);
    y1 = Math.min(y1, y);
    x2 = Math.max(x2, x);
    y2 = Math.max(y2, y);
  }
  return [x1, y1, x2, y2];
}

/** utils/textblock.py, English horizontal blocks: push each corner outwards along the block angle, clip to the page, truncate. */
function widenEnglish(blk: TextBlock, W: number, H: number): void {
  if (blk.lines.length === 0) return;
  const e = Math.max(pyInt(blk.font_size * EN_EXPAND_RATIO), EN_EXPAND_MIN);
  const rad = blk.angle * (Math.PI / 180);
  const sx = Math.sin(rad) * e;
  const sy = Math.cos(rad) * e;
  const signs = [
    [-1, -1],
    [1, -1],
    [1, 1],
    [-1, 1],
  ];
  const clip = (v: number, max: number): number => (v < 0 ? 0 : v > max ? max : v);
  blk.lines = blk.lines.map(
    (line) => line.map(([x, y], k) => [pyInt(clip(x + signs[k][0] * sx, W - 1)), pyInt(clip(y + signs[k][1] * sy, H - 1))]) as Quad,
  );
  blk.font_size += e;
}
