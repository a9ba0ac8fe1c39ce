import type { RawImage } from '../image/raw-image.ts';
import { pillowResizeBilinear } from './pillow-resize.ts';

/** encoder input side (Hugging Face kha-white/manga-ocr-base preprocessor_config.json `size: 224`) */
export const INPUT_SIZE = 224;
/** image_mean = image_std = 0.5 for every channel (kha-white/manga-ocr-base preprocessor_config.json) */
const MEAN = 0.5;
const STD = 0.5;
/** Pillow `convert('L')` ITU-R 601 fixed-point weights (Pillow Convert.c `L24`) */
const L_R = 19595;
const L_G = 38470;
const L_B = 7471;
const L_ROUND = 0x8000;

/** grey level → model input, in float32 steps like numpy's `(x/255 − mean)/std` */
const NORMALISED = Float32Array.from({ length: 256 }, (_, v) =>
  Math.fround(Math.fround(Math.fround(v / 255) - MEAN) / STD),
);

export interface PreprocessOptions {
  /**
   * Read channel 2 as red and channel 0 as blue. Mokuro hands BGR crops to PIL as if they were RGB
   * (kha-white/mokuro mokuro/manga_page_ocr.py), so on RGB crops `true` reproduces Mokuro's luma
   * exactly; the default reads the channels as stored (R, G, B = channels 0, 1, 2), which is what
   * manga-ocr meant.
   */
  swapRedBlue?: boolean;
}

/**
 * Pillow `convert('L')`: (19595·R + 38470·G + 7471·B + 32768) >> 16, with R, G, B the crop's
 * channels 0, 1, 2 (or 2, 1, 0 with `swapRedBlue`). 1-channel crops are copied.
 */
export function pillowGrey(crop: RawImage, options: PreprocessOptions = {}, out?: Uint8Array): Uint8Array {
  const n = crop.width * crop.height;
  const grey = out ?? new Uint8Array(n);
  const d = crop.data;
  if (crop.channels === 1) {
    grey.set(d.subarray(0, n));
    return grey;
  }
  const r = options.swapRedBlue ? 2 : 0;
  const b = 2 - r;
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    grey[i] = (L_R * d[p + r] + L_G * d[p + 1] + L_B * d[p + b] + L_ROUND) >>> 16;
  }
  return grey;
}

/**
 * manga-ocr preprocessing (kha-white/manga-ocr manga_ocr/ocr.py): grey, Pillow BILINEAR resize to
 * 224×224 (aspect not kept), (v/255 − 0.5)/0.5, three equal channels. Returns `[crops.length, 3, 224,
 * 224]`.
 */
export function preprocess(
  crops: readonly RawImage[],
  options: PreprocessOptions = {},
  /** returns a buffer of the given length to fill (reused by the caller); a new one otherwise */
  into: (length: number) => Float32Array = (n) => new Float32Array(n),
): Float32Array {
  const plane = INPUT_SIZE * INPUT_SIZE;
  const out = into(crops.length * 3 * plane);
  const small = new Uint8Array(plane);
  for (let i = 0; i < crops.length; i++) {
    const crop = crops[i];
    const grey = pillowGrey(crop, options);
    pillowResizeBilinear(grey, crop.width, crop.height, INPUT_SIZE, INPUT_SIZE, small);
    const base = i * 3 * plane;
    for (let p = 0; p < plane; p++) out[base + p] = NORMALISED[small[p]];
    out.copyWithin(base + plane, base, base + plane);
    out.copyWithin(base + 2 * plane, base, base + plane);
  }
  return out;
}
