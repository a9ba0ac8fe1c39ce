import { afterEach, describe, expect, it } from 'vitest';
import { request, scriptedHandler, startApi, startReceiver } from './helpers/api-server.ts';
import { startLoopbackServer } from './helpers/loopback-server.ts';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/logger.ts';
import { serveApi } from '../src/runners/local-api/serve-api.ts';

/**
 * What an adversarial review of the local API found (issue 16), each over real HTTP on loopback.
 * Numbers are the review's finding numbers.
 */
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
/** Webhooks to the test's receiver on 127.0.0.1 over http: allowed explicitly, as FETCH_ALLOW_* would. */
const webhookAllowed = { fetch: { allowHttp: true, allowAddresses: ['127.0.0.1/32'], allowedHosts: [] } };

async function api(...args: Parameters<typeof startApi>) {
  const a = await startApi(...args);
  closers.push(a.close);
  return a;
}

describe('#10 prototype keys written with JSON escapes', () => {
  it('refuses "\\u005f_proto__" and an escaped constructor.prototype, at any depth, after parsing', async () => {
    const { call } = await api();
    const proto = await call('POST', '/run', '{"input":{"a":[{"\\u005f_proto__":{"polluted":1}}]}}');
    expect(proto).toEqual({ status: 400, body: { error: 'request body: the key __proto__ is not allowed' } });
    const ctor = await call('POST', '/run', '{"input":{"\\u0063onstructor":{"prot\\u006ftype":{"x":1}}}}');
    expect(ctor).toEqual({ status: 400, body: { error: 'request body: the key constructor.prototype is not allowed' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('#6 policy.executionTimeout past the 32-bit timer limit', () => {
  it('runs a job whose executionTimeout is 2^31 ms or 2^53 − 1 ms to completion instead of timing it out at once', async () => {
    const { call } = await api();
    for (const executionTimeout of [2 ** 31, Number.MAX_SAFE_INTEGER]) {
      const r = await call('POST', '/runsync', { input: { sleep_ms: 50, echo: executionTimeout }, policy: { executionTimeout } });
      expect(r.body).toMatchObject({ status: 'COMPLETED', output: { echo: executionTimeout } });
    }
  });
});

describe('#5 /retry of a TIMED_OUT job whose first attempt is still stopping', () => {
  it('runs the retry; the stale attempt can neither finish nor report; one webhook per final state, each counted once', async () => {
    const hook = await startReceiver();
    closers.push(hook.close);
    const { call, poll, calls } = await api(webhookAllowed);
    // the first attempt outlives its timeout by 300 ms (a page still in the models); the retry finishes at once
    const run = await call('POST', '/run', { input: { sleep_ms: 10_000, stop_ms: 300, once: true, echo: 'second' }, policy: { executionTimeout: 1000 }, webhook: hook.url });
    const id = run.body.id as string;
    expect((await poll(id, (s) => s === 'TIMED_OUT')).error).toMatch(/execution timeout of 1000 ms/);
    expect((await call('POST', `/retry/${id}`)).body).toEqual({ id, status: 'IN_QUEUE' });
    const final = await poll(id, (s) => s !== 'IN_QUEUE' && s !== 'IN_PROGRESS');
    expect(final).toMatchObject({ id, status: 'COMPLETED', output: { echo: 'second' }, retries: 1 });
    expect(calls.get(id)).toBe(2);
    expect((await call('GET', '/health')).body.jobs).toMatchObject({ completed: 1, failed: 1, retried: 1, inProgress: 0, inQueue: 0 });
    for (let i = 0; i < 200 && hook.received.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(hook.received.map((b) => b.status)).toEqual(['TIMED_OUT', 'COMPLETED']);
  });
});

describe('#15 /runsync on a job that is then purged', () => {
  it('answers at once with the job CANCELLED, not IN_QUEUE after its whole wait for an id that is gone', async () => {
    const { call, poll } = await api();
    const running = await call('POST', '/run', { input: { sleep_ms: 5000 } });
    await poll(running.body.id, (s) => s === 'IN_PROGRESS');
    const sync = call('POST', '/runsync?wait=3000', { input: { echo: 'never' } });
    for (let i = 0; i < 100 && (await call('GET', '/health')).body.jobs.inQueue < 1; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await call('POST', '/purge-queue')).body).toEqual({ removed: 1, status: 'completed' });
    const answer = await sync;
    expect(answer.body).toMatchObject({ status: 'CANCELLED', error: 'the job was purged from the queue' });
    expect((await call('GET', `/status/${answer.body.id}`)).status).toBe(404);
    await call('POST', `/cancel/${running.body.id}`);
  });
});

describe('#14 /retry and the queue bound, /retry while shutting down', () => {
  it('answers /retry 429 when the queue is full and 503 once the server stops accepting jobs, as /run does', async () => {
    const { call, poll, store, calls } = await api({ maxQueue: 1 });
    const failed = await call('POST', '/runsync', { input: { fail: true } });
    expect(failed.body.status).toBe('FAILED');
    const running = await call('POST', '/run', { input: { sleep_ms: 5000 } });
    await poll(running.body.id, (s) => s === 'IN_PROGRESS');
    expect((await call('POST', '/run', { input: {} })).status).toBe(200);
    expect(await call('POST', '/run', { input: {} })).toMatchObject({ status: 429 });
    expect(await call('POST', `/retry/${failed.body.id}`)).toEqual({ status: 429, body: { error: 'the queue is full (1 jobs waiting); retry later' } });
    expect((await call('GET', `/status/${failed.body.id}`)).body.status).toBe('FAILED');

    await call('POST', '/purge-queue');
    store.stopAccepting();
    expect(await call('POST', '/run', { input: {} })).toMatchObject({ status: 503 });
    expect(await call('POST', `/retry/${failed.body.id}`)).toEqual({ status: 503, body: { error: 'the worker is shutting down' } });
    expect(calls.get(failed.body.id)).toBe(1);
    expect((await call('GET', '/health')).body.jobs.retried).toBe(0);
    await call('POST', `/cancel/${running.body.id}`);
  });
});

describe('#1 what finished and waiting jobs keep in memory', () => {
  const pad = 'x'.repeat(60_000); // a 60 KB request, as a 20 MB one at 1/300 scale

  it('keeps at most API_MAX_RETAINED_JOBS finished jobs, forgetting the oldest first', async () => {
    const { call, store } = await api({ maxRetainedJobs: 3 });
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) ids.push((await call('POST', '/runsync', { input: { echo: n } })).body.id as string);
    const statuses = await Promise.all(ids.map(async (id) => (await call('GET', `/status/${id}`)).status));
    expect(statuses).toEqual([404, 404, 200, 200, 200]);
    expect(store.memory().retainedJobs).toBe(3);
  });

  it('drops what a finished job does not need for /status, and keeps outputs and retry inputs inside API_MAX_RETAINED_BYTES', async () => {
    const budget = 200_000;
    const { call, store } = await api({ maxRetainedBytes: budget });
    const done = await call('POST', '/runsync', { input: { echo: 'small', pad } });
    expect(store.get(done.body.id)?.request).toBeUndefined();

    // failed jobs keep their request for /retry: three fit, the fourth pushes out the oldest one's
    const failed: string[] = [];
    for (let n = 0; n < 4; n++) {
      failed.push((await call('POST', '/runsync', { input: { fail: true, pad } })).body.id as string);
      expect(store.memory().retainedBytes).toBeLessThanOrEqual(budget);
    }
    expect((await call('GET', `/status/${failed[0]}`)).body).toMatchObject({ status: 'FAILED', error: 'page 0: not an image' });
    expect(await call('POST', `/retry/${failed[0]}`)).toMatchObject({ status: 400, body: { error: expect.stringContaining('its input is no longer kept') } });
    expect((await call('POST', `/retry/${failed[3]}`)).body.status).toBe('IN_QUEUE');

    // large outputs count too: the oldest finished jobs go, the newest stays
    const outputs: string[] = [];
    for (let n = 0; n < 4; n++) {
      outputs.push((await call('POST', '/runsync', { input: { echo: pad } })).body.id as string);
      expect(store.memory().retainedBytes).toBeLessThanOrEqual(budget);
    }
    expect((await call('GET', `/status/${done.body.id}`)).status).toBe(404);
    expect((await call('GET', `/status/${outputs[3]}`)).body).toMatchObject({ status: 'COMPLETED', output: { echo: pad } });
  });

  it('answers 503 with a clear error once queued and running requests would pass API_MAX_PENDING_BYTES', async () => {
    const { call, poll, store } = await api({ maxPendingBytes: 150_000 });
    const running = await call('POST', '/run', { input: { sleep_ms: 5000, pad } });
    await poll(running.body.id, (s) => s === 'IN_PROGRESS');
    expect((await call('POST', '/run', { input: { pad } })).status).toBe(200);
    const refused = await call('POST', '/run', { input: { pad } });
    expect(refused).toEqual({ status: 503, body: { error: expect.stringMatching(/^queued and running jobs hold 0\.1 MB of requests; this 0\.1 MB more would pass the limit of 0\.1 MB \(API_MAX_PENDING_BYTES\); retry later$/) } });
    expect(store.memory().pendingBytes).toBeLessThanOrEqual(150_000);
    // small jobs still fit, and room comes back as jobs finish
    expect((await call('POST', '/run', { input: {} })).status).toBe(200);
    await call('POST', `/cancel/${running.body.id}`);
    await poll(running.body.id, (s) => s === 'CANCELLED');
    for (let i = 0; i < 100 && store.memory().pendingBytes > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await call('POST', '/run', { input: { pad } })).status).toBe(200);
  });
});

describe('#3 webhooks go through the guarded client of page URLs', () => {
  it('refuses at /run a webhook the address policy refuses: http, loopback and private IPs in any spelling, hosts off the allow-list', async () => {
    const hook = await startReceiver();
    closers.push(hook.close);
    const strict = await api();
    const port = hook.port;
    const cases: [string, string][] = [
      [hook.url, 'webhook: only https URLs are fetched, not http:'],
      [`https://127.0.0.1:${port}/hook`, 'webhook: 127.0.0.1 is a loopback address; only public addresses are fetched'],
      [`https://2130706433:${port}/hook`, 'webhook: 127.0.0.1 is a loopback address; only public addresses are fetched'],
      [`https://[::1]:${port}/hook`, 'webhook: ::1 is a loopback address; only public addresses are fetched'],
      ['https://169.254.169.254/latest', 'webhook: 169.254.169.254 is a link-local address (where cloud metadata services live); only public addresses are fetched'],
    ];
    for (const [webhook, error] of cases) expect(await strict.call('POST', '/run', { input: {}, webhook })).toEqual({ status: 403, body: { error } });
    const listed = await api({ fetch: { allowHttp: true, allowAddresses: ['127.0.0.1/32'], allowedHosts: ['hooks.example.com'] } });
    expect(await listed.call('POST', '/run', { input: {}, webhook: hook.url })).toEqual({ status: 403, body: { error: 'webhook: host 127.0.0.1 is not on the allow-list (FETCH_ALLOWED_HOSTS)' } });
    expect(hook.requests()).toBe(0);
  });

  it('never delivers to a name that resolves to loopback', async () => {
    const hook = await startReceiver();
    closers.push(hook.close);
    const { call, webhooks } = await api({ fetch: { allowHttp: true, allowAddresses: [], allowedHosts: [] } });
    const r = await call('POST', '/runsync', { input: { echo: 'secret' }, webhook: `http://localhost:${hook.port}/hook` });
    expect(r.body.status).toBe('COMPLETED');
    expect(await webhooks.settle(5000)).toBe(0);
    expect(hook.requests()).toBe(0);
  });

  it('does not follow a redirect: the result is never re-posted elsewhere', async () => {
    const elsewhere = await startReceiver();
    closers.push(elsewhere.close);
    const redirecting = await startLoopbackServer((_req, res) => void res.writeHead(307, { location: elsewhere.url }).end());
    closers.push(redirecting.close);
    const { call, webhooks } = await api(webhookAllowed);
    const r = await call('POST', '/runsync', { input: { echo: 'secret' }, webhook: `${redirecting.origin}/hook` });
    expect(r.body.status).toBe('COMPLETED');
    expect(await webhooks.settle(5000)).toBe(0);
    expect(redirecting.hits).toEqual(['/hook', '/hook', '/hook']);
    expect(elsewhere.requests()).toBe(0);
  });

  it('delivers to an allowed receiver as a POST of the final status', async () => {
    const hook = await startReceiver();
    closers.push(hook.close);
    const { call, webhooks } = await api(webhookAllowed);
    const r = await call('POST', '/runsync', { input: { echo: 'hooked' }, webhook: hook.url });
    expect(await webhooks.settle(5000)).toBe(0);
    expect(hook.received).toEqual([expect.objectContaining({ id: r.body.id, status: 'COMPLETED', output: { echo: 'hooked' } })]);
  });
});

describe('#9 stopping the local API (SIGTERM, SIGINT)', () => {
  it('cancels queued jobs (their webhooks sent), lets the running one finish, and waits for webhook deliveries', async () => {
    // a receiver that takes 300 ms to answer: stop() must wait for it, not leave deliveries behind
    const hook = await startReceiver(() => 200, 300);
    closers.push(hook.close);
    const scripted = scriptedHandler();
    const config = loadConfig(['--serve-api', '--rp_api_host', '127.0.0.1', '--rp_api_port', '0'], { FETCH_ALLOW_HTTP: '1', FETCH_ALLOW_ADDRESSES: '127.0.0.1' });
    const server = await serveApi(scripted.handler, config, silentLogger());
    const call = (path: string, body?: unknown) => request(server.port, 'POST', path, body === undefined ? undefined : JSON.stringify(body), { 'content-type': 'application/json' });
    const running = (await call('/run', { input: { sleep_ms: 300, echo: 'finished' }, webhook: hook.url })).body.id as string;
    const queued = [(await call('/run', { input: { echo: 'a' }, webhook: hook.url })).body.id as string, (await call('/run', { input: { echo: 'b' }, webhook: hook.url })).body.id as string];
    for (let i = 0; i < 100 && !scripted.calls.has(running); i++) await new Promise((r) => setTimeout(r, 10));
    expect(scripted.calls.has(running)).toBe(true);

    await server.stop();
    expect([...scripted.calls.keys()]).toEqual([running]);
    const byId = new Map(hook.received.map((b) => [b.id as string, b]));
    expect(hook.received).toHaveLength(3);
    expect(byId.get(running)).toMatchObject({ status: 'COMPLETED', output: { echo: 'finished' } });
    for (const id of queued) expect(byId.get(id)).toMatchObject({ status: 'CANCELLED', error: 'the worker stopped before the job started' });
  });
});

describe('#4 the keyless loopback API and cross-site pages', () => {
  const json = { 'content-type': 'application/json' };
  const body = JSON.stringify({ input: { echo: 'x' } });

  it('refuses form and text/plain bodies (what a page may send cross-site unasked) without a key', async () => {
    const { port, calls } = await api();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await request(port, 'POST', '/run', body, { 'content-type': type });
      expect(r.status, type).toBe(415);
      expect(r.body.error).toBe('send the body as JSON (Content-Type: application/json); without an API key other types are refused, as any web page can send them');
    }
    expect(calls.size).toBe(0);
  });

  it('refuses a foreign Origin, on bodies and body-less POSTs alike', async () => {
    const { port, call } = await api();
    const queued = (await call('POST', '/run', { input: { sleep_ms: 2000 } })).body.id as string;
    for (const origin of ['https://evil.example', 'null', `http://127.0.0.1:${port + 1}`]) {
      expect(await request(port, 'POST', '/run', body, { ...json, origin })).toEqual({ status: 403, body: { error: expect.stringContaining(`requests from other sites are refused (Origin ${origin})`) } });
      expect((await request(port, 'POST', '/purge-queue', undefined, { origin })).status).toBe(403);
    }
    expect((await call('GET', `/status/${queued}`)).body.status).not.toBe('CANCELLED');
    // the API's own origin (the demo page) is fine
    expect((await request(port, 'POST', '/run', body, { ...json, origin: `http://127.0.0.1:${port}` })).status).toBe(200);
  });

  it('refuses a Host that does not name this machine (DNS rebinding), and serves loopback names and addresses', async () => {
    const { port } = await api();
    for (const host of [`rebind.evil.example:${port}`, `192.168.1.20:${port}`, 'localhost.evil.example']) {
      expect(await request(port, 'GET', '/health', undefined, { host })).toEqual({ status: 403, body: { error: expect.stringContaining(`not for host ${host}`) } });
      expect((await request(port, 'POST', '/runsync', body, { ...json, host, origin: `http://${host}` })).status).toBe(403);
    }
    for (const host of [`localhost:${port}`, `LOCALHOST.:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `app.localhost:${port}`]) {
      expect((await request(port, 'GET', '/health', undefined, { host })).status, host).toBe(200);
    }
  });

  it('with an API key (the tunnel mode) takes any Host and Origin with the key, and form bodies', async () => {
    const { port } = await api({ apiKey: 'k3y-for-the-tunnel' });
    const auth = { authorization: 'Bearer k3y-for-the-tunnel' };
    const tunnel = { host: 'quiet-river-1234.trycloudflare.com', origin: 'https://quiet-river-1234.trycloudflare.com' };
    expect((await request(port, 'POST', '/runsync', body, { ...json, ...tunnel, ...auth })).body).toMatchObject({ status: 'COMPLETED', output: { echo: 'x' } });
    expect((await request(port, 'POST', '/runsync', body, { 'content-type': 'text/plain', ...auth })).body.status).toBe('COMPLETED');
    expect((await request(port, 'POST', '/runsync', body, { ...json, ...tunnel })).status).toBe(401);
  });
});
