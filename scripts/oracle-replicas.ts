/**
 * The oracle's Python environment and the replicas made with it, for the scripts that need them
 * (parity, the benchmark's CPU ceiling): oracle/setup.sh makes (or reuses) the environment under
 * .cache/oracle; oracle/make_replicas.py makes (or reuses) replicas of the pinned manga-ocr export in
 * .cache/replicas/<size>; docker/kv-decoder/replica-kv.sh adds their KV-cache export and in-graph beam
 * search under kv/, as the Docker image makes them for the real weights. Tooling, never the runtime.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateStandInModels } from './generate-stand-in-models.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = path.join(ROOT, '.cache');

/** `cmd args…` in the repository; its stdout, or an error naming `what` */
export function runTool(cmd: string, args: string[], what: string): string {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${what} failed (${cmd} exited ${r.status ?? r.signal})`);
  return r.stdout;
}

/** the oracle's python, its environment made or reused */
export const oraclePython = () => path.resolve(ROOT, runTool(path.join(ROOT, 'oracle/setup.sh'), [], 'oracle/setup.sh').trim().split('\n').at(-1)!);

/** The replicas of one size (with the ink-responsive stand-in detector), made or reused; their folder. */
export function ensureReplicas(python: string, size: string): string {
  const standIn = path.join(CACHE, 'replicas', 'stand-in');
  generateStandInModels({ outDir: standIn, size: 'tiny' });
  runTool(python, ['oracle/make_replicas.py', '--size', size, '--stand-in', standIn], 'oracle/make_replicas.py');
  return path.join(CACHE, 'replicas', size);
}

/** The replicas' kv/ folder (KV pair and in-graph beam search), made or reused. */
export function ensureReplicaKv(dir: string): void {
  runTool('bash', [path.join(ROOT, 'docker/kv-decoder/replica-kv.sh'), dir], 'docker/kv-decoder/replica-kv.sh');
}
