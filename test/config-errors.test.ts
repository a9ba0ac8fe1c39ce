import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const MODELS = path.join(ROOT, '.cache/models/one-shot');
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/esm/index.mjs')).href;

/** handler.ts as a program, the way RunPod, compose or a shell starts it. */
function run(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', TSX, path.join(ROOT, 'handler.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, MODELS_DIR: MODELS, EXECUTION_PROVIDERS: 'cpu', RUNPOD_WEBHOOK_GET_JOB: '', ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('config errors at start (handler.ts as a program)', () => {
  it('runs with an empty API_KEY= (what compose gives for an unset variable), as if unset', () => {
    const r = run(['--test-input', '{"input":{"type":"health"}}'], { API_KEY: '', MAX_PAGES: '' });
    expect(r.stderr).not.toContain('ZodError');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).output).toMatchObject({ ready: true });
  });

  it.each([
    [[], { MAX_PAGES: 'abc' }, 'mokuro-worker: config: environment variable MAX_PAGES="abc": not a whole number'],
    [['--serve-api', '--rp_api_port', '99999'], {}, 'mokuro-worker: config: --rp_api_port "99999": must be at most 65535 (0–65535)'],
    [['--serve-api', '--api-key', '--rp_api_port', '9000'], {}, 'mokuro-worker: config: --api-key needs a value, not the flag "--rp_api_port"'],
    [['--serve-api'], { API_KEY: 'guessable' }, 'mokuro-worker: config: API_KEY: a key of 9 characters is too short'],
  ])('%j %j: exits 1 with one line naming the setting, no stack trace', (args, env, line) => {
    const r = run(args, env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(line)).toBe(true);
  });
});
