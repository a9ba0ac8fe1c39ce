import { dilate, type Net } from './nn.ts';

/**
 * Coarse YOLO block boxes from the line cores, so that block assembly (kha-white/comic-text-detector
 * utils/textblock.py `group_output`) sees what it sees with the real model: `ja` blocks (vertical when taller than wide, right-to-left reading order) that own their lines.
 * With no boxes at all every line would become an `unknown` stray block, judged vertical only when more than
 * twice as tall as wide, and pages would sort left-to-right.
 *
 * A "cluster" is the cores dilated so the columns of one balloon merge. Each cell of the stride-32 grid
 * looks at a 256-px window around it and takes the bounding box of the cluster pixels inside; the box is
 * only trusted (obj > 0.4) when no cluster pixel comes near the window border, i.e. the window holds whole
 * clusters. Several cells then propose the same box (NMS removes the copies); smaller boxes score higher,
 * so a single cluster beats the union of two.
 */
export const TINY_BLOCKS = {
  /** Merges columns of one balloon (gaps ≤ ~10 px) and a column's detached glyph parts (working-map px). */
  clusterW: 13,
  clusterH: 9,
  /** Cluster box → text box: undo the cluster dilation, re-add the line-core shrink plus a margin. */
  shrinkX: 5,
  shrinkY: 1,
  /** Cluster pixels this close to the window border mean the cluster may continue outside. */
  borderMargin: 2,
} as const;

const GRID = 32; // stride-32 level: 32×32 cells, the last 3·32² rows of `blk`
const STRIDE = 32;
const WINDOW = 256;
const CELL = 8; // input px; window extents are pooled on this grid first, to keep the big pooling cheap
const ROWS_BEFORE = 3 * (128 * 128 + 64 * 64); // strides 8 and 16: never any box
const ROWS_AFTER = 2 * GRID * GRID; // anchors 1 and 2 of stride 32

/** `core` is the line-core map at 1/`scale` of the input resolution. */
export function tinyBlockRows(net: Net, core: string, scale: number): string {
  const { g } = net;
  const p = TINY_BLOCKS;
  const on = g.op('Cast', [g.op('Greater', [core, g.constF([0.5])])], { to: 1 });
  const cluster = dilate(net, on, p.clusterH, p.clusterW);

  // Max-pooling cluster·(x+1) gives xmax+1 and cluster·(1024−x) gives 1024−xmin (0 where empty).
  const n = 1024 / scale;
  // Map pixel i covers input px [i·scale, (i+1)·scale): store xmax+1 and 1024−xmin of that span.
  const ramp = g.constF(Array.from({ length: n }, (_, i) => (i + 1) * scale));
  const down = g.constF(Array.from({ length: n }, (_, i) => 1024 - i * scale));
  const along = (v: string, axis: 'x' | 'y') => g.op('Reshape', [v, g.constI(axis === 'x' ? [1, 1, 1, n] : [1, 1, n, 1])]);
  const coords = [along(ramp, 'x'), along(down, 'x'), along(ramp, 'y'), along(down, 'y')];
  const stacked = g.op('Concat', coords.map((c) => g.op('Mul', [cluster, c])), { axis: 1 });
  const cells = g.op('MaxPool', [stacked], { kernel_shape: [CELL / scale, CELL / scale], strides: [CELL / scale, CELL / scale] });
  const reach = (WINDOW / 2 - STRIDE / 2) / CELL; // window starts this many cells before the grid cell
  const win = WINDOW / CELL;
  const endPad = (GRID - 1) * (STRIDE / CELL) - reach + win - 1024 / CELL;
  const ext = g.op('MaxPool', [cells], { kernel_shape: [win, win], strides: [STRIDE / CELL, STRIDE / CELL], pads: [reach, reach, endPad, endPad] });
  const [xA, xB, yA, yB] = g.opN('Split', [ext], 4, { axis: 1 });
  const xmax = g.op('Sub', [xA, g.constF([1])]);
  const xmin = g.op('Sub', [g.constF([1024]), xB]);
  const ymax = g.op('Sub', [yA, g.constF([1])]);
  const ymin = g.op('Sub', [g.constF([1024]), yB]);

  const starts = Array.from({ length: GRID }, (_, i) => i * STRIDE + STRIDE / 2 - WINDOW / 2);
  const lo = starts.map((s) => s + p.borderMargin);
  const hi = starts.map((s) => s + WINDOW - 1 - p.borderMargin);
  const gt = (a: string, b: string) => g.op('Greater', [a, b]);
  const inside = [
    gt(xmin, g.constF(lo, [1, 1, 1, GRID])),
    gt(g.constF(hi, [1, 1, 1, GRID]), xmax),
    gt(ymin, g.constF(lo, [1, 1, GRID, 1])),
    gt(g.constF(hi, [1, 1, GRID, 1]), ymax),
    g.op('Not', [gt(xmin, xmax)]),
  ].reduce((a, b) => g.op('And', [a, b]));
  const valid = g.op('Cast', [inside], { to: 1 });

  const x1 = g.op('Add', [xmin, g.constF([p.shrinkX])]);
  const x2 = g.op('Sub', [xmax, g.constF([p.shrinkX - 1])]);
  const y1 = g.op('Add', [ymin, g.constF([p.shrinkY])]);
  const y2 = g.op('Sub', [ymax, g.constF([p.shrinkY - 1])]);
  const w = g.op('Sub', [x2, x1]);
  const h = g.op('Sub', [y2, y1]);
  const half = (a: string, b: string) => g.op('Mul', [g.op('Add', [a, b]), g.constF([0.5])]);
  const area = g.op('Div', [g.op('Mul', [w, h]), g.constF([WINDOW * WINDOW])]);
  const obj = g.op('Mul', [valid, g.op('Sub', [g.constF([0.95]), g.op('Mul', [area, g.constF([0.4])])])]);
  const everywhere = (v: number) => g.constF(new Array<number>(GRID * GRID).fill(v), [1, 1, GRID, GRID]);
  const [clsEng, clsJa] = [everywhere(0.01), everywhere(0.99)];

  const fields = [half(x1, x2), half(y1, y2), w, h, obj, clsEng, clsJa];
  const grid = g.op('Concat', fields, { axis: 1 }); // [1,7,32,32]
  const rows = g.op('Transpose', [g.op('Reshape', [grid, g.constI([1, 7, GRID * GRID])])], { perm: [0, 2, 1] });
  const zeros = (n: number) => g.op('ConstantOfShape', [g.constI([1, n, 7])]);
  return g.op('Concat', [zeros(ROWS_BEFORE), rows, zeros(ROWS_AFTER)], { axis: 1 });
}
