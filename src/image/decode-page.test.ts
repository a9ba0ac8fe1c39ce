import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { forgedJpeg, forgedPng } from '../../test/helpers/forge.ts';
import { imageCases } from '../../test/helpers/image-cases.ts';
import { WorkerError } from '../errors.ts';
import { decodePage, pixelBudget } from './decode-page.ts';

const limits = { maxPageBytes: 1_000_000, maxPagePixels: 4_000_000, maxPageSide: 4000 };

async function image(width: number, height: number, format: 'png' | 'jpeg' | 'webp' | 'tiff', channels: 3 | 4 = 3) {
  const background = channels === 4 ? { r: 0, g: 0, b: 0, alpha: 0 } : { r: 10, g: 20, b: 30 };
  return (await sharp({ create: { width, height, channels, background } }).toFormat(format).toBuffer()).toString('base64');
}

async function rejection(p: Promise<unknown>): Promise<WorkerError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(WorkerError);
  return err as WorkerError;
}

describe('decodePage', () => {
  it('decodes PNG, JPEG and WebP to RGB with their true size and a numbered name', async () => {
    for (const [format, ext] of [['png', 'png'], ['jpeg', 'jpg'], ['webp', 'webp']] as const) {
      const page = await decodePage(await image(7, 5, format), 2, 'images[2]', limits);
      expect(page.image).toMatchObject({ width: 7, height: 5, channels: 3 });
      expect(page.image.data.length).toBe(7 * 5 * 3);
      expect(page.imgPath).toBe(`0003.${ext}`);
    }
  });

  it('reads every container and colour layout to 8-bit RGB with the right pixels', async () => {
    for (const c of await imageCases()) {
      if (c.meta) expect(await sharp(c.bytes).metadata(), c.name).toMatchObject(c.meta);
      const page = await decodePage(c.bytes.toString('base64'), 0, 'image', limits);
      expect([c.name, page.image.width, page.image.height, page.image.channels]).toEqual([c.name, c.width, c.height, 3]);
      const worst = Math.max(...page.image.data.map((v, i) => Math.abs(v - c.rgb[i % 3])));
      expect(worst, c.name).toBeLessThanOrEqual(c.tolerance);
    }
  });

  it('uses a given name, made safe', async () => {
    const page = await decodePage({ name: '../ch1/p01.png', data: await image(3, 3, 'png') }, 0, 'images[0]', limits);
    expect(page.imgPath).toBe('ch1/p01.png');
  });

  it('composites transparency onto white', async () => {
    const page = await decodePage(await image(2, 2, 'png', 4), 0, 'image', limits);
    expect([...page.image.data]).toEqual(new Array(12).fill(255));
  });

  it('names the field when the data is not an image', async () => {
    const err = await rejection(decodePage(Buffer.from('hello world').toString('base64'), 3, 'images[3]', limits));
    expect(err.code).toBe('IMAGE_DECODE');
    expect(err.message).toBe('images[3]: not a JPEG/PNG/WebP/AVIF/GIF image');
  });

  it('says when the text is not base64 at all, naming the data field of a named page', async () => {
    const err = await rejection(decodePage({ name: 'a.png', data: 'not base64!' }, 1, 'images[1]', limits));
    expect(err).toMatchObject({ code: 'IMAGE_DECODE', message: 'images[1].data: not valid base64 data' });
  });

  it('refuses formats a reader cannot show', async () => {
    const err = await rejection(decodePage(await image(3, 3, 'tiff'), 0, 'image', limits));
    expect(err.message).toBe('image: not a JPEG/PNG/WebP/AVIF/GIF image (found tiff)');
  });

  it('reports an image of any format cut inside its pixel data as corrupt', async () => {
    // (a cut that only drops trailing chunks, e.g. a PNG's IEND or a GIF's 2nd frame, still decodes in full)
    for (const c of await imageCases()) {
      for (const cut of c.name.startsWith('animated') ? [0.4] : [0.4, 0.6]) {
        const bytes = c.bytes.subarray(0, Math.floor(c.bytes.length * cut));
        const err = await rejection(decodePage(bytes.toString('base64'), 0, 'image', limits));
        expect([c.name, err.code]).toEqual([c.name, 'IMAGE_DECODE']);
        expect(err.message, c.name).toMatch(/^image: (the (jpeg|png|webp|gif|avif) image is corrupt or truncated|not a JPEG\/PNG\/WebP\/AVIF\/GIF image)$/);
      }
    }
    const full = Buffer.from(await image(64, 64, 'jpeg'), 'base64');
    const err = await rejection(decodePage(full.subarray(0, full.length >> 1).toString('base64'), 0, 'image', limits));
    expect(err).toMatchObject({ code: 'IMAGE_DECODE', message: 'image: the jpeg image is corrupt or truncated' });
  });

  it('checks bytes, pixels and sides before decoding', async () => {
    const big = await image(300, 300, 'png');
    expect(await rejection(decodePage(big, 0, 'image', { ...limits, maxPageBytes: 100 }))).toMatchObject({
      code: 'PAGE_TOO_LARGE',
      message: 'image: page is larger than the limit of 100 bytes',
    });
    expect(await rejection(decodePage(big, 0, 'image', { ...limits, maxPagePixels: 1000 }))).toMatchObject({
      code: 'TOO_MANY_PIXELS',
      message: 'image: 300×300 pixels is over the limit of 1000 pixels',
    });
    expect(await rejection(decodePage(big, 0, 'image', { ...limits, maxPageSide: 299 }))).toMatchObject({
      code: 'PAGE_SIDE_TOO_LONG',
      message: 'image: 300×300 has a side over the limit of 299 pixels',
    });
  });

  it('refuses decompression bombs from the header alone, before allocating their pixels', async () => {
    // 60000² claimed in a 69-byte file: 3.6 gigapixels, ~10 GB decoded
    const bomb = (await forgedPng(60_000, 60_000)).toString('base64');
    const before = process.memoryUsage().rss;
    const err = await rejection(decodePage(bomb, 4, 'images[4]', { ...limits, maxPagePixels: 100_000_000, maxPageSide: 100_000 }));
    expect(err).toMatchObject({ code: 'TOO_MANY_PIXELS', message: 'images[4]: 60000×60000 pixels is over the limit of 100000000 pixels' });
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
    const strip = await rejection(decodePage((await forgedPng(40_000, 10)).toString('base64'), 0, 'image', { ...limits, maxPageSide: 30_000 }));
    expect(strip).toMatchObject({ code: 'PAGE_SIDE_TOO_LONG', message: 'image: 40000×10 has a side over the limit of 30000 pixels' });
  });
});

