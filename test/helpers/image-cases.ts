import sharp, { type Color, type Metadata } from 'sharp';

/**
 * Pages in every colour layout and container a client may send, built with sharp so the tests need
 * no binary fixtures. Each decodes to a known RGB colour, so tests can check pixels, not only sizes.
 */
export interface ImageCase {
  name: string;
  bytes: Buffer;
  width: number;
  height: number;
  /** the RGB every pixel should decode to (±tolerance for lossy formats) */
  rgb: [number, number, number];
  tolerance: number;
  /** what sharp's header reader must see, proving the case really has that layout */
  meta?: Partial<Metadata>;
}

const solid = (width: number, height: number, background: Color, channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background } });

/** Two frames, red then blue: decoding must keep the first. */
async function animated(format: 'gif' | 'webp'): Promise<Buffer> {
  const frame = (r: number, b: number) => solid(8, 6, { r, g: 0, b }).png().toBuffer();
  return sharp([await frame(255, 0), await frame(0, 255)], { join: { animated: true } })
    .toFormat(format, format === 'webp' ? { lossless: true } : {})
    .toBuffer();
}

export async function imageCases(): Promise<ImageCase[]> {
  const grey = { r: 128, g: 128, b: 128 };
  const red = { r: 255, g: 0, b: 0 };
  const c = (name: string, bytes: Buffer, rgb: [number, number, number], tolerance = 0, meta?: Partial<Metadata>, width = 8, height = 6): ImageCase =>
    ({ name, bytes, width, height, rgb, tolerance, meta });
  return [
    c('jpeg', await solid(8, 6, red).jpeg({ quality: 95 }).toBuffer(), [255, 0, 0], 6),
    c('png', await solid(8, 6, red).png().toBuffer(), [255, 0, 0]),
    c('webp', await solid(8, 6, red).webp({ lossless: true }).toBuffer(), [255, 0, 0]),
    c('avif', await solid(8, 6, red).avif({ lossless: true }).toBuffer(), [255, 0, 0], 3),
    c('gif', await solid(8, 6, red).gif().toBuffer(), [255, 0, 0]),
    c('grayscale png', await solid(8, 6, grey).toColourspace('b-w').png().toBuffer(), [128, 128, 128], 0, { channels: 1 }),
    c('grayscale jpeg', await solid(8, 6, grey).toColourspace('b-w').jpeg({ quality: 95 }).toBuffer(), [128, 128, 128], 3, { channels: 1 }),
    c('grayscale + alpha png', await solid(8, 6, { r: 0, g: 0, b: 0, alpha: 0 }, 4).toColourspace('b-w').png().toBuffer(), [255, 255, 255], 0, { channels: 2, hasAlpha: true }),
    c('palette png', await solid(8, 6, red).png({ palette: true }).toBuffer(), [255, 0, 0], 0, { isPalette: true }),
    c('16-bit png', await solid(8, 6, red).toColourspace('rgb16').png().toBuffer(), [255, 0, 0], 0, { depth: 'ushort' }),
    c('cmyk jpeg', await solid(8, 6, red).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer(), [255, 0, 0], 40, { space: 'cmyk', channels: 4 }),
    c('transparent png', await solid(8, 6, { r: 0, g: 0, b: 0, alpha: 0 }, 4).png().toBuffer(), [255, 255, 255], 0, { hasAlpha: true }),
    c('half-transparent webp', await solid(8, 6, { r: 0, g: 0, b: 0, alpha: 0.5 }, 4).webp({ lossless: true }).toBuffer(), [128, 128, 128], 1, { hasAlpha: true }),
    c('animated gif (first frame)', await animated('gif'), [255, 0, 0], 0, { pages: 2 }),
    c('animated webp (first frame)', await animated('webp'), [255, 0, 0], 0, { pages: 2 }),
    c('1×1 png', await solid(1, 1, red).png().toBuffer(), [255, 0, 0], 0, {}, 1, 1),
  ];
}
