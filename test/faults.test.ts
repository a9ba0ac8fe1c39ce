import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessOutput } from '../src/contract/output.ts';
import type { Handler, HandlerResult } from '../src/handler/create-handler.ts';
import { silentLogger } from '../src/logger.ts';
import { buildApi } from '../src/runners/local-api/build-api.ts';
import { faultySession } from './helpers/faulty-session.ts';
import { blankPage } from './helpers/pages.ts';
import { standInHandler } from './helpers/stand-in-handler.ts';
import { SYNTHETIC_PAGES } from './helpers/fixtures.ts';

/**
 * Faults injected into the real pipeline (stand-in models, real onnxruntime sessions): failing model
 * runs, jobs past their execution timeout, handlers that throw. The worker must answer each with a
 * clear code and stay healthy for the next job.
 */
const PAGES = SYNTHETIC_PAGES;
const synthetic = (name: string) => readFileSync(path.join(PAGES, name)).toString('base64');

const detector = { calls: 0, failWhen: (_: number) => false, delayMs: 0 };
const encoder = { calls: 0, failWhen: (_: number) => false, delayMs: 0 };
const decoder = { calls: 0, failWhen: (_: number) => false, delayMs: 0 };
let handler: Handler;
beforeAll(async () => {
  ({ handler } = await standInHandler({}, (m) => ({
    ...m,
    detector: faultySession(m.detector, detector),
    encoder: faultySession(m.encoder, encoder),
    decoder: faultySession(m.decoder, decoder),
  })));
});
const healthy = () => {
  for (const c of [detector, encoder, decoder]) c.failWhen = () => false;
};

