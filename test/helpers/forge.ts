import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/**
 * A decompression bomb without the memory: a real 1×1 PNG whose header claims `width`×`height`.
 * Header readers see the claimed size; anything that decodes it would allocate width·height pixels.
 */
export async function forgedPng(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await sharp({ create: { width: 1, height: 1, channels: 3, background: 'white' } }).png().toBuffer());
  // signature (8) | IHDR length (4) | "IHDR" (4) | width (4) | height (4) | 5 more bytes | CRC (4)
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

/**
 * A JPEG bomb as libjpeg lets it through: a real 16×16 baseline JPEG, complete with its scan data and
 * end marker, whose frame header (SOF0) claims `width`×`height`. The decoder runs out of scan data
 * after the first blocks, only warns ("premature end of data segment") and fills the rest with grey,
 * so a 265-byte file became a 30000×3333 page.
 */
export async function forgedJpeg(width: number, height: number): Promise<Buffer> {
  const jpeg = Buffer.from(await sharp({ create: { width: 16, height: 16, channels: 3, background: '#808080' } }).jpeg({ quality: 90 }).toBuffer());
  // SOF0: FF C0 | length (2) | precision (1) | height (2) | width (2) | …
  const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
  jpeg.writeUInt16BE(height, sof + 5);
  jpeg.writeUInt16BE(width, sof + 7);
  return jpeg;
}
