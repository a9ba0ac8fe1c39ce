/**
 * Model runs across a MessagePort: the serving side moves large inputs' buffers back after the run
 * (the `spent` round trip) but keeps the repeated encoder states, and every input reaches the session
 * with its own values when the page side copies them into buffers that came back.
 */
import { MessageChannel } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import { afterEach, describe, expect, it } from 'vitest';
import { createRemoteSessions, serveSessions, type RunnableSession } from './remote-session.ts';

const shape = { inputNames: ['x', 'encoder_hidden_states'], outputNames: ['sum'], inputMetadata: [], outputMetadata: [] };
const ports: MessageChannel[] = [];
afterEach(() => ports.splice(0).forEach((c) => (c.port1.close(), c.port2.close())));

/** a session answering the sums of its inputs, and what buffers it was handed */
function summingSession(seen: { x: ArrayBufferLike; states: ArrayBufferLike }[]): RunnableSession {
  const sum = (t: ort.Tensor) => (t.data as Float32Array).reduce((a, b) => a + b, 0);
  return {
    ...shape,
    async run(feeds) {
      seen.push({ x: (feeds.x.data as Float32Array).buffer, states: (feeds.encoder_hidden_states.data as Float32Array).buffer });
      return { sum: new ort.Tensor('float32', Float32Array.from([sum(feeds.x), sum(feeds.encoder_hidden_states)]), [2]) };
    },
  };
}

describe('remote sessions', () => {
  it('gives every run its own input values while reusing the buffers that came back', async () => {
    const channel = new MessageChannel();
    ports.push(channel);
    const seen: { x: ArrayBufferLike; states: ArrayBufferLike }[] = [];
    serveSessions(channel.port1, { s: summingSession(seen) });
    const remote = createRemoteSessions(channel.port2, { s: shape }).s;

    const big = 1 << 16; // floats: over the size copied into fresh memory
    // the page side refills one buffer between runs, as buffer-pool.ts leases do
    const pooled = new Float32Array(big);
    const states = new ort.Tensor('float32', new Float32Array(big).fill(0.5), [big]);
    const sums: number[][] = [];
    for (const [value, length] of [[1, big], [2, big], [3, big], [4, big / 2]] as const) {
      pooled.fill(value);
      const x = new ort.Tensor('float32', pooled.subarray(0, length), [length]);
      sums.push(Array.from((await remote.run({ x, encoder_hidden_states: states })).sum.data as Float32Array));
    }
    expect(sums).toEqual([[big, big / 2], [2 * big, big / 2], [3 * big, big / 2], [2 * big, big / 2]]);
    // the caller's buffers were never moved away from it
    expect(pooled.length).toBe(big);
    expect((states.data as Float32Array).length).toBe(big);
    // the serving side moved each large input's buffer back (detached there), but kept the repeated
    // encoder states it reuses at the next step
    expect(seen.map((s) => s.x.byteLength)).toEqual([0, 0, 0, 0]);
    expect(seen.map((s) => s.states.byteLength)).toEqual([4 * big, 4 * big, 4 * big, 4 * big]);
  });
});

describe('outputs in shared memory', () => {
  it('reach the page side as the same memory, not moved or copied', async () => {
    const channel = new MessageChannel();
    ports.push(channel);
    const shared = new Float32Array(new SharedArrayBuffer(16)).fill(1);
    serveSessions(channel.port1, {
      s: { ...shape, run: async () => ({ sum: new ort.Tensor('float32', shared, [4]), plain: new ort.Tensor('float32', Float32Array.of(7), [1]) }) },
    });
    const remote = createRemoteSessions(channel.port2, { s: shape }).s;
    const x = new ort.Tensor('float32', Float32Array.of(0), [1]);
    const out = await remote.run({ x, encoder_hidden_states: x });
    const got = out.sum.data as Float32Array;
    expect(got.buffer).toBeInstanceOf(SharedArrayBuffer);
    // a write on either side shows on the other: one memory
    shared[0] = 5;
    expect(got[0]).toBe(5);
    // an unshared output still arrives, its buffer moved
    expect(Array.from(out.plain.data as Float32Array)).toEqual([7]);
  });
});
