/**
 * Block boxes from the YOLO head (kha-white/comic-text-detector inference.py `postprocess_yolo`,
 * kha-white/comic-text-detector utils/yolov5_utils.py `non_max_suppression`): confidence filter,
 * class-aware NMS, map back to page pixels. Arithmetic is float32 like the torch/NumPy original.
 */
import type { Box, Letterbox } from './types.ts';
import { f32, pyInt } from '../math/python-math.ts';

/** inference.py `TextDetector.__init__` `conf_thresh=0.4`: objectness and obj×class both must exceed it. */
const YOLO_CONF_THRESH = 0.4;
/** inference.py `TextDetector.__init__` `nms_thresh=0.35`: IoU above which the weaker box is dropped. */
const YOLO_NMS_IOU = 0.35;
/** utils/yolov5_utils.py `max_det=300`: boxes kept after NMS. */
const YOLO_MAX_DET = 300;
/** utils/yolov5_utils.py `max_nms=30000`: candidates fed to NMS. */
const YOLO_MAX_NMS = 30000;
/** utils/yolov5_utils.py `max_wh=4096`: per-class box offset that makes NMS class-aware. */
const YOLO_MAX_WH = 4096;
/** kha-white/comic-text-detector models/yolov5/yolo.py `Detect` row width: cx, cy, w, h, obj, cls_eng, cls_ja. */
export const YOLO_ROW = 7;

export interface YoloBox {
  /** page pixels, truncated to integers, not clipped */
  xyxy: Box;
  /** 0 = 'eng', 1 = 'ja' (kha-white/comic-text-detector utils/textblock.py LANG_LIST) */
  cls: number;
  conf: number;
}

interface Candidate {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  conf: number;
  cls: number;
}

export function yoloBoxes(blk: Float32Array, lb: Letterbox, size: number): YoloBox[] {
  const thresh = f32(YOLO_CONF_THRESH);
  const nc = YOLO_ROW - 5;
  let cands: Candidate[] = [];
  for (let o = 0; o + YOLO_ROW <= blk.length; o += YOLO_ROW) {
    const obj = blk[o + 4];
    if (!(obj > thresh)) continue;
    let conf = -Infinity;
    let cls = 0;
    for (let c = 0; c < nc; c++) {
      const s = f32(blk[o + 5 + c] * obj);
      if (s > conf) {
        conf = s;
        cls = c;
      }
    }
    if (!(conf > thresh)) continue;
    const hw = f32(blk[o + 2] / 2);
    const hh = f32(blk[o + 3] / 2);
    cands.push({
      x1: f32(blk[o] - hw),
      y1: f32(blk[o + 1] - hh),
      x2: f32(blk[o] + hw),
      y2: f32(blk[o + 1] + hh),
      conf,
      cls,
    });
  }
  cands = cands.map((c, i) => ({ c, i })).sort((a, b) => b.c.conf - a.c.conf || a.i - b.i).map((e) => e.c);
  if (cands.length > YOLO_MAX_NMS) cands = cands.slice(0, YOLO_MAX_NMS);
  const kept = nms(cands).slice(0, YOLO_MAX_DET);

  const rx = f32(lb.W / (size - lb.dw));
  const ry = f32(lb.H / (size - lb.dh));
  return kept.map((c) => ({
    xyxy: [pyInt(f32(c.x1 * rx)), pyInt(f32(c.y1 * ry)), pyInt(f32(c.x2 * rx)), pyInt(f32(c.y2 * ry))],
    cls: c.cls,
    conf: c.conf,
  }));
}

/** torchvision `nms` on boxes offset by class × max_wh; input sorted by descending score. */
function nms(sorted: Candidate[]): Candidate[] {
  const n = sorted.length;
  const off = sorted.map((c) => f32(c.cls * YOLO_MAX_WH));
  const bx = sorted.map((c, i) => [f32(c.x1 + off[i]), f32(c.y1 + off[i]), f32(c.x2 + off[i]), f32(c.y2 + off[i])]);
  const area = bx.map(([x1, y1, x2, y2]) => f32(f32(x2 - x1) * f32(y2 - y1)));
  const suppressed = new Uint8Array(n);
  const keep: Candidate[] = [];
  const iou = f32(YOLO_NMS_IOU);
  for (let i = 0; i < n; i++) {
    if (suppressed[i]) continue;
    keep.push(sorted[i]);
    const [ix1, iy1, ix2, iy2] = bx[i];
    for (let j = i + 1; j < n; j++) {
      if (suppressed[j]) continue;
      const w = Math.max(0, f32(Math.min(ix2, bx[j][2]) - Math.max(ix1, bx[j][0])));
      const h = Math.max(0, f32(Math.min(iy2, bx[j][3]) - Math.max(iy1, bx[j][1])));
      const inter = f32(w * h);
      const ovr = f32(inter / f32(f32(area[i] + area[j]) - inter));
      if (ovr > iou) suppressed[j] = 1;
    }
  }
  return keep;
}
