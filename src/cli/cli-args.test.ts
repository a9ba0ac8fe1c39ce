import { describe, expect, it } from 'vitest';
import { UsageError, parseCliArgs } from './cli-args.ts';

describe('parseCliArgs', () => {
  it("defaults: local OCR, 4 jobs, 9.5 MB requests (under RunPod's 10 MB /run), key from RUNPOD_API_KEY", () => {
    expect(parseCliArgs(['Vol 1', 'Vol 2.cbz'], { RUNPOD_API_KEY: 'k' }, '/here')).toEqual({
      paths: ['Vol 1', 'Vol 2.cbz'],
      parentDir: undefined,
      endpoint: undefined,
      apiKey: 'k',
      concurrency: 4,
      maxRequestBytes: 9_500_000,
      force: false,
      yes: false,
      help: false,
      cwd: '/here',
    });
  });

  it("takes paths from the shell's folder under npm run (INIT_CWD), and every option", () => {
    const args = parseCliArgs(
      ['--parent_dir', 'lib', '--endpoint', 'https://api.runpod.ai/v2/abc', '--api-key', 'mine', '--concurrency', '8', '--max-request-mb', '0.5', '--force', '--yes'],
      { RUNPOD_API_KEY: 'env', INIT_CWD: '/shell' },
      '/package',
    );
    expect(args).toMatchObject({ parentDir: 'lib', endpoint: 'https://api.runpod.ai/v2/abc', apiKey: 'mine', concurrency: 8, maxRequestBytes: 500_000, force: true, yes: true, cwd: '/shell' });
  });

  it('refuses bad values with a usage error naming the option', () => {
    expect(() => parseCliArgs(['--concurrency', '0'], {}, '/')).toThrow(/--concurrency/);
    expect(() => parseCliArgs(['--max-request-mb', 'lots'], {}, '/')).toThrow(/--max-request-mb/);
    expect(() => parseCliArgs(['--endpoint', 'api.runpod.ai'], {}, '/')).toThrow(/--endpoint/);
    expect(() => parseCliArgs(['--colour'], {}, '/')).toThrow(UsageError);
  });
});
