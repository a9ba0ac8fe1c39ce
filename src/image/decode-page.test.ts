import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { WorkerError } from '../errors.ts';
import { decodePage } from './decode-page.ts';

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

  it('uses a given name, made safe', async () => {
    const page = await decodePage({ name: '../ch1/p01.png', data: await image(3, 3, 'png') }, 0, 'images[0]', limits);
    expect(page.imgPath).toBe('ch1/p01.png');
  });

  it('composites transparency onto white', async () => {
    const page = await decodePage(await image(2, 2, 'png', 4), 0, 'image', limits);
    expect([...page.image.data]).toEqual(new Array(12).fill(255));
  });

  it('applies EXIF orientation so coordinates match what a browser shows', async () => {
    const rotated = await sharp({ create: { width: 6, height: 4, channels: 3, background: 'white' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const page = await decodePage(rotated.toString('base64'), 0, 'image', limits);
    expect([page.image.width, page.image.height]).toEqual([4, 6]);
  });

  it('names the field when the data is not an image', async () => {
    const err = await rejection(decodePage(Buffer.from('hello world').toString('base64'), 3, 'images[3]', limits));
    expect(err.code).toBe('IMAGE_DECODE');
    expect(err.message).toBe('images[3]: not a JPEG/PNG/WebP/AVIF/GIF image');
  });

  it('refuses formats a reader cannot show', async () => {
    const err = await rejection(decodePage(await image(3, 3, 'tiff'), 0, 'image', limits));
    expect(err.message).toBe('image: not a JPEG/PNG/WebP/AVIF/GIF image (found tiff)');
  });

  it('reports a truncated image as corrupt', async () => {
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
      code: 'PAGE_TOO_LARGE',
      message: 'image: 300×300 pixels is over the limit of 1000 pixels',
    });
    expect(await rejection(decodePage(big, 0, 'image', { ...limits, maxPageSide: 299 }))).toMatchObject({
      code: 'PAGE_TOO_LARGE',
      message: 'image: 300×300 has a side over the limit of 299 pixels',
    });
  });
});
