/**
 * The decoder step over a KV-cache export (optimum layout, merged or split; see manga-ocr-session.ts).
 * Per step it feeds only the newest token; the decoder self-attention cache is reordered along the
 * beams' parents; the cross-attention (encoder) cache is computed once, on the first call, and only
 * re-expanded when the set of live crops changes. Outputs go into leased buffers, so a step touches
 * no fresh memory after the first few (see buffer-pool.ts for why that matters here).
 */
import ort from 'onnxruntime-node';
import type { BufferLease } from './buffer-pool.ts';
import type { DecoderStep } from './decoder-step.ts';
import {
  DECODER_HEADS, HEAD_DIM, PAST, PRESENT, USE_CACHE, hiddenRows, pick, type Fetches, type SessionLike,
} from './manga-ocr-session.ts';
import { gatherTensor, idsTensor, lastPositionLogits, rowsOfCrops, type Data } from './tensor-rows.ts';

type Tensor = ort.Tensor;

const presentOf = (pastName: string) => PRESENT + pastName.slice(PAST.length);
const isEncoderCache = (name: string) => name.includes('.encoder.');
const takeLike = (lease: BufferLease, key: string, t: Tensor) => (n: number): Data =>
  t.type === 'float16' ? lease.take(key, n, Uint16Array) : lease.take(key, n, Float32Array);

export function createKvStep(
  first: SessionLike,
  cached: SessionLike,
  hidden: Float32Array,
  batch: number,
  lease: BufferLease,
  /** output shapes (batch axis dropped) of earlier first calls, by prefix length and encoder length */
  firstShapes: Map<string, Record<string, { dims: number[]; type: Tensor['type'] }>>,
): DecoderStep {
  const pastNames = cached.inputNames.filter((n) => n.startsWith(PAST));
  const selfNames = pastNames.filter((n) => !isEncoderCache(n));
  const firstLogits = pick(first.outputNames, 'logits');
  const stepLogits = pick(cached.outputNames, 'logits');
  /** first call: logits and every present.* (the encoder K/V are computed once, here) */
  const firstFetches = [firstLogits, ...pastNames.map(presentOf)];
  const needsHidden = (s: SessionLike) => s.inputNames.includes('encoder_hidden_states');
  const states = hiddenRows(hidden, batch, lease);
  /** the self-attention cache of the last call, by past_key_values name */
  let past: Record<string, Tensor> = {};
  /** per encoder-cache name: the first call's tensor expanded to the live rows' crops */
  const encoderRows: Record<string, (crops: readonly number[]) => Tensor> = {};
  /** two buffers per self-cache name (0, 1): which one the last output was written to */
  const holder: Record<string, number> = {};
  let vocab = 0;

  const step = async ({ prefixes, crops, parents }: Parameters<DecoderStep>[0]) => {
    const rows = prefixes.length;
    const isFirst = parents === null;
    const session = isFirst ? first : cached;
    const feeds: Record<string, Tensor> = { input_ids: idsTensor(prefixes, !isFirst) };
    if (needsHidden(session)) feeds.encoder_hidden_states = states(crops);
    if (session.inputNames.includes(USE_CACHE)) feeds[USE_CACHE] = new ort.Tensor('bool', [!isFirst], [1]);
    let fetches: Fetches = firstFetches;
    const shapeKey = `${prefixes[0].length},${hidden.length / batch}`;
    const known = isFirst ? firstShapes.get(shapeKey) : undefined;
    if (known) fetches = preallocated(known, rows);
    if (isFirst && pastNames.some((n) => session.inputNames.includes(n))) {
      // merged export, no-cache branch: empty past of sequence length 0
      const empty = new ort.Tensor('float32', new Float32Array(0), [rows, DECODER_HEADS, 0, HEAD_DIM]);
      for (const name of pastNames) feeds[name] = empty;
    } else if (!isFirst) {
      const pre: Record<string, Tensor> = {
        [stepLogits]: new ort.Tensor('float32', lease.take('logits', rows * vocab, Float32Array), [rows, 1, vocab]),
      };
      for (const name of selfNames) {
        // the reordered past goes into the buffer not holding the last output; the new output into
        // whichever buffer the fed past does not live in
        const held = holder[name] ?? 1;
        const p = gatherTensor(past[name], parents, takeLike(lease, `self${1 - held}:${name}`, past[name]));
        const target = p === past[name] ? 1 - held : held;
        const [, heads, T, dim] = p.dims;
        const data = takeLike(lease, `self${target}:${name}`, p)(rows * heads * (T + 1) * dim);
        pre[presentOf(name)] = new ort.Tensor(p.type as 'float32', data, [rows, heads, T + 1, dim]);
        holder[name] = target;
        feeds[name] = p;
      }
      for (const name of pastNames) if (isEncoderCache(name)) feeds[name] = encoderRows[name](crops);
      fetches = pre;
    }
    const out = await session.run(feeds, fetches);
    if (isFirst && !known) {
      firstShapes.set(shapeKey, Object.fromEntries(firstFetches.map((n) => [n, { dims: out[n].dims.slice(1), type: out[n].type }])));
    }
    for (const name of pastNames) {
      const present = out[presentOf(name)];
      if (!isEncoderCache(name)) past[name] = present;
      else if (isFirst) encoderRows[name] = rowsOfCrops(present, firstRowOfCrop(crops), takeLike(lease, `enc:${name}`, present));
    }
    const logits = out[isFirst ? firstLogits : stepLogits];
    vocab = logits.dims[2];
    return lastPositionLogits(logits, (n) => lease.take('last', n, Float32Array));
  };
  /** the first call's outputs written into leased buffers: a batch's encoder K/V are ~2.4 MB a crop */
  function preallocated(shapes: Record<string, { dims: number[]; type: Tensor['type'] }>, rows: number): Record<string, Tensor> {
    return Object.fromEntries(Object.entries(shapes).map(([name, { dims, type }]) => {
      const length = rows * dims.reduce((a, b) => a * b, 1);
      const data = type === 'float16' ? lease.take(`first:${name}`, length, Uint16Array) : lease.take(`first:${name}`, length, Float32Array);
      return [name, new ort.Tensor(type as 'float32', data, [rows, ...dims])];
    }));
  }
  return Object.assign(step, { release: lease.release });
}

/** which row of the first call holds each crop */
function firstRowOfCrop(crops: readonly number[]): number[] {
  const rowOfCrop: number[] = [];
  crops.forEach((c, r) => (rowOfCrop[c] ??= r));
  return rowOfCrop;
}
