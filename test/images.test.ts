import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProcessOutput } from '../src/contract/output.ts';
import type { Handler } from '../src/handler/create-handler.ts';
import { imageCases } from './helpers/image-cases.ts';
import { standInHandler } from './helpers/stand-in-handler.ts';

/** Odd images through the whole pipeline (decode → detector → crops → recogniser) on real sessions. */
let handler: Handler;
beforeAll(async () => {
  ({ handler } = await standInHandler());
});

/** Black ink on white, in sparse diagonal stripes, so the stand-in detector (which responds to ink) has work. */
async function inked(width: number, height: number): Promise<string> {
  const data = Buffer.alloc(width * height * 3, 255);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if ((x + y) % 29 < 2) data.fill(0, (y * width + x) * 3, (y * width + x) * 3 + 3);
  return (await sharp(data, { raw: { width, height, channels: 3 } }).png().toBuffer()).toString('base64');
}

describe('odd images through the real pipeline (stand-in models)', () => {
  it('reads every container and colour layout in one batch, each page at its true size', async () => {
    const cases = await imageCases();
    const out = ProcessOutput.parse(await handler({ input: { type: 'process_batch', images: cases.map((c) => c.bytes.toString('base64')) } }));
    expect(out.errors).toEqual([]);
    expect(out.mokuro.pages.map((p) => [p.img_width, p.img_height])).toEqual(cases.map((c) => [c.width, c.height]));
    expect(out.mokuro.pages.map((p) => p.img_path.split('.')[1])).toEqual(
      ['jpg', 'png', 'webp', 'avif', 'gif', 'png', 'jpg', 'png', 'png', 'png', 'jpg', 'png', 'webp', 'gif', 'webp', 'png'],
    );
  }, 60_000);

  it('survives 1×1, 1×5000 and 5000×1 pages with ink, and keeps their sizes', async () => {
    const sizes = [[1, 1], [1, 5000], [5000, 1], [2, 3000], [3000, 2], [40, 200]] as const;
    const t0 = performance.now();
    const out = ProcessOutput.parse(await handler({ input: { type: 'process_batch', images: await Promise.all(sizes.map(([w, h]) => inked(w, h))) } }));
    expect(out.errors).toEqual([]);
    expect(out.mokuro.pages.map((p) => [p.img_width, p.img_height])).toEqual(sizes);
    for (const p of out.mokuro.pages) {
      for (const b of p.blocks) {
        expect(b.box.every(Number.isFinite)).toBe(true);
        expect(b.lines).toHaveLength(b.lines_coords.length);
      }
    }
    // 1×5000 is not tiled (too narrow for a column), 40×200 is; none of this may take minutes
    expect(performance.now() - t0).toBeLessThan(30_000);
  }, 60_000);
});
