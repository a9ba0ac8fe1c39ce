import { describe, expect, it } from 'vitest';
import { blankPage } from '../../test/helpers/pages.ts';
import { decodePageBytes } from './decode-page.ts';

const limits = { maxPageBytes: 1e7, maxPagePixels: 1e8, maxPageSide: 1e5 };

describe('decodePageBytes (pages from archives and URLs)', () => {
  it('decodes bytes and makes the given name safe', async () => {
    const bytes = Buffer.from(await blankPage(5, 4), 'base64');
    const page = await decodePageBytes(bytes, '../vol/p1.png', 0, 'archive: entry "../vol/p1.png"', limits);
    expect(page).toMatchObject({ imgPath: 'vol/p1.png', format: 'png', bytes: bytes.length, image: { width: 5, height: 4, channels: 3 } });
    expect((await decodePageBytes(bytes, undefined, 2, 'images[2]', limits)).imgPath).toBe('0003.png');
  });

  it('names the page by its path in errors and checks the byte limit first', async () => {
    await expect(decodePageBytes(Buffer.from('hello'), 'x.jpg', 0, 'images[4].url', limits)).rejects.toMatchObject({
      code: 'IMAGE_DECODE',
      message: 'images[4].url: not a JPEG/PNG/WebP/AVIF/GIF image',
    });
    await expect(decodePageBytes(Buffer.alloc(200), 'x.jpg', 0, 'archive: entry "x.jpg"', { ...limits, maxPageBytes: 100 })).rejects.toMatchObject({
      code: 'PAGE_TOO_LARGE',
      message: 'archive: entry "x.jpg": page is larger than the limit of 100 bytes',
    });
  });
});
