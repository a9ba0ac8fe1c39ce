/**
 * Row (batch-axis) helpers for the decoder's tensors. They run every decoder step, so they write
 * into caller-given buffers (see buffer-pool.ts) and copy contiguous row blocks with `set`.
 */
import ort from 'onnxruntime-node';

type Tensor = ort.Tensor;
export type Data = Float32Array | Uint16Array;

/** true when `index` is 0, 1, …, n−1 (the rows stay where they are) */
export function isIdentity(index: readonly number[], n: number): boolean {
  if (index.length !== n) return false;
  for (let i = 0; i < n; i++) if (index[i] !== i) return false;
  return true;
}

/** rows of `data` (each `rowSize` long) in the order of `index`, written into `out` */
export function gatherRowsInto<D extends Data>(data: D, rowSize: number, index: readonly number[], out: D): D {
  for (let r = 0; r < index.length; r++) {
    const src = index[r] * rowSize;
    out.set(data.subarray(src, src + rowSize), r * rowSize);
  }
  return out;
}

/** `t` reordered along its first axis into `out`; `t` itself when the order leaves it unchanged */
export function gatherTensor(t: Tensor, index: readonly number[], out: (length: number) => Data): Tensor {
  if (isIdentity(index, t.dims[0])) return t;
  const rowSize = t.dims.slice(1).reduce((a, b) => a * b, 1);
  const data = gatherRowsInto(t.data as Data, rowSize, index, out(index.length * rowSize));
  return new ort.Tensor(t.type as 'float32', data, [index.length, ...t.dims.slice(1)]);
}

/** the last position's logits per row, `[rows, V]`: the data itself when T = 1, else copied into `out` */
export function lastPositionLogits(logits: Tensor, out: (length: number) => Float32Array): Float32Array {
  const [rows, T, V] = logits.dims;
  const data = logits.data as Float32Array;
  if (T === 1) return data;
  const last = out(rows * V);
  for (let r = 0; r < rows; r++) last.set(data.subarray((r * T + T - 1) * V, (r * T + T) * V), r * V);
  return last;
}

/** `input_ids`: whole prefixes `[rows, T]`, or only the newest token `[rows, 1]` (KV cache) */
export function idsTensor(prefixes: readonly (readonly number[])[], lastOnly: boolean): Tensor {
  const T = lastOnly ? 1 : prefixes[0].length;
  const ids = new BigInt64Array(prefixes.length * T);
  for (let r = 0; r < prefixes.length; r++) {
    const p = prefixes[r];
    for (let t = 0; t < T; t++) ids[r * T + t] = BigInt(p[p.length - T + t]);
  }
  return new ort.Tensor('int64', ids, [prefixes.length, T]);
}

/**
 * `source` (one row per crop, or per first-call row) expanded to the rows' crops, rebuilt only
 * when the rows' crops change (a crop finished, or the first beam step fanned out).
 */
export function rowsOfCrops(source: Tensor, rowOfCrop: readonly number[], out: (length: number) => Data) {
  let lastKey = '';
  let last = source;
  return (crops: readonly number[]): Tensor => {
    const key = crops.join(',');
    if (key !== lastKey) {
      last = gatherTensor(source, crops.map((c) => rowOfCrop[c]), out);
      lastKey = key;
    }
    return last;
  };
}
