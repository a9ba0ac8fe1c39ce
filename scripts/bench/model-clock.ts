/**
 * Time spent inside `session.run`, per model. onnxruntime-node runs a session synchronously inside
 * a setImmediate callback, so timing the awaited promise would also count the wait for that
 * callback, and with two pages in flight two waits overlap (double counting). Instead, while a
 * wrapped `run` is being called, setImmediate is intercepted and the callback it schedules (the
 * native run and the copy of its outputs) is timed on its own.
 */
import type { InferenceSession } from 'onnxruntime-node';

export interface ModelClock {
  wrap<S extends InferenceSession>(session: S, label: string): S;
  /** milliseconds per label since the last reset */
  read(): Record<string, number>;
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

export function createModelClock(): ModelClock {
  let spent: Record<string, number> = {};
  return {
    wrap(session, label) {
      const run = session.run.bind(session) as (...args: unknown[]) => Promise<unknown>;
      const add = (ms: number) => (spent[label] = (spent[label] ?? 0) + ms);
      return new Proxy(session, {
        get(target, prop, receiver) {
          if (prop !== 'run') return Reflect.get(target, prop, receiver);
          return (...args: unknown[]) => {
            // onnxruntime-common validates, then the node backend schedules the run: all synchronous
            capture = add;
            try {
              return run(...args);
            } finally {
              capture = null;
            }
          };
        },
      });
    },
    read: () => ({ ...spent }),
    total: () => Object.values(spent).reduce((a, b) => a + b, 0),
    reset: () => void (spent = {}),
  };
}
