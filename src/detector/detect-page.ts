/**
 * One page through comic-text-detector: letterbox → model run → post-processing. The model step is a
 * function, so the ONNX session wiring lives elsewhere and tests can pass a fake. Very tall pages are
 * detected in overlapping windows (tile-page.ts) unless told otherwise.
 */
import { throwIfCancelled } from '../errors.ts';
import type { RawImage } from '../image/raw-image.ts';
import type { DetectedBlock, DetectorOutputs, Letterbox } from './types.ts';
import { CTD_INPUT_SIZE, letterbox, type LetterboxOptions } from './letterbox.ts';
import { loadOpenCv, postprocess } from './postprocess.ts';
import { mergeTileBlocks, planTiles, shiftBlocks, shouldTile, type Tile } from './tile-page.ts';

/** Runs the detector on a [1,3,size,size] tensor. */
export type DetectorRun = (tensor: Float32Array, size: number) => Promise<DetectorOutputs>;

interface DetectOptions extends LetterboxOptions {
  /**
   * Detect in overlapping windows. Default: only pages taller than 3× their width (webtoon strips);
   * `false` forces a single letterbox (exact Mokuro behaviour), `true` tiles any page taller than wide.
   */
  tile?: boolean;
  /** a cancelled job: a tiled page stops before its next window (ABORTED) */
  signal?: AbortSignal;
}

export interface PageDetection {
  blocks: DetectedBlock[];
  /** raw text mask, H×W uint8 */
  mask: Uint8Array;
  /** the page's letterbox; for a tiled page, the first window's */
  letterbox: Letterbox;
  /** the windows of a tiled page, each with its own letterbox (absent when not tiled) */
  tiles?: (Tile & { letterbox: Letterbox })[];
  timings: { pre_ms: number; run_ms: number; post_ms: number };
}

export interface Detector {
  detect(image: RawImage, opts?: DetectOptions): Promise<PageDetection>;
}

export function createDetector(run: DetectorRun): Detector {
  /** input tensors no run holds any more: one per page in flight, reused instead of reallocated */
  const spare: Float32Array[] = [];
  const detectOne = async (image: RawImage, opts: LetterboxOptions & { size: number }): Promise<PageDetection> => {
    const ready = loadOpenCv(); // loads once, overlapping the first page's pre-processing
    const t0 = performance.now();
    const { tensor, letterbox: lb } = letterbox(image, { ...opts, out: spare.pop() });
    const t1 = performance.now();
    let outputs: DetectorOutputs;
    try {
      outputs = await run(tensor, opts.size);
    } finally {
      spare.push(tensor);
    }
    const t2 = performance.now();
    await ready;
    const t3 = performance.now();
    const { blocks, mask } = postprocess(outputs, lb);
    const t4 = performance.now();
    return { blocks, mask, letterbox: lb, timings: { pre_ms: t1 - t0, run_ms: t2 - t1, post_ms: t4 - t3 } };
  };

  return {
    async detect(image, opts = {}) {
      const { tile, signal, ...lbOpts } = opts;
      const size = opts.size ?? CTD_INPUT_SIZE;
      const tiles = (tile ?? shouldTile(image.width, image.height)) ? planTiles(image.width, image.height) : [];
      if (tiles.length < 2) return detectOne(image, { ...lbOpts, size });

      const rowLen = image.width * image.channels;
      const mask = new Uint8Array(image.width * image.height);
      const timings = { pre_ms: 0, run_ms: 0, post_ms: 0 };
      const perTile: { tile: Tile; blocks: DetectedBlock[] }[] = [];
      const tileInfo: (Tile & { letterbox: Letterbox })[] = [];
      for (const t of tiles) {
        // a webtoon strip is up to 40 detector runs: a cancelled job must not wait for all of them
        throwIfCancelled(signal);
        // rows are contiguous, so a window is a view, not a copy
        const window: RawImage = { ...image, height: t.height, data: image.data.subarray(t.y * rowLen, (t.y + t.height) * rowLen) };
        const res = await detectOne(window, { ...lbOpts, size });
        perTile.push({ tile: t, blocks: shiftBlocks(res.blocks, t.y) });
        tileInfo.push({ ...t, letterbox: res.letterbox });
        maxInto(mask, res.mask, t.y * image.width);
        timings.pre_ms += res.timings.pre_ms;
        timings.run_ms += res.timings.run_ms;
        timings.post_ms += res.timings.post_ms;
      }
      const blocks = mergeTileBlocks(perTile, image.width, image.height);
      return { blocks, mask, letterbox: tileInfo[0].letterbox, tiles: tileInfo, timings };
    },
  };
}

/**
 * A window's mask into the page's from element `off`, keeping the larger value where windows overlap.
 * A function of its own: as a loop inside `detect`, V8 optimised the whole async function for it (on
 * stack replacement) and threw that code away again at the next page of another shape, over and over
 * (`--trace-deopt`: "wrong map"), recompiling it on V8's background threads about once every three pages.
 */
function maxInto(mask: Uint8Array, windowMask: Uint8Array, off: number): void {
  for (let i = 0; i < windowMask.length; i++) if (windowMask[i] > mask[off + i]) mask[off + i] = windowMask[i];
}
