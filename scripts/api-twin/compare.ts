/**
 * runpod-python 1.12's `--rp_serve_api` server and our local API, side by side: the scripted requests
 * of twin-steps.ts against both, then a table of what each answered (status code, the keys of the
 * answer, the `status` field and error text). Exits 1 when a step's verdict is not the one recorded.
 *
 *   node --import tsx scripts/api-twin/compare.ts            # prints the table
 *   node --import tsx scripts/api-twin/compare.ts --readme   # and writes it into README.md
 */
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import sharp from 'sharp';
import { ROOT, startOurs, startRunpodPython, type Server } from './start-servers.ts';
import { STEPS, page, type Ctx, type Step, type Verdict } from './twin-steps.ts';

interface Seen {
  code: number;
  /** top-level keys of a JSON answer (with `status=` and `error=` values), or the content type */
  shape: string;
  status?: string;
}

/** Error text cut short, job ids masked so the table reads the same on every run. */
const short = (s: string, n = 36) => {
  const t = s.replace(/[0-9a-f]{8}-[0-9a-f-]{27}(-local)?/g, '<id>');
  return t.length > n ? `${t.slice(0, n)}…` : t;
};

function describe(code: number, contentType: string, text: string): Seen {
  if (!contentType.includes('json')) return { code, shape: contentType.split(';')[0] || '(empty)' };
  const body = JSON.parse(text) as Record<string, unknown>;
  const parts = Object.keys(body)
    .sort()
    .map((k) => {
      const v = body[k];
      if (k === 'status' && typeof v === 'string') return `status=${v}`;
      if ((k === 'error' || k === 'detail') && typeof v === 'string') return `${k}="${short(v)}"`;
      if (k === 'output' && v && typeof v === 'object' && !Array.isArray(v)) return `output{${Object.keys(v).sort().join(',')}}`;
      if (k === 'paths' && v && typeof v === 'object') return `paths(${Object.keys(v).length})`;
      return k;
    });
  return { code, shape: parts.join(', '), status: typeof body.status === 'string' ? body.status : undefined };
}

async function send(server: Server, step: Step, ctx: Ctx): Promise<Seen> {
  if (step.settle && server.name === 'ours') await fetch(`${server.origin}/status-sync/${ctx.runId}?wait=10000`);
  const body = step.body?.();
  const res = await request(server.origin + step.path(ctx), step.method, body, step.contentType ?? 'application/json');
  const seen = describe(res.code, res.headers['content-type'] ?? '', res.text);
  if (step.path(ctx) === '/run' && res.code === 200) ctx.runId = (JSON.parse(res.text) as { id: string }).id;
  if (res.code >= 300 && res.code < 400) seen.shape = `→ ${res.headers.location}`;
  return seen;
}

/**
 * node:http rather than fetch: a server may answer 413 to a huge body and close the socket, and
 * fetch then reports only the broken pipe. A big body waits for `100 Continue`, as curl's does.
 */
function request(url: string, method: string, body: string | undefined, contentType: string) {
  return new Promise<{ code: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const big = body !== undefined && body.length > 2 ** 20;
    const headers = body === undefined ? {} : { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...(big ? { expect: '100-continue' } : {}) };
    let answered = false;
    const req = http.request(url, { method, headers, timeout: 30_000 }, (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ code: res.statusCode!, headers: res.headers, text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer in 30 s`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
    });
    // a broken pipe is waited out for the answer the server sent first; no answer at all fails the step
    req.on('close', () => {
      if (!answered) reject(new Error(`${method} ${url}: the connection closed without an answer`));
    });
    if (big) req.on('continue', () => req.end(body));
    else req.end(body);
  });
}

function verdict(a: Seen, b: Seen): Verdict {
  if (a.code !== b.code) return 'differs';
  return a.shape === b.shape ? 'same' : 'same status code';
}

const cell = (s: Seen) => `${s.code} ${s.shape}`.replaceAll('|', '\\|');

async function main() {
  page.base64 = (await sharp({ create: { width: 32, height: 24, channels: 3, background: 'white' } }).png().toBuffer()).toString('base64');
  const [theirs, ours] = await Promise.all([startRunpodPython(), startOurs()]);
  const rows: string[] = [];
  let wrong = 0;
  try {
    const ctx = { theirs: { runId: '' }, ours: { runId: '' } };
    for (const step of STEPS) {
      const a = await send(theirs, step, ctx.theirs);
      const b = await send(ours, step, ctx.ours);
      const v = verdict(a, b);
      const flag = v === step.expect ? '' : ` **(expected: ${step.expect})**`;
      if (flag) wrong++;
      rows.push(`| ${step.request} | ${cell(a)} | ${cell(b)} | ${v}${flag} | ${v === 'same' ? '' : step.why} |`);
    }
  } finally {
    await Promise.all([theirs.stop(), ours.stop()]);
  }
  const table = [
    '| request | runpod-python 1.12 `--rp_serve_api` | ours (`--serve-api`) | verdict | why we follow the cloud endpoint |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  console.log(table);
  if (process.argv.includes('--readme')) writeReadme(table);
  if (wrong > 0) {
    console.error(`\n${wrong} step(s) no longer answer as recorded in scripts/api-twin/twin-steps.ts`);
    process.exitCode = 1;
  }
}

/** Replaces the table between the api-twin markers of README.md. */
function writeReadme(table: string) {
  const file = join(ROOT, 'README.md');
  const text = readFileSync(file, 'utf8');
  const start = '<!-- api-twin:start (written by scripts/api-twin/compare.ts --readme) -->';
  const end = '<!-- api-twin:end -->';
  const [before, rest] = text.split(start);
  if (rest === undefined || !rest.includes(end)) throw new Error('README.md has no api-twin markers');
  writeFileSync(file, `${before}${start}\n${table}\n${end}${rest.slice(rest.indexOf(end) + end.length)}`);
}

await main();
