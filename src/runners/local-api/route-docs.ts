import { z } from 'zod';
import { DEMO_FILES } from './demo-routes.ts';
import { HealthAnswer, IdParams, JobAnswer, PurgeAnswer, RunBody, StatusAnswer, StreamAnswer, WaitQuery } from './api-schemas.ts';

/**
 * What each route of the local API takes and answers, keyed `METHOD /path` (without the
 * `/v2/:endpointId` prefix, which takes the same). openapi.ts attaches these to the routes as they
 * are registered, where they validate the request and make the OpenAPI document; a route with no
 * entry here stops the server from starting, so none goes undocumented.
 */
export interface RouteDoc {
  summary: string;
  description?: string;
  body?: z.ZodType;
  querystring?: z.ZodType;
  params?: z.ZodObject;
  /** the 200 answer: JSON per a zod schema, or a content type of a page the demo serves */
  ok: z.ZodType | { contentTypes: string[] };
  /** error answers (always `{error}`), each with when it happens */
  errors: Record<number, string>;
  /** served without the API key (the demo page) */
  open?: boolean;
}

const post = {
  400: 'the body is not valid JSON, has a forbidden key, or fails the schema (the message names the field)',
  413: 'the body is larger than API_MAX_BODY_BYTES',
  415: 'the body is not sent as JSON (application/json; with an API key also the form or text type `curl -d` sends)',
};
const idErrors = { 400: 'the URL is not validly encoded', 404: 'no job with this id (unknown, purged or expired)', 414: 'a path segment is longer than 100 characters' };
const submitErrors = {
  ...post,
  403: 'the webhook URL is not allowed (scheme, private address or host not on the allow-list)',
  429: 'the queue is full (API_MAX_QUEUE)',
  503: 'the worker is shutting down, or queued and running jobs hold API_MAX_PENDING_BYTES of requests',
};

const status: Omit<RouteDoc, 'summary'> = { params: IdParams, ok: StatusAnswer, errors: idErrors };

export const ROUTE_DOCS: Record<string, RouteDoc> = {
  'POST /run': { summary: 'Queue a job', description: 'The job runs in the background; poll `/status/{id}`.', body: RunBody, ok: JobAnswer, errors: submitErrors },
  'POST /runsync': {
    summary: 'Run a job and wait for it',
    description: 'Answers the final status, or after `wait` ms the non-final status and the `id` to poll.',
    body: RunBody,
    querystring: WaitQuery,
    ok: StatusAnswer,
    errors: submitErrors,
  },
  'GET /status/{id}': { summary: "A job's status and result", ...status },
  'POST /status/{id}': { summary: "A job's status and result (POST, as runpod-python's dev server takes it)", ...status, errors: { ...idErrors, ...post } },
  'GET /status-sync/{id}': { summary: "A job's status, waiting up to `wait` ms for a final state", ...status, querystring: WaitQuery, errors: { ...idErrors, 400: 'bad `wait`, or the URL is not validly encoded' } },
  'GET /stream/{id}': { summary: 'Stream chunks not delivered yet (`process_batch` with `"stream": true`), then the result', params: IdParams, ok: StreamAnswer, errors: idErrors },
  'POST /cancel/{id}': { summary: 'Cancel a job (a finished job keeps its state)', params: IdParams, ok: JobAnswer, errors: { ...idErrors, ...post } },
  'POST /retry/{id}': {
    summary: 'Queue a FAILED or TIMED_OUT job again',
    params: IdParams,
    ok: JobAnswer,
    errors: { ...idErrors, ...post, 400: 'the job\'s input is no longer kept (API_MAX_RETAINED_BYTES), or the URL is not validly encoded', 409: 'the job is not FAILED or TIMED_OUT', 429: submitErrors[429], 503: submitErrors[503] },
  },
  'POST /purge-queue': { summary: 'Remove queued jobs (running ones go on)', ok: PurgeAnswer, errors: post },
  'GET /health': { summary: 'Job and worker counts', ok: HealthAnswer, errors: {} },
  'GET /': { summary: 'The demo page', ok: { contentTypes: ['text/html'] }, errors: {}, open: true },
  'GET /demo/{file}': { summary: "The demo page's files", params: z.object({ file: z.string().meta({ examples: DEMO_FILES }) }), ok: { contentTypes: ['text/html', 'text/css', 'text/javascript'] }, errors: { 404: 'no such file' }, open: true },
};
