/**
 * The scripted requests sent, in this order, to runpod-python 1.12's `--rp_serve_api` server and to
 * ours. `expect` is the verdict the README states; compare.ts fails when the servers stop behaving so.
 * `why` says why we differ: runpod-python's server is a development stand-in (runpod/runpod-python
 * runpod/serverless/modules/rp_fastapi.py), ours follows the cloud endpoint API that clients meet on RunPod.
 */

export type Verdict = 'same' | 'same status code' | 'differs';

/** What each server remembers between steps: the id `/run` gave it. */
export interface Ctx {
  runId: string;
}

export interface Step {
  request: string;
  method: 'GET' | 'POST';
  path: (ctx: Ctx) => string;
  body?: () => string;
  contentType?: string;
  /** ours runs `/run` jobs in the background: wait for the job to end before this step, so the table is the same on every run */
  settle?: boolean;
  expect: Verdict;
  why: string;
}

/** A blank 32×24 PNG page, built once by compare.ts. */
export const page = { base64: '' };

const job = (input: unknown) => () => JSON.stringify({ input });
const pageJob = () => job({ type: 'process_page', image: page.base64 })();

export const STEPS: Step[] = [
  { request: 'GET /health', method: 'GET', path: () => '/health', expect: 'differs', why: 'the cloud endpoint has `/health` (job and worker counts); runpod-python has none' },
  { request: 'POST /run (a PNG page)', method: 'POST', path: () => '/run', body: pageJob, expect: 'same status code', why: 'the cloud answers `IN_QUEUE` and really queues the job; runpod-python answers `IN_PROGRESS` and runs nothing until `/status` is called' },
  { request: 'GET /status/:id', method: 'GET', path: (c) => `/status/${c.runId}`, settle: true, expect: 'differs', why: 'clients poll the cloud with GET; runpod-python takes POST only (we take both)' },
  { request: 'POST /stream/:id', method: 'POST', path: (c) => `/stream/${c.runId}`, expect: 'differs', why: 'the cloud streams with GET (we answer 405 with `Allow`); runpod-python takes POST only and, for a handler that is not a generator, answers `FAILED`' },
  { request: 'GET /stream/:id', method: 'GET', path: (c) => `/stream/${c.runId}`, settle: true, expect: 'differs', why: 'the cloud streams with GET and returns only chunks not yet delivered' },
  { request: 'POST /status/:id (job done)', method: 'POST', path: (c) => `/status/${c.runId}`, settle: true, expect: 'same status code', why: 'same status and output; the cloud adds `delayTime` and `executionTime`' },
  { request: 'GET /status-sync/:id', method: 'GET', path: (c) => `/status-sync/${c.runId}?wait=5000`, expect: 'differs', why: 'the cloud has `/status-sync` (the JS client `runpod-sdk` polls it); runpod-python has none' },
  { request: 'POST /cancel/:id (job done)', method: 'POST', path: (c) => `/cancel/${c.runId}`, expect: 'differs', why: 'the cloud has `/cancel`; a finished job keeps its state' },
  { request: 'POST /retry/:id (job done)', method: 'POST', path: (c) => `/retry/${c.runId}`, expect: 'differs', why: 'the cloud has `/retry`, for `FAILED` and `TIMED_OUT` jobs only: a completed one is refused (409, its state conflicts)' },
  { request: 'POST /purge-queue', method: 'POST', path: () => '/purge-queue', expect: 'differs', why: 'the cloud has `/purge-queue`' },
  { request: 'POST /runsync (a PNG page)', method: 'POST', path: () => '/runsync', body: pageJob, expect: 'same status code', why: 'same status and output (`mokuro`, `errors`, `stats`); the cloud adds `delayTime` and `executionTime`' },
  { request: 'POST /runsync (bytes that are no image)', method: 'POST', path: () => '/runsync', body: job({ type: 'process_page', image: 'bm90IGFuIGltYWdl' }), expect: 'same status code', why: 'both `FAILED` with the same `error`; runpod-python drops the rest of a failed result, the cloud keeps it as `output` (our `{code}`)' },
  { request: 'POST /runsync (input is a string)', method: 'POST', path: () => '/runsync', body: job('a page'), expect: 'differs', why: 'the cloud takes any JSON `input` and the handler rejects it (a `FAILED` job naming the field); runpod-python wants an object (422)' },
  { request: 'POST /runsync (no input)', method: 'POST', path: () => '/runsync', body: () => '{}', expect: 'differs', why: 'the cloud answers 400 for a bad request; FastAPI answers 422 with pydantic\'s `detail` list' },
  { request: 'POST /run (invalid JSON)', method: 'POST', path: () => '/run', body: () => '{"input": {', expect: 'differs', why: 'as above: 400 with `{error}` rather than 422 with `{detail}`' },
  { request: 'POST /run (Content-Type: text/xml)', method: 'POST', path: () => '/run', body: job({ type: 'health' }), contentType: 'text/xml', expect: 'differs', why: 'we answer 415 naming the type to send (without an API key only JSON: any web page may send form and text bodies cross-site); FastAPI answers 422' },
  { request: 'POST /run (a 21 MB body)', method: 'POST', path: () => '/run', body: () => job({ type: 'health', pad: 'x'.repeat(21 * 2 ** 20) })(), expect: 'differs', why: 'the cloud caps bodies (10 MB `/run`, 20 MB `/runsync`): 413; runpod-python takes any size' },
  { request: 'POST /status/:id (unknown id)', method: 'POST', path: () => '/status/no-such-job', expect: 'differs', why: 'the cloud answers 404 for an unknown or expired id; runpod-python answers 200 with `status: FAILED`' },
  { request: 'GET /no-such-route', method: 'GET', path: () => '/no-such-route', expect: 'same status code', why: 'our errors are `{error}` everywhere, as the cloud\'s; FastAPI\'s are `{detail}`' },
  { request: 'POST /v2/:endpointId/runsync', method: 'POST', path: () => '/v2/my-endpoint/runsync', body: job({ type: 'health' }), expect: 'differs', why: 'the cloud\'s paths, so RunPod clients pointed at `http://localhost:8000/v2` work unchanged' },
  { request: 'GET /openapi.json', method: 'GET', path: () => '/openapi.json', expect: 'same status code', why: 'both serve an OpenAPI document generated from their schemas; ours has the cloud\'s routes, at the root and under `/v2/{endpointId}`' },
  { request: 'GET /docs', method: 'GET', path: () => '/docs', expect: 'differs', why: 'runpod-python redirects `/docs` to its Swagger UI at `/`, where we serve the demo page; our Swagger UI is at `/docs`' },
  { request: 'GET /', method: 'GET', path: () => '/', expect: 'same', why: 'an HTML page on both: runpod-python\'s Swagger UI, our demo page' },
];
