/**
 * The OpenCV calls comic-text-detector's refine_mask makes (kha-white/comic-text-detector
 * utils/textmask.py), run by OpenCV itself (opencv.js) so results match cv2 bit for bit:
 * `cv2.erode`, Otsu `cv2.threshold`, `cv2.cvtColor(BGR2GRAY)` and `cv2.connectedComponentsWithStats`.
 * Every function takes and returns plain row-major byte planes; Mats live only inside a call.
 */
import { type CvMat, openCv } from './opencv.ts';

/** One 8-bit plane, row-major. */
export interface Plane {
  data: Uint8Array;
  width: number;
  height: number;
}

function toMat(p: Plane, channels: 1 | 3 = 1): CvMat {
  const cv = openCv();
  const m = new cv.Mat(p.height, p.width, channels === 1 ? cv.CV_8UC1 : cv.CV_8UC3);
  m.data.set(p.data);
  return m;
}

function fromMat(m: CvMat, width: number, height: number): Plane {
  return { data: m.data.slice(0, width * height), width, height };
}

/** `cv2.erode(p, kernel, iterations=1)`: 3×3 rectangle (`np.ones((3, 3))`) or ellipse, default border. */
export function erode3(p: Plane, shape: 'rect' | 'ellipse'): Plane {
  const cv = openCv();
  const src = toMat(p);
  const dst = new cv.Mat(p.height, p.width, cv.CV_8UC1);
  const kernel = cv.getStructuringElement(shape === 'rect' ? cv.MORPH_RECT : cv.MORPH_ELLIPSE, new cv.Size(3, 3));
  try {
    cv.erode(src, dst, kernel, new cv.Point(-1, -1), 1, cv.BORDER_CONSTANT, cv.morphologyDefaultBorderValue());
    return fromMat(dst, p.width, p.height);
  } finally {
    src.delete();
    dst.delete();
    kernel.delete();
  }
}

/** `cv2.threshold(p, 1, 255, cv2.THRESH_OTSU + cv2.THRESH_BINARY)[1]`. */
export function otsu(p: Plane): Plane {
  const cv = openCv();
  const src = toMat(p);
  const dst = new cv.Mat(p.height, p.width, cv.CV_8UC1);
  try {
    cv.threshold(src, dst, 1, 255, cv.THRESH_OTSU + cv.THRESH_BINARY);
    return fromMat(dst, p.width, p.height);
  } finally {
    src.delete();
    dst.delete();
  }
}

/** `cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)` of Mokuro's BGR image, given our RGB pixels (same weights per colour). */
export function grey(rgb: Uint8Array, width: number, height: number): Plane {
  const cv = openCv();
  const src = toMat({ data: rgb, width, height }, 3);
  const dst = new cv.Mat(height, width, cv.CV_8UC1);
  try {
    cv.cvtColor(src, dst, cv.COLOR_RGB2GRAY);
    return fromMat(dst, width, height);
  } finally {
    src.delete();
    dst.delete();
  }
}

/** `cv2.connectedComponentsWithStats(p, connectivity)`: label count, labels, stats rows `[x, y, w, h, area]`. */
export interface Components {
  count: number;
  labels: Int32Array;
  stats: Int32Array;
}

export function components(p: Plane, connectivity: 4 | 8): Components {
  const cv = openCv();
  const src = toMat(p);
  const labels = new cv.Mat(p.height, p.width, cv.CV_32S);
  const stats = new cv.Mat(1, 1, cv.CV_32S);
  const centroids = new cv.Mat(1, 1, cv.CV_32S);
  try {
    const count = cv.connectedComponentsWithStats(src, labels, stats, centroids, connectivity, cv.CV_32S);
    return { count, labels: labels.data32S.slice(0, p.width * p.height), stats: stats.data32S.slice(0, count * 5) };
  } finally {
    src.delete();
    labels.delete();
    stats.delete();
    centroids.delete();
  }
}
