import { describe, expect, it } from 'vitest';
import { openWithFallback } from './providers.ts';

/** A session factory that behaves like onnxruntime-node: throws for providers it cannot load. */
function fakeCreate(available: string[]) {
  const calls: unknown[] = [];
  const create = async (_file: string, options: { executionProviders?: readonly unknown[] }) => {
    const ep = options.executionProviders![0];
    calls.push(ep);
    const name = typeof ep === 'string' ? ep : (ep as { name: string }).name;
    if (!available.includes(name)) throw new Error(`${name} execution provider is not supported in this build\nstack…`);
    return { provider: name };
  };
  return { create, calls };
}

describe('openWithFallback', () => {
  const opts = { providers: ['cuda', 'cpu'] as const, deviceId: 1, intraOpThreads: 2 };

  it('uses CUDA when it loads, with the configured device', async () => {
    const { create, calls } = fakeCreate(['cuda', 'cpu']);
    const r = await openWithFallback('m.onnx', opts, create);
    expect(r.provider).toBe('cuda');
    expect(r.failures).toEqual([]);
    expect(calls).toEqual([{ name: 'cuda', deviceId: 1 }]);
  });

  it('falls back to CPU and keeps the first line of the reason', async () => {
    const { create } = fakeCreate(['cpu']);
    const r = await openWithFallback('m.onnx', opts, create);
    expect(r.provider).toBe('cpu');
    expect(r.failures).toEqual([{ provider: 'cuda', reason: 'cuda execution provider is not supported in this build' }]);
  });

  it('tries providers in the configured order', async () => {
    const { create, calls } = fakeCreate(['cuda', 'cpu']);
    const r = await openWithFallback('m.onnx', { ...opts, providers: ['tensorrt', 'cuda', 'cpu'] }, create);
    expect(r.provider).toBe('cuda');
    expect(calls.map((c) => (c as { name: string }).name)).toEqual(['tensorrt', 'cuda']);
  });

  it('fails with every reason when nothing loads', async () => {
    const { create } = fakeCreate([]);
    await expect(openWithFallback('m.onnx', opts, create)).rejects.toThrow(/cuda: .*; cpu: /);
  });
});

describe('openWithFallback across models', () => {
  it('does not try again a provider whose library failed to load for an earlier model', async () => {
    const calls: string[] = [];
    const create = async (_f: string, o: { executionProviders?: readonly unknown[] }) => {
      const ep = o.executionProviders![0];
      const name = typeof ep === 'string' ? ep : (ep as { name: string }).name;
      calls.push(name);
      if (name === 'cuda') throw new Error('OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library');
      return {};
    };
    const unavailable = new Map();
    const opts = { providers: ['cuda', 'cpu'] as const, deviceId: 0, intraOpThreads: 1 };
    await openWithFallback('a.onnx', opts, create, unavailable);
    const second = await openWithFallback('b.onnx', opts, create, unavailable);
    expect(calls).toEqual(['cuda', 'cpu', 'cpu']);
    expect(second.failures[0].reason).toMatch(/Failed to load shared library/);
  });
});
