import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { ERROR_CODES } from '../src/errors.ts';
import { createHandler, type Handler } from '../src/handler/create-handler.ts';
import type { LoadedWorker } from '../src/pipeline/start-worker.ts';
import { silentLogger } from '../src/logger.ts';
import type { PageOcr } from '../src/pipeline/page-ocr.ts';
import { buildApi } from '../src/runners/local-api/build-api.ts';
import { FUZZ_LIMITS, fuzzJobs, prng, type FuzzJob } from './helpers/fuzz-jobs.ts';

/**
 * A seeded corpus of malformed jobs through the handler and through the local API on loopback:
 * every one answered with a coded error naming the field, no crash, no prototype pollution, and
 * memory bounded. The page OCR fails the test if any job gets that far (every job has a defect).
 */
const SEED = 0x5eed_0008;
const MB = 1024 * 1024;

/**
 * No property was added to the built-in prototypes by anything the corpus reached, enumerable or not,
 * under any name (JSON.parse alone cannot pollute: a merge or a path assignment in our code could).
 */
const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype];
const ownNames = () => PROTOTYPES.map((p) => Reflect.ownKeys(p).map(String).sort());
const pristine = ownNames();
const expectPrototypesUntouched = () => expect(ownNames()).toEqual(pristine);

const reached: string[] = [];
const ocr: PageOcr = {
  providers: { detector: 'cpu', encoder: 'cpu', decoder: 'cpu' },
  standIn: true,
  processPage: async () => {
    reached.push('ocr');
    return { blocks: [], lines: 0, timings: {} };
  },
};
const handler: Handler = createHandler({
  worker: Promise.resolve<LoadedWorker>({ ocr, models: [] }),
  config: loadConfig([], FUZZ_LIMITS),
  log: silentLogger(),
});

