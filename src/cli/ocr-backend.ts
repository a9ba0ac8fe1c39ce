import type { MokuroPage } from '../contract/mokuro.ts';
import type { VolumePage } from './volume-pages.ts';

/** One volume's pages still to OCR, with the names and uuids its document gets. */
export interface VolumeWork {
  title: string;
  title_uuid: string;
  volume: string;
  volume_uuid: string;
  /** in document order */
  pages: readonly VolumePage[];
}

/** A page's end: its result, or why it failed for good (after any retries). */
export interface PageOutcome {
  page: VolumePage;
  result?: MokuroPage;
  error?: string;
  /** the page itself is at fault (not an image, over a limit): sending it again cannot help */
  permanent?: boolean;
}

/**
 * Where pages are OCR'd: in this process (local-backend.ts) or on an endpoint (remote-backend.ts).
 * `run` reports every page exactly once through `onPage` as soon as it is known, in any order, and
 * resolves when all are reported or the signal stopped the run (then some may be unreported).
 */
export interface OcrBackend {
  run(work: VolumeWork, onPage: (outcome: PageOutcome) => void, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
