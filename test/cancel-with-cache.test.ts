import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Session } from '../src/models/load-models.ts';
import { standInHandler } from './helpers/stand-in-handler.ts';

/**
 * With the page cache on (the default), each page runs under its own abort signal, so the crop
 * batcher's merged recogniser call holds several. A cancelled job must still stop inside that call,
 * as it does without the cache: the merged call stops once every page in it has been stopped.
 */
const ROOT = path.resolve(import.meta.dirname, '..');

/** counts runs; `onRun` sees each call before it runs */
function watched(session: Session, counter: { calls: number; onRun?: () => void }): Session {
  return new Proxy(session, {
    get(target, key) {
      if (key === 'run') {
        return (...args: Parameters<Session['run']>) => {
          counter.calls++;
          counter.onRun?.();
          return target.run(...args);
        };
      }
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('cancelling a job with the page cache on', () => {
  it('stops inside the merged recogniser call of its two pages', async () => {
    const encoder = { calls: 0, onRun: undefined as (() => void) | undefined };
    const decoder = { calls: 0 };
    const { handler } = await standInHandler({ PAGE_CACHE_ENTRIES: '512' }, (m) => ({ ...m, encoder: watched(m.encoder, encoder), decoder: watched(m.decoder, decoder) }));
    const page = (JSON.parse(readFileSync(path.join(ROOT, 'test_input.json'), 'utf8')) as { input: { image: { data: string } } }).input.image.data;
    const mirrored = (await sharp(Buffer.from(page, 'base64')).flop().png().toBuffer()).toString('base64');
    const stop = new AbortController();
    encoder.onRun = () => stop.abort(); // the job is cancelled while its first recogniser batch is in the encoder
    const result = await handler({ id: 'c1', input: { type: 'process_batch', images: [page, mirrored] } }, { signal: stop.signal });
    expect(result).toEqual({ error: 'job was cancelled', code: 'ABORTED' });
    // the batch in the models finishes (its encoder run and its decoding loop, as many decoder runs
    // as its lines take); the next of the merged call's batches never reaches the encoder
    expect(encoder.calls).toBe(1);
    expect(decoder.calls).toBeGreaterThan(0);
  });
});