/** A message names the field: `images[2].data: …`, `type: …`, or the batch summary quoting one. */
const NAMES_FIELD = /^(input|type|images?|title|volume|title_uuid|volume_uuid|options|stream)(\[\d+\])?(\.\w+)*: \S|^none of the \d+ pages could be processed \(first: images\[\d+\](\.data)?: /;

let jobs: FuzzJob[];
const results = new Map<FuzzJob, { error: string; code: string }>();
let app: ReturnType<typeof buildApi>['app'];
let base: string;
const unhandled: unknown[] = [];
const onUnhandled = (err: unknown) => unhandled.push(err);

beforeAll(async () => {
  jobs = await fuzzJobs(SEED);
  process.on('unhandledRejection', onUnhandled);
  ({ app } = buildApi({ handler, log: silentLogger(), concurrency: 2, maxQueue: 1000, maxBodyBytes: MB }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await app.close();
});

describe(`fuzz corpus (seed ${SEED.toString(16)})`, () => {
  it('answers every malformed job through the handler with a coded error naming the field, memory bounded', async () => {
    expect(jobs.length).toBeGreaterThanOrEqual(200);
    const runAll = async () => {
      for (const job of jobs) {
        const result = (await handler({ id: job.kind, input: JSON.parse(job.json).input })) as { error?: string; code?: string };
        expect(result, `${job.kind}: ${job.json.slice(0, 200)}`).toHaveProperty('error');
        results.set(job, result as { error: string; code: string });
      }
    };
    await runAll(); // warm-up: code paths, sharp and zod caches
    global.gc?.();
    const before = process.memoryUsage().rss;
    for (let round = 0; round < 2; round++) await runAll();
    global.gc?.();
    const grown = process.memoryUsage().rss - before;

    const byCode: Record<string, number> = {};
    for (const [job, r] of results) {
      byCode[r.code] = (byCode[r.code] ?? 0) + 1;
      expect(Object.keys(ERROR_CODES), job.kind).toContain(r.code);
      expect(['INTERNAL', 'INFERENCE'], `${job.kind}: ${r.error}`).not.toContain(r.code);
      expect(r.error, `${job.kind}: ${job.json.slice(0, 200)}`).toMatch(NAMES_FIELD);
      expect(r.error.length, job.kind).toBeLessThan(600);
      expect(r.error, job.kind).not.toMatch(/[\n\r]/);
    }
    console.log(`fuzz: ${jobs.length} jobs × 3 rounds through the handler; codes ${JSON.stringify(byCode)}; RSS ${Math.round(before / MB)} MB → +${Math.round(grown / MB)} MB`);
    expect(reached).toEqual([]);
    expect(grown).toBeLessThan(150 * MB);
    expect(unhandled).toEqual([]);
    expectPrototypesUntouched();
  }, 60_000);

  it('answers the same jobs over loopback HTTP: 4xx for bad requests, FAILED with the same error otherwise', async () => {
    const statuses: Record<string, number> = {};
    for (const job of jobs) {
      const res = await fetch(`${base}/runsync?wait=10000`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: job.json });
      const body = (await res.json()) as { status?: string; error?: string; output?: { code?: string } };
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 200) {
        const want = results.get(job)!;
        expect(body, job.kind).toMatchObject({ status: 'FAILED', error: want.error, output: { code: want.code } });
      } else {
        // only the JSON parser refuses whole requests here: prototype-poisoning keys
        expect([job.kind, res.status]).toEqual(['prototype pollution', 400]);
        expect(body).toEqual({ error: expect.stringMatching(/^request body: the key (__proto__|constructor\.prototype) is not allowed$/) });
      }
    }
    console.log(`fuzz: ${jobs.length} jobs over HTTP /runsync; statuses ${JSON.stringify(statuses)}`);
    const health = (await (await fetch(`${base}/health`)).json()) as { jobs: Record<string, number> };
    expect(health.jobs).toMatchObject({ completed: 0, inProgress: 0, inQueue: 0 });
    expect(reached).toEqual([]);
    expectPrototypesUntouched();
  }, 60_000);

  it('answers malformed requests with 4xx and {error}, and keeps serving', async () => {
    const r = prng(SEED + 1);
    const big = 'A'.repeat(MB + 10);
    const requests: [string, string, string | undefined, string][] = [
      ['POST', '/run', '{"input":', 'application/json'],
      ['POST', '/run', '{input: 1}', 'application/json'],
      ['POST', '/run', '', 'application/json'],
      ['POST', '/run', 'null', 'application/json'],
      ['POST', '/run', '[]', 'application/json'],
      ['POST', '/run', '"input"', 'application/json'],
      ['POST', '/run', '42', 'application/json'],
      ['POST', '/run', '{}', 'application/json'],
      ['POST', '/run', '{"inpt":{}}', 'application/json'],
      ['POST', '/run', `{"input":{"type":"health"},"webhook":"javascript:alert(1)"}`, 'application/json'],
      ['POST', '/run', `{"input":{"type":"health"},"webhook":"file:///etc/passwd"}`, 'application/json'],
      ['POST', '/run', `{"input":{"type":"health"},"policy":{"executionTimeout":"soon"}}`, 'application/json'],
      ['POST', '/run', `{"input":{"type":"health"},"policy":{"executionTimeout":1e308}}`, 'application/json'],
      ['POST', '/run', `{"input":{"type":"health"},"policy":{"ttl":-5}}`, 'application/json'],
      ['POST', '/run', `{"input":{"type":"health"},"policy":[]}`, 'application/json'],
      ['POST', '/run', `{"input":{"type":"health"},"s3Config":"bucket"}`, 'application/json'],
      ['POST', '/run', `{"__proto__":{"input":{"type":"health"}}}`, 'application/json'],
      ['POST', '/run', `{"input":{"type":"health"},"constructor":{"prototype":{"polluted":true}}}`, 'application/json'],
      ['POST', '/run', `{"input":${big}}`, 'application/json'],
      ['POST', '/run', `{"input":{"type":"health"}}`, 'text/html'],
      ['POST', '/run', `{"input":{"type":"health"}}`, 'application/xml'],
      ['POST', '/run', 'input=1', 'application/x-www-form-urlencoded'],
      ['POST', '/run', r.bytes(300).toString('latin1'), 'application/json'],
      ['POST', '/run', '\ufeff{"input":1', 'application/json'],
      ['POST', '/runsync?wait=abc', '{"input":{"type":"health"}}', 'application/json'],
      ['POST', '/runsync?wait=1e20', '{"input":{"type":"health"}}', 'application/json'],
      ['POST', '/runsync?wait=-1', '{"input":{"type":"health"}}', 'application/json'],
      ['GET', '/status/%F0%9F%99%83', undefined, ''],
      ['GET', '/status/..%2F..%2Fetc%2Fpasswd', undefined, ''],
      ['GET', `/status/${'x'.repeat(5000)}`, undefined, ''],
      ['GET', '/status-sync/nope?wait=zzz', undefined, ''],
      ['POST', '/cancel/%00', undefined, ''],
      ['POST', '/retry/__proto__', undefined, ''],
      ['GET', '/stream/constructor', undefined, ''],
      ['GET', '/nowhere', undefined, ''],
      ['DELETE', '/run', undefined, ''],
      ['POST', `/v2/${'e'.repeat(300)}/status/x`, undefined, ''],
    ];
    for (let i = 0; i < 10; i++) requests.push(['POST', '/run', r.bytes(1 + r.int(2000)).toString('base64'), r.pick(['application/json', 'text/plain'])]);
    const seen: Record<number, number> = {};
    for (const [method, path, body, type] of requests) {
      const res = await fetch(base + path, { method, headers: type ? { 'content-type': type } : {}, body });
      const text = await res.text();
      seen[res.status] = (seen[res.status] ?? 0) + 1;
      expect([method, path.slice(0, 60), body?.slice(0, 60), res.status >= 400 && res.status < 500]).toEqual([method, path.slice(0, 60), body?.slice(0, 60), true]);
      expect(JSON.parse(text), `${method} ${path.slice(0, 60)}`).toEqual({ error: expect.stringMatching(/\S/) });
    }
    console.log(`fuzz: ${requests.length} malformed HTTP requests; statuses ${JSON.stringify(seen)}`);
    // still serving, nothing queued by any of them
    const ok = await fetch(`${base}/runsync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"input":{"type":"health"}}' });
    expect(((await ok.json()) as { status: string }).status).toBe('COMPLETED');
    expectPrototypesUntouched();
  }, 60_000);
});