/** Stored 3×2 pixels, each its own colour, so every EXIF transform is told apart. */
const STORED = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0], [0, 255, 255], [255, 0, 255]];
const W = 3;
const H = 2;
/** EXIF orientation → the stored pixel shown at display (x, y) (TIFF/EXIF 2.3, tag 0x0112). */
const SOURCE: Record<number, (x: number, y: number) => [number, number]> = {
  1: (x, y) => [x, y],
  2: (x, y) => [W - 1 - x, y], // mirrored
  3: (x, y) => [W - 1 - x, H - 1 - y], // rotated 180°
  4: (x, y) => [x, H - 1 - y], // flipped
  5: (x, y) => [y, x], // transposed
  6: (x, y) => [y, H - 1 - x], // rotated 90° clockwise
  7: (x, y) => [W - 1 - y, H - 1 - x], // transversed
  8: (x, y) => [W - 1 - y, x], // rotated 90° anticlockwise
};

describe('EXIF orientation', () => {
  it('applies each of orientations 1–8, so sizes and pixels are what a browser shows', async () => {
    const raw = Buffer.from(STORED.flat());
    for (const [orientation, source] of Object.entries(SOURCE)) {
      const o = Number(orientation);
      const bytes = await sharp(raw, { raw: { width: W, height: H, channels: 3 } }).png().withMetadata({ orientation: o }).toBuffer();
      expect((await sharp(bytes).metadata()).orientation).toBe(o);
      const page = await decodePage(bytes.toString('base64'), 0, 'image', limits);
      const [w, h] = o >= 5 ? [H, W] : [W, H];
      expect([o, page.image.width, page.image.height]).toEqual([o, w, h]);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const [sx, sy] = source(x, y);
          const at = (y * w + x) * 3;
          expect([o, x, y, ...page.image.data.subarray(at, at + 3)]).toEqual([o, x, y, ...STORED[sy * W + sx]]);
        }
      }
    }
  });

  it('applies orientation stored in a JPEG too', async () => {
    const rotated = await sharp({ create: { width: 6, height: 4, channels: 3, background: 'white' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const page = await decodePage(rotated.toString('base64'), 0, 'image', limits);
    expect([page.image.width, page.image.height]).toEqual([4, 6]);
  });
});

describe('JPEG scan data and the per-job pixel budget', () => {
  it('refuses a JPEG whose scan data ends before its claimed size, before it costs the memory', async () => {
    // 30000×3333 passes the default 100-megapixel limit; libjpeg only warns and paints the page grey
    const bomb = await forgedJpeg(30000, 3333);
    expect(bomb.length).toBeLessThan(400);
    const before = process.resourceUsage().maxRSS;
    const err = await rejection(decodePage(bomb.toString('base64'), 0, 'images[0]', { maxPageBytes: 1e6, maxPagePixels: 1e8, maxPageSide: 30000 }));
    expect([err.code, err.message, err.path]).toEqual(['IMAGE_DECODE', 'images[0]: the jpeg image\'s scan data ends before its 30000×3333 pixels', 'images[0]']);
    // a decoded page would be 300 MB of RGB alone (the grey page peaked at ~1.4 GB)
    expect(process.resourceUsage().maxRSS - before).toBeLessThan(100_000);
  });

  it('still reads a JPEG whose only fault is a harmless warning (extraneous bytes before a marker)', async () => {
    const jpeg = Buffer.from(await sharp({ create: { width: 24, height: 16, channels: 3, background: '#336699' } }).jpeg().toBuffer());
    const dqt = jpeg.indexOf(Buffer.from([0xff, 0xdb]));
    const warned = Buffer.concat([jpeg.subarray(0, dqt), Buffer.from([0x12, 0x34]), jpeg.subarray(dqt)]);
    await expect(sharp(warned, { failOn: 'warning' }).raw().toBuffer()).rejects.toThrow(/extraneous bytes/);
    const page = await decodePage(warned.toString('base64'), 0, 'image', limits);
    expect([page.image.width, page.image.height]).toEqual([24, 16]);
  });

  it('keeps to a per-job pixel budget, from the headers, before decoding', async () => {
    const budget = pixelBudget(25_000);
    const withBudget = { ...limits, budget };
    await decodePage(await image(100, 100, 'png'), 0, 'images[0]', withBudget);
    await decodePage(await image(100, 100, 'png'), 1, 'images[1]', withBudget);
    // forged: 2000×2000 claimed by a 1×1 PNG, so the budget is spent from the header, never by decoding
    const err = await rejection(decodePage((await forgedPng(2000, 2000)).toString('base64'), 2, 'images[2]', { ...limits, budget }));
    expect([err.code, err.message, err.path]).toEqual([
      'TOO_MANY_PIXELS',
      'images[2]: 2000×2000 pixels would bring the job to 4020000 pixels, over its budget of 25000 pixels (MAX_JOB_PIXELS)',
      'images[2]',
    ]);
    // a refused page spends nothing: a smaller one still fits
    await decodePage(await image(50, 50, 'png'), 3, 'images[3]', withBudget);
    expect(budget.used).toBe(22_500);
  });
});

