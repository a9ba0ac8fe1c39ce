/**
 * Loads OpenCV's WASM build (@techstark/opencv-js 4.12) once. The detector uses it only where exact
 * OpenCV behaviour matters and a hand-written copy would be long: `findContours` (Suzuki–Abe border
 * following, whose contour order decides the line order), `minAreaRect` (rotating calipers with
 * OpenCV's float32 edge cases) and `fillPoly` (OpenCV's scan conversion for the DB box score).
 */
import { createRequire } from 'node:module';

/** The small slice of the opencv.js API the detector touches (the package's own typings are loose). */
export interface CvMat {
  data: Uint8Array;
  data32S: Int32Array;
  rows: number;
  cols: number;
  delete(): void;
}
interface CvMatVector {
  size(): number;
  get(i: number): CvMat;
  push_back(m: CvMat): void;
  delete(): void;
}
export interface CvRotatedRect {
  center: { x: number; y: number };
  size: { width: number; height: number };
  angle: number;
}
export interface OpenCv {
  Mat: { new (rows: number, cols: number, type: number): CvMat; zeros(rows: number, cols: number, type: number): CvMat };
  MatVector: new () => CvMatVector;
  Point: new (x: number, y: number) => unknown;
  Scalar: new (v0: number, v1?: number, v2?: number, v3?: number) => unknown;
  matFromArray(rows: number, cols: number, type: number, data: ArrayLike<number>): CvMat;
  findContours(image: CvMat, contours: CvMatVector, hierarchy: CvMat, mode: number, method: number): void;
  minAreaRect(points: CvMat): CvRotatedRect;
  fillPoly(img: CvMat, pts: CvMatVector, color: unknown, lineType: number, shift: number, offset: unknown): void;
  CV_8UC1: number;
  CV_32SC2: number;
  RETR_LIST: number;
  CHAIN_APPROX_SIMPLE: number;
  LINE_8: number;
}

let loaded: OpenCv | undefined;
let loading: Promise<void> | undefined;

/**
 * Resolves once the WASM runtime is ready (later calls share the same load). It resolves to nothing on
 * purpose: the Emscripten module is a thenable that resolves to itself, so handing it to a promise
 * would never settle. Get the instance with `openCv()`.
 */
export function loadOpenCv(): Promise<void> {
  if (loaded) return Promise.resolve();
  loading ??= new Promise<void>((resolve, reject) => {
    try {
      const require = createRequire(import.meta.url);
      const cv = require('@techstark/opencv-js') as OpenCv & {
        then?: (cb: (m: OpenCv) => void) => void;
        onRuntimeInitialized?: () => void;
      };
      const done = (): void => {
        loaded = cv;
        resolve();
      };
      if (typeof cv.Mat === 'function') done();
      else if (typeof cv.then === 'function') cv.then(() => done());
      else cv.onRuntimeInitialized = done;
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
  return loading;
}

/** The loaded instance; callers of the synchronous post-processing must have awaited `loadOpenCv()`. */
export function openCv(): OpenCv {
  if (!loaded) throw new Error('OpenCV is not loaded: await loadOpenCv() before post-processing');
  return loaded;
}
