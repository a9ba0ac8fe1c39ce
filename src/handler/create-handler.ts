import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';
import type { Config } from '../config.ts';
import { JobInput } from '../contract/input.ts';
import { describeZodError } from '../contract/issues.ts';
import { MOKURO_FORMAT_VERSION } from '../contract/mokuro.ts';
import type { HealthOutput, PackedOutput, ProcessOutput } from '../contract/output.ts';
import { WorkerError, publicMessage, toWorkerError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { weightsOf } from '../pipeline/page-ocr.ts';
import type { LoadedWorker } from '../pipeline/start-worker.ts';
import { checkTarget, createHttpClient } from '../net/guarded-request.ts';
import { createUrlPolicy } from '../net/url-policy.ts';
import { packOutput } from '../output/pack-output.ts';
import { processJob } from '../pipeline/process-job.ts';
import { openPageSource } from '../sources/open-page-source.ts';
import { checkJobLimits } from './job-limits.ts';
import { planJob, withArchiveDefaults } from './job-plan.ts';
import { WORKER_VERSION } from '../version.ts';

/** What a runner gives the handler besides the job: cancellation and progress/stream channels. */
export interface HandlerContext {
  signal?: AbortSignal;
  progress?: (update: { pages_done: number; pages_total: number }) => void;
  stream?: (chunk: unknown) => void;
}

export interface Job {
  id?: string;
  input?: unknown;
  /** RunPod's bucket credentials for uploads (`"upload": true`), passed next to `input` */
  s3Config?: unknown;
}

/** A failed job, as RunPod expects it: `error` is a string. */
interface ErrorResult {
  error: string;
  code: string;
}

export type HandlerResult = ProcessOutput | PackedOutput | HealthOutput | ErrorResult;
export type Handler = (job: Job, ctx?: HandlerContext) => Promise<HandlerResult>;

/**
 * The one handler every runner calls. It validates the input, answers `health` at any time
 * (also while models load or after they failed), and runs process jobs through the pipeline.
 * It never throws: every failure becomes `{ error, code }`.
 */
export function createHandler(deps: { worker: Promise<LoadedWorker>; config: Readonly<Config>; log: Logger }): Handler {
  const started = performance.now();
  let loaded: LoadedWorker | undefined;
  let loadError: WorkerError | undefined;
  deps.worker.then(
    (w) => (loaded = w),
    (err: unknown) => {
      loadError = toWorkerError(err);
      deps.log.error({ err: loadError.cause ?? loadError }, `models failed to load: ${loadError.message}`);
    },
  );

  // one guarded client for every URL a job names and every upload (src/net/url-policy.ts)
  const policy = createUrlPolicy(deps.config.fetch);
  const client = createHttpClient(policy, deps.config.fetch);
  const sourceLimits = { archive: deps.config.archive, maxPageBytes: deps.config.limits.maxPageBytes, fetchAhead: deps.config.fetch.ahead };

  const health = (): HealthOutput => ({
    status: loaded ? 'ready' : loadError ? 'failed' : 'loading',
    ready: Boolean(loaded),
    provider: loaded?.ocr.providers ?? {},
    models: loaded?.models ?? [],
    stand_in_models: loaded?.ocr.standIn ?? false,
    ...(loaded?.ocr.decoder ? { decoder: loaded.ocr.decoder } : {}),
    ...(loaded ? { model_weights: weightsOf(loaded.ocr) } : {}),
    versions: { worker: WORKER_VERSION, mokuro_format: MOKURO_FORMAT_VERSION, node: process.version, onnxruntime: ort.env.versions.common },
    uptime_s: Math.round((performance.now() - started) / 100) / 10,
    ...(loadError ? { error: loadError.message } : {}),
  });

  return async (job, ctx = {}) => {
    const log = deps.log.child({ jobId: job.id });
    try {
      const parsed = JobInput.safeParse(job.input);
      if (!parsed.success) {
        const { path, message } = describeZodError(parsed.error);
        throw new WorkerError('INVALID_INPUT', message, { path });
      }
      const input = parsed.data;
      if (input.type === 'health') return health();

      const plan = planJob(input, job);
      if ('images' in plan.pages) checkJobLimits({ pages: plan.pages.images, field: plan.pages.field }, deps.config.limits);
      // a refused upload target fails the job before any page is worked on, not after the volume
      if (plan.output.s3) await checkTarget(policy, plan.output.s3.endpointUrl, 's3Config.endpointUrl');
      // an archive is fetched and its directory read before waiting for models: a cold start's
      // model loading and the download overlap, and a bad archive fails at once
      const { source, identity } = await openPageSource(plan.pages, { ...sourceLimits, client, log }, ctx.signal);
      try {
        const { ocr } = await deps.worker.catch((err: unknown) => {
          throw toWorkerError(err);
        });
        const t0 = performance.now();
        log.info({ type: input.type, pages: source.count, from: source.field }, 'job started');
        const result = await processJob(
          { source, options: plan.options, ...withArchiveDefaults(plan.fields, identity) },
          { ocr, limits: deps.config.limits, log, workerVersion: WORKER_VERSION },
          {
            signal: ctx.signal,
            onPage: ({ index, page, error, done, total }) => {
              ctx.progress?.({ pages_done: done, pages_total: total });
              if (plan.stream) ctx.stream?.({ page_index: index, page, error });
            },
          },
        );
        log.info({ ms: Math.round(performance.now() - t0), pages: result.stats.pages, errors: result.errors.length, lines: result.stats.lines }, 'job done');
        return await packOutput(result, plan.output, { client, signal: ctx.signal, log });
      } finally {
        source.close();
      }
    } catch (err) {
      const e = toWorkerError(err);
      if (e.code === 'INTERNAL' || e.code === 'INFERENCE') log.error({ err: e.cause ?? e }, `job failed: ${e.message}`);
      else log.warn({ code: e.code, reason: e.message }, 'job rejected');
      return { error: publicMessage(e), code: e.code };
    }
  };
}
