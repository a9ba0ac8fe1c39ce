import type http from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { describeZodError } from '../../contract/issues.ts';
import { WorkerError, httpStatusOf, publicMessage, toWorkerError } from '../../errors.ts';
import type { Handler } from '../../handler/create-handler.ts';
import type { Logger } from '../../logger.ts';
import { isAuthorised } from './auth.ts';
import { parseJsonBody } from './parse-json-body.ts';
import { foreignRequest } from './same-machine.ts';
import { IdParams, RunBody, Wait } from './api-schemas.ts';
import { demoRoutes } from './demo-routes.ts';
import { methodNotAllowed } from './method-not-allowed.ts';
import { registerOpenApi } from './openapi.ts';
import { createJobStore, isFinal, statusView, type JobStore, type StoredJob } from './job-store.ts';
import { createHttpClient } from '../../net/guarded-request.ts';
import { createUrlPolicy, type UrlPolicy, type UrlPolicyConfig } from '../../net/url-policy.ts';
import { WEBHOOK_STOP_GRACE_MS, WEBHOOK_TIMEOUT_MS, createWebhookSender } from './webhook.ts';

export interface ApiOptions {
  handler: Handler;
  log: Logger;
  concurrency: number;
  maxQueue: number;
  maxBodyBytes: number;
  /** memory bounds of the job store: request bytes waiting or running; what finished jobs keep */
  maxPendingBytes?: number;
  maxRetainedBytes?: number;
  maxRetainedJobs?: number;
  apiKey?: string;
  /** the host it is bound to (`--rp_api_host`): without a key, requests must name it or a loopback host */
  host?: string;
  /** true once models are loaded, for /health's worker counts */
  isReady?: () => boolean;
  /** the address policy webhooks are held to, as every URL a job names (FETCH_ALLOW_*); default https to public hosts */
  fetch?: UrlPolicyConfig;
  webhookRetryMs?: number;
  sweepMs?: number;
}

const PUBLIC_HTTPS_ONLY: UrlPolicyConfig = { allowHttp: false, allowAddresses: [], allowedHosts: [] };

function parse<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const { path, message } = describeZodError(r.error, prefix);
    throw new WorkerError('INVALID_INPUT', message, { path });
  }
  return r.data;
}

/** Each request's body size, from the body parser to the route, counted against the memory bounds. */
const bodySizes = new WeakMap<object, number>();
const bodySize = (req: FastifyRequest) => bodySizes.get(req.raw) ?? 0;

