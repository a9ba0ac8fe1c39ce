/**
 * The local API under a flood of large failing jobs (issue 16, finding 1): the real entry serving
 * `--serve-api` with the flags of `npm run serve`, sent JOBS `/run` requests in a row, each a
 * 19.5 MB `process_page` whose base64 decodes to zeros (passes the 20 MB body limit, fails fast as
 * IMAGE_DECODE). Before the memory bounds every finished job kept its whole request and the
 * process died of a V8 heap OOM after ~215 of them. Measures the server's RSS from /proc:
 * growth = RSS once settled after every job is final (see settledRss) − RSS once ready, with the RSS
 * at the moment the last job was final reported beside it; peak = VmHWM − RSS once ready.
 * Exits 1 when the server dies or grows by MAX_GROWTH_MB or more.
 *
 *   node --import tsx scripts/bench/api-memory.ts [--jobs 300]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const MB = 2 ** 20;
const BODY_BYTES = Math.round(19.5 * MB);
const MAX_GROWTH_MB = 300;
/** the whole run, start-up included */
const DEADLINE_MS = 5 * 60_000;
const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

/** VmRSS and VmHWM of a process, in bytes. */
function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function call(port: number, method: string, route: string, body?: Buffer): Promise<{ status: number; body: Record<string, any> }> {
  return new Promise((resolve, reject) => {
    const headers = body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {};
    const req = http.request({ host: '127.0.0.1', port, method, path: route, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, any>) : {} }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The server's RSS once it has settled after the flood: what it keeps, not the garbage it has yet to
 * collect. At the last final status the V8 heap still holds the last few requests' dead strings until
 * its next full GC (anywhere from +80 to +200 MB, whichever moment the sample falls on); V8's memory
 * reducer collects them once allocation stops (about 8 s later). Settled = unchanged within 2 MB
 * for SETTLE_STEADY_MS, sampled every 500 ms, no earlier than SETTLE_MIN_MS and no later than
 * SETTLE_MAX_MS after the last job was final.
 */
const SETTLE_MIN_MS = 10_000;
const SETTLE_STEADY_MS = 5_000;
const SETTLE_MAX_MS = 30_000;
async function settledRss(pid: number, alive: () => boolean): Promise<{ rss: number; hwm: number; after_s: number }> {
  const t0 = Date.now();
  let last = memoryOf(pid);
  let steadySince = t0;
  while (alive() && Date.now() - t0 < SETTLE_MAX_MS) {
    await sleep(500);
    const now = memoryOf(pid);
    if (Math.abs(now.rss - last.rss) > 2 * MB) steadySince = Date.now();
    last = now;
    if (Date.now() - t0 >= SETTLE_MIN_MS && Date.now() - steadySince >= SETTLE_STEADY_MS) break;
  }
  return { ...last, after_s: Math.round((Date.now() - t0) / 1000) };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { jobs: { type: 'string', default: '300' } } });
  const jobs = Number(values.jobs);
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const modelsDir = mkdtempSync(path.join(tmpdir(), 'mokuro-api-memory-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--initial-old-space-size=256', '--import', 'tsx', 'handler.ts', '--serve-api', '--rp_api_host', '127.0.0.1', '--rp_api_port', String(port)], {
    cwd: root,
    env: { ...process.env, MODELS_DIR: modelsDir, STAND_IN_MODELS: 'always', EXECUTION_PROVIDERS: 'cpu', LOG_LEVEL: 'error', RUNPOD_WEBHOOK_GET_JOB: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exit: string | undefined;
  child.on('exit', (code, signal) => (exit = `exit ${code ?? signal}`));
  const deadline = Date.now() + DEADLINE_MS;
  const alive = () => exit === undefined && Date.now() < deadline;
  try {
    while (alive()) {
      const health = await call(port, 'GET', '/health').catch(() => undefined);
      if (health?.body.workers?.ready >= 1) break;
      await sleep(250);
    }
    if (!alive()) throw new Error(`the server did not become ready (${exit ?? 'deadline'})`);
    const pid = child.pid!;
    const base = memoryOf(pid).rss;

    // {"input":{"type":"process_page","image":"AAAA…"}}: valid base64 of zeros, not an image
    const head = Buffer.from('{"input":{"type":"process_page","image":"');
    const tail = Buffer.from('"}}');
    const body = Buffer.concat([head, Buffer.alloc(BODY_BYTES - head.length - tail.length, 'A'), tail]);
    const t0 = Date.now();
    const ids: string[] = [];
    const refused: Record<number, number> = {};
    let maxRss = base;
    for (let n = 0; n < jobs && alive(); n++) {
      const r = await call(port, 'POST', '/run', body);
      if (r.status === 200) ids.push(r.body.id as string);
      else refused[r.status] = (refused[r.status] ?? 0) + 1;
      if (n % 10 === 0) maxRss = Math.max(maxRss, memoryOf(pid).rss);
    }
    const sent = Date.now() - t0;
    const codes: Record<string, number> = {};
    for (const id of ids) {
      for (;;) {
        if (!alive()) throw new Error(`the server stopped while jobs were pending (${exit ?? 'deadline'})`);
        const s = await call(port, 'GET', `/status/${id}`);
        // 404: forgotten under the retained-jobs budget, so it was final
        const status = s.status === 404 ? 'FORGOTTEN' : (s.body.status as string);
        if (status === 'FORGOTTEN' || FINAL.has(status)) {
          const key = status === 'FAILED' ? `FAILED ${(s.body.output as { code?: string } | undefined)?.code}` : status;
          codes[key] = (codes[key] ?? 0) + 1;
          break;
        }
        await sleep(50);
      }
    }
    const atLastFinal = memoryOf(pid).rss;
    const settled = await settledRss(pid, alive);
    const health = await call(port, 'GET', '/health');
    const growth = (settled.rss - base) / MB;
    const peak = (Math.max(settled.hwm, maxRss) - base) / MB;
    console.log(JSON.stringify({
      jobs, accepted: ids.length, refused, final: codes, sent_ms: sent, rss_ready_mb: Math.round(base / MB),
      rss_growth_mb: Math.round(growth), rss_growth_at_last_final_mb: Math.round((atLastFinal - base) / MB), settled_after_s: settled.after_s,
      peak_above_ready_mb: Math.round(peak), health: health.body.jobs,
    }));
    if (health.status !== 200) throw new Error('the server stopped answering');
    if (growth >= MAX_GROWTH_MB) throw new Error(`RSS grew by ${Math.round(growth)} MB, over ${MAX_GROWTH_MB} MB`);
    return 0;
  } catch (err) {
    console.error(`api-memory: ${(err as Error).message}`);
    return 1;
  } finally {
    agent.destroy();
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(modelsDir, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));
