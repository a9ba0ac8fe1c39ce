/**
 * A counting semaphore, first come first served: at most `size` holders at once. `acquire`
 * resolves true when a slot is held, false when the signal fired first (then nothing is held).
 */
export function createSlots(size: number) {
  let free = size;
  const waiting: { grant: () => void; signal: AbortSignal; onAbort: () => void }[] = [];
  return {
    acquire(signal: AbortSignal): Promise<boolean> {
      if (signal.aborted) return Promise.resolve(false);
      if (free > 0) {
        free--;
        return Promise.resolve(true);
      }
      return new Promise((resolve) => {
        const entry = {
          signal,
          grant: () => {
            signal.removeEventListener('abort', entry.onAbort);
            resolve(true);
          },
          onAbort: () => {
            waiting.splice(waiting.indexOf(entry), 1);
            resolve(false);
          },
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
        waiting.push(entry);
      });
    },
    release() {
      const next = waiting.shift();
      if (next) next.grant();
      else free++;
    },
  };
}
