import { randomUUID } from 'node:crypto';
import { WorkerError } from '../../errors.ts';
import type { Handler } from '../../handler/create-handler.ts';
import type { Logger } from '../../logger.ts';
import { setLongTimeout } from '../../timer-delay.ts';
import { mapException, mapResult } from '../map-result.ts';
import { createFinishedJobs, jsonSize, type Finished } from './finished-jobs.ts';

/** Job states of RunPod's endpoint API; the last four are final. */
export type JobStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT';
const FINAL: ReadonlySet<JobStatus> = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);
export const isFinal = (s: JobStatus) => FINAL.has(s);

/** RunPod's defaults (RunPod's docs, docs.runpod.io serverless/endpoints): executionTimeout 600 s, ttl 24 h, results kept 30 min (/run) or 1 min (/runsync). */
export const DEFAULT_EXECUTION_TIMEOUT_MS = 600_000;
export const DEFAULT_TTL_MS = 24 * 3600_000;
export const RUN_RETENTION_MS = 30 * 60_000;
export const RUNSYNC_RETENTION_MS = 60_000;

/**
 * Memory bounds (API_MAX_PENDING_BYTES, API_MAX_RETAINED_BYTES, API_MAX_RETAINED_JOBS): the request
 * bodies of queued and running jobs, and what finished jobs keep. Together well under V8's default
 * heap limit (about 4 GB on 64-bit), with room for the jobs' own work.
 */
export const DEFAULT_MAX_PENDING_BYTES = 256 * 1024 * 1024;
export const DEFAULT_MAX_RETAINED_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_RETAINED_JOBS = 1000;

export interface SubmitRequest {
  input: unknown;
  /** RunPod's bucket credentials, handed to the handler next to `input` (uploads) */
  s3Config?: unknown;
  webhook?: string;
  policy?: { executionTimeout?: number; ttl?: number };
  sync?: boolean;
  /** size of the request body that carried it, counted against the memory bounds */
  bytes?: number;
}

/** What the handler gets: kept while the job waits or runs, and after FAILED/TIMED_OUT for /retry. */
interface JobRequest {
  input: unknown;
  s3Config?: unknown;
  bytes: number;
}

export interface StoredJob {
  id: string;
  /** dropped when the job finishes (kept for /retry after FAILED or TIMED_OUT, while the budget allows) */
  request?: JobRequest;
  webhook?: string;
  status: JobStatus;
  output?: unknown;
  error?: string;
  executionTimeout: number;
  ttl: number;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  retention: number;
  retries: number;
  /** chunks not delivered by /stream yet */
  stream: unknown[];
  /**
   * The attempt that may finish the job. A timed-out attempt can still be stopping when the job is
   * retried; its late result, progress and chunks belong to no one, so each run carries its own.
   */
  attempt?: Attempt;
  /** its entry in the finished jobs' budget, once final */
  held?: Finished;
  waiters: (() => void)[];
}

/** One run of a job through the handler; holds its request's bytes until the handler returns. */
interface Attempt {
  abort: AbortController;
  bytes: number;
}

/** The `/status` answer of a job. */
export function statusView(job: StoredJob) {
  return {
    id: job.id,
    status: job.status,
    ...(job.output !== undefined ? { output: job.output } : {}),
    ...(job.error !== undefined ? { error: job.error } : {}),
    ...(job.startedAt !== undefined ? { delayTime: job.startedAt - job.createdAt } : {}),
    ...(job.finishedAt !== undefined && job.startedAt !== undefined ? { executionTime: job.finishedAt - job.startedAt } : {}),
    ...(job.retries > 0 ? { retries: job.retries } : {}),
  };
}
export type StatusView = ReturnType<typeof statusView>;

