import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** The installed command (package.json bin) as a user runs it: from another folder, no terminal. */
const BIN = fileURLToPath(new URL('../bin/mokuro-worker.js', import.meta.url));
const root = mkdtempSync(path.join(tmpdir(), 'ocr-bin-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(BIN, args, { cwd: root, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, INIT_CWD: '', ...env }, timeout: 60_000 });

describe('mokuro-worker (bin)', () => {
  it('lists the volumes, then refuses to start without a terminal or --yes (exit 2, nothing written)', () => {
    mkdirSync(path.join(root, 'My Manga', 'Vol 1'), { recursive: true });
    writeFileSync(path.join(root, 'My Manga', 'Vol 1', 'p1.png'), 'not read');
    const r = run(['--parent-dir', 'My Manga']);
    expect(r.stdout).toContain(`${path.join(root, 'My Manga', 'Vol 1')} (unprocessed)`);
    expect(r.stdout).toContain('Pass --yes');
    expect(r.status).toBe(2);
    expect(readdirSync(path.join(root, 'My Manga'))).toEqual(['Vol 1']);
  });

  it('answers bad options with the usage (exit 2)', () => {
    const r = run(['--concurrency', '0', 'x']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--concurrency: expected a whole number/);
    expect(r.stderr).toContain('Usage: mokuro-worker');
  });
});
