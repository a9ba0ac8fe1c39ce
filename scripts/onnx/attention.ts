import type { Net } from './nn.ts';

/** [B,S,heads·d] → [B,heads,S,d], the layout of the exported KV cache. */
export function splitHeads(net: Net, x: string, heads: number): string {
  const { g } = net;
  return g.op('Transpose', [g.op('Reshape', [x, g.constI([0, 0, heads, -1])])], { perm: [0, 2, 1, 3] });
}

/** [B,heads,S,d] → [B,S,heads·d]. */
export function mergeHeads(net: Net, x: string, width: number): string {
  const { g } = net;
  return g.op('Reshape', [g.op('Transpose', [x], { perm: [0, 2, 1, 3] }), g.constI([0, 0, width])]);
}

/** softmax(q·kᵀ/√d + mask)·v over [B,heads,S,d] tensors; `mask` is additive and broadcast. */
export function attention(net: Net, q: string, k: string, v: string, headDim: number, mask?: string): string {
  const { g } = net;
  let scores = g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [k], { perm: [0, 1, 3, 2] })]), g.constF([1 / Math.sqrt(headDim)])]);
  if (mask) scores = g.op('Add', [scores, mask]);
  return g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), v]);
}

/**
 * Additive causal mask [Tq, Tk] for queries at positions past..past+Tq−1 over keys 0..Tk−1: 0 where the key
 * is not in the future, −1e9 where it is (exp underflows to exactly 0, so a cached and an uncached run agree).
 * `past` and `tk` are int64 scalars computed from tensor shapes.
 */
export function causalMask(net: Net, past: string, tq: string, tk: string): string {
  const { g } = net;
  const zero = g.constI([0], []);
  const one = g.constI([1], []);
  const rows = g.op('Unsqueeze', [g.op('Add', [g.op('Range', [zero, tq, one]), past]), g.constI([1])]);
  const cols = g.op('Unsqueeze', [g.op('Range', [zero, tk, one]), g.constI([0])]);
  return g.op('Where', [g.op('Greater', [cols, rows]), g.constF([-1e9], []), g.constF([0], [])]);
}

/** Size of `axis` of tensor `x` as an int64 scalar. */
export function dimOf(net: Net, x: string, axis: number): string {
  const { g } = net;
  return g.op('Squeeze', [g.op('Shape', [x], { start: axis, end: axis + 1 }), g.constI([0])]);
}