function routes(app: FastifyInstance, store: JobStore, opts: ApiOptions, policy: UrlPolicy) {
  /** the body, with its webhook checked against the address policy now rather than at delivery */
  const runBody = (body: unknown) => {
    const run = parse(RunBody, body, 'body');
    const refusal = run.webhook ? policy.refuseUrl(new URL(run.webhook)) : undefined;
    if (refusal) throw new WorkerError('URL_REFUSED', refusal, { path: 'webhook' });
    return run;
  };
  const find = (params: unknown): StoredJob => {
    const { id } = parse(IdParams, params, 'id');
    const job = store.get(id);
    if (!job) throw new WorkerError('NOT_FOUND', `no job with id ${id} (unknown, purged or expired)`);
    return job;
  };
  const waitOf = (query: unknown) => parse(Wait, (query as { wait?: unknown }).wait, 'wait');

  app.post('/run', async (req) => {
    const body = runBody(req.body);
    const job = store.submit({ input: body.input, s3Config: body.s3Config, webhook: body.webhook, policy: body.policy, bytes: bodySize(req) });
    return { id: job.id, status: job.status };
  });

  app.post('/runsync', async (req) => {
    const wait = waitOf(req.query);
    const body = runBody(req.body);
    const job = store.submit({ input: body.input, s3Config: body.s3Config, webhook: body.webhook, policy: body.policy, sync: true, bytes: bodySize(req) });
    await store.wait(job, wait);
    return isFinal(job.status) ? statusView(job) : { id: job.id, status: job.status };
  });

  const status = async (req: { params: unknown }) => statusView(find(req.params));
  app.get('/status/:id', status);
  app.post('/status/:id', status);

  app.get('/status-sync/:id', async (req) => {
    const wait = waitOf(req.query);
    const job = find(req.params);
    await store.wait(job, wait);
    return statusView(job);
  });

  app.get('/stream/:id', async (req) => {
    const job = find(req.params);
    return { id: job.id, status: job.status, stream: store.takeStream(job) };
  });

  app.post('/cancel/:id', async (req) => {
    const job = find(req.params);
    store.cancel(job);
    return { id: job.id, status: job.status };
  });

  app.post('/retry/:id', async (req) => {
    const job = find(req.params);
    if (!store.retry(job)) {
      throw new WorkerError('JOB_STATE', `job ${job.id} is ${job.status}; only FAILED or TIMED_OUT jobs can be retried`);
    }
    return { id: job.id, status: job.status };
  });

  app.post('/purge-queue', async () => ({ removed: store.purge(), status: 'completed' }));

  app.get('/health', async () => {
    const c = store.counts();
    const ready = opts.isReady?.() ?? true;
    return {
      jobs: { completed: c.completed, failed: c.failed, inProgress: c.inProgress, inQueue: c.inQueue, retried: c.retried },
      workers: {
        idle: ready ? c.concurrency - c.inProgress : 0,
        initializing: ready ? 0 : c.concurrency,
        ready: ready ? c.concurrency - c.inProgress : 0,
        running: c.inProgress,
        throttled: 0,
      },
    };
  });
}

/**
 * The local API: RunPod's endpoint routes, at the root and under /v2/:endpointId, over the same
 * handler as the worker loop. Built apart from `listen` so tests can call `inject`.
 */
