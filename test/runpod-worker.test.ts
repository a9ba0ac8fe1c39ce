/**
 * The RunPod cloud worker loop against a fake RunPod server on loopback (real HTTP). The handler is
 * a fake written here (it waits, reports progress, streams, throws, blocks) so that these tests are
 * about the transport, not the models.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.ts';
import type { Handler, HandlerContext, HandlerResult } from '../src/handler/create-handler.ts';
import { silentLogger } from '../src/logger.ts';
import { syntheticPage } from './helpers/fixtures.ts';
import { startFakeRunpod, type FakeRunpod, type RecordedRequest } from './helpers/fake-runpod-server.ts';
import { blockFor, startPingSink } from './helpers/ping-sink.ts';
import { startRunpodWorker, type RunpodWorker, type RunpodWorkerOptions } from '../src/runners/runpod/start-runpod-worker.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

/** The fake handler's results are not real HandlerResults; the loop must not care. */
const fakeHandler = (fn: (job: { id?: string; input?: unknown }, ctx: HandlerContext) => Promise<unknown> | unknown): Handler =>
  (async (job, ctx = {}) => (await fn(job, ctx)) as HandlerResult) as Handler;

async function setup(handler: Handler, opts: { concurrency?: number; pingUrl?: string; pingIntervalMs?: number } & Partial<RunpodWorkerOptions> = {}) {
  const fake = await startFakeRunpod();
  cleanup.push(() => fake.close());
  const config: Pick<Config, 'runpod'> = {
    runpod: {
      takeUrl: fake.templates.take,
      doneUrl: fake.templates.done,
      streamUrl: fake.templates.stream,
      pingUrl: opts.pingUrl ?? fake.templates.ping,
      pingIntervalMs: opts.pingIntervalMs ?? 200,
      podId: 'pod-1',
      apiKey: 'test-key',
      concurrency: opts.concurrency ?? 1,
    },
  };
  const worker: RunpodWorker = startRunpodWorker({
    handler,
    config,
    log: silentLogger(),
    ready: opts.ready,
    refreshWorker: opts.refreshWorker,
    timing: { rateLimitWaitMs: 300, errorBackoffMs: 20, postBackoffMs: 10, stopChannel: { minIntervalMs: 20 }, ...opts.timing },
  });
  cleanup.push(() => worker.stop());
  return { fake, worker };
}

const bodyOf = (r: RecordedRequest) => JSON.parse(r.body) as Record<string, unknown>;
const finalPosts = (fake: FakeRunpod, jobId: string) =>
  fake.of('done').filter((r) => r.path.endsWith(`/${jobId}`) && bodyOf(r).status !== 'IN_PROGRESS');

