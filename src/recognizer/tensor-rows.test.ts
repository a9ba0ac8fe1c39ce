import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { reorderRowsInPlace, rowsOfCrops } from './tensor-rows.ts';

/** a deterministic LCG, so a failing case can be replayed */
function lcg(seed: number) {
  return (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
}

describe('reorderRowsInPlace', () => {
  it('gives every row its parent\'s old contents, for any parents (3000 random cases)', () => {
    const rnd = lcg(5);
    for (let t = 0; t < 3000; t++) {
      const held = 1 + rnd(12);
      const rows = 1 + rnd(held);
      const rowSize = 1 + rnd(3);
      const parents = Array.from({ length: rows }, () => rnd(held));
      const data = Float32Array.from({ length: held * rowSize }, (_, i) => i);
      const want = parents.flatMap((p) => Array.from({ length: rowSize }, (_, k) => p * rowSize + k));
      const got = reorderRowsInPlace(data, rowSize, parents, (n) => new Float32Array(n));
      expect({ parents, got: Array.from(got) }).toEqual({ parents, got: want });
      expect(got.buffer).toBe(data.buffer); // in place, no new buffer
    }
  });

  it('needs no scratch when no row is read after being overwritten', () => {
    const data = Float32Array.from([0, 1, 2, 3, 4, 5]);
    const scratch = () => {
      throw new Error('scratch used');
    };
    expect(Array.from(reorderRowsInPlace(data, 1, [0, 2, 3, 5], scratch))).toEqual([0, 2, 3, 5]);
  });
});

describe('rowsOfCrops', () => {
  const source = () => new ort.Tensor('float32', Float32Array.from([10, 11, 20, 21, 30, 31]), [3, 2]);
  const lease = () => {
    let buf = new Float32Array(0);
    return (n: number) => (buf.length >= n ? buf : (buf = new Float32Array(n))).subarray(0, n);
  };

  it('expands crops to their rows, then closes the gaps of finished crops in place', () => {
    const src = source();
    const rows = rowsOfCrops(src, [0, 1, 2], lease());
    const fanned = rows([0, 0, 1, 1, 2, 2]);
    expect(Array.from(fanned.data as Float32Array)).toEqual([10, 11, 10, 11, 20, 21, 20, 21, 30, 31, 30, 31]);
    const later = rows([0, 0, 2, 2]); // crop 1 finished
    expect(later.dims).toEqual([4, 2]);
    expect(Array.from(later.data as Float32Array)).toEqual([10, 11, 10, 11, 30, 31, 30, 31]);
    expect((later.data as Float32Array).buffer).toBe((fanned.data as Float32Array).buffer);
    expect(Array.from(src.data as Float32Array)).toEqual([10, 11, 20, 21, 30, 31]); // never written
  });

  it('uses the source itself while the rows are its rows, and copies before dropping any', () => {
    const src = source();
    const rows = rowsOfCrops(src, [0, 1, 2], lease());
    expect(rows([0, 1, 2])).toBe(src);
    expect(Array.from(rows([0, 2]).data as Float32Array)).toEqual([10, 11, 30, 31]);
    expect(Array.from(src.data as Float32Array)).toEqual([10, 11, 20, 21, 30, 31]);
  });
});
