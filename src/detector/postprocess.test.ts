/**
 * Hand-built outputs through the whole post-processing. Expected values are worked out by hand from
 * kha-white/comic-text-detector (inference.py `postprocess_yolo`, utils/db_utils.py,
 * utils/textblock.py) in the comments; the DB unclip of a filled rectangle of pixels x1..x2, y1..y2
 * grows it by e = round(d), d = 1.5·w·h / (2(w+h)) with w = x2−x1, h = y2−y1 (min-area rect through
 * pixel centres).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOpenCv, postprocess } from './postprocess.ts';
import { fakeOutputs } from '../../test/helpers/fake-outputs.ts';
import type { Letterbox, Quad } from './types.ts';

const quad = (x1: number, y1: number, x2: number, y2: number): Quad => [
  [x1, y1],
  [x2, y1],
  [x2, y2],
  [x1, y2],
];
/** 256×256 page fed at S = 256: every mapping is the identity. */
const ID: Letterbox = { W: 256, H: 256, dw: 0, dh: 0, r: 1 };

beforeAll(async () => {
  await loadOpenCv();
});

describe('postprocess: orientation and line order', () => {
  it('vertical ja block: lines read right to left, box = YOLO ∪ lines', () => {
    const o = fakeOutputs(256)
      .box([100, 50, 160, 170])
      .line(140, 60, 149, 159) // w 9, h 99: d = 1.5·891/216 = 6.19 → 6
      .line(115, 60, 124, 139); // w 9, h 79: d = 1.5·711/176 = 6.06 → 6
    const { blocks, mask } = postprocess(o, ID);
    expect(mask.length).toBe(256 * 256);
    // V = (0, 111 + 91), H = (21 + 21, 0) → vertical; font = round(42 / 2) = 21; angle 90 − 90 = 0
    // distances to x = 256: 256 − 144.5 = 111.5 (right line), 256 − 119.5 = 136.5 → right line first;
    // split: gap 25 ≤ 42, TL y equal → no split
    expect(blocks).toEqual([
      {
        box: [100, 50, 160, 170],
        vertical: true,
        font_size: 21,
        language: 'ja',
        angle: 0,
        lines: [quad(134, 54, 155, 165), quad(109, 54, 130, 145)],
      },
    ]);
  });

  it('horizontal ja block (caption)', () => {
    // w 179, h 19: d = 1.5·179·19 / (2·198) = 12.88 → 13
    const o = fakeOutputs(256).box([20, 200, 220, 240]).line(30, 210, 209, 229);
    const { blocks } = postprocess(o, ID);
    // v = (0, 45), h = (205, 0): horizontal, font = 45
    expect(blocks).toEqual([
      { box: [17, 197, 222, 242], vertical: false, font_size: 45, language: 'ja', angle: 0, lines: [quad(17, 197, 222, 242)] },
    ]);
  });

  it('English horizontal block: lines grow by max(int(0.1·font), 2) vertically, font too', () => {
    const o = fakeOutputs(256).box([20, 200, 220, 240], 'eng').line(30, 210, 209, 229);
    const { blocks } = postprocess(o, ID);
    // font 45 → e = max(4, 2) = 4; angle 0 → only y moves; the box is not refitted
    expect(blocks).toEqual([
      { box: [17, 197, 222, 242], vertical: false, font_size: 49, language: 'eng', angle: 0, lines: [quad(17, 193, 222, 246)] },
    ]);
  });
});

describe('postprocess: lines without a block, blocks without lines', () => {
  it('a stray line over ink becomes its own block; one without ink is dropped', () => {
    const o = fakeOutputs(256)
      .line(50, 20, 59, 119) // → [44,14]-[65,125]
      .ink(50, 20, 59, 119) // mask mean over the line box = 1000 / (21·111) = 0.43 ≥ 0.1
      .line(150, 20, 159, 119); // no ink under it → dropped
    const { blocks } = postprocess(o, ID);
    // 'unknown': vertical needs nv > 2·nh: 111 > 42 → vertical; font 21
    expect(blocks).toEqual([
      { box: [44, 14, 65, 125], vertical: true, font_size: 21, language: 'unknown', angle: 0, lines: [quad(44, 14, 65, 125)] },
    ]);
  });

  it('an empty YOLO block over ink gets its own rectangle as its one line; one without ink is dropped', () => {
    const o = fakeOutputs(256)
      .box([60, 60, 120, 180])
      .ink(70, 70, 109, 169) // 40·100 / (60·120) = 0.56 ≥ 0.1
      .box([150, 60, 200, 100]);
    const { blocks } = postprocess(o, ID);
    // one line 60 wide, 120 tall: ja → vertical, font 60
    expect(blocks).toEqual([
      { box: [60, 60, 120, 180], vertical: true, font_size: 60, language: 'ja', angle: 0, lines: [quad(60, 60, 120, 180)] },
    ]);
  });

  it('an empty YOLO block reaching past the top-left is kept: Python slicing mask[-10:40, -20:30] is empty → NaN', () => {
    const o = fakeOutputs(256).box([-20, -10, 30, 40]);
    const { blocks } = postprocess(o, ID);
    expect(blocks).toHaveLength(1);
    expect(blocks[0].box).toEqual([-20, -10, 30, 40]);
    expect(blocks[0].lines).toEqual([quad(-20, -10, 30, 40)]);
  });
});

