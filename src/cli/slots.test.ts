import { describe, expect, it } from 'vitest';
import { createSlots } from './slots.ts';

describe('createSlots', () => {
  it('holds at most size at once and hands slots on first come first served', async () => {
    const slots = createSlots(2);
    const never = new AbortController().signal;
    const order: number[] = [];
    expect(await slots.acquire(never)).toBe(true);
    expect(await slots.acquire(never)).toBe(true);
    const third = slots.acquire(never).then((ok) => order.push(3) && ok);
    const fourth = slots.acquire(never).then((ok) => order.push(4) && ok);
    await Promise.resolve();
    expect(order).toEqual([]);
    slots.release();
    slots.release();
    expect(await Promise.all([third, fourth])).toEqual([true, true]);
    expect(order).toEqual([3, 4]);
  });

  it('gives up a wait when the signal fires, without taking a slot', async () => {
    const slots = createSlots(1);
    const never = new AbortController().signal;
    await slots.acquire(never);
    const stop = new AbortController();
    const waiting = slots.acquire(stop.signal);
    stop.abort();
    expect(await waiting).toBe(false);
    slots.release();
    expect(await slots.acquire(never)).toBe(true); // the released slot was not lost to the aborted wait
  });
});
