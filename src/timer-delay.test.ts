import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_DELAY_MS, clampDelay, setLongTimeout } from './timer-delay.ts';

describe('timer delays', () => {
  afterEach(() => vi.useRealTimers());

  it('clamps to what Node timers hold', () => {
    expect(clampDelay(2 ** 31)).toBe(MAX_TIMER_DELAY_MS);
    expect(clampDelay(2 ** 53)).toBe(MAX_TIMER_DELAY_MS);
    expect(clampDelay(Infinity)).toBe(MAX_TIMER_DELAY_MS);
    expect(clampDelay(-5)).toBe(0);
    expect(clampDelay(1500)).toBe(1500);
  });

  it('waits the whole of a delay past 2^31 ms, in steps, and can be cancelled', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    setLongTimeout(fired, 2 ** 32);
    vi.advanceTimersByTime(MAX_TIMER_DELAY_MS + 1000);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2 ** 32 - MAX_TIMER_DELAY_MS - 1000);
    expect(fired).toHaveBeenCalledTimes(1);
    const cancelled = vi.fn();
    const cancel = setLongTimeout(cancelled, 2 ** 32);
    vi.advanceTimersByTime(MAX_TIMER_DELAY_MS + 10);
    cancel();
    vi.advanceTimersByTime(2 ** 32);
    expect(cancelled).not.toHaveBeenCalled();
  });
});
