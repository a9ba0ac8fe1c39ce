import { performance } from 'node:perf_hooks';
import { describe, expect, it, vi } from 'vitest';
import type { RawImage } from '../image/raw-image.ts';
import type { DecoderStep } from './decoder-step.ts';
import { INPUT_SIZE } from './preprocess.ts';
import { createRecognizer } from './recognizer.ts';

const TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'あ', '##い', 'A', '…'];
while (TOKENS.length < 6144) TOKENS.push(`t${TOKENS.length}`);
const VOCAB = TOKENS.join('\n') + '\n';
const PLANE = 3 * INPUT_SIZE * INPUT_SIZE;

/** a flat grey crop; its grey level identifies it through the fake models */
const crop = (grey: number, width: number, height: number): RawImage => ({
  data: new Uint8Array(width * height * 3).fill(grey),
  width,
  height,
  channels: 3,
});

/** encoder: hidden state = the crop's first normalised pixel; decoder: spells text from it */
function fakeModels() {
  const batches: number[] = [];
  const encode = async (pixels: Float32Array, batch: number) => {
    batches.push(batch);
    expect(pixels.length).toBe(batch * PLANE);
    return Float32Array.from({ length: batch }, (_, b) => pixels[b * PLANE]);
  };
  const decoder = {
    bind(hidden: Float32Array): DecoderStep {
      return async ({ prefixes, crops }) => {
        const out = new Float32Array(prefixes.length * 6144).fill(-10);
        prefixes.forEach((p, r) => {
          const grey = Math.round(((hidden[crops[r]] + 1) / 2) * 255);
          const script = [5 + (grey % 3), 7, 8, 3]; // あ|い|A, A, …, EOS
          out[r * 6144 + script[Math.min(p.length - 1, 3)]] = 10;
        });
        return out;
      };
    },
  };
  return { encode, decoder, batches };
}

describe('recognizer', () => {
  it('batches crops, decodes, detokenises, normalises, and keeps input order', async () => {
    const { encode, decoder, batches } = fakeModels();
    const rec = createRecognizer({ encode, decoder, vocab: VOCAB, batchSize: 2 });
    const crops = [crop(30, 300, 64), crop(31, 64, 64), crop(32, 64, 900), crop(33, 128, 64), crop(0, 0, 64)];
    const { texts, stats } = await rec.recogniseWithStats(crops);
    expect(texts).toEqual(['あＡ．．．', 'いＡ．．．', 'ＡＡ．．．', 'あＡ．．．', '']);
    expect(batches).toEqual([2, 2]); // the empty crop never reaches the models
    expect(stats).toMatchObject({ crops: 5, batches: 2 });
    expect(stats.decoder_calls).toBeGreaterThan(0);
  });

  it('charges each stage the time spent in it', async () => {
    // a clock that moves only inside the models: 7 ms per encoder batch, 3 ms per decoder call
    let clock = 1000;
    const now = vi.spyOn(performance, 'now').mockImplementation(() => clock);
    try {
      const { encode, decoder } = fakeModels();
      const timedDecoder = {
        bind(hidden: Float32Array): DecoderStep {
          const step = decoder.bind(hidden);
          return async (rows) => ((clock += 3), step(rows));
        },
      };
      const rec = createRecognizer({ encode: async (p, b) => ((clock += 7), encode(p, b)), decoder: timedDecoder, vocab: VOCAB, batchSize: 2 });
      const { stats } = await rec.recogniseWithStats([crop(30, 64, 64), crop(31, 64, 64), crop(32, 64, 64)]);
      expect(stats.batches).toBe(2);
      expect(stats).toMatchObject({ pre_ms: 0, encoder_ms: 14, decoder_ms: 3 * stats.decoder_calls, post_ms: 0 });
    } finally {
      now.mockRestore();
    }
  });

  it('gives the same texts in greedy mode and with any batch size', async () => {
    const crops = Array.from({ length: 7 }, (_, i) => crop(40 + i, 64 * (1 + (i % 4)), 64));
    const texts: string[][] = [];
    for (const [batchSize, decoding] of [[1, 'beam'], [3, 'beam'], [7, 'greedy']] as const) {
      const { encode, decoder } = fakeModels();
      texts.push((await createRecognizer({ encode, decoder, vocab: VOCAB, batchSize, decoding }).recogniseWithStats(crops)).texts);
    }
    expect(texts[1]).toEqual(texts[0]);
    expect(texts[2]).toEqual(texts[0]);
  });

  it('stops between batches once the signal is aborted', async () => {
    const { encode, decoder, batches } = fakeModels();
    const abort = new AbortController();
    const rec = createRecognizer({
      encode: async (pixels, batch) => {
        abort.abort(); // the job is cancelled while the first batch runs
        return encode(pixels, batch);
      },
      decoder,
      vocab: VOCAB,
      batchSize: 2,
    });
    const crops = Array.from({ length: 6 }, (_, i) => crop(40 + i, 64, 64));
    await expect(rec.recogniseWithStats(crops, abort.signal)).rejects.toMatchObject({ code: 'ABORTED', message: 'job was cancelled' });
    expect(batches).toEqual([2]);
  });

  it('returns [] for no crops', async () => {
    const { encode, decoder } = fakeModels();
    expect((await createRecognizer({ encode, decoder, vocab: VOCAB }).recogniseWithStats([])).texts).toEqual([]);
  });
});
