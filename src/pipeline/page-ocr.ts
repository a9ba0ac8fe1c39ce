import type { MokuroBlock } from '../contract/mokuro.ts';
import type { ProcessOptions } from '../contract/input.ts';
import type { RawImage } from '../image/raw-image.ts';

/** What OCR of one decoded page yields. */
export interface PageResult {
  blocks: MokuroBlock[];
  lines: number;
  /** milliseconds per stage, summed over the job by the caller */
  timings: Record<string, number>;
}

/**
 * OCR of one page: detection, line crops, recognition, blocks. The pipeline only sees this
 * interface, so tests can run the job logic with a fake one and the runners never see models.
 */
export interface PageOcr {
  processPage(image: RawImage, options: ProcessOptions, signal?: AbortSignal): Promise<PageResult>;
  /** the execution provider per model, for stats */
  providers: Record<string, string>;
  standIn: boolean;
  /** which decoder path runs (health): see DecoderInfo */
  decoder?: DecoderInfo;
  /** `real`, `stand-in` or `unverified` (MODELS_VERIFY=off with unpinned files); absent means standIn decides */
  weights?: 'real' | 'stand-in' | 'unverified';
  /** pages a job should keep in it at once to keep it busy (threads/threaded-page-ocr.ts); default 2 */
  pagesInFlight?: number;
}

/**
 * `path`: `kv` feeds only the newest token and a cache, `plain` re-runs the whole prefix each step;
 * `layout`: the export it runs on (manga-ocr-session.ts); `loop`: where the search runs.
 */
export interface DecoderInfo {
  path: 'kv' | 'plain';
  layout: string;
  loop: 'js' | 'onnx';
}

/** What `stats.models` and `health` say about the weights behind a page OCR. */
export function weightsOf(ocr: Pick<PageOcr, 'standIn' | 'weights'>): 'real' | 'stand-in' | 'unverified' {
  return ocr.weights ?? (ocr.standIn ? 'stand-in' : 'real');
}
