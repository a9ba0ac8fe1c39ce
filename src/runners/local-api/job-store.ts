import { randomUUID } from 'node:crypto';
import { WorkerError } from '../../errors.ts';
import type { Handler } from '../../handler/create-handler.ts';
import type { Logger } from '../../logger.ts';
import { setLongTimeout } from '../../timer-delay.ts';
import { mapException, mapResult } from '../map-result.ts';

/** Job states of RunPod's endpoint API; the last four are final. */
export type JobStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT';
const FINAL: ReadonlySet<JobStatus> = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);
export const isFinal = (s: JobStatus) => FINAL.has(s);

/** RunPod's defaults (runpod.md §5): executionTimeout 600 s, ttl 24 h, results kept 30 min (/run) or 1 min (/runsync). */
export const DEFAULT_EXECUTION_TIMEOUT_MS = 600_000;
export const DEFAULT_TTL_MS = 24 * 3600_000;
export const RUN_RETENTION_MS = 30 * 60_000;
export const RUNSYNC_RETENTION_MS = 60_000;

export interface SubmitRequest {
  input: unknown;
  /** RunPod's bucket credentials, handed to the handler next to `input` (uploads) */
  s3Config?: unknown;
  webhook?: string;
  policy?: { executionTimeout?: number; ttl?: number };
  sync?: boolean;
}

export interface StoredJob {
  id: string;
  input: unknown;
  s3Config?: unknown;
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
  stream: unknown[];
  streamSent: number;
  /**
   * The attempt that may finish the job. A timed-out attempt can still be stopping when the job is
   * retried; its late result, progress and chunks belong to no one, so each run carries its own.
   */
  attempt?: Attempt;
  waiters: (() => void)[];
}

/** One run of a job through the handler. */
interface Attempt {
  abort: AbortController;
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
  /** called once per job when it reaches a final state (webhooks) */
  onFinal?: (job: StoredJob) => void;
  now?: () => number;
  /** how often expired jobs are swept */
  sweepMs?: number;
}

/**
 * The local API's jobs: a bounded FIFO queue, up to `concurrency` jobs running through the
 * handler, and RunPod's lifecycle (timeouts, TTL, retention, cancel, retry, purge).
 */
export function createJobStore(opts: JobStoreOptions) {
  const now = opts.now ?? Date.now;
  const jobs = new Map<string, StoredJob>();
  const queue: string[] = [];
  let running = 0;
  let accepting = true;
  const counters = { completed: 0, failed: 0, retried: 0 };

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
  };

  const run = async (job: StoredJob) => {
    running++;
    job.status = 'IN_PROGRESS';
    job.startedAt = now();
    const attempt: Attempt = { abort: new AbortController() };
    job.attempt = attempt;
    const current = () => job.attempt === attempt;
    // policy.executionTimeout may be up to 2^53 ms: longer than one Node timer holds
    const cancelTimer = setLongTimeout(() => {
      attempt.abort.abort();
      finish(job, 'TIMED_OUT', { error: `job exceeded its execution timeout of ${job.executionTimeout} ms` }, attempt);
    }, job.executionTimeout);
    try {
      const result = await opts.handler(
        { id: job.id, input: job.input, ...(job.s3Config !== undefined ? { s3Config: job.s3Config } : {}) },
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
      running--;
      pump();
    }
  };

  const pump = () => {
    while (running < opts.concurrency && queue.length > 0) {
      const job = jobs.get(queue.shift()!);
      if (job && job.status === 'IN_QUEUE') void run(job);
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
        jobs.delete(job.id);
        const q = queue.indexOf(job.id);
        if (q >= 0) queue.splice(q, 1);
      }
    }
  };
  /** What every way into the queue (/run, /runsync, /retry) must pass. */
  const admit = () => {
    if (!accepting) throw new WorkerError('NOT_READY', 'the worker is shutting down');
    if (queue.length >= opts.maxQueue) throw new WorkerError('QUEUE_FULL', `the queue is full (${opts.maxQueue} jobs waiting); retry later`);
  };

  const sweeper = setInterval(sweep, opts.sweepMs ?? 1000);
  sweeper.unref();

  return {
    submit(req: SubmitRequest): StoredJob {
      admit();
      const job: StoredJob = {
        id: `${randomUUID()}-local`,
        input: req.input,
        s3Config: req.s3Config,
        webhook: req.webhook,
        status: 'IN_QUEUE',
        executionTimeout: req.policy?.executionTimeout ?? DEFAULT_EXECUTION_TIMEOUT_MS,
        ttl: req.policy?.ttl ?? DEFAULT_TTL_MS,
        createdAt: now(),
        retention: req.sync ? RUNSYNC_RETENTION_MS : RUN_RETENTION_MS,
        retries: 0,
        stream: [],
        streamSent: 0,
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
      admit();
      Object.assign(job, { status: 'IN_QUEUE', output: undefined, error: undefined, startedAt: undefined, finishedAt: undefined, stream: [], streamSent: 0 });
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
        jobs.delete(id);
      }
      return removed.length;
    },
    /** chunks not delivered yet */
    takeStream(job: StoredJob): unknown[] {
      const chunks = job.stream.slice(job.streamSent);
      job.streamSent = job.stream.length;
      return chunks;
    },
    counts: () => ({ ...counters, inProgress: running, inQueue: queue.length, concurrency: opts.concurrency }),
    stopAccepting(): void {
      accepting = false;
    },
    close(): void {
      clearInterval(sweeper);
      for (const job of jobs.values()) job.attempt?.abort.abort();
    },
    /** resolves when nothing runs any more (after close, for a clean exit) */
    async drain(): Promise<void> {
      while (running > 0) await new Promise((r) => setTimeout(r, 20));
    },
  };
}
export type JobStore = ReturnType<typeof createJobStore>;