describe('RunPod worker loop', () => {
  it('takes a job, posts progress and the result with the right URL, query and headers', async () => {
    let seen: unknown;
    const { fake } = await setup(
      fakeHandler(async (job, ctx) => {
        seen = job;
        ctx.progress?.({ pages_done: 1, pages_total: 2 });
        await sleep(30);
        ctx.progress?.({ pages_done: 2, pages_total: 2 });
        return { pages: 2 };
      }),
    );
    fake.giveJobs({ id: 'job-1', input: { type: 'x' }, webhook: 'https://hook' });
    await fake.waitFor(() => finalPosts(fake, 'job-1').length === 1);

    expect(seen).toEqual({ id: 'job-1', input: { type: 'x' }, webhook: 'https://hook' });
    const take = fake.of('take')[0];
    expect(take.path).toBe('/v2/fake-endpoint/job-take/pod-1');
    expect(take.query).toEqual({ gpu: 'TEST', job_in_progress: '0' });
    expect(take.headers.authorization).toBe('test-key');

    const posts = fake.of('done');
    expect(posts.map(bodyOf)).toEqual([
      { status: 'IN_PROGRESS', output: { pages_done: 1, pages_total: 2 } },
      { status: 'IN_PROGRESS', output: { pages_done: 2, pages_total: 2 } },
      { output: { pages: 2 } },
    ]);
    for (const p of posts) {
      expect(p.method).toBe('POST');
      expect(p.path).toBe('/v2/fake-endpoint/job-done/pod-1/job-1');
      expect(p.query).toEqual({ gpu: 'TEST', isStream: 'false' });
      expect(p.headers).toMatchObject({
        'content-type': 'application/x-www-form-urlencoded',
        charset: 'utf-8',
        'x-request-id': 'job-1',
        authorization: 'test-key',
      });
    }
    await fake.waitFor(() => fake.of('ping').length > 0);
    const ping = fake.of('ping')[0];
    expect(ping.path).toBe('/v2/fake-endpoint/ping/pod-1');
    expect(ping.query.runpod_version).toBe('1.12.0');
    expect(ping.headers.authorization).toBe('test-key');
  });

  it('streams chunks to job-stream, then posts the full result to job-done with isStream=true', async () => {
    const { fake } = await setup(
      fakeHandler(async (_job, ctx) => {
        ctx.stream?.({ page_index: 0, page: { blocks: [] } });
        ctx.stream?.({ page_index: 1, page: { blocks: [] } });
        return { mokuro: { pages: 2 } };
      }),
    );
    fake.giveJobs({ id: 'job-s', input: {} });
    await fake.waitFor(() => finalPosts(fake, 'job-s').length === 1);
    const streamed = fake.of('stream');
    expect(streamed.map((r) => [r.path, r.query.isStream, bodyOf(r)])).toEqual([
      ['/v2/fake-endpoint/job-stream/pod-1/job-s', 'false', { output: { page_index: 0, page: { blocks: [] } } }],
      ['/v2/fake-endpoint/job-stream/pod-1/job-s', 'false', { output: { page_index: 1, page: { blocks: [] } } }],
    ]);
    const [final] = finalPosts(fake, 'job-s');
    expect(final.query.isStream).toBe('true');
    expect(bodyOf(final)).toEqual({ output: { mokuro: { pages: 2 } } });
    expect(final.at).toBeGreaterThanOrEqual(streamed[1].at);
  });

  it('takes a batch with concurrency 2 and runs both jobs at once', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const { fake } = await setup(
      fakeHandler(async (job) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await sleep(150);
        inFlight--;
        return { id: job.id };
      }),
      { concurrency: 2 },
    );
    fake.giveJobs({ id: 'b1', input: 1 }, { id: 'b2', input: 2 });
    await fake.waitFor(() => finalPosts(fake, 'b1').length === 1 && finalPosts(fake, 'b2').length === 1);
    const take = fake.of('take-batch')[0];
    expect(take.path).toBe('/v2/fake-endpoint/job-take-batch/pod-1');
    expect(take.query).toMatchObject({ batch_size: '2', job_in_progress: '0' });
    expect(maxInFlight).toBe(2);
    expect(bodyOf(finalPosts(fake, 'b2')[0])).toEqual({ output: { id: 'b2' } });
  });

  it('with one of two slots busy, takes single jobs and says a job is in progress', async () => {
    const { fake } = await setup(
      fakeHandler(async (job) => {
        if (job.id === 'long') await sleep(400);
        return { id: job.id };
      }),
      { concurrency: 2 },
    );
    fake.giveJobs({ id: 'long', input: {} });
    await fake.waitFor((rs) => rs.some((r) => r.route === 'take' && r.query.job_in_progress === '1'));
    const take = fake.of('take').find((r) => r.query.job_in_progress === '1')!;
    expect(take.query.batch_size).toBeUndefined();
    fake.giveJobs({ id: 'short', input: {} });
    await fake.waitFor(() => finalPosts(fake, 'short').length === 1);
    expect(finalPosts(fake, 'long')).toEqual([]);
    await fake.waitFor(() => finalPosts(fake, 'long').length === 1);
  });

  it('aborts a job named on the stop channel and posts nothing for it', async () => {
    let aborted = false;
    const { fake } = await setup(
      fakeHandler(async (job, ctx) => {
        if (job.id !== 'doomed') return { ok: true };
        await new Promise<void>((resolve) => ctx.signal?.addEventListener('abort', () => resolve()));
        aborted = true;
        return { error: 'job aborted', code: 'ABORTED' };
      }),
    );
    fake.giveJobs({ id: 'doomed', input: {} });
    await fake.waitFor((rs) => rs.some((r) => r.route === 'stop'));
    const stopPoll = fake.of('stop')[0];
    expect(stopPoll.path).toBe('/v2/fake-endpoint/job-stop/pod-1');
    expect(stopPoll.headers.authorization).toBe('test-key');
    fake.answerStop({ status: 200, body: JSON.stringify({ jobsToStop: ['doomed'] }) });
    await fake.waitFor(() => aborted);
    // the loop goes on with the next job; by then a result for the stopped one would have been posted
    fake.giveJobs({ id: 'next', input: {} });
    await fake.waitFor(() => finalPosts(fake, 'next').length === 1);
    expect(fake.of('done').filter((r) => r.path.endsWith('/doomed'))).toEqual([]);
  });

  it('keeps the heartbeat going while a job blocks the main thread', async () => {
    const sink = await startPingSink();
    cleanup.push(() => sink.close());
    let window = { start: 0, end: 0 };
    const { fake } = await setup(
      fakeHandler(() => {
        window.start = Date.now();
        blockFor(1200); // synchronous pre/post-processing, as in the real pipeline
        window.end = Date.now();
        return { done: true };
      }),
      { pingUrl: sink.url, pingIntervalMs: 100 },
    );
    // the heartbeat thread is up before jobs come, as on RunPod
    while ((await sink.pings()).length === 0) await sleep(20);
    fake.giveJobs({ id: 'heavy', input: {} });
    await fake.waitFor(() => finalPosts(fake, 'heavy').length === 1);
    const inWindow = (await sink.pings()).filter((p) => p.at > window.start && p.at < window.end);
    // a ping that left before the ping thread got the job list names no job: the ones after it must
    const first = inWindow.findIndex((p) => p.query.job_id === 'heavy');
    expect(first).toBeGreaterThanOrEqual(0);
    const during = inWindow.slice(first);
    expect(during.length).toBeGreaterThanOrEqual(6);
    expect(during.every((p) => p.query.job_id === 'heavy' && p.query.runpod_version === '1.12.0')).toBe(true);
    expect(during[0].authorization).toBe('test-key');
  });

  it('stop() (what SIGTERM calls) lets a running job finish and post before done resolves', async () => {
    let started = false;
    const { fake, worker } = await setup(
      fakeHandler(async () => {
        started = true;
        await sleep(300);
        return { finished: true };
      }),
    );
    fake.giveJobs({ id: 'draining', input: {} });
    await fake.waitFor(() => started);
    await worker.stop();
    expect(finalPosts(fake, 'draining').map(bodyOf)).toEqual([{ output: { finished: true } }]);
    await expect(worker.done).resolves.toBeUndefined();
    const takes = fake.of('take').length;
    await sleep(200);
    expect(fake.of('take').length).toBe(takes);
  });

  it('reports a throwing handler as the SDK reports exceptions and keeps taking jobs', async () => {
    const { fake } = await setup(
      fakeHandler((job) => {
        if (job.id === 'bad') throw new TypeError('boom');
        return { fine: true };
      }),
    );
    fake.giveJobs({ id: 'bad', input: {} });
    await fake.waitFor(() => finalPosts(fake, 'bad').length === 1);
    const { error } = bodyOf(finalPosts(fake, 'bad')[0]) as { error: string };
    expect(JSON.parse(error)).toMatchObject({ error_type: 'TypeError', error_message: 'boom', worker_id: 'pod-1' });
    fake.giveJobs({ id: 'good', input: {} });
    await fake.waitFor(() => finalPosts(fake, 'good').length === 1);
  });

  it('waits 5 s (here 300 ms) after a 429 and survives malformed job bodies', async () => {
    const { fake } = await setup(fakeHandler((job) => ({ got: job.id })));
    fake.answerTake({ status: 429 });
    await fake.waitFor((rs) => rs.filter((r) => r.route === 'take').length >= 2);
    const [limited, next] = fake.of('take');
    expect(next.at - limited.at).toBeGreaterThanOrEqual(290);

    for (const body of ['not json', '', '{"id":"x"}', '[{"input":1}]', '[1,2]']) fake.answerTake({ status: 200, body });
    fake.answerTake({ status: 500 });
    fake.answerTake({ status: 400 });
    fake.giveJobs({ id: 'valid', input: {} });
    await fake.waitFor(() => finalPosts(fake, 'valid').length === 1);
    expect(fake.of('done').every((r) => r.path.endsWith('/valid'))).toBe(true);
  });

  it('retries a result post on 5xx', async () => {
    const { fake } = await setup(fakeHandler(() => ({ ok: 1 })));
    fake.failNext('done', 503, 500);
    fake.giveJobs({ id: 'retry', input: {} });
    await fake.waitFor(() => finalPosts(fake, 'retry').length === 3);
    expect(finalPosts(fake, 'retry').map((r) => r.body)).toEqual(Array(3).fill('{"output":{"ok":1}}'));
  });

  it('posts stopPod for refresh_worker and then stops by itself', async () => {
    const { fake, worker } = await setup(fakeHandler(() => ({ refresh_worker: true, ok: 1 })));
    fake.giveJobs({ id: 'last', input: {} });
    await worker.done;
    expect(finalPosts(fake, 'last').map(bodyOf)).toEqual([{ output: { ok: 1 }, stopPod: true }]);
  });

  it('takes no job before the models are ready, and ends when they fail to load', async () => {
    let ready!: () => void;
    const first = await setup(fakeHandler(() => ({})), { ready: new Promise<void>((r) => (ready = r)) });
    await sleep(200);
    expect(first.fake.requests).toEqual([]);
    ready();
    await first.fake.waitFor((rs) => rs.some((r) => r.route === 'take'));

    const failing = await setup(fakeHandler(() => ({})), { ready: Promise.reject(new Error('no models')) });
    await expect(failing.worker.done).rejects.toThrow('no models');
    expect(failing.fake.requests).toEqual([]);
  });
});

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Runs the real entry (`node --import tsx handler.ts`) with only the environment given. */
async function runEntry(env: Record<string, string>, timeoutMs = 9000) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'handler.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** The environment RunPod gives a worker, pointing at the fake server. */
const cloudEnv = (fake: FakeRunpod) => ({
  RUNPOD_WEBHOOK_GET_JOB: fake.templates.take,
  RUNPOD_WEBHOOK_POST_OUTPUT: fake.templates.done,
  RUNPOD_WEBHOOK_POST_STREAM: fake.templates.stream,
  RUNPOD_WEBHOOK_PING: fake.templates.ping,
  RUNPOD_POD_ID: 'pod-entry',
  RUNPOD_AI_API_KEY: 'test-key',
});

