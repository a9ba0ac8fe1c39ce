import { float, type GraphBuilder } from './graph-builder.ts';
import type { Prng } from './prng.ts';

/** What every layer helper needs: the graph to add nodes to and the random source for its weights. */
export interface Net {
  g: GraphBuilder;
  rng: Prng;
}

/** Random weights with variance 1/fanIn keep activations at unit scale through random layers. */
export function weight(net: Net, hint: string, dims: readonly number[], fanIn: number, gain = 1): string {
  const n = dims.reduce((a, b) => a * b, 1);
  return net.g.init(hint, dims, net.rng.uniform(n, gain / Math.sqrt(fanIn)));
}

export function filled(net: Net, hint: string, dims: readonly number[], value: number): string {
  return net.g.init(hint, dims, new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(value));
}

/** x[..., inDim] → x[..., outDim] (MatMul + Add, the layout optimum exports for nn.Linear). */
export function linear(net: Net, x: string, inDim: number, outDim: number, opts: { gain?: number; bias?: boolean } = {}): string {
  const y = net.g.op('MatMul', [x, weight(net, 'linear.weight', [inDim, outDim], inDim, opts.gain)]);
  if (opts.bias === false) return y;
  return net.g.op('Add', [y, weight(net, 'linear.bias', [outDim], 1, 0.02)]);
}

export function layerNorm(net: Net, x: string, dim: number, eps: number): string {
  const scale = filled(net, 'ln.weight', [dim], 1);
  const bias = filled(net, 'ln.bias', [dim], 0);
  return net.g.op('LayerNormalization', [x, scale, bias], { axis: -1, epsilon: float(eps) });
}

/** Exact (erf) GELU as BERT and ViT use it; onnxruntime fuses this pattern into one Gelu kernel. */
export function gelu(net: Net, x: string): string {
  const { g } = net;
  const erf = g.op('Erf', [g.op('Div', [x, g.constF([Math.SQRT2])])]);
  return g.op('Mul', [g.op('Mul', [x, g.constF([0.5])]), g.op('Add', [erf, g.constF([1])])]);
}

export interface ConvOptions {
  kernel: number;
  stride?: number;
  pad?: number;
  /** Defaults to a bias, as a Conv with a folded BatchNorm has. */
  bias?: boolean;
  gain?: number;
}

export function conv(net: Net, x: string, cin: number, cout: number, o: ConvOptions): string {
  const k = o.kernel;
  const pad = o.pad ?? Math.floor(k / 2);
  const w = weight(net, 'conv.weight', [cout, cin, k, k], cin * k * k, o.gain ?? Math.SQRT2);
  const ins = o.bias === false ? [x, w] : [x, w, weight(net, 'conv.bias', [cout], 1, 0.02)];
  return net.g.op('Conv', ins, { kernel_shape: [k, k], strides: [o.stride ?? 1, o.stride ?? 1], pads: [pad, pad, pad, pad] });
}

/** Transposed conv that multiplies the spatial size by `stride` (kernel = 2·stride, pad = stride/2, as in U-Nets). */
export function upConv(net: Net, x: string, cin: number, cout: number, kernel: number, stride: number, pad: number): string {
  const w = weight(net, 'deconv.weight', [cin, cout, kernel, kernel], cin, Math.SQRT2);
  const b = weight(net, 'deconv.bias', [cout], 1, 0.02);
  return net.g.op('ConvTranspose', [x, w, b], { kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [pad, pad, pad, pad] });
}

/** Grey-level dilation over a kh×kw window (same-size output); split into two 1-D passes since max is separable. */
export function dilate(net: Net, x: string, kh: number, kw: number): string {
  if (kh > 1 && kw > 1) return dilate(net, dilate(net, x, kh, 1), 1, kw);
  const [t, l] = [Math.floor((kh - 1) / 2), Math.floor((kw - 1) / 2)];
  // ONNX MaxPool ignores padded cells, so borders behave as if the image simply ended there.
  return net.g.op('MaxPool', [x], { kernel_shape: [kh, kw], pads: [t, l, kh - 1 - t, kw - 1 - l] });
}

/** Grey-level erosion as the dual of dilation. */
export function erode(net: Net, x: string, kh: number, kw: number): string {
  const { g } = net;
  return g.op('Neg', [dilate(net, g.op('Neg', [x]), kh, kw)]);
}

/** Steep logistic step: ≈0 below `at`, ≈1 above it. */
export function step(net: Net, x: string, at: number, slope: number): string {
  const { g } = net;
  return g.op('Sigmoid', [g.op('Mul', [g.op('Sub', [x, g.constF([at])]), g.constF([slope])])]);
}
