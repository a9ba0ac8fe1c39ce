import { WorkerError } from '../../src/errors.ts';
import type { PageOcr } from '../../src/pipeline/page-ocr.ts';

/**
 * An engine whose page stays in the models until the test releases it, and that stops on its signal
 * as the real one does (create-session-page-ocr.ts throws ABORTED between model runs).
 */
export function heldEngine() {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const started: AbortSignal[] = [];
  const engine: PageOcr = {
    providers: { detector: 'cpu' },
    standIn: true,
    async processPage(image, _options, signal) {
      started.push(signal!);
      await Promise.race([released, new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new WorkerError('ABORTED', 'job was cancelled'))))]);
      return { blocks: [{ box: [0, 0, image.width, image.height], vertical: true, font_size: 10, lines_coords: [], lines: ['shared'] }], lines: 1, timings: {} };
    },
  };
  return { engine, started, release };
}

/** Resolves the n-th time the wrapped engine is called, so the test knows both jobs hold the page. */
export function callsSeen(engine: PageOcr, n: number): { engine: PageOcr; reached: Promise<void> } {
  let calls = 0;
  let reach!: () => void;
  const reached = new Promise<void>((r) => (reach = r));
  return {
    reached,
    engine: { ...engine, processPage: (...args) => (++calls === n && reach(), engine.processPage(...args)) },
  };
}
