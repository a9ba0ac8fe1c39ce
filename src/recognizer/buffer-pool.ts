/**
 * Reusable typed-array buffers for the recogniser. On the development machines touching fresh memory
 * is slow (filling a new 38 MB Float32Array takes ~300 ms, the same copy into touched memory ~6 ms;
 * measured in BENCHMARKS.md), and a beam batch expands ~100 MB of encoder-side tensors when its
 * crops fan out to their beams. So each batch leases a set of buffers, grows them when a call needs
 * more, and gives them back when it ends; the next batch reuses them. (Model outputs cannot be
 * pooled: onnxruntime-node hands each back in a fresh buffer.)
 */

/** growth factor when a buffer is too small (the decoder cache grows one position per step) */
const GROWTH = 1.5;

type Ctor = Float32ArrayConstructor | Uint16ArrayConstructor | Uint8ArrayConstructor;
type Data = Float32Array | Uint16Array | Uint8Array;

export interface BufferLease {
  /** a view of exactly `length` elements of the buffer named `key`; its contents are unspecified */
  take<C extends Ctor>(key: string, length: number, ctor: C): InstanceType<C>;
  release(): void;
}

export interface BufferPool {
  lease(): BufferLease;
}

/** `maxIdle` bounds the sets kept: one per decode that may run at the same time. */
export function createBufferPool(maxIdle = 2): BufferPool {
  const idle: Map<string, Data>[] = [];
  return {
    lease() {
      const buffers = idle.pop() ?? new Map<string, Data>();
      let released = false;
      return {
        take<C extends Ctor>(key: string, length: number, ctor: C): InstanceType<C> {
          const name = `${ctor.name}:${key}`;
          let buf = buffers.get(name);
          if (!buf || buf.length < length) {
            buf = new ctor(Math.ceil(length * (buf ? GROWTH : 1)));
            buffers.set(name, buf);
          }
          return buf.subarray(0, length) as InstanceType<C>;
        },
        release() {
          if (released) return;
          released = true;
          if (idle.length < maxIdle) idle.push(buffers);
        },
      };
    },
  };
}
