import { describe, expect, it } from 'vitest';
import { createSpareBuffers } from './spare-buffers.ts';

describe('spare buffers', () => {
  it('hands back a kept buffer of the asked size, else a new one', () => {
    const spare = createSpareBuffers(1 << 20);
    const kept = new ArrayBuffer(1000);
    spare.keep([kept]);
    expect(spare.bytes).toBe(1000);
    expect(spare.take(1000)).toBe(kept);
    expect(spare.bytes).toBe(0);
    const fresh = spare.take(1000);
    expect(fresh).not.toBe(kept);
    expect(fresh.byteLength).toBe(1000);
  });

  it('stays within its limit, dropping the sizes returned longest ago first', () => {
    const spare = createSpareBuffers(3000);
    const a = new ArrayBuffer(1000);
    const b = new ArrayBuffer(1500);
    spare.keep([a, b]);
    // a cache that grows a step at a time: every size new
    spare.keep([new ArrayBuffer(1001)]);
    expect(spare.bytes).toBe(2501);
    // `a` (returned first) went, `b` stayed
    expect(spare.take(1000)).not.toBe(a);
    expect(spare.take(1500)).toBe(b);
    for (let size = 1002; size < 1100; size++) {
      spare.keep([new ArrayBuffer(size)]);
      expect(spare.bytes).toBeLessThanOrEqual(3000);
    }
  });
});
