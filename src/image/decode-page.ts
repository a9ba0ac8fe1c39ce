import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { WorkerError } from '../errors.ts';
import type { PageInput } from '../contract/input.ts';
import type { RawImage } from './raw-image.ts';
import { base64DecodedSize, decodeBase64 } from './base64.ts';
import { defaultPageName, pageNumberName, sanitisePageName } from './page-name.ts';
import { sniffFormat } from './sniff-format.ts';

export interface PageLimits {
  maxPageBytes: number;
  maxPagePixels: number;
  maxPageSide: number;
  /** the job's pixels together (MAX_JOB_PIXELS), spent page by page from the headers */
  budget?: PixelBudget;
}

/** What a job may still decode, in pixels; shared by its pages. */
export interface PixelBudget {
  readonly limit: number;
  used: number;
}

export const pixelBudget = (limit: number): PixelBudget => ({ limit, used: 0 });

/** libjpeg's warnings when the scan data stops short of the frame ("premature end of data segment"). */
const SCAN_DATA_ENDS = /premature end/i;


/** The page byte limit (MAX_PAGE_BYTES), for a page's bytes, inline or from an archive entry (a URL page's download is capped as it streams). */
export function checkPageBytes(bytes: number, limits: Pick<PageLimits, 'maxPageBytes'>, path: string): void {
  if (bytes > limits.maxPageBytes) {
    throw new WorkerError('PAGE_TOO_LARGE', `page is larger than the limit of ${limits.maxPageBytes} bytes`, { path });
  }
}

export interface DecodedPage {
  image: RawImage;
  imgPath: string;
  format: string;
  bytes: number;
}

/** Formats we accept (sharp's names); AVIF is reported by libvips as heif. */
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'heif', 'avif', 'gif']);
const FORMAT_LIST = 'JPEG/PNG/WebP/AVIF/GIF';

/** The name a page will have in the document, known before decoding (for error reports). */
export function pageNameHint(page: PageInput, index: number): string {
  const given = typeof page === 'string' ? undefined : page.name && sanitisePageName(page.name);
  return given ?? pageNumberName(index);
}

/**
 * One page from the job to raw 8-bit RGB, with every limit checked before the expensive step it
 * guards. `path` names the page in errors (`images[3]`).
 *
 * Deviations from Mokuro 0.2.5, chosen for what readers show: EXIF orientation is applied (browsers
 * display images upright, so coordinates must be in that frame), and alpha is composited onto white
 * (Mokuro drops it, which turns transparent areas black).
 */
export async function decodePage(page: PageInput, index: number, path: string, limits: PageLimits): Promise<DecodedPage> {
  const data = typeof page === 'string' ? page : page.data;
  const dataPath = typeof page === 'string' ? path : `${path}.data`;
  checkPageBytes(base64DecodedSize(data), limits, dataPath);
  const bytes = decodeBase64(data);
  if (!bytes) throw new WorkerError('IMAGE_DECODE', 'not valid base64 data', { path: dataPath });
  const name = typeof page === 'string' ? undefined : page.name;
  return decodePageBytes(bytes, name, index, dataPath, limits);
}

/**
 * The same for a page whose bytes came another way (an archive entry, a URL): `name` is the
 * client's or the entry's name (made safe here), `path` names the page in errors.
 */
export async function decodePageBytes(bytes: Buffer, name: string | undefined, index: number, path: string, limits: PageLimits): Promise<DecodedPage> {
  const dataPath = path;
  checkPageBytes(bytes.length, limits, dataPath);
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (cause) {
    const sniffed = sniffFormat(bytes);
    const why = sniffed ? `the ${sniffed} image is corrupt or truncated` : `not a ${FORMAT_LIST} image`;
    throw new WorkerError('IMAGE_DECODE', why, { path: dataPath, cause });
  }
  if (!meta.format || !ACCEPTED_FORMATS.has(meta.format)) {
    throw new WorkerError('IMAGE_DECODE', `not a ${FORMAT_LIST} image (found ${meta.format ?? 'unknown'})`, { path: dataPath });
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width * height > limits.maxPagePixels) {
    throw new WorkerError('TOO_MANY_PIXELS', `${width}×${height} pixels is over the limit of ${limits.maxPagePixels} pixels`, { path: dataPath });
  }
  if (Math.max(width, height) > limits.maxPageSide) {
    throw new WorkerError('PAGE_SIDE_TOO_LONG', `${width}×${height} has a side over the limit of ${limits.maxPageSide} pixels`, { path: dataPath });
  }
  const budget = limits.budget;
  if (budget) {
    const total = budget.used + width * height;
    if (total > budget.limit) {
      const why = `${width}×${height} pixels would bring the job to ${total} pixels, over its budget of ${budget.limit} pixels (MAX_JOB_PIXELS)`;
      throw new WorkerError('TOO_MANY_PIXELS', why, { path: dataPath });
    }
    budget.used = total;
  }

  const decode = (failOn: 'error' | 'warning') =>
    sharp(bytes, { limitInputPixels: limits.maxPagePixels, failOn })
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  let raw: { data: Buffer; info: OutputInfo };
  try {
    // libjpeg only warns when the scan data ends early and paints the rest grey: a few hundred bytes
    // claiming 100 megapixels became a grey page at ~1.4 GB. Failing on warnings stops that at the
    // first rows; a JPEG whose warning is another, harmless one is decoded again, tolerating it.
    raw = meta.format === 'jpeg' ? await decode('warning').catch((err: unknown) => {
      if (SCAN_DATA_ENDS.test(String(err))) {
        throw new WorkerError('IMAGE_DECODE', `the jpeg image's scan data ends before its ${width}×${height} pixels`, { path: dataPath, cause: err });
      }
      return decode('error');
    }) : await decode('error');
  } catch (cause) {
    if (cause instanceof WorkerError) throw cause;
    // libvips calls AVIF heif; say avif, as the sniffer does for files whose header is already broken
    const shown = meta.format === 'heif' ? 'avif' : meta.format;
    throw new WorkerError('IMAGE_DECODE', `the ${shown} image is corrupt or truncated`, { path: dataPath, cause });
  }
  const { info } = raw;
  if (info.channels !== 3) {
    throw new WorkerError('IMAGE_DECODE', `unexpected ${info.channels}-channel image after conversion`, { path: dataPath });
  }
  const given = name && sanitisePageName(name);
  return {
    image: { data: new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.length), width: info.width, height: info.height, channels: 3 },
    imgPath: given ?? defaultPageName(index, meta.format),
    format: meta.format,
    bytes: bytes.length,
  };
}
