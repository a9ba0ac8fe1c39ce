/**
 * A decoded page or crop: 8-bit interleaved pixels, row-major, no padding between rows.
 * Pages are always 3-channel RGB once decoded; crops keep the page's channel order.
 */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}
