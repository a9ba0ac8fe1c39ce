/**
 * One page of ours against Mokuro's, with Mokuro's own test tolerances (kha-white/mokuro
 * tests/test_mokuro.py): the same blocks in the same order with the same `vertical`, every box and line
 * coordinate within 2 px, `font_size` within 2 %, and each line's text compared exactly.
 */
import type { MokuroBlock, MokuroPage } from '../../src/contract/mokuro.ts';

export const COORD_TOLERANCE_PX = 2;
export const FONT_SIZE_TOLERANCE = 0.02;

export interface LineDiff {
  block: number;
  line: number;
  ours: string;
  mokuro: string;
}

export interface PageComparison {
  blocks: { ours: number; mokuro: number };
  /** what puts a block out of tolerance, one entry per problem ("block 2: vertical true ≠ false") */
  blockProblems: string[];
  /** lines compared (those of blocks present on both sides with the same line count) */
  lines: number;
  identicalLines: number;
  lineDiffs: LineDiff[];
}

const far = (a: number, b: number) => Math.abs(a - b) > COORD_TOLERANCE_PX;

function blockProblems(i: number, ours: MokuroBlock, theirs: MokuroBlock): string[] {
  const problems: string[] = [];
  if (ours.vertical !== theirs.vertical) problems.push(`block ${i}: vertical ${ours.vertical} ≠ Mokuro's ${theirs.vertical}`);
  if (ours.box.some((v, k) => far(v, theirs.box[k]))) problems.push(`block ${i}: box [${ours.box}] vs Mokuro's [${theirs.box}]`);
  if (Math.abs(ours.font_size - theirs.font_size) > FONT_SIZE_TOLERANCE * Math.abs(theirs.font_size)) {
    problems.push(`block ${i}: font_size ${ours.font_size} vs Mokuro's ${theirs.font_size}`);
  }
  if (ours.lines_coords.length !== theirs.lines_coords.length) {
    problems.push(`block ${i}: ${ours.lines_coords.length} lines vs Mokuro's ${theirs.lines_coords.length}`);
    return problems;
  }
  ours.lines_coords.forEach((quad, l) => {
    const ref = theirs.lines_coords[l];
    if (quad.some((p, k) => far(p[0], ref[k][0]) || far(p[1], ref[k][1]))) {
      problems.push(`block ${i} line ${l}: quad ${JSON.stringify(quad)} vs Mokuro's ${JSON.stringify(ref)}`);
    }
  });
  return problems;
}

export function comparePage(ours: MokuroPage, mokuro: Pick<MokuroPage, 'blocks' | 'img_width' | 'img_height'>): PageComparison {
  const result: PageComparison = {
    blocks: { ours: ours.blocks.length, mokuro: mokuro.blocks.length },
    blockProblems: [],
    lines: 0,
    identicalLines: 0,
    lineDiffs: [],
  };
  if (ours.img_width !== mokuro.img_width || ours.img_height !== mokuro.img_height) {
    result.blockProblems.push(`page size ${ours.img_width}×${ours.img_height} vs Mokuro's ${mokuro.img_width}×${mokuro.img_height}`);
  }
  if (ours.blocks.length !== mokuro.blocks.length) {
    result.blockProblems.push(`${ours.blocks.length} blocks vs Mokuro's ${mokuro.blocks.length}`);
  }
  const n = Math.min(ours.blocks.length, mokuro.blocks.length);
  for (let b = 0; b < n; b++) {
    const [o, m] = [ours.blocks[b], mokuro.blocks[b]];
    result.blockProblems.push(...blockProblems(b, o, m));
    if (o.lines.length !== m.lines.length) {
      result.lines += Math.max(o.lines.length, m.lines.length);
      continue;
    }
    o.lines.forEach((text, l) => {
      result.lines++;
      if (text === m.lines[l]) result.identicalLines++;
      else result.lineDiffs.push({ block: b, line: l, ours: text, mokuro: m.lines[l] });
    });
  }
  // lines of unmatched blocks count as compared and different
  for (const blocks of [ours.blocks.slice(n), mokuro.blocks.slice(n)]) {
    result.lines += blocks.reduce((s, blk) => s + blk.lines.length, 0);
  }
  return result;
}
