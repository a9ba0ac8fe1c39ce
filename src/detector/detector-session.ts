/**
 * The comic-text-detector ONNX session as the `DetectorRun` the detector uses: the letterboxed page
 * in as `images [1,3,S,S]`, the three heads out (kha-white/comic-text-detector basemodel.py
 * `TextDetBase.forward`: `blk` YOLO rows, `seg` text mask, `det` DB maps).
 */
import ort from 'onnxruntime-node';
import type { DetectorRun } from './detect-page.ts';

const DETECTOR_OUTPUTS = ['blk', 'seg', 'det'];

/** What the detector needs of an onnxruntime session (a real one, or a test's wrapper). */
export interface DetectorSession {
  run(feeds: Record<string, ort.Tensor>, fetches: readonly string[]): Promise<Record<string, ort.Tensor>>;
}

export function createDetectorRun(session: DetectorSession): DetectorRun {
  // onnxruntime-node copies every output into a fresh buffer, even when given pre-allocated output
  // tensors (it writes those too, then copies), so there is nothing to reuse on this side.
  return async (tensor, size) => {
    const out = await session.run({ images: new ort.Tensor('float32', tensor, [1, 3, size, size]) }, DETECTOR_OUTPUTS);
    return { blk: out.blk.data as Float32Array, seg: out.seg.data as Float32Array, det: out.det.data as Float32Array, size };
  };
}
