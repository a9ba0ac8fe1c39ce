/**
 * Time spent inside `session.run`, per model. onnxruntime-node runs a session synchronously inside
 * a setImmediate callback, so timing the awaited promise would also count the wait for that
 * callback, and with two pages in flight two waits overlap (double counting). Instead, while a
 * wrapped `run` is being called, setImmediate is intercepted and the callback it schedules (the
 * native run and the copy of its outputs) is timed on its own.
 *
 * It also counts the bytes of every tensor fed to and returned from each `run`: onnxruntime-node
 * takes inputs from and returns outputs to host memory on every call, so on a GPU each of those
 * bytes crosses PCIe (the figure that bounds a GPU worker, BENCHMARKS.md).
 */
import type { InferenceSession } from 'onnxruntime-node';

export interface ModelClock {
  wrap<S extends InferenceSession>(session: S, label: string): S;
  /** milliseconds per label since the last reset */
  read(): Record<string, number>;
  /** bytes fed to (`in`) and returned from (`out`) the runs, per label, since the last reset */
  bytes(): Record<string, { in: number; out: number; runs: number }>;
  total(): number;
  reset(): void;
}

let capture: ((ms: number) => void) | null = null;
const originalSetImmediate = globalThis.setImmediate;
const timedSetImmediate = (callback: (...a: unknown[]) => void, ...args: unknown[]) => {
  const sink = capture;
  if (!sink) return originalSetImmediate(callback, ...args);
  return originalSetImmediate((...a: unknown[]) => {
    const t = performance.now();
    try {
      callback(...a);
    } finally {
      sink(performance.now() - t);
    }
  }, ...args);
};
globalThis.setImmediate = Object.assign(timedSetImmediate, { __promisify__: originalSetImmediate.__promisify__ }) as typeof setImmediate;

/** bytes of the tensors in a feeds or results record (string tensors have no fixed size: 0) */
export function tensorBytes(tensors: Record<string, unknown>): number {
  let n = 0;
  for (const t of Object.values(tensors)) {
    const data = (t as { data?: unknown } | null)?.data;
    if (ArrayBuffer.isView(data)) n += data.byteLength;
  }
  return n;
}

export function createModelClock(): ModelClock {
  let spent: Record<string, number> = {};
  let moved: Record<string, { in: number; out: number; runs: number }> = {};
  return {
    wrap(session, label) {
      const run = session.run.bind(session) as (...args: unknown[]) => Promise<unknown>;
      const add = (ms: number) => (spent[label] = (spent[label] ?? 0) + ms);
      const count = (side: 'in' | 'out', n: number) => {
        const m = (moved[label] ??= { in: 0, out: 0, runs: 0 });
        m[side] += n;
        if (side === 'in') m.runs++;
      };
      return new Proxy(session, {
        get(target, prop, receiver) {
          if (prop !== 'run') return Reflect.get(target, prop, receiver);
          return (...args: unknown[]) => {
            // onnxruntime-common validates, then the node backend schedules the run: all synchronous
            capture = add;
            try {
              count('in', tensorBytes(args[0] as Record<string, unknown>));
              return (run(...args) as Promise<Record<string, unknown>>).then((out) => {
                count('out', tensorBytes(out));
                return out;
              });
            } finally {
              capture = null;
            }
          };
        },
      });
    },
    read: () => ({ ...spent }),
    bytes: () => Object.fromEntries(Object.entries(moved).map(([k, v]) => [k, { ...v }])),
    total: () => Object.values(spent).reduce((a, b) => a + b, 0),
    reset: () => {
      spent = {};
      moved = {};
    },
  };
}
