/**
 * Reference test: the refined masks comic-text-detector's own refine_mask and refine_undetected_mask
 * (as installed with mokuro 0.2.5, refine_mode=1, keep_undetected_mask=True) computed on three pages,
 * generated once by oracle/make_refine_mask_vectors.py into test/fixtures/refine-mask/. The port must
 * give the same bytes. Also NumPy's unstable argsort order on tie-heavy arrays.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { numpyArgsort } from './numpy-argsort.ts';
import { loadOpenCv } from './opencv.ts';
import { refineMask } from './refine-mask.ts';
import { refineUndetectedMask } from './refine-undetected-mask.ts';
import type { Box } from './types.ts';

const DIR = join(import.meta.dirname, '../../test/fixtures/refine-mask');

async function png(name: string, channels: 1 | 3): Promise<{ data: Uint8Array; width: number; height: number }> {
  const img = sharp(join(DIR, name));
  const { data, info } = await (channels === 1 ? img.greyscale() : img.removeAlpha()).raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(channels);
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

function differing(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

beforeAll(() => loadOpenCv());

describe('refineMask / refineUndetectedMask vs comic-text-detector', () => {
  for (const name of ['strokes', 'text', 'flat']) {
    it(`${name}: byte-identical refined masks`, async () => {
      const image = await png(`${name}-image.png`, 3);
      const page = { ...image, channels: 3 as const };
      const mask = (await png(`${name}-mask.png`, 1)).data;
      const boxes = (JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as { blocks: Box[] }).blocks;
      const expectedRefined = (await png(`${name}-refined.png`, 1)).data;
      const expectedFinal = (await png(`${name}-final.png`, 1)).data;

      const maskCopy = mask.slice();
      const refined = refineMask(page, mask, boxes);
      expect(differing(refined, expectedRefined)).toBe(0);
      const final = refineUndetectedMask(page, mask, refined, boxes);
      expect(differing(final, expectedFinal)).toBe(0);
      expect(differing(mask, maskCopy)).toBe(0); // the caller's raw mask is left alone
    });
  }
});

describe('numpyArgsort', () => {
  const cases = JSON.parse(readFileSync(join(DIR, 'argsort.json'), 'utf8')) as { values: number[]; argsort: number[] }[];
  it('gives numpy 1.24 np.argsort order, ties included', () => {
    for (const c of cases) expect(numpyArgsort(c.values)).toEqual(c.argsort);
  });
});
