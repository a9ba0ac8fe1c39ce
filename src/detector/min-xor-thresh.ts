/**
 * comic-text-detector `minxor_thresh` (kha-white/comic-text-detector utils/textmask.py, called there
 * with dilate=False): a thresholded window or its negative, whichever differs less from the
 * predicted mask, with that difference (the byte sum of their XOR).
 */
import type { Plane } from './mask-ops.ts';

/** A candidate text mask and its XOR sum against the predicted mask. */
export interface Candidate {
  mask: Plane;
  xorSum: number;
}

export function xorSum(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] ^ b[i];
  return s;
}

export function minXorThresh(threshed: Plane, mask: Plane): Candidate {
  const neg = new Uint8Array(threshed.data.length);
  for (let i = 0; i < neg.length; i++) neg[i] = 255 - threshed.data[i];
  const s = xorSum(threshed.data, mask.data);
  const ns = xorSum(neg, mask.data);
  return ns < s ? { mask: { ...threshed, data: neg }, xorSum: ns } : { mask: threshed, xorSum: s };
}
