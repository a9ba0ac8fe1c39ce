/**
 * Text lines from the DB shrink map (kha-white/comic-text-detector utils/db_utils.py
 * `SegDetectorRepresenter.boxes_from_bitmap` with the kha-white/comic-text-detector inference.py
 * settings), mapped back to page pixels. Geometry sources: OpenCV-js for findContours / minAreaRect /
 * fillPoly (exact OpenCV behaviour, including contour order), `boxPoints` and `get_mini_boxes` by hand
 * (a few float32 lines), the pyclipper round offset by hand (clipper-offset.ts).
 */
import type { Letterbox, Point, Quad } from './types.ts';
import type { CvMat, CvRotatedRect, OpenCv } from './opencv.ts';
import { offsetPolygonRound } from './clipper-offset.ts';
import { f32, pyInt, roundHalfEven } from '../math/python-math.ts';

/** inference.py `SegDetectorRepresenter(thresh=0.3)`: binarisation threshold of the shrink map. */
const DB_THRESH = 0.3;
/** utils/db_utils.py `max_candidates=1000`: contours looked at. */
const DB_MAX_CANDIDATES = 1000;
/** utils/db_utils.py `unclip_ratio=1.5`: offset distance = area × ratio / perimeter. */
const DB_UNCLIP_RATIO = 1.5;
/** utils/db_utils.py `boxes_from_bitmap`: min-area rects with a shorter side below this are skipped. */
const DB_MIN_SIDE = 2;
/** inference.py `TextDetector.__call__` `box_thresh = 0.6`: lines need a mean score strictly above this. */
const DB_BOX_THRESH = 0.6;

type Pt = [number, number];

/** Line quads (TL, TR, BR, BL) in page pixels, in contour order. */
export function dbLines(cv: OpenCv, det: Float32Array, size: number, lb: Letterbox): Quad[] {
  const plane = size * size;
  const thresh = f32(DB_THRESH); // NumPy compares a float32 map with the threshold as float32
  const bitmap = new cv.Mat(size, size, cv.CV_8UC1);
  const contours = new cv.MatVector();
  const hierarchy = new cv.Mat(0, 0, cv.CV_8UC1);
  const quads: Quad[] = [];
  try {
    const bits = bitmap.data;
    for (let i = 0; i < plane; i++) bits[i] = det[i] > thresh ? 255 : 0;
    cv.findContours(bitmap, contours, hierarchy, cv.RETR_LIST, cv.CHAIN_APPROX_SIMPLE);
    const n = Math.min(contours.size(), DB_MAX_CANDIDATES);
    const rx = lb.W / (size - lb.dw);
    const ry = lb.H / (size - lb.dh);
    for (let c = 0; c < n; c++) {
      const contour = contours.get(c);
      try {
        const box = contourBox(cv, contour, det, size);
        if (box) quads.push(box.map(([x, y]) => [pyInt(x * rx), pyInt(y * ry)] as Point) as Quad);
      } finally {
        contour.delete();
      }
    }
  } finally {
    bitmap.delete();
    contours.delete();
    hierarchy.delete();
  }
  return quads;
}

/** One contour → its unclipped box in map pixels, or null when skipped or scored ≤ 0.6. */
function contourBox(cv: OpenCv, contour: CvMat, pred: Float32Array, size: number): Pt[] | null {
  const rect = cv.minAreaRect(contour);
  if (Math.min(rect.size.width, rect.size.height) < DB_MIN_SIDE) return null;
  const score = f32(boxScoreFast(cv, pred, size, contour));
  if (!(score > f32(DB_BOX_THRESH))) return null;
  const corners = miniBox(rect);
  const expanded = offsetPolygonRound(corners, unclipDistance(corners));
  if (expanded.length === 0) return null;
  const flat = expanded.flat();
  const mat = cv.matFromArray(expanded.length, 1, cv.CV_32SC2, flat);
  let rect2: CvRotatedRect;
  try {
    rect2 = cv.minAreaRect(mat);
  } finally {
    mat.delete();
  }
  return miniBox(rect2).map(([x, y]) => [clamp(roundHalfEven(x), size), clamp(roundHalfEven(y), size)]);
}

