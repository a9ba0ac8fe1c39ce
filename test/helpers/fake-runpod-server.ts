/**
 * Test support: a fake RunPod job server on loopback (real HTTP), serving job-take(-batch),
 * job-stop, job-done, job-stream and ping, and recording every request. Takes and stop polls are
 * long-polls: they wait up to `holdMs` for something queued, then answer 204, like the real one.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** which route: take, take-batch, stop, done, stream, ping, other */
  route: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

interface FakeAnswer {
  status: number;
  body?: string;
}

export interface FakeRunpod {
  /** URL templates as RunPod would set them in the environment */
  templates: { take: string; done: string; stream: string; ping: string };
  requests: RecordedRequest[];
  of(route: string): RecordedRequest[];
  /** queue an answer for the next take (job-take or job-take-batch) */
  answerTake(answer: FakeAnswer): void;
  /** shorthand: queue jobs; one job is answered as an object, several as an array */
  giveJobs(...jobs: unknown[]): void;
  /** queue an answer for the next stop poll */
  answerStop(answer: FakeAnswer): void;
  /** statuses to answer to the next posts on a route (done, stream) before answering 200 again */
  failNext(route: 'done' | 'stream' | 'ping', ...statuses: number[]): void;
  waitFor(predicate: (requests: RecordedRequest[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const ROUTES: [RegExp, string][] = [
  [/\/job-take-batch\//, 'take-batch'],
  [/\/job-take\//, 'take'],
  [/\/job-stop\//, 'stop'],
  [/\/job-done\//, 'done'],
  [/\/job-stream\//, 'stream'],
  [/\/ping\//, 'ping'],
];

export async function startFakeRunpod(opts: { holdMs?: number } = {}): Promise<FakeRunpod> {
  const holdMs = opts.holdMs ?? 100;
  const requests: RecordedRequest[] = [];
  const queues: Record<'take' | 'stop', FakeAnswer[]> = { take: [], stop: [] };
  const waiting: Record<'take' | 'stop', (() => void)[]> = { take: [], stop: [] };
  const failures: Record<string, number[]> = {};
  const open = new Set<ServerResponse>();

  const send = (res: ServerResponse, a: FakeAnswer) => {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(a.status, a.body === undefined ? {} : { 'content-type': 'application/json' });
    res.end(a.body);
  };

  // A long-poll: answer at once when something is queued, else wait for it up to holdMs, else 204.
  const longPoll = (kind: 'take' | 'stop', res: ServerResponse) => {
    const tryAnswer = () => {
      const a = queues[kind].shift();
      if (a) send(res, a);
      return Boolean(a);
    };
    if (tryAnswer()) return;
    const wake = () => {
      if (tryAnswer()) done();
    };
    const done = () => {
      clearTimeout(timer);
      waiting[kind] = waiting[kind].filter((w) => w !== wake);
    };
    const timer = setTimeout(() => {
      done();
      send(res, { status: 204 });
    }, holdMs);
    waiting[kind].push(wake);
    res.on('close', done);
  };

  const server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const route = ROUTES.find(([re]) => re.test(url.pathname))?.[1] ?? 'other';
      requests.push({
        method: req.method ?? '',
        route,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      });
      const failure = failures[route]?.shift();
      if (failure !== undefined) return send(res, { status: failure, body: '{"error":"fake failure"}' });
      if (route === 'take' || route === 'take-batch') return longPoll('take', res);
      if (route === 'stop') return longPoll('stop', res);
      send(res, { status: 200, body: '{}' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/fake-endpoint`;

  const enqueue = (kind: 'take' | 'stop', a: FakeAnswer) => {
    queues[kind].push(a);
    waiting[kind][0]?.();
  };

  return {
    templates: {
      take: `${base}/job-take/$ID?gpu=TEST`,
      done: `${base}/job-done/$RUNPOD_POD_ID/$ID?gpu=TEST`,
      stream: `${base}/job-stream/$RUNPOD_POD_ID/$ID?gpu=TEST`,
      ping: `${base}/ping/$RUNPOD_POD_ID`,
    },
    requests,
    of: (route) => requests.filter((r) => r.route === route),
    answerTake: (a) => enqueue('take', a),
    giveJobs: (...jobs) => enqueue('take', { status: 200, body: JSON.stringify(jobs.length === 1 ? jobs[0] : jobs) }),
    answerStop: (a) => enqueue('stop', a),
    failNext: (route, ...statuses) => {
      (failures[route] ??= []).push(...statuses);
    },
    async waitFor(predicate, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (!predicate(requests)) {
        if (Date.now() > until) throw new Error(`fake RunPod: condition not met within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
