import { createGraph } from './graph-builder.ts';
import { dilate, erode, step, type Net } from './nn.ts';
import { createPrng } from './prng.ts';
import { DETECTOR_IO, declareIo } from './model-io.ts';
import { tinyBlockRows } from './detector-tiny-blocks.ts';

/**
 * Morphology sizes, in pixels of the half-resolution (512²) working map: 1 px here is 2 input pixels.
 * Tuned on test/fixtures/synthetic-pages letterboxed to 1024 (×0.60): glyphs 17–28 input px wide, gaps
 * between the columns of one balloon ≥ 6.6 input px, balloon outlines and panel borders 2–4 px thick.
 */
export const TINY_DETECTOR = {
  /** Ink regions that contain a (cell·cells)² square (≈56 input px) are art or letterbox padding. */
  solidCell: 4,
  solidCells: 7,
  /** Thin straight runs this long are panel borders or balloon sides, never glyph strokes. */
  ruleLength: 21,
  ruleWidth: 5,
  /**
   * Closing that fuses the glyphs of one column. Tall, because the gap between two columns is white all
   * the way down while the gaps inside glyphs are not; narrow, so it never bridges that gap.
   */
  closeH: 21,
  closeW: 3,
  /**
   * Closing also fills the wedge where two balloon outlines converge; text has ink all over its area, a
   * wedge only along its sides, so column pixels with too little ink within this window are not text.
   */
  densityWindow: 7,
  minDensity: 0.08,
  /** Erosion that shrinks a column DB-style (unclip grows it back to about the ink width) and drops thin curves. */
  shrinkH: 5,
  shrinkW: 5,
  /** Thin column parts (「…」, 「！」) count as text only this close above or below a column core. */
  thinReach: 25,
} as const;

const WORK = 512;

/**
 * Stand-in comic-text-detector that reacts to ink: black strokes on white paper become text lines (`det`
 * ch0), a text mask (`seg`) and one YOLO box per cluster of columns (`blk`, see detector-tiny-blocks.ts).
 * No weights: every output is a fixed function of the image, so detection geometry is testable. Tuned for
 * vertical Japanese; horizontal text comes out as per-word pieces.
 */
export function buildTinyDetector(): Uint8Array {
  const g = createGraph('comic-text-detector-stand-in');
  const net: Net = { g, rng: createPrng(1) };
  const images = declareIo(g, DETECTOR_IO).inputs[0];
  const p = TINY_DETECTOR;
  const pool = (x: string, op: string, k: number) => g.op(op, [x], { kernel_shape: [k, k], strides: [k, k] });
  const upsample = (x: string, k: number, mode: string) =>
    g.op('Resize', [x, '', g.constF([1, 1, k, k])], { mode, coordinate_transformation_mode: mode === 'nearest' ? 'asymmetric' : 'half_pixel' });
  const minus = (a: string, b: string) => g.op('Relu', [g.op('Sub', [a, b])]);
  const open = (x: string, kh: number, kw: number) => dilate(net, erode(net, x, kh, kw), kh, kw);

  // Channel order (BGR vs RGB, kha-white/comic-text-detector inference.py `preprocess_img`) does not matter: ink is the channel mean.
  const ink1024 = g.op('Sub', [g.constF([1]), g.op('ReduceMean', [images], { axes: [1], keepdims: 1 })]);
  const ink = pool(ink1024, 'AveragePool', 1024 / WORK);

  const cells = g.op('Neg', [pool(g.op('Neg', [ink]), 'MaxPool', p.solidCell)]);
  const solid = dilate(net, upsample(open(cells, p.solidCells, p.solidCells), p.solidCell, 'nearest'), p.solidCell + 1, p.solidCell + 1);
  const strokes = step(net, minus(ink, solid), 0.25, 20);
  // A rule is long one way and thin the other; a solid bar (what tests draw as text) is neither.
  const rule = (lh: number, lw: number, th: number, tw: number) => minus(open(strokes, lh, lw), open(strokes, th, tw));
  const rules = g.op('Max', [rule(1, p.ruleLength, p.ruleWidth, 1), rule(p.ruleLength, 1, 1, p.ruleWidth)]);
  const glyphs = minus(strokes, dilate(net, rules, 3, 3));

  const column = erode(net, dilate(net, glyphs, p.closeH, p.closeW), p.closeH, p.closeW);
  const k = p.densityWindow;
  const density = g.op('AveragePool', [glyphs], { kernel_shape: [k, k], pads: [k >> 1, k >> 1, k >> 1, k >> 1], count_include_pad: 0 });
  const wide = erode(net, g.op('Mul', [column, step(net, density, p.minDensity, 40)]), p.shrinkH, p.shrinkW);
  const wideCore = dilate(net, wide, p.shrinkH, 1);
  const thin = open(minus(column, dilate(net, wide, p.shrinkH, p.shrinkW)), 3, 1);
  const core = g.op('Max', [wideCore, g.op('Mul', [thin, dilate(net, wide, p.thinReach, 1)])]);

  // seg: blurred glyphs through a logistic, ≈0.007 on blank paper so empty boxes stay below the 0.1 mask filter.
  const blur = g.op('AveragePool', [glyphs], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 0 });
  const seg = step(net, upsample(blur, 1024 / WORK, 'linear'), 0.2, 25);
  const det0 = step(net, upsample(core, 1024 / WORK, 'linear'), 0.5, 20);
  // ch1 (DB threshold map) is unused by inference; half the column is a plausible stand-in.
  const det1 = g.op('Mul', [upsample(column, 1024 / WORK, 'nearest'), g.constF([0.5])]);

  g.output('blk', 'float32', DETECTOR_IO.outputs[0].dims, tinyBlockRows(net, core, 1024 / WORK));
  g.output('seg', 'float32', DETECTOR_IO.outputs[1].dims, seg);
  g.output('det', 'float32', DETECTOR_IO.outputs[2].dims, g.op('Concat', [det0, det1], { axis: 1 }));
  return g.encode();
}
