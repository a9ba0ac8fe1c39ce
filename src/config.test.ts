import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('runs the one-shot test when no RunPod job URL is set', () => {
    expect(loadConfig([], {}).mode).toBe('test');
  });

  it('runs the worker loop when RunPod gives a job URL, unless a test input is given', () => {
    const env = { RUNPOD_WEBHOOK_GET_JOB: 'https://api.runpod.ai/v2/x/job-take/$ID?gpu=1' };
    expect(loadConfig([], env).mode).toBe('worker');
    expect(loadConfig(['--test_input', '{}'], env).mode).toBe('test');
  });

  it('serves the local API with either spelling of the flag, with SDK host/port flags', () => {
    expect(loadConfig(['--serve-api'], {}).mode).toBe('serve-api');
    const c = loadConfig(['--rp_serve_api', '--rp_api_port', '9001', '--rp_api_host', '0.0.0.0'], {});
    expect(c).toMatchObject({ mode: 'serve-api', api: { port: 9001, host: '0.0.0.0' } });
  });

  it('keeps the --test-input JSON and ignores unknown flags', () => {
    const c = loadConfig(['--test-input', '{"input":{"type":"health"}}', '--something-else'], {});
    expect(c.testInput).toBe('{"input":{"type":"health"}}');
  });

  it('tries CUDA then CPU by default and always ends with CPU', () => {
    expect(loadConfig([], {}).models.providers).toEqual(['cuda', 'cpu']);
    expect(loadConfig([], { EXECUTION_PROVIDERS: 'tensorrt,cuda' }).models.providers).toEqual(['tensorrt', 'cuda', 'cpu']);
  });

  it('runs beam search in JS unless DECODER_LOOP says onnx (auto decides by the encoder\'s provider at load)', () => {
    expect(loadConfig([], {}).models.decoderLoop).toBe('auto');
    expect(loadConfig([], { DECODER_LOOP: 'onnx' }).models.decoderLoop).toBe('onnx');
    expect(() => loadConfig([], { DECODER_LOOP: 'gpu' })).toThrow(/DECODER_LOOP/);
  });

  it('names the variable when the environment is wrong', () => {
    expect(() => loadConfig([], { EXECUTION_PROVIDERS: 'cuda,rocm' })).toThrow(/EXECUTION_PROVIDERS: unknown provider "rocm"/);
    expect(() => loadConfig([], { MAX_PAGES: 'lots' })).toThrow(/MAX_PAGES/);
    expect(() => loadConfig([], { REQUIRE_GPU: 'maybe' })).toThrow(/REQUIRE_GPU/);
  });

  it('reads REQUIRE_GPU and numeric limits', () => {
    const c = loadConfig([], { REQUIRE_GPU: '1', MAX_PAGES: '5', MAX_REQUEST_BYTES: '1000' });
    expect(c.models.requireGpu).toBe(true);
    expect(c.limits).toMatchObject({ maxPages: 5, maxRequestBytes: 1000 });
    expect(loadConfig([], {}).limits).toEqual({
      maxPages: 1000,
      maxPageBytes: 32 * 1024 * 1024,
      maxPagePixels: 100_000_000,
      maxPageSide: 30_000,
      maxRequestBytes: 256 * 1024 * 1024,
    });
  });

  it('reads the RunPod worker environment, with SDK defaults', () => {
    const c = loadConfig([], {
      RUNPOD_WEBHOOK_GET_JOB: 'https://x/job-take/$ID?gpu=1',
      RUNPOD_WEBHOOK_POST_OUTPUT: 'https://x/job-done/$RUNPOD_POD_ID/$ID?gpu=1',
      RUNPOD_WEBHOOK_PING: 'https://x/ping/$RUNPOD_POD_ID',
      RUNPOD_POD_ID: 'pod-1',
      RUNPOD_AI_API_KEY: 'key',
      WORKER_CONCURRENCY: '2',
    });
    expect(c.runpod).toMatchObject({ takeUrl: 'https://x/job-take/$ID?gpu=1', pingUrl: 'https://x/ping/$RUNPOD_POD_ID', podId: 'pod-1', apiKey: 'key', concurrency: 2 });
    expect(loadConfig([], {}).runpod).toMatchObject({ pingIntervalMs: 10_000, concurrency: 1, podId: undefined });
    expect(() => loadConfig([], { WORKER_CONCURRENCY: '0' })).toThrow(/WORKER_CONCURRENCY/);
  });

  it('is frozen', () => {
    const c = loadConfig([], {});
    expect(Object.isFrozen(c) && Object.isFrozen(c.models)).toBe(true);
  });
});
