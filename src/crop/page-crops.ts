/**
 * All OCR crops of one page in Mokuro's loop order (blocks → lines → chunks, kha-white/mokuro
 * mokuro/manga_page_ocr.py `__call__`), flattened so the recogniser can batch them with other pages,
 * plus what it takes to put texts back per line.
 */
import { refinedTextMask } from '../detector/refined-text-mask.ts';
import type { DetectedBlock } from '../detector/types.ts';
import type { RawImage } from '../image/raw-image.ts';
import { type LazyMask, lineChunks } from './chunks.ts';

/** Where one line's chunks sit in the flat crop list. */
export interface LineSpan {
  block: number;
  line: number;
  first: number;
  count: number;
}

export interface PageCrops {
  crops: RawImage[];
  spans: LineSpan[];
}

/**
 * `rawMask` is the detector's H×W raw mask (null: long lines are cut at the anchors). Crops keep the
 * page's channel order; see recognizer `swapRedBlue` for Mokuro's BGR quirk. OpenCV must be loaded
 * (the detector has loaded it) when a line is long enough to be cut.
 */
export function pageCrops(page: RawImage, rawMask: Uint8Array | null, blocks: readonly DetectedBlock[]): PageCrops {
  // Mokuro refines the mask of every page, but only split_into_chunks reads it: refining it the first
  // time a line is long enough to be cut gives the same cuts and spares every other page the cost.
  let refined: RawImage | undefined;
  const boxes = blocks.map((b) => b.box);
  const mask: LazyMask | null = rawMask && (() => (refined ??= refinedTextMask(page, rawMask, boxes)));
  const crops: RawImage[] = [];
  const spans: LineSpan[] = [];
  blocks.forEach((block, b) =>
    block.lines.forEach((quad, l) => {
      const chunks = lineChunks(page, mask, quad, block);
      spans.push({ block: b, line: l, first: crops.length, count: chunks.length });
      crops.push(...chunks);
    }),
  );
  return { crops, spans };
}

/** Per block, per line: the concatenated chunk texts ("" for a line without crops). */
export function lineTexts(blockCount: number, spans: readonly LineSpan[], texts: readonly string[]): string[][] {
  const out: string[][] = Array.from({ length: blockCount }, () => []);
  for (const s of spans) out[s.block][s.line] = texts.slice(s.first, s.first + s.count).join('');
  return out;
}
