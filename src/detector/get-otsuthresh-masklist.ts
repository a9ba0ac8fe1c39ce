/**
 * comic-text-detector `get_otsuthresh_masklist(im, msk, per_channel=False)` (kha-white/comic-text-detector
 * utils/textmask.py): Otsu on each of the window's B, G, R channels (in that order), each kept as is
 * or negated by minxor_thresh; the one closest to the predicted mask (first on a tie: a stable sort).
 */
import { type Plane, otsu } from './mask-ops.ts';
import { type Candidate, minXorThresh } from './min-xor-thresh.ts';

/** `rgb` is the window in our RGB order; Mokuro's image is BGR, so its channel 0 is our channel 2. */
export function getOtsuthreshMasklist(rgb: Uint8Array, msk: Plane): Candidate[] {
  const { width, height } = msk;
  const list = [2, 1, 0].map((c) => {
    const channel = new Uint8Array(width * height);
    for (let i = 0; i < channel.length; i++) channel[i] = rgb[i * 3 + c];
    return minXorThresh(otsu({ data: channel, width, height }), msk);
  });
  list.sort((a, b) => a.xorSum - b.xorSum); // Array.prototype.sort is stable, like list.sort
  return [list[0]];
}
