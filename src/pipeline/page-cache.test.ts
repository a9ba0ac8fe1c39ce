import { describe, expect, it } from 'vitest';
import type { RawImage } from '../image/raw-image.ts';
import type { PageEngine } from './page-engine.ts';
import { withPageCache } from './page-cache.ts';

const page = (fill: number): RawImage => ({ data: new Uint8Array(4 * 4 * 3).fill(fill), width: 4, height: 4, channels: 3 });

function countingEngine(fail = false) {
  const engine: PageEngine & { calls: number } = {
    calls: 0,
    providers: { detector: 'cpu' },
    standIn: true,
    async processPage(image) {
      engine.calls++;
      if (fail) throw new Error('model failed');
      return { blocks: [{ box: [0, 0, image.data[0], 1], vertical: true, font_size: 10, lines_coords: [], lines: [] }], lines: 0, timings: { detector_run: 5 } };
    },
  };
  return engine;
}

describe('page cache', () => {
  it('answers an identical page with the same options from the cache, and a different one from the engine', async () => {
    const inner = countingEngine();
    const engine = withPageCache(inner);
    const a = await engine.processPage(page(1), { decoding: 'beam' });
    const b = await engine.processPage(page(1), { decoding: 'beam' });
    expect(b.blocks).toEqual(a.blocks);
    expect(b.blocks).not.toBe(a.blocks);
    await engine.processPage(page(2), { decoding: 'beam' });
    await engine.processPage(page(1), { decoding: 'greedy' });
    expect(inner.calls).toBe(3);
  });

  it('shares a page in flight, forgets failures, and keeps only the most recent pages', async () => {
    const inner = countingEngine();
    const engine = withPageCache(inner, 2);
    await Promise.all([engine.processPage(page(1), {}), engine.processPage(page(1), {})]);
    expect(inner.calls).toBe(1);
    await engine.processPage(page(2), {});
    await engine.processPage(page(3), {}); // evicts page 1
    await engine.processPage(page(1), {});
    expect([inner.calls, engine.cacheSize()]).toEqual([4, 2]);

    const failing = withPageCache(countingEngine(true));
    await expect(failing.processPage(page(1), {})).rejects.toThrow('model failed');
    expect(failing.cacheSize()).toBe(0);
  });
});
