import { createGraph } from './graph-builder.ts';
import { conv, type Net } from './nn.ts';
import { createPrng } from './prng.ts';
import { DETECTOR_IO, declareIo } from './model-io.ts';
import { c3, cbl, sppf, upsample2 } from './yolo-blocks.ts';
import { dbHead, unetHead } from './detector-real-heads.ts';

// YOLOv5s v6.0 anchors (P3/8, P4/16, P5/32), as in comic-text-detector's yolov5 config.
const ANCHORS = [[10, 13, 16, 30, 33, 23], [30, 61, 62, 45, 59, 119], [116, 90, 156, 198, 373, 326]];
const STRIDES = [8, 16, 32];
const OUTPUTS = 5 + 2; // box, objectness, classes eng/ja

/**
 * Benchmark stand-in with the published detector's architecture and cost (kha-white/comic-text-detector
 * basemodel.py `TextDetBase`): YOLOv5s (depth 0.33, width 0.5, leaky) whose backbone features also feed a
 * U-Net mask head and a DBNet head.
 * Random weights: the outputs have the right shapes and ranges but mean nothing.
 */
export function buildRealDetector(): Uint8Array {
  const g = createGraph('comic-text-detector-benchmark');
  const net: Net = { g, rng: createPrng(31) };
  const images = declareIo(g, DETECTOR_IO).inputs[0];

  const f0 = cbl(net, images, 3, 32, 6, 2, 2); // 512²
  const f1 = cbl(net, f0, 32, 64, 3, 2); // 256²
  const f2 = c3(net, f1, 64, 64, 1);
  const f3 = cbl(net, f2, 64, 128, 3, 2); // 128²
  const f4 = c3(net, f3, 128, 128, 2);
  const f5 = cbl(net, f4, 128, 256, 3, 2); // 64²
  const f6 = c3(net, f5, 256, 256, 3);
  const f7 = cbl(net, f6, 256, 512, 3, 2); // 32²
  const f8 = c3(net, f7, 512, 512, 1);
  const f9 = sppf(net, f8, 512, 512);

  const h10 = cbl(net, f9, 512, 256, 1);
  const h13 = c3(net, g.op('Concat', [upsample2(net, h10), f6], { axis: 1 }), 512, 256, 1, false);
  const h14 = cbl(net, h13, 256, 128, 1);
  const p3 = c3(net, g.op('Concat', [upsample2(net, h14), f4], { axis: 1 }), 256, 128, 1, false);
  const p4 = c3(net, g.op('Concat', [cbl(net, p3, 128, 128, 3, 2), h14], { axis: 1 }), 256, 256, 1, false);
  const p5 = c3(net, g.op('Concat', [cbl(net, p4, 256, 256, 3, 2), h10], { axis: 1 }), 512, 512, 1, false);

  const rows = [p3, p4, p5].map((p, level) => detect(net, p, [128, 256, 512][level], level));
  const blk = g.op('Concat', rows, { axis: 1 });

  // The heads read the backbone at strides 4, 8, 16, 32 and the SPPF output (layers 1, 3, 5, 7, 9 in
  // kha-white/comic-text-detector basemodel.py).
  const { seg, features } = unetHead(net, [f1, f3, f5, f7, f9]);
  g.output('blk', 'float32', DETECTOR_IO.outputs[0].dims, blk);
  g.output('seg', 'float32', DETECTOR_IO.outputs[1].dims, seg);
  g.output('det', 'float32', DETECTOR_IO.outputs[2].dims, dbHead(net, features));
  return g.encode();
}

/** YOLOv5 `Detect` at inference: sigmoid, then xy = (2σ − 0.5 + grid)·stride, wh = (2σ)²·anchor. */
function detect(net: Net, p: string, channels: number, level: number): string {
  const { g } = net;
  const n = 1024 / STRIDES[level];
  const raw = conv(net, p, channels, 3 * OUTPUTS, { kernel: 1, gain: 0.5 });
  const y = g.op('Sigmoid', [g.op('Transpose', [g.op('Reshape', [raw, g.constI([1, 3, OUTPUTS, n, n])])], { perm: [0, 1, 3, 4, 2] })]);
  const [xy, wh, rest] = g.opN('Split', [y, g.constI([2, 2, OUTPUTS - 4])], 3, { axis: 4 });
  const grid = new Float32Array(n * n * 2);
  for (let i = 0; i < n * n; i++) grid.set([(i % n) - 0.5, Math.floor(i / n) - 0.5], 2 * i);
  const gridT = g.init('detect.grid', [1, 1, n, n, 2], grid);
  const anchors = g.init('detect.anchors', [1, 3, 1, 1, 2], Float32Array.from(ANCHORS[level]));
  const xyOut = g.op('Mul', [g.op('Add', [g.op('Mul', [xy, g.constF([2])]), gridT]), g.constF([STRIDES[level]])]);
  const wh2 = g.op('Mul', [wh, g.constF([2])]);
  const whOut = g.op('Mul', [g.op('Mul', [wh2, wh2]), anchors]);
  return g.op('Reshape', [g.op('Concat', [xyOut, whOut, rest], { axis: 4 }), g.constI([1, -1, OUTPUTS])]);
}
