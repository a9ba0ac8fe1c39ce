import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Node's own flags for this process, without the `--import tsx` this module adds: `npm run bench`
 * starts with the production flags (package.json), and the children must run under them too.
 */
export const NODE_FLAGS = process.execArgv.filter((a, i, all) => a !== '--import' && all[i - 1] !== '--import');

/**
 * Run a bench child script in a fresh node process (with NODE_FLAGS); resolves with its last stdout
 * JSON line and wall ms.
 */
export function runChild<T>(script: string, args: string[] = [], nodeArgs: string[] = []): Promise<T & { process_wall_ms: number }> {
  const file = fileURLToPath(new URL(script, import.meta.url));
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_FLAGS, ...nodeArgs, '--import', 'tsx', file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
