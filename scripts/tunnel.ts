/**
 * The tunnel demo: the local API plus a Cloudflare quick tunnel, so a phone or a teammate can reach
 * the worker. Prints the public URL, the API key and an example call; Ctrl-C stops both.
 *
 *   node --import tsx scripts/tunnel.ts [--port 8000] [--help]
 *
 * `cloudflared` must be on PATH (it is not in Debian 12; get it from Cloudflare's releases).
 * A quick tunnel is public: the API is started with API_KEY (a random one unless you set it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HELP = `Usage: tunnel [--port PORT]
Starts the local API (--serve-api) on localhost:PORT (default 8000) with an API key, then a
Cloudflare quick tunnel to it (cloudflared on PATH), and prints the public URL. Ctrl-C stops both.
Set API_KEY to choose the key; otherwise a random one is printed.`;

/** cloudflared prints the quick-tunnel URL on stderr; api.trycloudflare.com appears in its error lines. */
export function tunnelUrl(line: string): string | undefined {
  const m = line.match(/https:\/\/([a-z0-9-]+)\.trycloudflare\.com/);
  return m && m[1] !== 'api' ? m[0] : undefined;
}

function hasCloudflared(): boolean {
  return !spawnSync('cloudflared', ['--version'], { stdio: 'ignore' }).error;
}

function main(): void {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8000' }, help: { type: 'boolean' } } });
  if (values.help) return void console.log(HELP);
  if (!hasCloudflared()) {
    console.error('tunnel: cloudflared is not on PATH. Install it from https://github.com/cloudflare/cloudflared/releases (it is not in Debian 12), then run this again.');
    process.exit(1);
  }
  const port = values.port!;
  const key = process.env.API_KEY || randomBytes(18).toString('base64url');
  const root = fileURLToPath(new URL('..', import.meta.url));
  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r))))).then(() => process.exit(code));
  };

  const api = spawn(process.execPath, ['--import', 'tsx', 'handler.ts', '--serve-api', '--rp_api_port', port], {
    cwd: root,
    env: { ...process.env, API_KEY: key },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const tunnel = spawn('cloudflared', ['tunnel', '--no-autoupdate', '--url', `http://localhost:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(api, tunnel);

  createInterface({ input: tunnel.stderr! }).on('line', (line) => {
    const url = tunnelUrl(line);
    if (!url) return;
    console.log(`\nPublic URL: ${url}   (demo page: ${url}/)\nAPI key:    ${key}\n`);
    console.log(`curl -s ${url}/runsync -H 'Authorization: Bearer ${key}' -H 'Content-Type: application/json' -d @test_input.json\n`);
  });
  for (const c of children) {
    c.once('exit', (code) => {
      if (!stopping) console.error(`tunnel: ${c === api ? 'the local API' : 'cloudflared'} exited (${code}); stopping`);
      stop(stopping ? 0 : 1);
    });
  }
  process.once('SIGINT', () => stop(0));
  process.once('SIGTERM', () => stop(0));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
