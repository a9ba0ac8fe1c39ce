/**
 * Beam search inside onnxruntime: one `run` per batch of crops takes the grey 224×224 planes and
 * returns token ids, so the encoder states, the caches and the logits never leave the device (the
 * model is onnxruntime's com.microsoft BeamSearch op around the pinned weights, built by
 * docker/kv-decoder/build_beam_search.py; its beams, n-gram ban and length penalty are fixed there).
 */
import ort from 'onnxruntime-node';
import type { SessionLike } from './session-like.ts';
import { EOS_ID, PAD_ID } from './tokenizer.ts';
import { INPUT_SIZE } from './preprocess.ts';

/** grey planes `[batch, 224, 224]` → each crop's generated ids (start token and EOS excluded) */
export type GraphSearch = (grey: Uint8Array, batch: number) => Promise<number[][]>;

/** the model's input and output names (build_beam_search.py) */
export const GRAPH_SEARCH_IO = { inputs: ['pixels', 'max_length'], outputs: ['sequences'] } as const;

export const isGraphSearch = (s: SessionLike) => GRAPH_SEARCH_IO.inputs.every((n) => s.inputNames.includes(n));

/**
 * `maxLength` counts the start token, as transformers' `max_length` does. The op pads finished
 * sequences with [PAD]; [PAD] is a special token the text drops anyway, so trailing ones are cut.
 */
export function createGraphSearch(session: SessionLike, maxLength: number): GraphSearch {
  const cap = new ort.Tensor('int32', Int32Array.from([maxLength]), [1]);
  return async (grey, batch) => {
    const pixels = new ort.Tensor('uint8', grey.subarray(0, batch * INPUT_SIZE * INPUT_SIZE), [batch, INPUT_SIZE, INPUT_SIZE]);
    const out = await session.run({ pixels, max_length: cap }, ['sequences']);
    const seq = out.sequences.data as Int32Array;
    const width = out.sequences.dims[2];
    return Array.from({ length: batch }, (_, b) => generated(seq.subarray(b * width, (b + 1) * width)));
  };
}

/** ids after the start token, up to EOS, without trailing [PAD] */
export function generated(row: Int32Array): number[] {
  const ids = Array.from(row.subarray(1));
  const eos = ids.indexOf(EOS_ID);
  const kept = eos >= 0 ? ids.slice(0, eos) : ids;
  while (kept.length > 0 && kept[kept.length - 1] === PAD_ID) kept.pop();
  return kept;
}
