import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Handler } from '../../src/handler/create-handler.ts';
import { silentLogger } from '../../src/logger.ts';
import { buildApi, type ApiOptions } from '../../src/runners/local-api/build-api.ts';

/**
 * A scripted handler for local API tests: `{ sleep_ms, stop_ms, fail, pages, echo }` sleeps
 * (abortably; after an abort it takes `stop_ms` more to stop, as a page in the models does), fails,
 * or reports progress and streams one chunk per "page". `calls` counts the runs per job id.
 */
export function scriptedHandler() {
  const calls = new Map<string, number>();
  const handler: Handler = async (job, ctx = {}) => {
    calls.set(job.id!, (calls.get(job.id!) ?? 0) + 1);
    const input = job.input as { sleep_ms?: number; stop_ms?: number; fail?: boolean; pages?: number; echo?: unknown; once?: boolean };
    // `once`: only the first attempt of the job sleeps, so a retry finishes at once
    const sleep = input.once && calls.get(job.id!)! > 1 ? 0 : (input.sleep_ms ?? 0);
    for (let i = 0; i < (input.pages ?? 0); i++) {
      ctx.progress?.({ pages_done: i + 1, pages_total: input.pages ?? 0 });
      ctx.stream?.({ page_index: i });
    }
    if (sleep) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, sleep);
        ctx.signal?.addEventListener('abort', () => {
          clearTimeout(t);
          setTimeout(resolve, input.stop_ms ?? 0);
        });
      });
      if (ctx.signal?.aborted) return { error: 'job was cancelled', code: 'ABORTED' };
    }
    if (input.fail) return { error: 'page 0: not an image', code: 'IMAGE_DECODE' };
    return { echo: input.echo ?? null } as never;
  };
  return { handler, calls };
}

export interface Answer {
  status: number;
  body: Record<string, any>;
}

/** One HTTP request with full control of the headers (fetch may not set Host). */
export function request(port: number, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, any>) : {} }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The local API on 127.0.0.1 (port 0) over the scripted handler unless another is given. */
export async function startApi(overrides: Partial<ApiOptions> = {}) {
  const scripted = scriptedHandler();
  const api = buildApi({ handler: scripted.handler, log: silentLogger(), concurrency: 1, maxQueue: 5, maxBodyBytes: 64 * 1024, webhookRetryMs: 50, sweepMs: 20, ...overrides });
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (api.app.server.address() as AddressInfo).port;
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    request(port, method, path, body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body), body === undefined ? headers : { 'content-type': 'application/json', ...headers });
  const poll = async (id: string, until: (status: string) => boolean) => {
    for (let i = 0; i < 500; i++) {
      const r = await call('GET', `/status/${id}`);
      if (until(r.body.status)) return r.body;
      await new Promise((res) => setTimeout(res, 10));
    }
    throw new Error(`job ${id} never reached the state`);
  };
  return { ...api, port, call, poll, calls: scripted.calls, close: () => api.app.close() };
}

/**
 * A webhook receiver on 127.0.0.1: records each POSTed body (once it has answered 200); `answer`
 * picks the status per request, `delayMs` how long it takes to answer.
 */
export async function startReceiver(answer: (n: number) => number = () => 200, delayMs = 0) {
  const received: Record<string, any>[] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const status = answer(n++);
      setTimeout(() => {
        if (status === 200) received.push(JSON.parse(body) as Record<string, any>);
        res.writeHead(status).end();
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    requests: () => n,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