describe('the real entry in cloud mode', () => {
  it('exits 1 without taking a job when the models cannot load', async () => {
    const fake = await startFakeRunpod();
    cleanup.push(() => fake.close());
    const models = mkdtempSync(path.join(tmpdir(), 'mokuro-no-models-'));
    cleanup.push(async () => rmSync(models, { recursive: true, force: true }));
    const { code, stdout, stderr } = await runEntry({
      ...cloudEnv(fake),
      RUNPOD_ENDPOINT_ID: 'fake-endpoint',
      MODELS_DIR: models,
      STAND_IN_MODELS: 'never',
      EXECUTION_PROVIDERS: 'cpu',
    });
    expect(code, stderr).toBe(1);
    // RunPod log lines: one JSON object each, and the last word says why the worker gave up
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { level: string; message: string });
    expect(lines.at(-1)).toMatchObject({ level: 'FATAL', message: expect.stringContaining('models failed to load') });
    expect(fake.requests).toEqual([]); // no take, and no heartbeat: it starts only once ready
  });
});

describe('the real entry in cloud mode, with models', () => {
  it('on SIGTERM while a job runs, posts its result, then exits 0', async () => {
    const fake = await startFakeRunpod();
    cleanup.push(() => fake.close());
    const page = readFileSync(syntheticPage('page-002.png')).toString('base64');
    fake.giveJobs({ id: 'job-sigterm', input: { type: 'process_batch', images: [page, page, page].map((data, i) => ({ name: `p${i}.png`, data })) } });
    const child = spawn(process.execPath, ['--import', 'tsx', 'handler.ts'], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...cloudEnv(fake),
        MODELS_DIR: path.join(repoRoot, '.cache/models/one-shot'),
        EXECUTION_PROVIDERS: 'cpu',
        OCR_DECODING: 'greedy',
        PAGE_CACHE_ENTRIES: '0',
      },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    cleanup.push(async () => void child.kill('SIGKILL'));
    // the worker polls the stop channel only while a job runs: the job has been taken and is running
    await fake.waitFor((reqs) => reqs.some((r) => r.route === 'stop'), 30_000);
    expect(finalPosts(fake, 'job-sigterm')).toHaveLength(0);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const result = finalPosts(fake, 'job-sigterm').map(bodyOf);
    expect(result).toHaveLength(1);
    expect((result[0].output as { mokuro: { pages: unknown[] } }).mokuro.pages).toHaveLength(3);
  }, 60_000);
});
