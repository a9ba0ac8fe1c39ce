import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/esm/index.mjs')).href;

/** The worker started as users start it, asking for CUDA on this machine, which has none. */
function health(env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', TSX, 'handler.ts', '--test-input', '{"input":{"type":"health"}}'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, MODELS_DIR: path.join(ROOT, '.cache/models/one-shot'), RUNPOD_WEBHOOK_GET_JOB: '', ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, logs: r.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('execution providers on a machine without a GPU', () => {
  it('falls back from cuda to cpu with a warning, and health says cpu', () => {
    const r = health({ EXECUTION_PROVIDERS: 'cuda,cpu' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).output.provider).toEqual({ detector: 'cpu', encoder: 'cpu', decoder: 'cpu' });
    const warning = r.logs.find((l) => l.model === 'detector' && l.provider === 'cuda');
    expect(warning).toMatchObject({ level: 40, msg: 'detector: provider cuda unavailable, falling back' });
    expect(String(warning?.reason)).not.toBe('');
  });

  it('fails the start with a clear message when REQUIRE_GPU=1', () => {
    const r = health({ EXECUTION_PROVIDERS: 'cuda,cpu', REQUIRE_GPU: '1' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const fatal = r.logs.find((l) => l.level === 60);
    expect(fatal?.msg).toBe('REQUIRE_GPU: cannot start');
    expect(String(fatal?.err)).toMatch(/^REQUIRE_GPU is set but detector could only run on cpu \(cuda: .+\)$/);
  });
});
