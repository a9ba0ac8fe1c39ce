/**
 * Node timers hold a signed 32-bit delay: anything from 2^31 ms (24.8 days) up is taken as 1 ms
 * (with a TimeoutOverflowWarning), so a job's "execution timeout of 2^31 ms" would fire at once.
 * Every delay that comes from a request or the environment goes through here.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** A delay Node's timers take as given: at most 2^31 − 1 ms, never negative or NaN. */
export function clampDelay(ms: number): number {
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_TIMER_DELAY_MS) : ms > 0 ? MAX_TIMER_DELAY_MS : 0;
}

/**
 * `setTimeout` for delays of any length: past the timer limit it waits in steps and re-arms.
 * Returns the function that cancels it.
 */
export function setLongTimeout(fn: () => void, ms: number): () => void {
  const due = Date.now() + ms;
  let timer: NodeJS.Timeout;
  const arm = (left: number) => {
    timer = setTimeout(() => {
      const rest = due - Date.now();
      if (rest > 0) arm(rest);
      else fn();
    }, clampDelay(left));
  };
  arm(ms);
  return () => clearTimeout(timer);
}
