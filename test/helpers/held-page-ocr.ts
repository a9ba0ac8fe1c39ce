import { WorkerError } from '../../src/errors.ts';
import type { PageOcr } from '../../src/pipeline/page-ocr.ts';

/**
 * A page OCR whose page stays in the models until the test releases it, and that stops on its signal
 * as the real one does (create-session-page-ocr.ts throws ABORTED between model runs).
 */
export function heldPageOcr() {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const started: AbortSignal[] = [];
  const ocr: PageOcr = {
    providers: { detector: 'cpu' },
    standIn: true,
    async processPage(image, _options, signal) {
      started.push(signal!);
      await Promise.race([released, new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new WorkerError('ABORTED', 'job was cancelled'))))]);
      return { blocks: [{ box: [0, 0, image.width, image.height], vertical: true, font_size: 10, lines_coords: [], lines: ['shared'] }], lines: 1, timings: {} };
    },
  };
  return { ocr, started, release };
}

/** Resolves the n-th time the wrapped page OCR is called, so the test knows both jobs hold the page. */
export function callsSeen(ocr: PageOcr, n: number): { ocr: PageOcr; reached: Promise<void> } {
  let calls = 0;
  let reach!: () => void;
  const reached = new Promise<void>((r) => (reach = r));
  return {
    reached,
    ocr: { ...ocr, processPage: (...args) => (++calls === n && reach(), ocr.processPage(...args)) },
  };
}
