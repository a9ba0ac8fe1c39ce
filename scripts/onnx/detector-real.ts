export function buildRealDetector(): Uint8Array {
  throw new Error('real-size detector: not implemented yet');
}
