import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tunnelUrl } from '../scripts/tunnel.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const ENV = { ...process.env, MODELS_DIR: path.join(ROOT, '.cache/models/one-shot'), EXECUTION_PROVIDERS: 'cpu', API_KEY: '' };

/** A stand-in for cloudflared that prints a quick tunnel's banner (with the error line naming api.trycloudflare.com). */
function fakeCloudflared(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fake-cloudflared-'));
  const bin = path.join(dir, 'cloudflared');
  writeFileSync(
    bin,
    `#!${process.execPath}
if (process.argv[2] === '--version') { console.log('cloudflared version 2025.1.0 (fake)'); process.exit(0); }
console.error('INF Requesting new quick Tunnel on trycloudflare.com...');
console.error('ERR failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel": EOF');
console.error('INF |  https://quick-brown-fox.trycloudflare.com  |');
setInterval(() => {}, 1000);
process.on('SIGTERM', () => process.exit(0));
`,
  );
  chmodSync(bin, 0o755);
  return dir;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

describe('tunnel demo script', () => {
  it('picks the quick-tunnel URL, not the API host from error lines', () => {
    expect(tunnelUrl('ERR Post "https://api.trycloudflare.com/tunnel": EOF')).toBeUndefined();
    expect(tunnelUrl('INF |  https://a-b-c.trycloudflare.com  |')).toBe('https://a-b-c.trycloudflare.com');
  });

  it('says clearly when cloudflared is missing', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/tunnel.ts'], { cwd: ROOT, env: { ...ENV, PATH: path.dirname(process.execPath) }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cloudflared is not on PATH');
  });

  it('starts the API with a key and the tunnel, prints the URL and a curl example, and stops both on Ctrl-C', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/tunnel.ts', '--port', String(port)], {
      cwd: ROOT,
      env: { ...ENV, PATH: `${fakeCloudflared()}:${process.env.PATH}` },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    for (let i = 0; i < 300 && !out.includes('curl -s'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(out).toContain('Public URL: https://quick-brown-fox.trycloudflare.com');
    const key = out.match(/API key: +(\S+)/)![1];
    expect(out).toContain(`curl -s https://quick-brown-fox.trycloudflare.com/runsync -H 'Authorization: Bearer ${key}'`);

    let health = 0;
    for (let i = 0; i < 200 && health === 0; i++) {
      health = await fetch(`http://127.0.0.1:${port}/health`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status, () => 0);
      if (!health) await new Promise((r) => setTimeout(r, 100));
    }
    expect(health).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(401);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  }, 60_000);
});
