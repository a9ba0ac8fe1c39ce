/**
 * Row (batch-axis) helpers for the decoder's tensors. They run every decoder step, so they write
 * into caller-given buffers (see buffer-pool.ts) and copy contiguous row blocks with `set`.
 */
import ort from 'onnxruntime-node';

type Tensor = ort.Tensor;
export type Data = Float32Array | Uint16Array;

/** true when `index` is 0, 1, …, n−1 (the rows stay where they are) */
function isIdentity(index: readonly number[], n: number): boolean {
  if (index.length !== n) return false;
  for (let i = 0; i < n; i++) if (index[i] !== i) return false;
  return true;
}

/** rows of `data` (each `rowSize` long) in the order of `index`, written into `out` */
function gatherRowsInto<D extends Data>(data: D, rowSize: number, index: readonly number[], out: D): D {
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
 * `data`'s rows reordered in place so that row r holds what row `parents[r]` held; the first
 * `parents.length` rows are returned. Only rows that move are copied, in ascending order; a row
 * read after it has been overwritten (a parent below its child) is saved into `scratch` first.
 */
export function reorderRowsInPlace<D extends Data>(data: D, rowSize: number, parents: readonly number[], scratch: (length: number) => D): D {
  const n = parents.length;
  const overwritten = new Set<number>();
  for (let r = 0; r < n; r++) if (parents[r] !== r) overwritten.add(r);
  const saved = new Map<number, number>();
  for (const r of overwritten) {
    const p = parents[r];
    if (p < r && overwritten.has(p) && !saved.has(p)) saved.set(p, saved.size);
  }
  const tmp = saved.size > 0 ? scratch(saved.size * rowSize) : data;
  for (const [row, slot] of saved) tmp.set(data.subarray(row * rowSize, (row + 1) * rowSize), slot * rowSize);
  for (const r of overwritten) {
    const slot = saved.get(parents[r]);
    if (slot === undefined) data.copyWithin(r * rowSize, parents[r] * rowSize, (parents[r] + 1) * rowSize);
    else data.set(tmp.subarray(slot * rowSize, (slot + 1) * rowSize), r * rowSize);
  }
  return data.subarray(0, n * rowSize) as D;
}

/**
 * `source` (one row per crop, or per first-call row) expanded to the rows' crops. It is rebuilt
 * only when the rows' crops change: a crop finishing drops its rows, which closes the gap in place
 * (only the rows after it move); anything else (the first beam step fanning out) gathers from
 * `source` again. `source` itself is never written.
 */
export function rowsOfCrops(source: Tensor, rowOfCrop: readonly number[], out: (length: number) => Data) {
  const rowSize = source.dims.slice(1).reduce((a, b) => a * b, 1);
  let lastCrops: readonly number[] = [];
  let last = source;
  /** whether `last` lives in `out`'s buffer (so it may be compacted in place) */
  let owned = false;
  return (crops: readonly number[]): Tensor => {
    if (sameList(crops, lastCrops)) return last;
    const moves = owned ? subsequenceMoves(lastCrops, crops) : null;
    if (moves) {
      const data = last.data as Data;
      for (const [to, from] of moves) data.copyWithin(to * rowSize, from * rowSize, (from + 1) * rowSize);
      last = new ort.Tensor(last.type as 'float32', data.subarray(0, crops.length * rowSize), [crops.length, ...source.dims.slice(1)]);
    } else {
      last = gatherTensor(source, crops.map((c) => rowOfCrop[c]), out);
      owned = last !== source;
    }
    lastCrops = crops.slice();
    return last;
  };
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * When `next` is `previous` with some entries dropped (rows of finished crops), the row moves
 * (to, from) that close the gaps, in an order safe for copying in place (to < from, ascending);
 * null otherwise. Rows of one crop are interchangeable: they hold the same data.
 */
function subsequenceMoves(previous: readonly number[], next: readonly number[]): [number, number][] | null {
  const moves: [number, number][] = [];
  let from = 0;
  for (let to = 0; to < next.length; to++, from++) {
    while (from < previous.length && previous[from] !== next[to]) from++;
    if (from === previous.length) return null;
    if (from !== to) moves.push([to, from]);
  }
  return moves;
}
