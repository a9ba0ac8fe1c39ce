import { describe, expect, it } from 'vitest';
import type { RawImage } from '../image/raw-image.ts';
import { generated, type GraphSearch } from './graph-beam-search.ts';
import { INPUT_SIZE } from './preprocess.ts';
import { createRecognizer } from './recognizer.ts';

const TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'あ', 'い'];
while (TOKENS.length < 6144) TOKENS.push(`t${TOKENS.length}`);
const VOCAB = TOKENS.join('\n') + '\n';

const crop = (grey: number): RawImage => ({ data: new Uint8Array(30 * 10 * 3).fill(grey), width: 30, height: 10, channels: 3 });

describe('generated (the in-graph search output row)', () => {
  it('drops the start token, stops at EOS and cuts trailing [PAD]', () => {
    expect(generated(Int32Array.from([2, 5, 6, 3, 0, 0]))).toEqual([5, 6]);
    expect(generated(Int32Array.from([2, 5, 6, 7]))).toEqual([5, 6, 7]);
    expect(generated(Int32Array.from([2, 5, 0, 6, 0, 0]))).toEqual([5, 0, 6]);
    expect(generated(Int32Array.from([2, 3, 0]))).toEqual([]);
  });
});

describe('recogniser with an in-graph search', () => {
  /** answers あ for a dark crop and い for a light one, from the grey plane it is sent */
  function fakeSearch() {
    const calls: number[] = [];
    const search: GraphSearch = async (grey, batch) => {
      calls.push(batch);
      expect(grey.length).toBe(batch * INPUT_SIZE * INPUT_SIZE);
      return Array.from({ length: batch }, (_, b) => [grey[b * INPUT_SIZE * INPUT_SIZE] < 128 ? 5 : 6]);
    };
    return { search, calls };
  }
  const unused = {
    encode: async () => {
      throw new Error('the encoder runs inside the in-graph search');
    },
    decoder: {
      bind: () => {
        throw new Error('the decoder runs inside the in-graph search');
      },
    },
  };

  it('sends each beam batch to it once, as grey planes, and reads its ids as text', async () => {
    const { search, calls } = fakeSearch();
    const r = createRecognizer({ ...unused, vocab: VOCAB, batchSize: 2, decoding: 'beam', graphSearch: search });
    expect((await r.recogniseWithStats([crop(20), crop(240), crop(30)])).texts).toEqual(['あ', 'い', 'あ']);
    expect(calls).toEqual([2, 1]);
  });

  it('leaves greedy decoding to the JS loop', async () => {
    const { search, calls } = fakeSearch();
    const r = createRecognizer({ ...unused, vocab: VOCAB, decoding: 'greedy', graphSearch: search });
    await expect(r.recogniseWithStats([crop(20)])).rejects.toThrow('the encoder runs inside');
    expect(calls).toEqual([]);
  });
});
