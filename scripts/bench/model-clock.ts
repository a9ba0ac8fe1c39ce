/**
 * Time spent inside `session.run`, per model. Sessions are wrapped in a proxy that adds the time of
 * each run to its label; the rest of the wall time is our own work (the overhead ratio's numerator).
 * onnxruntime-node runs a session synchronously inside a setImmediate callback, so the measured span
 * also holds the wait for that callback: a slight over-count of model time, noted in BENCHMARKS.md.
 */
import type { InferenceSession } from 'onnxruntime-node';

export interface ModelClock {
  wrap<S extends InferenceSession>(session: S, label: string): S;
  /** milliseconds per label since the last reset */
  read(): Record<string, number>;
  total(): number;
  reset(): void;
}

export function createModelClock(): ModelClock {
  let spent: Record<string, number> = {};
  return {
    wrap(session, label) {
      const run = session.run.bind(session) as (...args: unknown[]) => Promise<unknown>;
      return new Proxy(session, {
        get(target, prop, receiver) {
          if (prop !== 'run') return Reflect.get(target, prop, receiver);
          return async (...args: unknown[]) => {
            const t = performance.now();
            try {
              return await run(...args);
            } finally {
              spent[label] = (spent[label] ?? 0) + performance.now() - t;
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