const clamp = (v: number, max: number): number => (v < 0 ? 0 : v > max ? max : v);

/** shapely `area * unclip_ratio / length` of the 4-point polygon. */
function unclipDistance(p: Pt[]): number {
  let a = 0;
  let len = 0;
  for (let i = 0; i < p.length; i++) {
    const [x0, y0] = p[i];
    const [x1, y1] = p[(i + 1) % p.length];
    a += x0 * y1 - x1 * y0;
    len += Math.sqrt((x1 - x0) ** 2 + (y1 - y0) ** 2);
  }
  return len > 0 ? (Math.abs(a / 2) * DB_UNCLIP_RATIO) / len : 0;
}

/** `cv2.boxPoints` (RotatedRect::points, float32 arithmetic) ordered as utils/db_utils.py `get_mini_boxes`. */
function miniBox(r: CvRotatedRect): Pt[] {
  const angle = (r.angle * Math.PI) / 180;
  const b = f32(f32(Math.cos(angle)) * 0.5);
  const a = f32(f32(Math.sin(angle)) * 0.5);
  const cx = f32(r.center.x);
  const cy = f32(r.center.y);
  const w = f32(r.size.width);
  const h = f32(r.size.height);
  const p0: Pt = [f32(f32(cx - f32(a * h)) - f32(b * w)), f32(f32(cy + f32(b * h)) - f32(a * w))];
  const p1: Pt = [f32(f32(cx + f32(a * h)) - f32(b * w)), f32(f32(cy - f32(b * h)) - f32(a * w))];
  const p2: Pt = [f32(f32(2 * cx) - p0[0]), f32(f32(2 * cy) - p0[1])];
  const p3: Pt = [f32(f32(2 * cx) - p1[0]), f32(f32(2 * cy) - p1[1])];
  const pts = [p0, p1, p2, p3].sort((u, v) => u[0] - v[0]); // Python sorted(): stable
  const [tl, bl] = pts[1][1] > pts[0][1] ? [pts[0], pts[1]] : [pts[1], pts[0]];
  const [tr, br] = pts[3][1] > pts[2][1] ? [pts[2], pts[3]] : [pts[3], pts[2]];
  return [tl, tr, br, bl];
}

/** utils/db_utils.py `box_score_fast`: mean of `pred` over the filled contour, inside its clipped bounding box. */
function boxScoreFast(cv: OpenCv, pred: Float32Array, size: number, contour: CvMat): number {
  const pts = contour.data32S;
  let xmin = Infinity;
  let xmax = -Infinity;
  let ymin = Infinity;
  let ymax = -Infinity;
  for (let i = 0; i < pts.length; i += 2) {
    xmin = Math.min(xmin, pts[i]);
    xmax = Math.max(xmax, pts[i]);
    ymin = Math.min(ymin, pts[i + 1]);
    ymax = Math.max(ymax, pts[i + 1]);
  }
  const cl = (v: number): number => (v < 0 ? 0 : v > size - 1 ? size - 1 : v);
  xmin = cl(xmin);
  xmax = cl(xmax);
  ymin = cl(ymin);
  ymax = cl(ymax);
  const w = xmax - xmin + 1;
  const h = ymax - ymin + 1;
  const mask = cv.Mat.zeros(h, w, cv.CV_8UC1);
  const polys = new cv.MatVector();
  try {
    polys.push_back(contour);
    cv.fillPoly(mask, polys, new cv.Scalar(1), cv.LINE_8, 0, new cv.Point(-xmin, -ymin));
    const m = mask.data;
    let sum = 0;
    let count = 0;
    for (let y = 0; y < h; y++) {
      const row = (y + ymin) * size + xmin;
      for (let x = 0; x < w; x++) {
        if (m[y * w + x]) {
          sum += pred[row + x];
          count++;
        }
      }
    }
    return count > 0 ? sum / count : 0;
  } finally {
    polys.delete();
    mask.delete();
  }
}
