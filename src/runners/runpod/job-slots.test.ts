import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../logger.ts';
import { createJobSlots } from './job-slots.ts';

/** Slots whose jobs run until the test finishes them (or they are aborted). */
function setup(concurrency: number) {
  const finishers = new Map<string, () => void>();
  const started: string[] = [];
  const slots = createJobSlots({
    concurrency,
    execute: (job, signal) =>
      new Promise<void>((resolve) => {
        started.push(job.id);
        finishers.set(job.id, resolve);
        signal.addEventListener('abort', () => resolve());
      }),
    onChange: () => undefined,
    log: silentLogger(),
  });
  const finish = async (id: string) => {
    finishers.get(id)!();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { slots, started, finish };
}

describe('createJobSlots', () => {
  it('runs up to the concurrency and starts waiting jobs as slots free', async () => {
    const { slots, started, finish } = setup(2);
    for (const id of ['a', 'b', 'c']) slots.accept({ id, input: {} });
    expect(started).toEqual(['a', 'b']);
    expect(slots.free()).toBe(-1);
    expect(slots.reportedIds()).toEqual(['a', 'b', 'c']);
    await finish('a');
    expect(started).toEqual(['a', 'b', 'c']);
    expect(slots.count()).toBe(2);
  });

  it('ignores a duplicate id', () => {
    const { slots, started } = setup(2);
    slots.accept({ id: 'a', input: {} });
    slots.accept({ id: 'a', input: {} });
    expect(started).toEqual(['a']);
  });

  it('drops a cancelled job from the reported ids at once and frees its slot when its handler returns', async () => {
    const { slots, started } = setup(1);
    slots.accept({ id: 'a', input: {} });
    slots.accept({ id: 'b', input: {} });
    slots.cancel(['b', 'unknown']);
    expect(slots.reportedIds()).toEqual(['a']);
    slots.cancel(['a']);
    expect(slots.reportedIds()).toEqual([]);
    await new Promise((r) => setTimeout(r, 0));
    expect(slots.count()).toBe(0);
    expect(started).toEqual(['a']);
  });
});