describe('postprocess: splitting and merging', () => {
  it('splits a ja block whose lines are far apart, right part first', () => {
    const o = fakeOutputs(256)
      .box([20, 20, 236, 120])
      .line(200, 30, 209, 109) // → [194,24]-[215,115]
      .line(40, 30, 49, 109); // → [34,24]-[55,115]
    const { blocks } = postprocess(o, ID);
    // font 21; distances 51.5 and 211.5: gap 160 > 2·21 → split; sub-boxes = line boxes
    expect(blocks.map((b) => [b.box, b.lines, b.vertical, b.font_size])).toEqual([
      [[194, 24, 215, 115], [quad(194, 24, 215, 115)], true, 21],
      [[34, 24, 55, 115], [quad(34, 24, 55, 115)], true, 21],
    ]);
  });

  it('splits a vertical block where a column starts more than a font size lower (TL-y rule)', () => {
    const o = fakeOutputs(256)
      .box([140, 20, 220, 230])
      .line(200, 30, 209, 109) // → [194,24]-[215,115]
      .line(175, 30, 184, 109) // → [169,24]-[190,115]
      .line(150, 140, 159, 219); // → [144,134]-[165,225]
    const { blocks } = postprocess(o, ID);
    // font 21, distances 51.5, 76.5, 101.5 (gaps 25 ≤ 42). Pair 1: one line so far, gap 25 > 21 → TL-y
    // |24 − 24| ≤ 21 → join. Pair 2: two lines so far → |24 − 134| = 110 > 21 → split.
    expect(blocks.map((b) => [b.box, b.lines])).toEqual([
      [[169, 24, 215, 115], [quad(194, 24, 215, 115), quad(169, 24, 190, 115)]],
      [[144, 134, 165, 225], [quad(144, 134, 165, 225)]],
    ]);
  });

  it('merges nearby stray lines into one block and leaves a far one alone', () => {
    const o = fakeOutputs(256)
      .line(200, 30, 209, 129) // → [194,24]-[215,135], distance 51.5
      .line(175, 30, 184, 129) // → [169,24]-[190,135], distance 76.5
      .line(20, 150, 29, 249) // → [14,144]-[35,255], distance 231.5
      .ink(0, 0, 255, 255);
    const { blocks } = postprocess(o, ID);
    // 1+2: same font (21), parallel, Δdistance 25 ≤ 42, TL gap 25 ≤ 52.5 → merged, font (21+21)/2;
    // 3: Δdistance 231.5 − 76.5 = 155 > 42 → alone. Not flipped (no ja), merged block sits higher.
    expect(blocks).toEqual([
      {
        box: [169, 24, 215, 135],
        vertical: true,
        font_size: 21,
        language: 'unknown',
        angle: 0,
        lines: [quad(194, 24, 215, 135), quad(169, 24, 190, 135)],
      },
      { box: [14, 144, 35, 255], vertical: true, font_size: 21, language: 'unknown', angle: 0, lines: [quad(14, 144, 35, 255)] },
    ]);
  });
});

describe('postprocess: reading order', () => {
  it('reads ja blocks in the same grid row right to left', () => {
    const o = fakeOutputs(256).box([20, 20, 80, 120]).box([170, 20, 230, 120]).ink(0, 0, 255, 255);
    const { blocks } = postprocess(o, ID);
    // flipped cx: left 256 − 50 = 206 → gx 2; right 256 − 200 = 56 → gx 0; same gy 1
    expect(blocks.map((b) => b.box)).toEqual([
      [170, 20, 230, 120],
      [20, 20, 80, 120],
    ]);
  });

  it('reads a two-page spread right page first, then the left page', () => {
    // 512×256 page at S = 512: r = 1, dh = 256, mapping is the identity
    const lb: Letterbox = { W: 512, H: 256, dw: 0, dh: 256, r: 1 };
    const o = fakeOutputs(512)
      .box([280, 20, 340, 120]) // A: right page, top
      .box([170, 20, 230, 120]) // B: left page, top
      .box([400, 140, 460, 240]) // C: right page, bottom
      .ink(0, 0, 511, 255);
    const { blocks } = postprocess(o, lb);
    // Wc = 256, cx' = 512 − cx: A 202 → cell (gy 1, gx 2); C 82 → (2, 0); B 312 → gx 3 → + 12·area
    expect(blocks.map((b) => b.box)).toEqual([
      [280, 20, 340, 120],
      [400, 140, 460, 240],
      [170, 20, 230, 120],
    ]);
  });
});

