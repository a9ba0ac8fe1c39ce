import { describe, expect, it } from 'vitest';
import type { RawImage } from '../image/raw-image.ts';
import type { Recognizer, RecognizerStats } from '../recognizer/recognizer.ts';
import { createCropBatcher } from './crop-batcher.ts';

const crop = (width: number): RawImage => ({ data: new Uint8Array(width * 64 * 3), width, height: 64, channels: 3 });

/** reads each crop as its width; records the crops of every call */
function fakeRecognizer(fail = false) {
  const calls: number[][] = [];
  const recognizer: Recognizer = {
    async recogniseWithStats(crops) {
      calls.push(crops.map((c) => c.width));
      if (fail) throw new Error('model failed');
      const stats: RecognizerStats = { crops: crops.length, batches: 1, pre_ms: 10, encoder_ms: 100, decoder_ms: 50, post_ms: 0, decoder_calls: 3, decoder_rows: 9 };
      return { texts: crops.map((c) => String(c.width)), stats };
    },
  };
  return { calls, get: () => recognizer };
}

describe('crop batcher', () => {
  it('merges the crops of pages in flight into one recogniser call and hands each page its texts', async () => {
    const fake = fakeRecognizer();
    const batcher = createCropBatcher(fake.get);
    const a = batcher.expect();
    const b = batcher.expect();
    const ra = a.recognise([crop(100), crop(200)], 'beam');
    await new Promise((r) => setImmediate(r)); // let everything that can run now run
    expect(fake.calls).toEqual([]); // waits for b, which is still detecting
    const rb = b.recognise([crop(300)], 'beam');
    const [oa, ob] = await Promise.all([ra, rb]);
    expect(fake.calls).toEqual([[100, 200, 300]]);
    expect(oa.texts).toEqual(['100', '200']);
    expect(ob.texts).toEqual(['300']);
    // the merged call's time is shared out by crops, so the pages' timings add up to it
    expect(oa.stats.encoder_ms + ob.stats.encoder_ms).toBeCloseTo(100);
    expect([oa.stats.crops, ob.stats.crops]).toEqual([2, 1]);
  });

  it('a page that fails before recognising releases the others', async () => {
    const fake = fakeRecognizer();
    const batcher = createCropBatcher(fake.get);
    const a = batcher.expect();
    const b = batcher.expect();
    const ra = a.recognise([crop(100)], 'greedy');
    b.cancel();
    expect((await ra).texts).toEqual(['100']);
    a.cancel(); // after recognise: a no-op
    expect(fake.calls).toEqual([[100]]);
  });

  it('a page without crops does not wait; a model failure fails every page of the merged call', async () => {
    const fake = fakeRecognizer(true);
    const batcher = createCropBatcher(fake.get);
    const a = batcher.expect();
    const b = batcher.expect();
    const c = batcher.expect();
    await expect(c.recognise([], 'beam')).rejects.toThrow('model failed'); // the fake fails every call
    const ra = a.recognise([crop(1)], 'beam');
    const rb = b.recognise([crop(2)], 'beam');
    await expect(ra).rejects.toThrow('model failed');
    await expect(rb).rejects.toThrow('model failed');
    expect(fake.calls).toEqual([[], [1, 2]]);
  });

  it('pages asking for different decodings are recognised in separate calls', async () => {
    const fake = fakeRecognizer();
    const batcher = createCropBatcher(fake.get);
    const a = batcher.expect();
    const b = batcher.expect();
    const ra = a.recognise([crop(1)], 'beam');
    const rb = b.recognise([crop(2)], 'greedy');
    await Promise.all([ra, rb]);
    expect(fake.calls).toEqual([[1], [2]]);
  });
});

describe('crop batcher cancellation', () => {
  /** a recogniser that runs until its signal stops it; records the signal of every call */
  function stoppableRecognizer() {
    const signals: (AbortSignal | undefined)[] = [];
    const recognizer: Recognizer = {
      recogniseWithStats: (crops, signal) => {
        signals.push(signal);
        return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('stopped'))));
      },
    };
    return { signals, get: () => recognizer };
  }

  it('stops a merged call of pages with different signals once every one of them is aborted', async () => {
    // each page the page cache runs has its own signal, so one job's pages no longer share one
    const fake = stoppableRecognizer();
    const batcher = createCropBatcher(fake.get);
    const [a, b] = [batcher.expect(), batcher.expect()];
    const [sa, sb] = [new AbortController(), new AbortController()];
    const ra = a.recognise([crop(1)], 'beam', sa.signal);
    const rb = b.recognise([crop(2)], 'beam', sb.signal);
    expect(fake.signals).toHaveLength(1);
    sa.abort();
    expect(fake.signals[0]?.aborted).toBe(false); // the other page still wants its texts
    sb.abort();
    expect(fake.signals[0]?.aborted).toBe(true);
    await expect(ra).rejects.toThrow('stopped');
    await expect(rb).rejects.toThrow('stopped');
  });

  it('never stops a merged call that a page without a signal is in', async () => {
    const fake = stoppableRecognizer();
    const batcher = createCropBatcher(fake.get);
    const [a, b] = [batcher.expect(), batcher.expect()];
    const sa = new AbortController();
    void a.recognise([crop(1)], 'beam', sa.signal).catch(() => undefined);
    void b.recognise([crop(2)], 'beam');
    expect(fake.signals).toEqual([undefined]);
  });
});
