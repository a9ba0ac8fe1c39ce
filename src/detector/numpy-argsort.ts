/**
 * `np.argsort(values)` with NumPy 1.24's default kind ('quicksort': introsort, NOT stable), as
 * numpy/core/src/npysort/quicksort.cpp (`aquicksort_`) and heapsort.cpp (`aheapsort_`) do it.
 * comic-text-detector's get_topk_color sorts histogram counts with it, and the order of equal counts
 * decides which grey levels become candidate text colours, so a stable sort would not do.
 */

/** partitions spanning at most this many steps (16 elements) are insertion-sorted (numpy SMALL_QUICKSORT) */
const SMALL_QUICKSORT = 15;

export function numpyArgsort(v: ArrayLike<number>): number[] {
  const num = v.length;
  const t = Array.from({ length: num }, (_, i) => i);
  const swap = (a: number, b: number): void => {
    const tmp = t[a];
    t[a] = t[b];
    t[b] = tmp;
  };
  let pl = 0;
  let pr = num - 1;
  const stack: number[] = [];
  const depths: number[] = [];
  let cdepth = 2 * Math.max(0, Math.floor(Math.log2(Math.max(1, num)))); // npy_get_msb(num) * 2
  for (;;) {
    if (cdepth < 0) {
      heapsort(v, t, pl, pr - pl + 1);
    } else {
      while (pr - pl > SMALL_QUICKSORT) {
        const pm = pl + ((pr - pl) >> 1);
        if (v[t[pm]] < v[t[pl]]) swap(pm, pl);
        if (v[t[pr]] < v[t[pm]]) swap(pr, pm);
        if (v[t[pm]] < v[t[pl]]) swap(pm, pl);
        const vp = v[t[pm]];
        let pi = pl;
        let pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do ++pi;
          while (v[t[pi]] < vp);
          do --pj;
          while (vp < v[t[pj]]);
          if (pi >= pj) break;
          swap(pi, pj);
        }
        swap(pi, pr - 1);
        // the larger partition goes on the stack
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depths.push(--cdepth);
      }
      for (let pi = pl + 1; pi <= pr; ++pi) {
        const vi = t[pi];
        const vp = v[vi];
        let pj = pi;
        while (pj > pl && vp < v[t[pj - 1]]) {
          t[pj] = t[pj - 1];
          pj--;
        }
        t[pj] = vi;
      }
    }
    if (stack.length === 0) break;
    pr = stack.pop() as number;
    pl = stack.pop() as number;
    cdepth = depths.pop() as number;
  }
  return t;
}

/** numpy `aheapsort_` on t[start, start + n) (1-based heap indices as in the C code). */
function heapsort(v: ArrayLike<number>, t: number[], start: number, n: number): void {
  const a = (k: number): number => t[start + k - 1];
  const set = (k: number, x: number): void => {
    t[start + k - 1] = x;
  };
  const sift = (tmp: number, i: number, size: number): void => {
    for (let j = i << 1; j <= size; ) {
      if (j < size && v[a(j)] < v[a(j + 1)]) j += 1;
      if (v[tmp] < v[a(j)]) {
        set(i, a(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, tmp);
  };
  for (let l = n >> 1; l > 0; --l) sift(a(l), l, n);
  for (; n > 1; ) {
    const tmp = a(n);
    set(n, a(1));
    n -= 1;
    sift(tmp, 1, n);
  }
}
