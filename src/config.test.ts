import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, MIN_API_KEY_LENGTH, TEST_INPUT_ARGV_MAX } from './config.ts';

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

  it('keeps the --test-input JSON', () => {
    const c = loadConfig(['--test-input', '{"input":{"type":"health"}}'], {});
    expect(c.testInput).toBe('{"input":{"type":"health"}}');
    expect(loadConfig(['--test-input=-'], {}).testInput).toBe('-');
  });

  it('moves a --test-input too large for a command line that loads onnxruntime-node to stdin', () => {
    const big = JSON.stringify({ input: { type: 'process_page', image: 'A'.repeat(TEST_INPUT_ARGV_MAX) } });
    expect(loadConfig(['--test-input', '{"input":{"type":"health"}}'], {}).testInputRelaunch).toBeUndefined();
    expect(loadConfig(['--rp_log_level', 'debug', '--test-input', big, '--rp_debugger'], {}).testInputRelaunch).toEqual(['--rp_log_level', 'debug', '--rp_debugger', '--test-input=-']);
    expect(loadConfig([`--test_input=${big}`], {}).testInputRelaunch).toEqual(['--test-input=-']);
    expect(loadConfig(['--serve-api', '--test-input', big], {}).testInputRelaunch).toBeUndefined(); // the API takes no test input
  });

  it('parses flags strictly: a value must be given, and a flag is never taken as one', () => {
    // `--api-key --rp_api_port 9000` made "--rp_api_port" the key and served on the default port
    expect(() => loadConfig(['--serve-api', '--api-key', '--rp_api_port', '9000'], {})).toThrow(
      new ConfigError('--api-key needs a value, not the flag "--rp_api_port" (write --api-key=--rp_api_port if that is the value)'),
    );
    expect(() => loadConfig(['--serve-api', '--api-key'], {})).toThrow(new ConfigError('--api-key needs a value'));
    expect(() => loadConfig(['--something-else'], {})).toThrow(/^unknown flag --something-else \(flags: --serve-api /);
    expect(() => loadConfig(['--serve-api', '9000'], {})).toThrow(/^unexpected argument "9000"/);
    expect(() => loadConfig(['--insecure=yes'], {})).toThrow(new ConfigError('--insecure takes no value'));
    expect(loadConfig(['--serve-api', '--api-key=-starts-with-a-dash'], {}).api.apiKey).toBe('-starts-with-a-dash');
    expect(loadConfig(['--rp_debugger'], {}).mode).toBe('test');
  });

  it('takes only decimal port and concurrency numbers in range', () => {
    expect(loadConfig(['--rp_api_port', '0'], {}).api.port).toBe(0);
    const refused: [string[], string][] = [
      [['--rp_api_port', '0x1F40'], '--rp_api_port "0x1F40": not a whole number (0–65535)'],
      [['--rp_api_port', ''], '--rp_api_port "": not a whole number (0–65535)'],
      [['--rp_api_port', '99999'], '--rp_api_port "99999": must be at most 65535 (0–65535)'],
      [['--rp_api_port', '80.5'], '--rp_api_port "80.5": not a whole number (0–65535)'],
      [['--rp_api_concurrency', '0'], '--rp_api_concurrency "0": must be at least 1 (1–1024)'],
      [['--rp_log_level', 'loud'], '--rp_log_level "loud": expected one of fatal, error, warn, info, debug, trace, silent'],
    ];
    for (const [argv, message] of refused) expect(() => loadConfig(argv, {}), argv.join(' ')).toThrow(new ConfigError(message));
    expect(loadConfig(['--rp_log_level', 'DEBUG'], {}).logLevel).toBe('debug');
  });

  it(`wants an API key of at least ${MIN_API_KEY_LENGTH} characters, from the flag or the environment`, () => {
    expect(() => loadConfig(['--api-key', 'short'], {})).toThrow(
      new ConfigError('--api-key: a key of 5 characters is too short; use at least 16 (e.g. openssl rand -hex 16)'),
    );
    expect(() => loadConfig([], { API_KEY: '123456789012345' })).toThrow(/^API_KEY: a key of 15 characters is too short/);
    expect(loadConfig([], { API_KEY: '1234567890123456' }).api.apiKey).toBe('1234567890123456');
  });

  it('treats empty environment variables as unset (compose gives API_KEY= for an unset one)', () => {
    const c = loadConfig([], { API_KEY: '', MAX_PAGES: '', LOG_LEVEL: ' ', STAND_IN_MODELS: '', RUNPOD_WEBHOOK_GET_JOB: '' });
    expect(c.api.apiKey).toBeUndefined();
    expect(c.limits.maxPages).toBe(1000);
    expect(c.logLevel).toBe('info');
    expect(c.mode).toBe('test');
  });

  it('refuses numbers that are not plain decimal, naming the variable and its value', () => {
    expect(() => loadConfig([], { MAX_PAGES: 'abc' })).toThrow(new ConfigError('environment variable MAX_PAGES="abc": not a whole number'));
    expect(() => loadConfig([], { MAX_PAGES: '0x10' })).toThrow(new ConfigError('environment variable MAX_PAGES="0x10": not a whole number'));
    expect(() => loadConfig([], { MAX_PAGES: '0' })).toThrow(new ConfigError('environment variable MAX_PAGES="0": must be at least 1'));
    expect(loadConfig([], { MAX_PAGES: ' 12 ' }).limits.maxPages).toBe(12);
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
      maxJobPixels: 4_000_000_000,
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
