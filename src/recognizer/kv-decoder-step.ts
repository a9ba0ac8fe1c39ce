/**
 * The decoder step over a KV-cache export (optimum layout, merged or split; see manga-ocr-session.ts).
 * Per step it feeds only the newest token; the decoder self-attention cache is reordered along the
 * beams' parents; the cross-attention (encoder) cache is computed once, on the first call, and only
 * re-expanded when the set of live crops changes.
 *
 * onnxruntime-node copies every fetched output into a fresh buffer that then belongs to us (it does so
 * even for pre-allocated outputs), so the self-attention cache is reordered in place in that copy:
 * only the rows whose beam changed parent move. The first beam step, which fans each crop out to its
 * beams, gathers into a leased buffer instead (see buffer-pool.ts).
 */
import ort from 'onnxruntime-node';
import type { BufferLease } from './buffer-pool.ts';
import type { DecoderStep } from './decoder-step.ts';
import {
  DECODER_HEADS, HEAD_DIM, PAST, PRESENT, USE_CACHE, hiddenRows, pick, type SessionLike,
} from './session-like.ts';
import { gatherTensor, idsTensor, lastPositionLogits, reorderRowsInPlace, rowsOfCrops, type Data } from './tensor-rows.ts';

type Tensor = ort.Tensor;

const presentOf = (pastName: string) => PRESENT + pastName.slice(PAST.length);
const isEncoderCache = (name: string) => name.includes('.encoder.');
const takeLike = (lease: BufferLease, key: string, t: Tensor) => (n: number): Data =>
  t.type === 'float16' ? lease.take(key, n, Uint16Array) : lease.take(key, n, Float32Array);

export function createKvStep(first: SessionLike, cached: SessionLike, hidden: Float32Array, batch: number, lease: BufferLease): DecoderStep {
  const pastNames = cached.inputNames.filter((n) => n.startsWith(PAST));
  const selfNames = pastNames.filter((n) => !isEncoderCache(n));
  const firstLogits = pick(first.outputNames, 'logits');
  const stepLogits = pick(cached.outputNames, 'logits');
  /** first call: logits and every present.* (the encoder K/V are computed once, here) */
  const firstFetches = [firstLogits, ...pastNames.map(presentOf)];
  /** later calls: logits and the self-attention cache (the encoder K/V would only be echoed) */
  const stepFetches = [stepLogits, ...selfNames.map(presentOf)];
  const needsHidden = (s: SessionLike) => s.inputNames.includes('encoder_hidden_states');
  const states = hiddenRows(hidden, batch, lease);
  /** the self-attention cache of the last call, by past_key_values name */
  let past: Record<string, Tensor> = {};
  /** per encoder-cache name: the first call's tensor expanded to the live rows' crops */
  const encoderRows: Record<string, (crops: readonly number[]) => Tensor> = {};

  const step = async ({ prefixes, crops, parents }: Parameters<DecoderStep>[0]) => {
    const rows = prefixes.length;
    const isFirst = parents === null;
    const session = isFirst ? first : cached;
    const feeds: Record<string, Tensor> = { input_ids: idsTensor(prefixes, !isFirst) };
    if (needsHidden(session)) feeds.encoder_hidden_states = states(crops);
    if (session.inputNames.includes(USE_CACHE)) feeds[USE_CACHE] = new ort.Tensor('bool', [!isFirst], [1]);
    if (isFirst && pastNames.some((n) => session.inputNames.includes(n))) {
      // merged export, no-cache branch: empty past of sequence length 0
      const empty = new ort.Tensor('float32', new Float32Array(0), [rows, DECODER_HEADS, 0, HEAD_DIM]);
      for (const name of pastNames) feeds[name] = empty;
    } else if (!isFirst) {
      for (const name of selfNames) feeds[name] = reorderedPast(past[name], parents, name);
      for (const name of pastNames) if (isEncoderCache(name)) feeds[name] = encoderRows[name](crops);
    }
    const out = await session.run(feeds, isFirst ? firstFetches : stepFetches);
    for (const name of pastNames) {
      const present = out[presentOf(name)];
      if (!isEncoderCache(name)) past[name] = present;
      else if (isFirst) encoderRows[name] = rowsOfCrops(present, firstRowOfCrop(crops), takeLike(lease, `enc:${name}`, present));
    }
    return lastPositionLogits(out[isFirst ? firstLogits : stepLogits], (n) => lease.take('last', n, Float32Array));
  };

  /** the last call's cache `t` (ours to write) with row r taken from row parents[r] */
  function reorderedPast(t: Tensor, parents: readonly number[], name: string): Tensor {
    const [held, ...rest] = t.dims;
    if (parents.length > held) return gatherTensor(t, parents, takeLike(lease, `fan:${name}`, t)); // beams fan out
    const rowSize = rest.reduce((a, b) => a * b, 1);
    const data = reorderRowsInPlace(t.data as Data, rowSize, parents, takeLike(lease, `saved:${name}`, t));
    return new ort.Tensor(t.type as 'float32', data, [parents.length, ...rest]);
  }
  return Object.assign(step, { release: lease.release });
}

/** which row of the first call holds each crop */
function firstRowOfCrop(crops: readonly number[]): number[] {
  const rowOfCrop: number[] = [];
  crops.forEach((c, r) => (rowOfCrop[c] ??= r));
  return rowOfCrop;
}
