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
