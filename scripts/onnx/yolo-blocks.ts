import { float } from './graph-builder.ts';
import { conv, type Net } from './nn.ts';

/** YOLOv5 `Conv`: conv with BatchNorm folded into its bias, then LeakyReLU (comic-text-detector uses act='leaky'). */
export function cbl(net: Net, x: string, cin: number, cout: number, kernel: number, stride = 1, pad?: number): string {
  return net.g.op('LeakyRelu', [conv(net, x, cin, cout, { kernel, stride, pad })], { alpha: float(0.1) });
}

/** YOLOv5 `C3`: two 1×1 branches, `n` bottlenecks on one, concatenated and fused by a 1×1 conv. */
export function c3(net: Net, x: string, cin: number, cout: number, n: number, shortcut = true): string {
  const { g } = net;
  const mid = cout / 2;
  let a = cbl(net, x, cin, mid, 1);
  for (let i = 0; i < n; i++) {
    const y = cbl(net, cbl(net, a, mid, mid, 1), mid, mid, 3);
    a = shortcut ? g.op('Add', [a, y]) : y;
  }
  const b = cbl(net, x, cin, mid, 1);
  return cbl(net, g.op('Concat', [a, b], { axis: 1 }), 2 * mid, cout, 1);
}

/** YOLOv5 `SPPF`: three chained 5×5 max-pools, concatenated. */
export function sppf(net: Net, x: string, cin: number, cout: number): string {
  const { g } = net;
  const mid = cin / 2;
  const pool = (v: string) => g.op('MaxPool', [v], { kernel_shape: [5, 5], pads: [2, 2, 2, 2] });
  const a = cbl(net, x, cin, mid, 1);
  const p1 = pool(a);
  const p2 = pool(p1);
  return cbl(net, g.op('Concat', [a, p1, p2, pool(p2)], { axis: 1 }), 4 * mid, cout, 1);
}

export const upsample2 = (net: Net, x: string): string =>
  net.g.op('Resize', [x, '', net.g.constF([1, 1, 2, 2])], { mode: 'nearest' });
