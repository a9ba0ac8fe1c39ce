import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Handler } from '../src/handler/create-handler.ts';
import { silentLogger } from '../src/logger.ts';
import { buildApi, type ApiOptions } from '../src/runners/local-api/build-api.ts';
import { checkExposure } from '../src/runners/local-api/auth.ts';
import { serveApi } from '../src/runners/local-api/serve-api.ts';
import { loadConfig } from '../src/config.ts';

/**
 * The local API over real HTTP on loopback, with a scripted handler: `{ sleep_ms, fail, pages }`
 * sleeps (abortably), fails, or reports progress and streams one chunk per "page".
 */
const scripted: Handler = async (job, ctx = {}) => {
  const input = job.input as { sleep_ms?: number; fail?: boolean; pages?: number; echo?: unknown };
  const pages = input.pages ?? 0;
  for (let i = 0; i < pages; i++) {
    ctx.progress?.({ pages_done: i + 1, pages_total: pages });
    ctx.stream?.({ page_index: i });
  }
  if (input.sleep_ms) {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, input.sleep_ms);
      ctx.signal?.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    });
    if (ctx.signal?.aborted) return { error: 'job was cancelled', code: 'ABORTED' };
  }
  if (input.fail) return { error: 'page 0: not an image', code: 'IMAGE_DECODE' };
  return { echo: input.echo ?? null } as never;
};

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(overrides: Partial<ApiOptions> = {}) {
  const { app, store } = buildApi({ handler: scripted, log: silentLogger(), concurrency: 1, maxQueue: 5, maxBodyBytes: 64 * 1024, webhookRetryMs: 50, sweepMs: 20, ...overrides });
  await app.listen({ host: '127.0.0.1', port: 0 });
  servers.push({ close: () => app.close() });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(base + path, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  return { call, store, base };
}

const poll = async (call: Awaited<ReturnType<typeof start>>['call'], id: string, until: (s: string) => boolean) => {
  for (let i = 0; i < 200; i++) {
    const r = await call('GET', `/status/${id}`);
    if (until(r.body.status)) return r.body;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error(`job ${id} never reached the state`);
};

describe('local API (RunPod endpoint routes)', () => {
  it('runs /run in the background and reports it through /status, at the root and under /v2/:endpointId', async () => {
    const { call } = await start();
    for (const prefix of ['', '/v2/my-endpoint']) {
      const sent = Date.now();
      const run = await call('POST', `${prefix}/run`, { input: { echo: prefix, sleep_ms: 40 } });
      expect(run).toMatchObject({ status: 200, body: { status: 'IN_QUEUE' } });
      const done = await poll(call, run.body.id, (s) => s === 'COMPLETED');
      const seen = Date.now() - sent;
      expect(done).toMatchObject({ id: run.body.id, status: 'COMPLETED', output: { echo: prefix } });
      // the job slept 40 ms (a timer never fires early; 2 ms for Date.now's rounding at both ends),
      // and queueing plus running fit inside what the client saw
      expect(done.executionTime).toBeGreaterThanOrEqual(38);
      expect(done.delayTime + done.executionTime).toBeLessThanOrEqual(seen);
      expect((await call('POST', `${prefix}/status/${run.body.id}`)).body.status).toBe('COMPLETED');
    }
  });

  it('answers /runsync with the result, or with the id to poll when wait runs out', async () => {
    const { call } = await start();
    expect((await call('POST', '/runsync', { input: { echo: 1 } })).body).toMatchObject({ status: 'COMPLETED', output: { echo: 1 } });
    const slow = await call('POST', '/runsync?wait=1000', { input: { sleep_ms: 1500 } });
    expect(slow.body).toEqual({ id: expect.any(String), status: 'IN_PROGRESS' });
    const synced = await call('GET', `/v2/e/status-sync/${slow.body.id}?wait=3000`);
    expect(synced.body.status).toBe('COMPLETED');
  });

  it('marks an error result FAILED and keeps the rest as output; retry requeues it', async () => {
    const { call } = await start();
    const r = await call('POST', '/runsync', { input: { fail: true } });
    expect(r.body).toMatchObject({ status: 'FAILED', error: 'page 0: not an image', output: { code: 'IMAGE_DECODE' } });
    expect((await call('POST', `/retry/${r.body.id}`)).body).toEqual({ id: r.body.id, status: 'IN_QUEUE' });
    const again = await poll(call, r.body.id, (s) => s === 'FAILED');
    expect(again.retries).toBe(1);
    const ok = await call('POST', '/runsync', { input: {} });
    expect((await call('POST', `/retry/${ok.body.id}`)).status).toBe(409);
    expect((await call('GET', '/health')).body.jobs).toMatchObject({ completed: 1, failed: 2, retried: 1 });
  });

  it('cancels a running job and a queued one; cancelling a finished job leaves it as it was', async () => {
    const { call } = await start();
    const running = await call('POST', '/run', { input: { sleep_ms: 5000 } });
    const queued = await call('POST', '/run', { input: { echo: 'never' } });
    await poll(call, running.body.id, (s) => s === 'IN_PROGRESS');
    expect((await call('POST', `/cancel/${queued.body.id}`)).body.status).toBe('CANCELLED');
    expect((await call('POST', `/cancel/${running.body.id}`)).body).toEqual({ id: running.body.id, status: 'CANCELLED' });
    const finished = await call('POST', '/runsync', { input: { echo: 2 } });
    expect((await call('POST', `/cancel/${finished.body.id}`)).body.status).toBe('COMPLETED');
    expect((await call('GET', `/status/${queued.body.id}`)).body.output).toBeUndefined();
  });

  it('streams page chunks once each, then the final result', async () => {
    const { call } = await start();
    const r = await call('POST', '/runsync', { input: { pages: 3, echo: 'v' } });
    const first = await call('GET', `/stream/${r.body.id}`);
    expect(first.body.stream).toEqual([
      { output: { page_index: 0 } },
      { output: { page_index: 1 } },
      { output: { page_index: 2 } },
      { output: { echo: 'v' } },
    ]);
    expect((await call('GET', `/stream/${r.body.id}`)).body.stream).toEqual([]);
    expect(r.body.output).toEqual({ echo: 'v' });
  });

  it('purges queued jobs but lets the running one finish', async () => {
    const { call } = await start();
    const running = await call('POST', '/run', { input: { sleep_ms: 200 } });
    await call('POST', '/run', { input: {} });
    await call('POST', '/run', { input: {} });
    expect((await call('POST', '/purge-queue')).body).toEqual({ removed: 2, status: 'completed' });
    expect((await poll(call, running.body.id, (s) => s === 'COMPLETED')).status).toBe('COMPLETED');
  });

  it('times out a job past policy.executionTimeout and forgets jobs past their ttl', async () => {
    const { call } = await start();
    const slow = await call('POST', '/run', { input: { sleep_ms: 5000 }, policy: { executionTimeout: 1000 } });
    const timedOut = await poll(call, slow.body.id, (s) => s === 'TIMED_OUT');
    expect(timedOut.error).toMatch(/execution timeout of 1000 ms/);
    const short = await call('POST', '/runsync', { input: {}, policy: { ttl: 1000 } });
    expect(short.body.status).toBe('COMPLETED');
    await new Promise((r) => setTimeout(r, 1100));
    expect(await call('GET', `/status/${short.body.id}`)).toMatchObject({ status: 404, body: { error: expect.stringContaining('no job') } });
  });

  it('delivers the final status to the webhook, retrying a failing receiver', async () => {
    const received: unknown[] = [];
    let refusals = 1;
    const hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (refusals-- > 0) return void res.writeHead(500).end();
        received.push(JSON.parse(body));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    servers.push({ close: () => new Promise((r) => hook.close(() => r())) });
    // webhooks obey the address policy of every URL a job names: this test's receiver is allowed explicitly
    const { call } = await start({ fetch: { allowHttp: true, allowAddresses: ['127.0.0.1/32'], allowedHosts: [] } });
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    const r = await call('POST', '/runsync', { input: { echo: 'hooked' }, webhook: url });
    for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((res) => setTimeout(res, 20));
    expect(received).toEqual([expect.objectContaining({ id: r.body.id, status: 'COMPLETED', output: { echo: 'hooked' } })]);
  });

  it('requires the API key when one is set, as Bearer or raw', async () => {
    const { call, base } = await start({ apiKey: 's3cret' });
    expect(await call('POST', '/run', { input: {} })).toMatchObject({ status: 401, body: { error: expect.stringContaining('API key') } });
    expect((await call('POST', '/run', { input: {} }, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await call('POST', '/runsync', { input: {} }, { authorization: 'Bearer s3cret' })).body.status).toBe('COMPLETED');
    expect((await call('GET', '/health', undefined, { authorization: 's3cret' })).status).toBe(200);
    // the demo page itself is public (it asks for the key), with or without a query string
    for (const page of ['/', '/?from=tunnel']) expect((await fetch(base + page)).status).toBe(200);
  });

  it('refuses to serve beyond loopback without a key unless told to', () => {
    expect(checkExposure('0.0.0.0', undefined, false)).toMatch(/refusing to serve on 0\.0\.0\.0 without an API key/);
    expect(checkExposure('0.0.0.0', 'k', false)).toBeUndefined();
    expect(checkExposure('0.0.0.0', undefined, true)).toBeUndefined();
    expect(checkExposure('localhost', undefined, false)).toBeUndefined();
    expect(checkExposure('::1', undefined, false)).toBeUndefined();
  });

  it('answers 413 past the body limit, 429 when the queue is full, 400 for bad bodies, 404 for unknown ids', async () => {
    const { call } = await start({ maxQueue: 1 });
    const big = await call('POST', '/run', { input: { blob: 'x'.repeat(70 * 1024) } });
    expect(big).toEqual({ status: 413, body: { error: 'request body is larger than the limit of 65536 bytes' } });
    await call('POST', '/run', { input: { sleep_ms: 300 } });
    await new Promise((r) => setTimeout(r, 50));
    await call('POST', '/run', { input: {} });
    expect(await call('POST', '/run', { input: {} })).toMatchObject({ status: 429, body: { error: expect.stringContaining('queue is full') } });
    expect(await call('POST', '/run', '{"input": ')).toMatchObject({ status: 400, body: { error: 'request body is not valid JSON' } });
    expect(await call('POST', '/run', { inptu: {} })).toMatchObject({ status: 400, body: { error: 'input: required' } });
    expect((await call('GET', '/status/nope')).status).toBe(404);
    expect((await call('GET', '/nowhere')).status).toBe(404);
  });

  it('answers 413 before the body to a client that expects 100-continue, on IPv4 and IPv6 loopback', async () => {
    const config = loadConfig(['--serve-api', '--rp_api_port', '0'], { API_MAX_BODY_BYTES: String(64 * 1024) });
    const server = await serveApi(scripted, config, silentLogger());
    servers.push({ close: () => server.stop() });
    const send = (host: string, bytes: number) =>
      new Promise<{ status: number; body: string; continued: boolean }>((resolve, reject) => {
        const body = JSON.stringify({ input: { pad: 'x'.repeat(bytes) } });
        let continued = false;
        const req = http.request(`http://${host}:${server.port}/run`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, body: text, continued }));
        });
        req.on('error', reject);
        req.on('continue', () => ((continued = true), req.end(body)));
      });
    for (const host of ['127.0.0.1', '[::1]']) {
      // 2 MB: Node's server used to take it, close past the limit, and the client lost the answer (EPIPE)
      expect(await send(host, 2 * 2 ** 20)).toEqual({ status: 413, body: JSON.stringify({ error: 'request body is larger than the limit of 65536 bytes' }), continued: false });
      expect(await send(host, 100)).toMatchObject({ status: 200, continued: true });
    }
  });

  it('serves localhost on both IPv4 and IPv6 loopback', async () => {
    const config = loadConfig(['--serve-api', '--rp_api_port', '0'], {});
    const server = await serveApi(scripted, config, silentLogger());
    servers.push({ close: () => server.stop() });
    for (const host of ['127.0.0.1', '[::1]']) {
      const res = await fetch(`http://${host}:${server.port}/health`);
      expect(res.status).toBe(200);
    }
  });

  it('reads a JSON body sent as a form, as curl -d does, when an API key guards it', async () => {
    // without a key only application/json is read (test/local-api-hardening.test.ts, finding 4)
    const { call } = await start({ apiKey: 's3cret' });
    const r = await call('POST', '/runsync', '{"input":{"echo":"curl"}}', { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer s3cret' });
    expect(r.body).toMatchObject({ status: 'COMPLETED', output: { echo: 'curl' } });
  });
});
