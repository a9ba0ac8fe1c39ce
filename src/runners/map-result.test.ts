import { describe, expect, it } from 'vitest';
import { mapException, mapResult } from './map-result.ts';

describe('mapResult (runpod-python semantics)', () => {
  it('wraps plain values and objects as output', () => {
    expect(mapResult({ a: 1 })).toEqual({ output: { a: 1 } });
    expect(mapResult('text')).toEqual({ output: 'text' });
    expect(mapResult([1, 2])).toEqual({ output: [1, 2] });
    expect(mapResult(null)).toEqual({ output: null });
  });

  it('turns a truthy error into a failed result, keeping the rest as output', () => {
    expect(mapResult({ error: 'bad page' })).toEqual({ error: 'bad page' });
    expect(mapResult({ error: 'bad', code: 'INVALID_INPUT' })).toEqual({ error: 'bad', output: { code: 'INVALID_INPUT' } });
    expect(mapResult({ error: { why: 1 } })).toEqual({ error: '{"why":1}' });
  });

  it('asks RunPod to stop the pod on refresh_worker', () => {
    expect(mapResult({ refresh_worker: true, done: 1 })).toEqual({ output: { done: 1 }, stopPod: true });
  });

  it('reports exceptions as a JSON string with the SDK keys', () => {
    const mapped = mapException(new TypeError('boom'), 'w1');
    const report = JSON.parse(mapped.error!);
    expect(report).toMatchObject({ error_type: 'TypeError', error_message: 'boom', worker_id: 'w1' });
    expect(JSON.parse(mapException(new Error('x'), 'w1', 'pod-host-7').error!).hostname).toBe('pod-host-7');
    expect(Object.keys(report)).toEqual(['error_type', 'error_message', 'error_traceback', 'hostname', 'worker_id', 'runpod_version']);
  });
});
