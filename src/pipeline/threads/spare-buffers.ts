/**
 * Buffers a page thread's model inputs went out in and the inference thread moved back after the run
 * (remote-session.ts), kept by size for the next inputs of that size, at most `limit` bytes in all,
 * the sizes returned longest ago dropped first. Copying an input into one of these rather than into a
 * new buffer (allocated, zero-filled, then garbage for the GC) was worth 7.75 → 8.4 pages/s with two
 * page threads (BENCHMARKS.md, CPU side). Sizes repeat: a page's detector input, a batch's pixels;
 * the KV decoder's caches grow a step at a time and soon fall out.
 */
export function createSpareBuffers(limit: number) {
  // Map order = least recently returned size first
  const bySize = new Map<number, ArrayBuffer[]>();
  let bytes = 0;
  return {
    /** a buffer of exactly `size` bytes, spare or new; its contents are unspecified */
    take(size: number): ArrayBuffer {
      const b = bySize.get(size)?.pop();
      if (!b) return new ArrayBuffer(size);
      bytes -= size;
      return b;
    },
    keep(buffers: readonly ArrayBuffer[]): void {
      for (const b of buffers) {
        const list = bySize.get(b.byteLength) ?? [];
        bySize.delete(b.byteLength);
        bySize.set(b.byteLength, [...list, b]);
        bytes += b.byteLength;
      }
      for (const [size, list] of bySize) {
        if (bytes <= limit) break;
        while (list.length > 0 && bytes > limit) bytes -= list.shift()!.byteLength;
        if (list.length === 0) bySize.delete(size);
      }
    },
    get bytes() {
      return bytes;
    },
  };
}
