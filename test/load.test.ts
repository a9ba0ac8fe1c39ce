import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { Handler } from '../src/handler/create-handler.ts';
import { silentLogger } from '../src/logger.ts';
import { buildApi } from '../src/runners/local-api/build-api.ts';
import { blankPage } from './helpers/pages.ts';
import { standInHandler } from './helpers/stand-in-handler.ts';

/**
 * Load on the local API over loopback: 50 concurrent /run jobs, then polling until every job is
 * final. None may be lost or run twice, the queue bound answers 429, and /health agrees.
 */
const JOBS = 50;
const CONCURRENCY = 2;
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function serve(handler: Handler, maxQueue: number) {
  const { app } = buildApi({ handler, log: silentLogger(), concurrency: CONCURRENCY, maxQueue, maxBodyBytes: 1024 * 1024 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  closers.push(() => app.close());
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  return call;
}

type Call = Awaited<ReturnType<typeof serve>>;
async function pollAll(call: Call, ids: string[], deadlineMs: number) {
  const final = new Map<string, Record<string, any>>();
  const deadline = Date.now() + deadlineMs;
  while (final.size < ids.length && Date.now() < deadline) {
    for (const id of ids.filter((i) => !final.has(i))) {
      const r = await call('GET', `/status/${id}`);
      expect(r.status).toBe(200);
      if (['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'].includes(r.body.status)) final.set(id, r.body);
    }
    await new Promise((res) => setTimeout(res, 20));
  }
  return final;
}

describe('load on the local API', () => {
  it(`takes ${JOBS} concurrent /run jobs, answers 429 past the queue bound, and finishes every job exactly once`, async () => {
    // a gate holds the running jobs, so the queue fills deterministically; every 5th job fails
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const runs = new Map<string, number>();
    const handler: Handler = async (job) => {
      runs.set(job.id!, (runs.get(job.id!) ?? 0) + 1);
      await gate;
      const n = (job.input as { n: number }).n;
      return n % 5 === 4 ? { error: `job ${n} failed on purpose`, code: 'INVALID_INPUT' } : ({ n } as never);
    };
    const call = await serve(handler, JOBS);
    const t0 = Date.now();
    const submitted = await Promise.all(Array.from({ length: JOBS }, (_, n) => call('POST', '/run', { input: { n } })));
    expect(submitted.map((s) => s.status)).toEqual(new Array(JOBS).fill(200));
    const ids = submitted.map((s) => s.body.id as string);
    expect(new Set(ids).size).toBe(JOBS);
    await new Promise((r) => setTimeout(r, 50));
    expect((await call('GET', '/health')).body.jobs).toMatchObject({ inProgress: CONCURRENCY, inQueue: JOBS - CONCURRENCY });

    // CONCURRENCY jobs left the queue to run: exactly that many more fit, the rest get 429
    const extra = await Promise.all(Array.from({ length: 5 }, (_, k) => call('POST', '/run', { input: { n: JOBS + k } })));
    const accepted = extra.filter((e) => e.status === 200);
    expect(accepted).toHaveLength(CONCURRENCY);
    expect(extra.filter((e) => e.status === 429).map((e) => e.body)).toEqual(
      new Array(5 - CONCURRENCY).fill({ error: `the queue is full (${JOBS} jobs waiting); retry later` }),
    );
    const nOf = new Map<string, number>([...ids.map((id, n) => [id, n] as const), ...extra.flatMap((e, k) => (e.status === 200 ? [[e.body.id as string, JOBS + k] as const] : []))]);
    const all = [...nOf.keys()];

    open();
    const final = await pollAll(call, all, 20_000);
    expect(final.size).toBe(all.length);
    let failed = 0;
    for (const [id, n] of nOf) {
      const fails = n % 5 === 4;
      failed += fails ? 1 : 0;
      expect(final.get(id)).toMatchObject({ id, ...(fails ? { status: 'FAILED', error: `job ${n} failed on purpose` } : { status: 'COMPLETED', output: { n } }) });
      expect(runs.get(id)).toBe(1);
    }
    expect(runs.size).toBe(all.length);
    const health = (await call('GET', '/health')).body;
    expect(health.jobs).toEqual({ completed: all.length - failed, failed, inProgress: 0, inQueue: 0, retried: 0 });
    expect(health.workers).toMatchObject({ idle: CONCURRENCY, running: 0 });
    console.log(`load: ${all.length} jobs accepted (${JOBS} concurrent + ${accepted.length}), ${extra.length - accepted.length} answered 429, all final in ${Date.now() - t0} ms`);
  }, 30_000);

  it(`runs ${JOBS} concurrent jobs of tiny pages through the real handler on stand-in models`, async () => {
    const { handler } = await standInHandler();
    const call = await serve(handler, JOBS);
    const page = await blankPage(16, 16);
    const t0 = Date.now();
    const submitted = await Promise.all(Array.from({ length: JOBS }, (_, n) => call('POST', '/run', { input: { type: 'process_page', title: `job ${n}`, image: page } })));
    expect(submitted.every((s) => s.status === 200)).toBe(true);
    const ids = submitted.map((s) => s.body.id as string);
    const final = await pollAll(call, ids, 60_000);
    expect(final.size).toBe(JOBS);
    for (const [n, id] of ids.entries()) {
      expect(final.get(id)).toMatchObject({ status: 'COMPLETED', output: { mokuro: { title: `job ${n}`, pages: [{ img_width: 16 }] } } });
    }
    expect((await call('GET', '/health')).body.jobs).toEqual({ completed: JOBS, failed: 0, inProgress: 0, inQueue: 0, retried: 0 });
    console.log(`load: ${JOBS} real stand-in jobs final in ${Date.now() - t0} ms`);
  }, 90_000);
});
