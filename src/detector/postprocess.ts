/**
 * comic-text-detector post-processing as one pure function of the model outputs and the letterbox: YOLO
 * boxes (inference.py `postprocess_yolo`), DB lines (utils/db_utils.py), raw mask (inference.py
 * `postprocess_mask`), grouping into blocks in reading order (utils/textblock.py), all
 * kha-white/comic-text-detector. Synchronous; the OpenCV WASM runtime it uses for contours must be
 * loaded first (`loadOpenCv()`, re-exported here), which `createDetector` does for you.
 */
import type { DetectedBlock, DetectorOutputs, Letterbox } from './types.ts';
import { yoloBoxes } from './yolo-boxes.ts';
import { dbLines } from './db-lines.ts';
import { rawMask } from './mask.ts';
import { groupBlocks } from './group-blocks.ts';
import { openCv } from './opencv.ts';

export { loadOpenCv } from './opencv.ts';

export interface PostprocessResult {
  blocks: DetectedBlock[];
  /** raw text mask, page size H×W, uint8 (kha-white/comic-text-detector inference.py `mask` before refinement) */
  mask: Uint8Array;
}

export function postprocess(outputs: DetectorOutputs, lb: Letterbox): PostprocessResult {
  const { size } = outputs;
  const boxes = yoloBoxes(outputs.blk, lb, size);
  const lines = dbLines(openCv(), outputs.det.subarray(0, size * size), size, lb);
  const mask = rawMask(outputs.seg, size, lb);
  const blocks = groupBlocks({ boxes, lines, mask, W: lb.W, H: lb.H });
  return { blocks, mask };
}
