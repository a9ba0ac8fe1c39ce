import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Node's own flags for this process, without the `--import tsx` this module adds: `npm run bench`
 * starts with the production flags (package.json), and the children must run under them too.
 */
export const NODE_FLAGS = process.execArgv.filter((a, i, all) => a !== '--import' && all[i - 1] !== '--import');

/**
 * Runs `command` and resolves with the last line it printed on stdout, parsed as JSON; rejects naming
 * `what` with the end of its stderr when it exits non-zero or that line is not JSON.
 */
export function lastJsonLine<T>(command: string, args: string[], what: string, cwd?: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`${what} exited ${code}: ${err.slice(-800)}`));
      resolve(JSON.parse(line) as T);
    });
  });
}

/**
 * Run a bench child script in a fresh node process (with NODE_FLAGS); resolves with its last stdout
 * JSON line and wall ms.
 */
export async function runChild<T>(script: string, args: string[] = [], nodeArgs: string[] = []): Promise<T & { process_wall_ms: number }> {
  const file = fileURLToPath(new URL(script, import.meta.url));
  const t0 = performance.now();
  const result = await lastJsonLine<T>(process.execPath, [...NODE_FLAGS, ...nodeArgs, '--import', 'tsx', file, ...args], script);
  return { ...result, process_wall_ms: Math.round(performance.now() - t0) };
}
