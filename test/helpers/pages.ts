import sharp from 'sharp';

/** A solid-colour page as base64, for tests that need real image bytes but no text. */
export async function blankPage(width: number, height: number, format: 'png' | 'jpeg' = 'png'): Promise<string> {
  const img = sharp({ create: { width, height, channels: 3, background: 'white' } });
  return (await img.toFormat(format).toBuffer()).toString('base64');
}

/** Bytes that claim to be a JPEG but stop after the header. */
export async function truncatedJpeg(): Promise<string> {
  const full = Buffer.from(await blankPage(64, 64, 'jpeg'), 'base64');
  return full.subarray(0, 20).toString('base64');
}
