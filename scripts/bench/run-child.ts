import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Run a bench child script in a fresh node process; resolves with its last stdout JSON line and wall ms. */
export function runChild<T>(script: string, args: string[] = [], nodeArgs: string[] = []): Promise<T & { process_wall_ms: number }> {
  const file = fileURLToPath(new URL(script, import.meta.url));
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`${script} exited ${code}: ${err.slice(-500)}`));
      resolve({ ...(JSON.parse(line) as T), process_wall_ms: Math.round(performance.now() - t0) });
    });
  });
}
