import { readFileSync } from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyModelsDir } from '../scripts/onnx/stand-in-fixture.ts';
import { createDetector, type Detector, type PageDetection } from '../src/detector/detect-page.ts';
import { createDetectorRun } from '../src/detector/detector-session.ts';
import { renderPage } from './helpers/render-page.ts';
import type { Box } from '../src/detector/types.ts';
import { SYNTHETIC_PAGES } from './helpers/fixtures.ts';

/**
 * Detection end to end on rendered manga pages (one drawn here, six from test/fixtures/synthetic-pages with
 * ground truth): the generated detector's outputs respond to the page's ink (nothing is scripted),
 * and our comic-text-detector post-processing must turn them into blocks where the text was drawn,
 * vertical, in right-to-left reading order.
 */
const PAGES = SYNTHETIC_PAGES;
interface TruthBlock { order: number; vertical: boolean; box: Box; lines_box: Box[] }
const truth = JSON.parse(readFileSync(path.join(PAGES, 'truth.json'), 'utf8')) as {
  pages: { img_path: string; blocks: TruthBlock[] }[];
};

const centreIn = (d: Box, t: Box, margin: number) => {
  const cx = (d[0] + d[2]) / 2;
  const cy = (d[1] + d[3]) / 2;
  return cx >= t[0] - margin && cx <= t[2] + margin && cy >= t[1] - margin && cy <= t[3] + margin;
};

let detector: Detector;
beforeAll(async () => {
  const session = await ort.InferenceSession.create(path.join(tinyModelsDir(), 'comictextdetector.pt.onnx'), { intraOpNumThreads: 2 });
  detector = createDetector(createDetectorRun(session));
});

const decode = async (png: Buffer | string) => {
  const { data, info } = await sharp(png).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 as const };
};

/**
 * The blocks found for each drawn balloon (vertical, centred on it, a line quad on every column), no
 * vertical block where nothing was drawn above `textBottom`, and Mokuro's reading order
 * (kha-white/comic-text-detector utils/textblock.py `sort_textblk_list`): 4 row bands, upper bands
 * first, inside a band right to left.
 */
function expectBalloons(found: PageDetection, balloons: TruthBlock[], pageHeight: number, textBottom: number) {
  const margin = 20;
  const firstOf = balloons.map((t) => {
    const mine = found.blocks.map((d, i) => ({ d, i })).filter(({ d }) => centreIn(d.box, t.box, margin));
    expect(mine.length, `balloon ${t.order} at ${t.box.join(',')}`).toBeGreaterThan(0);
    expect(mine.every(({ d }) => d.vertical)).toBe(true);
    const quads = mine.flatMap(({ d }) => d.lines.map((q) => [q[0][0], q[0][1], q[2][0], q[2][1]] as Box));
    for (const line of t.lines_box) {
      expect(quads.some((q) => centreIn(q, line, 10)), `column ${line.join(',')} of balloon ${t.order}`).toBe(true);
    }
    return mine[0].i;
  });
  for (const d of found.blocks.filter((b) => b.vertical && b.box[3] < textBottom - margin)) {
    expect(balloons.some((t) => centreIn(d.box, t.box, margin)), `stray block at ${d.box.join(',')}`).toBe(true);
  }
  const band = (t: TruthBlock) => Math.floor(((t.box[1] + t.box[3]) / 2 / pageHeight) * 4);
  for (let a = 0; a < balloons.length; a++) {
    for (let b = 0; b < balloons.length; b++) {
      const [ta, tb] = [balloons[a], balloons[b]];
      const before = band(ta) < band(tb) || (band(ta) === band(tb) && ta.box[0] > tb.box[2]);
      if (before) expect(firstOf[a], `balloon ${ta.order} before ${tb.order}`).toBeLessThan(firstOf[b]);
    }
  }
  return firstOf;
}

describe('detector on rendered pages (ink-driven stand-in model)', () => {
  it('a page this test draws with a CJK font: blocks where the text is, vertical, right to left', async () => {
    const drawn = [
      { right: 1000, top: 250, size: 40, columns: ['猫が', '好きです'] },
      { right: 420, top: 300, size: 36, columns: ['行くぞ！'] },
      { right: 960, top: 900, size: 44, columns: ['今日は雨が', '降りそうだね'] },
      { right: 420, top: 1000, size: 38, columns: ['そんなこと', '言われても', '困るよ'] },
    ];
    const { png, boxes } = await renderPage(1200, 1700, drawn);
    const found = await detector.detect(await decode(png));
    const balloons: TruthBlock[] = boxes.map((box, order) => {
      const pitch = Math.round(drawn[order].size * 1.4);
      const lines_box = drawn[order].columns.map((c, k): Box => [box[2] - k * pitch - drawn[order].size, box[1], box[2] - k * pitch, box[1] + [...c].length * drawn[order].size]);
      return { order, vertical: true, box, lines_box };
    });
    const order = expectBalloons(found, balloons, 1700, 1700);
    // here manga order and Mokuro's bands agree: top right, top left, lower right, lower left
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  for (const page of truth.pages) {
    it(`${page.img_path}: every vertical balloon is found, vertical, in right-to-left reading order`, async () => {
      const image = await decode(path.join(PAGES, page.img_path));
      const found = await detector.detect(image);
      const balloons = page.blocks.filter((b) => b.vertical).sort((a, b) => a.order - b.order);
      const captionTop = page.blocks.find((b) => !b.vertical)!.box[1];
      expectBalloons(found, balloons, image.height, captionTop);
    });
  }
});