export function buildApi(opts: ApiOptions) {
  const app: FastifyInstance = Fastify({
    loggerInstance: opts.log as FastifyBaseLogger,
    bodyLimit: opts.maxBodyBytes,
    // no per-request log lines: clients poll /status and /stream, which would flood the log
    logController: new LogController({ disableRequestLogging: true }),
    // Router-level refusals (bad percent-encoding, over-long ids) would otherwise answer Fastify's own
    // shape and echo the whole URL back; answer them like every other error.
    frameworkErrors: (err, _req, reply: FastifyReply) => {
      const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
      void reply.status(tooLong ? 414 : 400).send({ error: tooLong ? 'a path segment is longer than 100 characters' : 'the URL is not validly encoded' });
    },
  });
  // a webhook is a URL the job names: the same guarded client as page URLs, POST, no redirects
  const policy = createUrlPolicy(opts.fetch ?? PUBLIC_HTTPS_ONLY);
  const webhooks = createWebhookSender({ client: createHttpClient(policy, { timeoutMs: WEBHOOK_TIMEOUT_MS, maxRedirects: 0 }), log: opts.log, retryMs: opts.webhookRetryMs });
  const store = createJobStore({
    handler: opts.handler,
    concurrency: opts.concurrency,
    maxQueue: opts.maxQueue,
    maxPendingBytes: opts.maxPendingBytes,
    maxRetainedBytes: opts.maxRetainedBytes,
    maxRetainedJobs: opts.maxRetainedJobs,
    log: opts.log,
    sweepMs: opts.sweepMs,
    onFinal: (job) => {
      if (job.webhook) void webhooks.send(job.webhook, statusView(job));
    },
  });

  // One parser that names a forbidden key rather than calling the body "not valid JSON". With a key,
  // `curl -d '{…}'`'s JSON labelled as a form (or text) is read as JSON too. Without one, only
  // application/json: form and text bodies are what any web page may send cross-site unasked.
  const bodyTypes = opts.apiKey ? ['application/json', 'application/x-www-form-urlencoded', 'text/plain'] : ['application/json'];
  app.removeContentTypeParser('application/json');
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(bodyTypes, { parseAs: 'string' }, (req, body, done) => {
    try {
      bodySizes.set(req.raw, (body as string).length);
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as WorkerError, undefined);
    }
  });

  if (!opts.apiKey) {
    const host = opts.host ?? 'localhost';
    app.addHook('onRequest', async (req) => {
      const refusal = foreignRequest(req.headers, host);
      if (refusal) throw new WorkerError('FORBIDDEN', refusal);
    });
  } else {
    const key = opts.apiKey;
    app.addHook('onRequest', async (req) => {
      const route = req.url.split('?')[0];
      if (req.method === 'GET' && (route === '/' || route.startsWith('/demo/'))) return;
      if (!isAuthorised(req.headers.authorization, key)) {
        throw new WorkerError('UNAUTHORIZED', 'missing or wrong API key (send Authorization: Bearer <key>)');
      }
    });
  }

  app.addHook('onResponse', async (req, reply) => {
    opts.log.debug({ method: req.method, route: req.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  const tooLarge = () => ({ error: `request body is larger than the limit of ${opts.maxBodyBytes} bytes` });
  // A client that sends `Expect: 100-continue` (curl and Node's http do for large bodies) hears 413
  // before it sends a body over the limit. Node would answer 100 Continue, take the body and close
  // the connection once past the limit, and a Node client still writing then lost the 413 to a broken
  // pipe (EPIPE), every time on a 21 MB body.
  app.server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (Number(req.headers['content-length']) > opts.maxBodyBytes) {
      res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
      res.end(JSON.stringify(tooLarge()));
      return;
    }
    res.writeContinue();
    app.server.emit('request', req, res);
  });

  app.setErrorHandler((err: FastifyError | WorkerError, _req, reply) => {
    if (err instanceof WorkerError) {
      return reply.status(httpStatusOf(err)).send({ error: publicMessage(err) });
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send(tooLarge());
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      const why = opts.apiKey ? '' : '; without an API key other types are refused, as any web page can send them';
      return reply.status(415).send({ error: `send the body as JSON (Content-Type: application/json)${why}` });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      const badJson = /JSON/.test(err.code ?? '') || err instanceof SyntaxError;
      const message = badJson ? 'request body is not valid JSON' : err.message;
      return reply.status(err.statusCode).send({ error: message });
    }
    const e = toWorkerError(err);
    opts.log.error({ err }, 'request failed');
    return reply.status(500).send({ error: publicMessage(e) });
  });

  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]}` }));

  // /openapi.json and /docs; documents (and validates) every route registered after it
  registerOpenApi(app, { apiKey: opts.apiKey });
  methodNotAllowed(app);
  // The demo page at / (local API only; the cloud worker serves no page).
  app.register(demoRoutes);
  app.register(async (scope) => routes(scope, store, opts, policy));
  app.register(async (scope) => routes(scope, store, opts, policy), { prefix: '/v2/:endpointId' });
  app.addHook('onClose', async () => store.close());

  /**
   * Stop (SIGTERM, SIGINT): take no more jobs; cancel the queued ones, which would otherwise all
   * run first; let running ones finish; give webhook deliveries (retries included) up to
   * `webhookGraceMs` to land; then close.
   */
  const stop = async ({ webhookGraceMs = WEBHOOK_STOP_GRACE_MS, beforeClose }: { webhookGraceMs?: number; beforeClose?: () => void } = {}) => {
    store.stopAccepting();
    const cancelled = store.cancelQueued('the worker stopped before the job started');
    const { inProgress } = store.counts();
    opts.log.info({ cancelled, running: inProgress }, 'stopping: queued jobs cancelled, waiting for running ones');
    await store.drain();
    const undelivered = await webhooks.settle(webhookGraceMs);
    if (undelivered > 0) opts.log.warn({ undelivered, graceMs: webhookGraceMs }, 'stopping with webhook deliveries still being tried');
    beforeClose?.();
    await app.close();
  };
  return { app, store, webhooks, stop };
}
