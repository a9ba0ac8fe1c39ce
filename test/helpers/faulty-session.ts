import type { Session } from '../../src/models/load-models.ts';

/**
 * A loaded onnxruntime session whose `run` can be made to fail, slowed down or counted: every other
 * member is the real session's. `failWhen(call)` gets the 1-based number of this run call;
 * `delayMs`, when set, is added before each run (a stand-in model is far faster than a real one).
 */
export function faultySession(session: Session, counter: { calls: number; failWhen: (call: number) => boolean; delayMs?: number }): Session {
  return new Proxy(session, {
    get(target, key) {
      if (key === 'run') {
        return (...args: Parameters<Session['run']>) => {
          counter.calls++;
          if (counter.failWhen(counter.calls)) return Promise.reject(new Error(`injected fault in run #${counter.calls}`));
          if (!counter.delayMs) return target.run(...args);
          return new Promise((resolve) => setTimeout(resolve, counter.delayMs)).then(() => target.run(...args));
        };
      }
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