const servers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of servers) await close();
});
async function serve(h: Handler) {
  const { app } = buildApi({ handler: h, log: silentLogger(), concurrency: 1, maxQueue: 10, maxBodyBytes: 20 * 1024 * 1024, sweepMs: 50 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  servers.push(() => app.close());
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return async (method: string, url: string, body?: unknown) => {
    const res = await fetch(base + url, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
}

describe('inference faults', () => {
  it('fails the page whose detector run fails (INFERENCE), keeps the others, and serves the next job', async () => {
    const page = await blankPage(32, 32);
    const start = detector.calls;
    detector.failWhen = (call) => call === start + 2; // the 2nd page of the batch
    const out = ProcessOutput.parse(await handler({ input: { type: 'process_batch', images: [page, page, page] } }));
    expect(out.mokuro.pages.map((p) => p.img_path)).toEqual(['0001.png', '0003.png']);
    expect(out.errors).toEqual([{ page_index: 1, img_path: '0002.png', code: 'INFERENCE', message: 'inference error (see worker logs)' }]);

    detector.failWhen = () => true;
    expect(await handler({ input: { type: 'process_page', image: page } })).toEqual({ error: 'inference error (see worker logs)', code: 'INFERENCE' });
    healthy();
    expect(await handler({ input: { type: 'health' } })).toMatchObject({ status: 'ready' });
    expect(ProcessOutput.parse(await handler({ input: { type: 'process_page', image: page } })).mokuro.pages).toHaveLength(1);
  }, 30_000);

  it('fails a page whose recogniser run fails mid-page (INFERENCE), then reads the same page again', async () => {
    const page = synthetic('page-001.png');
    const before = encoder.calls;
    encoder.failWhen = (call) => call === before + 2; // the 1st batch of crops works, the 2nd fails
    expect(await handler({ input: { type: 'process_page', image: page } })).toEqual({ error: 'inference error (see worker logs)', code: 'INFERENCE' });
    expect(encoder.calls - before).toBe(2);
    healthy();
    const out = ProcessOutput.parse(await handler({ input: { type: 'process_page', image: page } }));
    expect(out.stats.lines).toBeGreaterThan(0);
  }, 30_000);
});

describe('timeouts and handler exceptions on the local API', () => {
  it('times out a job past policy.executionTimeout, and the handler really stops within a model batch', async () => {
    let returned: { at: number; result: HandlerResult } | undefined;
    const counts = () => [detector.calls, encoder.calls, decoder.calls];
    let atAbort: number[] | undefined;
    const call = await serve(async (job, ctx) => {
      ctx?.signal?.addEventListener('abort', () => (atAbort = counts()), { once: true });
      const result = await handler(job, ctx);
      returned = { at: Date.now(), result };
      return result;
    });
    const images = ['page-001.png', 'page-002.png', 'page-003.png'].map(synthetic);
    // detector runs slower than the timeout, so the job surely outlasts it however fast the machine
    detector.delayMs = 1500;
    const t0 = Date.now();
    const run = await call('POST', '/run', { input: { type: 'process_batch', images }, policy: { executionTimeout: 1000 } });
    let status: Record<string, any> = {};
    for (let i = 0; i < 200 && !['TIMED_OUT', 'COMPLETED', 'FAILED'].includes(status.status); i++) {
      await new Promise((r) => setTimeout(r, 25));
      status = (await call('GET', `/status/${run.body.id}`)).body;
    }
    expect(status).toMatchObject({ status: 'TIMED_OUT', error: 'job exceeded its execution timeout of 1000 ms' });
    for (let i = 0; i < 200 && !returned; i++) await new Promise((r) => setTimeout(r, 25));
    expect(returned?.result).toEqual({ error: 'job was cancelled', code: 'ABORTED' });
    detector.delayMs = 0;
    const stopLatency = returned!.at - t0 - 1000;
    // the runs in flight when the job was stopped finish; none starts after that
    expect(atAbort).toBeDefined();
    expect(counts()).toEqual(atAbort);
    await new Promise((r) => setTimeout(r, 300));
    expect(counts()).toEqual(atAbort); // nor after the handler returned
    console.log(`faults: 3-page job timed out at 1000 ms; handler stopped ${stopLatency} ms later, after ${atAbort!.join('/')} detector/encoder/decoder runs`);

    const next = await call('POST', '/runsync', { input: { type: 'process_page', image: await blankPage(16, 16) } });
    expect(next.body).toMatchObject({ status: 'COMPLETED', output: { mokuro: { pages: [{ img_width: 16 }] } } });
    expect((await call('GET', '/health')).body.jobs).toMatchObject({ completed: 1, failed: 1, inProgress: 0, inQueue: 0 });
  }, 30_000);

  it('reports handlers that throw (errors, non-errors, synchronously) as FAILED and keeps running jobs', async () => {
    const throwing: Handler = (job) => {
      const how = (job.input as { how: string }).how;
      if (how === 'sync') throw new TypeError('boom');
      if (how === 'string') return Promise.reject('a string');
      if (how === 'null') return Promise.reject(null);
      if (how === 'ok') return Promise.resolve({ fine: true } as never);
      return Promise.reject(new RangeError('deep'));
    };
    const call = await serve(throwing);
    for (const how of ['sync', 'string', 'null', 'async']) {
      const r = await call('POST', '/runsync', { input: { how } });
      expect(r.status).toBe(200);
      expect(r.body.status).toBe('FAILED');
      expect(JSON.parse(r.body.error as string)).toMatchObject({ error_type: expect.any(String), error_message: expect.any(String) });
    }
    expect((await call('POST', '/runsync', { input: { how: 'ok' } })).body).toMatchObject({ status: 'COMPLETED', output: { fine: true } });
    expect((await call('GET', '/health')).body.jobs).toMatchObject({ completed: 1, failed: 4, inProgress: 0 });
  });

  it('turns a throwing progress or stream callback into a failed job, not a crash', async () => {
    const page = await blankPage(16, 16);
    const r = await handler({ input: { type: 'process_batch', images: [page], stream: true } }, { progress: () => { throw new Error('runner bug'); } });
    expect(r).toEqual({ error: 'internal error (see worker logs)', code: 'INTERNAL' });
    expect(ProcessOutput.parse(await handler({ input: { type: 'process_page', image: page } })).mokuro.pages).toHaveLength(1);
  }, 30_000);
});
