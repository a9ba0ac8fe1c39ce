/**
 * One page through comic-text-detector: letterbox → model run → post-processing. The model step is a
 * function, so the ONNX session wiring lives elsewhere and tests can pass a fake.
 */
import type { RawImage } from '../image/raw-image.ts';
import type { DetectedBlock, DetectorOutputs, Letterbox } from './types.ts';
import { CTD_INPUT_SIZE, letterbox, type LetterboxOptions } from './letterbox.ts';
import { loadOpenCv, postprocess } from './postprocess.ts';

/** Runs the detector on a [1,3,size,size] tensor. */
export type DetectorRun = (tensor: Float32Array, size: number) => Promise<DetectorOutputs>;

export type DetectOptions = LetterboxOptions;

export interface PageDetection {
  blocks: DetectedBlock[];
  /** raw text mask, H×W uint8 */
  mask: Uint8Array;
  letterbox: Letterbox;
  timings: { pre_ms: number; run_ms: number; post_ms: number };
}

export interface Detector {
  detect(image: RawImage, opts?: DetectOptions): Promise<PageDetection>;
}

export function createDetector(run: DetectorRun): Detector {
  return {
    async detect(image, opts = {}) {
      const size = opts.size ?? CTD_INPUT_SIZE;
      const ready = loadOpenCv(); // loads once, overlapping the first page's pre-processing
      const t0 = performance.now();
      const { tensor, letterbox: lb } = letterbox(image, { ...opts, size });
      const t1 = performance.now();
      const outputs = await run(tensor, size);
      const t2 = performance.now();
      await ready;
      const t3 = performance.now();
      const { blocks, mask } = postprocess(outputs, lb);
      const t4 = performance.now();
      return { blocks, mask, letterbox: lb, timings: { pre_ms: t1 - t0, run_ms: t2 - t1, post_ms: t4 - t3 } };
    },
  };
}
