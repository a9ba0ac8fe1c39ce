/**
 * comic-text-detector pre-processing (inference.py `preprocess_img`, kha-white/comic-text-detector
 * utils/imgproc_utils.py `letterbox`): scale the page into an S×S square keeping its aspect, OpenCV
 * bilinear, pad right/bottom with black, CHW float32 in [0,1].
 */
import type { RawImage } from '../image/raw-image.ts';
import type { Letterbox } from './types.ts';
import { roundHalfEven } from '../math/python-math.ts';
import { resizeBilinearRows } from './resize-bilinear.ts';

/** inference.py TextDetector input_size as mokuro constructs it (kha-white/mokuro mokuro/manga_page_ocr.py `input_size=1024`). */
export const CTD_INPUT_SIZE = 1024;

export interface LetterboxOptions {
  /** model input side (default 1024) */
  size?: number;
  /**
   * Plane order of the tensor. 'bgr' (default) reproduces mokuro's PyTorch path, which swaps channels
   * twice and so feeds B,G,R planes (kha-white/comic-text-detector inference.py `preprocess_img`);
   * 'rgb' is what the model was trained on.
   */
  channelOrder?: 'bgr' | 'rgb';
  /**
   * A [1,3,S,S] tensor to fill instead of allocating one: filling fresh memory costs more than the
   * letterbox itself on small machines (a new 12 MB array per page), so the detector reuses its buffers.
   */
  out?: Float32Array;
}

export interface LetterboxResult {
  /** [1, 3, S, S] CHW, values /255, no mean/std */
  tensor: Float32Array;
  letterbox: Letterbox;
}

/** v/255 as float32 for every byte value (NumPy does the division in float32). */
const INV255 = Float32Array.from({ length: 256 }, (_, v) => v / 255);

export function letterbox(image: RawImage, opts: LetterboxOptions = {}): LetterboxResult {
  const S = opts.size ?? CTD_INPUT_SIZE;
  const { width: W, height: H, channels: cn } = image;
  const r = Math.min(S / H, S / W);
  const newW = Math.min(S, Math.max(1, roundHalfEven(W * r)));
  const newH = Math.min(S, Math.max(1, roundHalfEven(H * r)));
  const dw = S - newW;
  const dh = S - newH;

  const reuse = opts.out?.length === 3 * S * S;
  const tensor = reuse ? opts.out! : new Float32Array(3 * S * S); // a new array is zeros = black padding
  // source channel feeding each tensor plane
  const planeSrc = cn === 1 ? [0, 0, 0] : opts.channelOrder === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const plane = S * S;
  const writeRow = (y: number, pixels: Uint8Array, from: number) => {
    const di = y * S;
    toPlanes(pixels, from, cn, planeSrc, tensor, di, plane, newW);
    if (reuse && dw > 0) for (let p = 0; p < 3; p++) tensor.fill(0, p * plane + di + newW, p * plane + di + S);
  };
  if (newW === W && newH === H) {
    const stride = W * cn;
    for (let y = 0; y < newH; y++) writeRow(y, image.data, y * stride);
  } else {
    // resized row by row straight into the tensor: no page-sized intermediate image
    resizeBilinearRows({ data: image.data, width: W, height: H, channels: cn }, newW, newH, (y, row) => writeRow(y, row, 0));
  }
  if (reuse && dh > 0) for (let p = 0; p < 3; p++) tensor.fill(0, p * plane + newH * S, (p + 1) * plane);
  return { tensor, letterbox: { W, H, dw, dh, r } };
}

/**
 * `n` pixels of `cn` bytes from `from` as v/255 into the three planes (`plane` apart) from `at`;
 * plane p takes channel `src[p]`. One pass over the pixels.
 */
function toPlanes(bytes: Uint8Array, from: number, cn: number, src: readonly number[], out: Float32Array, at: number, plane: number, n: number): void {
  const [c0, c1, c2] = src;
  for (let x = 0, si = from; x < n; x++, si += cn) {
    out[at + x] = INV255[bytes[si + c0]];
    out[at + plane + x] = INV255[bytes[si + c1]];
    out[at + 2 * plane + x] = INV255[bytes[si + c2]];
  }
}
