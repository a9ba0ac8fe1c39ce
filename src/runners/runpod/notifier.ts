/**
 * A condition the loop can wait on: `wait()` resolves at the next `notify()`. Used for "a slot
 * freed", "a job started", without polling timers.
 */
export interface Notifier {
  wait(): Promise<void>;
  notify(): void;
}

export function createNotifier(): Notifier {
  let waiters: (() => void)[] = [];
  return {
    wait: () => new Promise<void>((resolve) => waiters.push(resolve)),
    notify() {
      const woken = waiters;
      waiters = [];
      for (const w of woken) w();
    },
  };
}
