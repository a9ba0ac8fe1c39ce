import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './helpers/free-port.ts';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { SYNTHETIC_PAGES } from './helpers/fixtures.ts';

/**
 * SIGTERM drains: the real entry serving the local API is sent SIGTERM while a job runs; the job
 * must finish (logged `job done`) and the process exit 0.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const PAGES = SYNTHETIC_PAGES;
const modelsDir = mkdtempSync(path.join(tmpdir(), 'mokuro-sigterm-'));
afterAll(() => rmSync(modelsDir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SIGTERM on the local API', () => {
  it('lets the running job finish, then exits 0', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'handler.ts', '--serve-api', '--rp_api_host', '127.0.0.1', '--rp_api_port', String(port)], {
      cwd: ROOT,
      env: { ...process.env, MODELS_DIR: modelsDir, STAND_IN_MODELS: 'always', EXECUTION_PROVIDERS: 'cpu', OCR_DECODING: 'greedy', LOG_LEVEL: 'info', RUNPOD_WEBHOOK_GET_JOB: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      const get = async (url: string) => (await (await fetch(base + url)).json()) as Record<string, any>;
      for (let i = 0; i < 240; i++) {
        const health = await get('/health').catch(() => undefined);
        if (health?.workers?.ready >= 1) break;
        await sleep(250);
      }
      const images = ['page-001.png', 'page-002.png'].map((f) => readFileSync(path.join(PAGES, f)).toString('base64'));
      const run = (await (await fetch(`${base}/run`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: { type: 'process_batch', images } }) })).json()) as { id: string };
      let status = '';
      for (let i = 0; i < 400 && status !== 'IN_PROGRESS'; i++) {
        status = (await get(`/status/${run.id}`)).status as string;
        if (status !== 'IN_PROGRESS') await sleep(25);
      }
      expect(status).toBe('IN_PROGRESS');
      child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(60_000).then(() => 'timeout' as const)]);
      expect(code).toBe(0);
      const lines = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; jobId?: string; pages?: number });
      const stopping = lines.findIndex((l) => l.msg === 'stopping: finishing running jobs');
      const done = lines.findIndex((l) => l.msg === 'job done' && l.jobId === run.id);
      expect(stopping).toBeGreaterThanOrEqual(0);
      expect(done).toBeGreaterThan(stopping);
      expect(lines[done].pages).toBe(2);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 90_000);

  it('`npm run serve` stopped by SIGTERM to npm frees its port (npm passes the signal to node)', async () => {
    const port = await freePort();
    // its own process group, so that whatever is left can be cleaned up if the test fails
    const npm = spawn('npm', ['run', 'serve', '--', '--rp_api_host', '127.0.0.1', '--rp_api_port', String(port)], {
      cwd: ROOT,
      env: { ...process.env, MODELS_DIR: modelsDir, STAND_IN_MODELS: 'always', EXECUTION_PROVIDERS: 'cpu', LOG_LEVEL: 'warn', RUNPOD_WEBHOOK_GET_JOB: '' },
      stdio: 'ignore',
      detached: true,
    });
    const base = `http://127.0.0.1:${port}`;
    const listening = () => fetch(`${base}/health`).then(() => true, () => false);
    try {
      await vi.waitFor(async () => expect(await listening()).toBe(true), { timeout: 60_000, interval: 250 });
      npm.kill('SIGTERM');
      await vi.waitFor(async () => expect(await listening()).toBe(false), { timeout: 30_000, interval: 250 });
    } finally {
      try {
        process.kill(-npm.pid!, 'SIGKILL');
      } catch {
        // the group is gone: nothing was left behind
      }
    }
  }, 120_000);
});