export interface JobStoreOptions {
  handler: Handler;
  concurrency: number;
  maxQueue: number;
  log: Logger;
  /** request bytes of queued and running jobs together; past it new jobs get 503 */
  maxPendingBytes?: number;
  /** what finished jobs keep (outputs, errors, requests kept for /retry), and how many of them */
  maxRetainedBytes?: number;
  maxRetainedJobs?: number;
  /** called once per job when it reaches a final state (webhooks) */
  onFinal?: (job: StoredJob) => void;
  now?: () => number;
  /** how often expired jobs are swept */
  sweepMs?: number;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * The local API's jobs: a bounded FIFO queue, up to `concurrency` jobs running through the
 * handler, and RunPod's lifecycle (timeouts, TTL, retention, cancel, retry, purge), inside
 * memory bounds for what waits and what is kept.
 */
export function createJobStore(opts: JobStoreOptions) {
  const now = opts.now ?? Date.now;
  const maxPendingBytes = opts.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
  const jobs = new Map<string, StoredJob>();
  const queue: string[] = [];
  const attempts = new Set<Attempt>();
  let accepting = true;
  const counters = { completed: 0, failed: 0, retried: 0 };
  const finished = createFinishedJobs({
    maxBytes: opts.maxRetainedBytes ?? DEFAULT_MAX_RETAINED_BYTES,
    maxJobs: opts.maxRetainedJobs ?? DEFAULT_MAX_RETAINED_JOBS,
  });

  /** request bytes held by queued jobs and by attempts whose handler has not returned */
  const pendingBytes = () => {
    let bytes = 0;
    for (const id of queue) bytes += jobs.get(id)?.request?.bytes ?? 0;
    for (const a of attempts) bytes += a.bytes;
    return bytes;
  };

  /** the job is gone: no /status, no queue place, no budget share */
  const forget = (job: StoredJob) => {
    jobs.delete(job.id);
    const q = queue.indexOf(job.id);
    if (q >= 0) queue.splice(q, 1);
    if (job.held) finished.remove(job.held);
    job.held = undefined;
  };

  const hold = (job: StoredJob) => {
    // a failed or timed-out job keeps its request for /retry; a finished one needs it no more
    if (job.status !== 'FAILED' && job.status !== 'TIMED_OUT') job.request = undefined;
    const kept = job.request?.bytes ?? 0;
    const bytes = jsonSize(job.output) + (job.error?.length ?? 0) + job.stream.reduce<number>((n, c) => n + ((c as { output?: unknown }).output === job.output ? 0 : jsonSize(c)), 0);
    job.held = {
      bytes: bytes + kept,
      kept,
      dropKept: () => (job.request = undefined),
      forget: () => forget(job),
    };
    finished.add(job.held);
  };

  /** `attempt`: the run reporting; ignored unless it is still the job's current one */
  const finish = (job: StoredJob, status: JobStatus, result?: { output?: unknown; error?: string }, attempt?: Attempt) => {
    if (isFinal(job.status) || (attempt && job.attempt !== attempt)) return;
    job.status = status;
    job.finishedAt = now();
    if (result?.output !== undefined) job.output = result.output;
    if (result?.error !== undefined) job.error = result.error;
    if (status === 'COMPLETED') counters.completed++;
    else counters.failed++;
    job.attempt = undefined;
    for (const w of job.waiters.splice(0)) w();
    opts.onFinal?.(job);
    hold(job);
  };

  const run = async (job: StoredJob, request: JobRequest) => {
    job.status = 'IN_PROGRESS';
    job.startedAt = now();
    const attempt: Attempt = { abort: new AbortController(), bytes: request.bytes };
    attempts.add(attempt);
    job.attempt = attempt;
    const current = () => job.attempt === attempt;
    // policy.executionTimeout may be up to 2^53 ms: longer than one Node timer holds
    const cancelTimer = setLongTimeout(() => {
      attempt.abort.abort();
      finish(job, 'TIMED_OUT', { error: `job exceeded its execution timeout of ${job.executionTimeout} ms` }, attempt);
    }, job.executionTimeout);
    try {
      const result = await opts.handler(
        { id: job.id, input: request.input, ...(request.s3Config !== undefined ? { s3Config: request.s3Config } : {}) },
        {
          signal: attempt.abort.signal,
          progress: (p) => {
            if (current() && !isFinal(job.status)) job.output = p;
          },
          stream: (chunk) => {
            if (current()) job.stream.push({ output: chunk });
          },
        },
      );
      const mapped = mapResult(result);
      if (current() && job.stream.length > 0 && !mapped.error) job.stream.push({ output: mapped.output });
      finish(job, mapped.error ? 'FAILED' : 'COMPLETED', { output: mapped.output, error: mapped.error }, attempt);
    } catch (err) {
      opts.log.error({ err, jobId: job.id }, 'handler threw');
      finish(job, 'FAILED', { error: mapException(err, 'local').error }, attempt);
    } finally {
      cancelTimer();
      attempts.delete(attempt);
      pump();
    }
  };

  const pump = () => {
    while (attempts.size < opts.concurrency && queue.length > 0) {
      const job = jobs.get(queue.shift()!);
      if (job?.status === 'IN_QUEUE' && job.request) void run(job, job.request);
    }
  };

  const sweep = () => {
    const t = now();
    for (const job of jobs.values()) {
      const ttlOver = t > job.createdAt + job.ttl;
      const retained = job.finishedAt !== undefined && t > job.finishedAt + job.retention;
      if (ttlOver || retained) {
        job.attempt?.abort.abort();
        if (!isFinal(job.status)) finish(job, 'TIMED_OUT', { error: `job exceeded its ttl of ${job.ttl} ms` });
        forget(job);
      }
    }
  };

  /** What every way into the queue (/run, /runsync, /retry) must pass. */
  const admit = (bytes: number) => {
    if (!accepting) throw new WorkerError('NOT_READY', 'the worker is shutting down');
    if (queue.length >= opts.maxQueue) throw new WorkerError('QUEUE_FULL', `the queue is full (${opts.maxQueue} jobs waiting); retry later`);
    // refused before it is held, so the heap never has to take it; a lone job always gets in
    const pending = pendingBytes();
    if (pending > 0 && pending + bytes > maxPendingBytes) {
      throw new WorkerError('BUSY', `queued and running jobs hold ${mb(pending)} of requests; this ${mb(bytes)} more would pass the limit of ${mb(maxPendingBytes)} (API_MAX_PENDING_BYTES); retry later`);
    }
  };

  const sweeper = setInterval(sweep, opts.sweepMs ?? 1000);
  sweeper.unref();

  return {
    submit(req: SubmitRequest): StoredJob {
      const bytes = req.bytes ?? 0;
      admit(bytes);
      const job: StoredJob = {
        id: `${randomUUID()}-local`,
        request: { input: req.input, ...(req.s3Config !== undefined ? { s3Config: req.s3Config } : {}), bytes },
        webhook: req.webhook,
        status: 'IN_QUEUE',
        executionTimeout: req.policy?.executionTimeout ?? DEFAULT_EXECUTION_TIMEOUT_MS,
        ttl: req.policy?.ttl ?? DEFAULT_TTL_MS,
        createdAt: now(),
        retention: req.sync ? RUNSYNC_RETENTION_MS : RUN_RETENTION_MS,
        retries: 0,
        stream: [],
        waiters: [],
      };
      jobs.set(job.id, job);
      queue.push(job.id);
      // started on the next turn, so the caller answers IN_QUEUE as the cloud does
      setImmediate(pump);
      return job;
    },
    get: (id: string) => jobs.get(id),
    /** resolves when the job is final or `ms` have passed */
    wait(job: StoredJob, ms: number): Promise<void> {
      if (isFinal(job.status)) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          const i = job.waiters.indexOf(done);
          if (i >= 0) job.waiters.splice(i, 1);
          resolve();
        }
        job.waiters.push(done);
      });
    },
    cancel(job: StoredJob): void {
      if (isFinal(job.status)) return;
      job.attempt?.abort.abort();
      const q = queue.indexOf(job.id);
      if (q >= 0) queue.splice(q, 1);
      finish(job, 'CANCELLED');
    },
    /** only FAILED and TIMED_OUT jobs go back to the queue, under the same bounds as new jobs */
    retry(job: StoredJob): boolean {
      if (job.status !== 'FAILED' && job.status !== 'TIMED_OUT') return false;
      if (!job.request) {
        throw new WorkerError('INVALID_INPUT', `job ${job.id}: its input is no longer kept (finished jobs give it up first when API_MAX_RETAINED_BYTES is reached); submit it again`);
      }
      admit(job.request.bytes);
      if (job.held) finished.remove(job.held);
      job.held = undefined;
      Object.assign(job, { status: 'IN_QUEUE', output: undefined, error: undefined, startedAt: undefined, finishedAt: undefined, stream: [] });
      job.retries++;
      counters.retried++;
      queue.push(job.id);
      setImmediate(pump);
      return true;
    },
    /**
     * Removes every queued job; running jobs go on. Each ends CANCELLED first, so a /runsync or
     * /status-sync waiting on it answers now, and its webhook says what became of it.
     */
    purge(): number {
      const removed = queue.splice(0);
      for (const id of removed) {
        const job = jobs.get(id);
        if (!job) continue;
        finish(job, 'CANCELLED', { error: 'the job was purged from the queue' });
        forget(job);
      }
      return removed.length;
    },
    /** chunks not delivered yet; delivered ones are let go */
    takeStream(job: StoredJob): unknown[] {
      return job.stream.splice(0);
    },
    counts: () => ({ ...counters, inProgress: attempts.size, inQueue: queue.length, concurrency: opts.concurrency }),
    /** what the memory bounds see (for logs and tests) */
    memory: () => ({ pendingBytes: pendingBytes(), retainedBytes: finished.bytes, retainedJobs: finished.count }),
    stopAccepting(): void {
      accepting = false;
    },
    /** on stop: queued jobs will never run; each ends CANCELLED (waiters and webhooks told) */
    cancelQueued(reason: string): number {
      const ids = queue.splice(0);
      for (const id of ids) {
        const job = jobs.get(id);
        if (job) finish(job, 'CANCELLED', { error: reason });
      }
      return ids.length;
    },
    close(): void {
      clearInterval(sweeper);
      for (const job of jobs.values()) job.attempt?.abort.abort();
    },
    /** resolves when nothing runs any more (after close, for a clean exit) */
    async drain(): Promise<void> {
      while (attempts.size > 0) await new Promise((r) => setTimeout(r, 20));
    },
  };
}
export type JobStore = ReturnType<typeof createJobStore>;
