/** A point `[x, y]` in page pixels. */
export type Point = [number, number];

/** A line quadrilateral, corners ordered TL, TR, BR, BL (clockwise from the top-left). */
export type Quad = [Point, Point, Point, Point];

/** Axis-aligned box `[x1, y1, x2, y2]`; may exceed the page (Mokuro does not clip). */
export type Box = [number, number, number, number];

/** comic-text-detector's language labels (kha-white/comic-text-detector utils/textblock.py LANG_LIST), plus 'unknown' for blocks built from stray lines. */
export type BlockLanguage = 'eng' | 'ja' | 'unknown';

/** What the letterbox did to a page, so detector outputs can be mapped back to page pixels. */
export interface Letterbox {
  /** page width and height in pixels */
  W: number;
  H: number;
  /** padding added on the right (dw) and bottom (dh), in model-input pixels */
  dw: number;
  dh: number;
  /** scale factor min(1024/H, 1024/W) */
  r: number;
}

/** One text block after comic-text-detector's grouping and Mokuro's ordering, in page pixels. */
export interface DetectedBlock {
  box: Box;
  vertical: boolean;
  font_size: number;
  language: BlockLanguage;
  /** degrees, as utils/textblock.py examine_textblk computes it */
  angle: number;
  /** line quads in reading order within the block */
  lines: Quad[];
}

/** The three detector outputs, as onnxruntime returns them (row-major Float32). */
export interface DetectorOutputs {
  /** [1, N, 7] rows `[cx, cy, w, h, obj, cls_eng, cls_ja]` in input pixels */
  blk: Float32Array;
  /** [1, 1, S, S] text probability */
  seg: Float32Array;
  /** [1, 2, S, S] channel 0 = DB shrink map, channel 1 = threshold map (unused) */
  det: Float32Array;
  /** model input side (1024 for the published export) */
  size: number;
}
