import { describe, expect, it } from 'vitest';
import { createFinishedJobs, jsonSize, type Finished } from './finished-jobs.ts';

/** A finished job of `bytes`, `kept` of them droppable; records what the budget did to it. */
function job(name: string, bytes: number, kept = 0, log: string[] = []): Finished {
  return {
    bytes,
    kept,
    dropKept: () => log.push(`drop ${name}`),
    forget: () => log.push(`forget ${name}`),
  };
}

describe('finished jobs budget', () => {
  it('gives up kept requests oldest first before forgetting whole jobs, and never the newest', () => {
    const log: string[] = [];
    const held = createFinishedJobs({ maxBytes: 100, maxJobs: 10 });
    held.add(job('a', 50, 40, log));
    held.add(job('b', 60, 40, log));
    expect(log).toEqual(['drop a']);
    expect(held.bytes).toBe(70);
    held.add(job('c', 80, 0, log));
    // b's request goes next, then a (oldest) as a whole: 20 + 80 = 100
    expect(log).toEqual(['drop a', 'drop b', 'forget a']);
    expect(held.bytes).toBe(100);
    held.add(job('huge', 500, 0, log));
    expect(log.slice(3)).toEqual(['forget b', 'forget c']);
    expect(held).toMatchObject({ bytes: 500, count: 1 });
  });

  it('keeps at most maxJobs, and forgets nothing for a job removed on its own', () => {
    const log: string[] = [];
    const held = createFinishedJobs({ maxBytes: 1e9, maxJobs: 2 });
    const a = job('a', 1, 0, log);
    held.add(a);
    held.remove(a);
    held.add(job('b', 1, 0, log));
    held.add(job('c', 1, 0, log));
    held.add(job('d', 1, 0, log));
    expect(log).toEqual(['forget b']);
    expect(held).toMatchObject({ bytes: 2, count: 2 });
  });

  it('sizes values as their JSON text', () => {
    expect(jsonSize({ a: 'xyz' })).toBe(11);
    expect(jsonSize(undefined)).toBe(0);
    expect(jsonSize({ n: 1n })).toBe(0);
  });
});