describe('postprocess: letterbox padding and mapping', () => {
  it('tall page (padding on the right): ×2 mapping, mask cropped to the page', () => {
    // page 64×256 at S = 128: r = 0.5, new 32×128, dw = 96; x × 64/32 = 2, y × 256/128 = 2
    const lb: Letterbox = { W: 64, H: 256, dw: 96, dh: 0, r: 0.5 };
    const o = fakeOutputs(128)
      .box([4, 10, 24, 70]) // → page [8, 20, 48, 140]
      .line(10, 20, 14, 59) // w 4, h 39: d = 234 / 86 = 2.72 → 3 → [7,17]-[17,62] → page [14,34]-[34,124]
      .ink(4, 10, 23, 69)
      .ink(100, 0, 127, 127); // ink in the padding must not reach the page mask
    const { blocks, mask } = postprocess(o, lb);
    expect(blocks).toEqual([
      { box: [8, 20, 48, 140], vertical: true, font_size: 20, language: 'ja', angle: 0, lines: [quad(14, 34, 34, 124)] },
    ]);
    expect(mask.length).toBe(64 * 256);
    expect(mask[80 * 64 + 20]).toBe(255); // inside the ink (input 10, 40)
    expect(mask[80 * 64 + 63]).toBe(0); // right page edge: padding ink excluded
  });

  it('wide page (padding at the bottom): a horizontal stray line', () => {
    // page 256×64 at S = 128: r = 0.5, new 128×32, dh = 96; both axes × 2
    const lb: Letterbox = { W: 256, H: 64, dw: 0, dh: 96, r: 0.5 };
    const o = fakeOutputs(128)
      .line(10, 10, 69, 17) // w 59, h 7: d = 619.5 / 132 = 4.69 → 5 → [5,5]-[74,22] → page [10,10]-[148,44]
      .ink(10, 10, 69, 17);
    const { blocks, mask } = postprocess(o, lb);
    // v = (0, 34), h = (138, 0): horizontal, font 34
    expect(blocks).toEqual([
      { box: [10, 10, 148, 44], vertical: false, font_size: 34, language: 'unknown', angle: 0, lines: [quad(10, 10, 148, 44)] },
    ]);
    expect(mask.length).toBe(256 * 64);
  });
});

describe('postprocess: degenerate input never throws', () => {
  it('all-zero outputs give no blocks and an empty mask', () => {
    const { blocks, mask } = postprocess(fakeOutputs(256), ID);
    expect(blocks).toEqual([]);
    expect(mask.every((v) => v === 0)).toBe(true);
  });

  it('a one-pixel-thin DB line is skipped (min-area rect short side < 2)', () => {
    const o = fakeOutputs(256).line(100, 10, 100, 200).ink(0, 0, 255, 255);
    expect(postprocess(o, ID).blocks).toEqual([]);
  });

  it('a zero-width YOLO block (empty mask slice → NaN, kept) gives a zero-width line and font 0', () => {
    const o = fakeOutputs(256).box([50, 50, 50, 80]);
    const { blocks } = postprocess(o, ID);
    expect(blocks).toEqual([
      { box: [50, 50, 50, 80], vertical: true, font_size: 0, language: 'ja', angle: 0, lines: [quad(50, 50, 50, 80)] },
    ]);
  });

  it('NaN and saturated maps give nothing rather than garbage', () => {
    const o = fakeOutputs(256);
    o.seg.fill(NaN);
    o.det.fill(1);
    o.blk.fill(NaN);
    const { blocks, mask } = postprocess(o, ID);
    // NaN confidences pass no threshold (NumPy comparisons with NaN are False): no YOLO block, so the
    // page-wide line the saturated det map makes belongs to no block and is dropped; NaN seg → 0
    expect(blocks).toEqual([]);
    expect(mask).toHaveLength(256 * 256);
    expect(mask.every((v) => v === 0)).toBe(true);
  });
});
