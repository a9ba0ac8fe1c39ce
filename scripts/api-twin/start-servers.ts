import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The repository root, whatever the working directory. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Server {
  name: string;
  origin: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Polls `url` until `ready(response)` holds; fails with the process's output after `ms`. */
async function waitFor(url: string, ready: (r: Response) => Promise<boolean>, child: ChildProcess, output: () => string, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited (${child.exitCode}):\n${output()}`);
    try {
      if (await ready(await fetch(url))) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url}: not ready after ${ms} ms:\n${output()}`);
}

function launch(cmd: string, args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const keep = (b: Buffer) => {
    text = (text + b.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, output: () => text };
}

const stopper = (child: ChildProcess) => () =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });

/** Our local API (`--serve-api`) over the tiny stand-in models, on 127.0.0.1. */
export async function startOurs(env: NodeJS.ProcessEnv = {}): Promise<Server> {
  const port = await freePort();
  const args = ['--initial-old-space-size=256', '--import', 'tsx', 'handler.ts', '--serve-api', '--rp_api_host', '127.0.0.1', '--rp_api_port', String(port)];
  const { child, output } = launch(process.execPath, args, {
    STAND_IN_MODELS: 'always',
    MODELS_DIR: '.cache/api-twin/models',
    EXECUTION_PROVIDERS: 'cpu',
    LOG_LEVEL: 'warn',
    ...env,
  });
  const origin = `http://127.0.0.1:${port}`;
  // ready once the models are loaded: /health counts a ready worker
  await waitFor(`${origin}/health`, async (r) => r.ok && ((await r.json()) as { workers: { ready: number } }).workers.ready > 0, child, output);
  return { name: 'ours', origin, stop: stopper(child) };
}

/** runpod-python 1.12's `--rp_serve_api` over scripts/api-twin/twin_handler.py, on 127.0.0.1. */
export async function startRunpodPython(): Promise<Server> {
  const python = execFileSync('scripts/api-twin/setup.sh', { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const port = await freePort();
  const args = ['scripts/api-twin/twin_handler.py', '--rp_serve_api', '--rp_api_host', '127.0.0.1', '--rp_api_port', String(port), '--rp_log_level', 'ERROR'];
  const { child, output } = launch(python, args, { UVICORN_LOG_LEVEL: 'warning', RUNPOD_PROJECT_ID: 'api-twin' });
  const origin = `http://127.0.0.1:${port}`;
  await waitFor(`${origin}/openapi.json`, async (r) => r.ok, child, output);
  return { name: 'runpod-python', origin, stop: stopper(child) };
}
