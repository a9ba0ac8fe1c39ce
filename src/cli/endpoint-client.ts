import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A client of a RunPod serverless endpoint's job API (`https://api.runpod.ai/v2/<id>`) or of this
 * worker's local API, which serves the same routes at its root and under `/v2/<id>`:
 * `POST /run` → `{id}`, `GET /status/<id>` → `{status, output?, error?}`, `POST /cancel/<id>`.
 * Transient HTTP failures (network, 408, 429, 5xx) are retried with exponential backoff; a job
 * that ends FAILED, CANCELLED or TIMED_OUT, or is lost (404), is submitted again, up to
 * `maxAttempts` times in all.
 */
export interface EndpointOptions {
  url: string;
  apiKey?: string;
  /** between two status polls of one job */
  pollMs: number;
  /** first backoff; doubled per attempt up to 30 s */
  retryBaseMs: number;
  /** submissions of one job, and tries of one HTTP call */
  maxAttempts: number;
  fetch?: typeof fetch;
  /** told of every retry, for the progress line */
  onRetry?: (reason: string) => void;
}

export interface JobStatus {
  id: string;
  status: string;
  output?: unknown;
  error?: unknown;
}

const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);
const TRANSIENT = (status: number) => status === 408 || status === 429 || status >= 500;

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export type EndpointClient = ReturnType<typeof createEndpointClient>;

export function createEndpointClient(opts: EndpointOptions) {
  const base = opts.url.replace(/\/+$/, '');
  const fetchFn = opts.fetch ?? fetch;
  const auth: Record<string, string> = opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {};
  const backoff = (attempt: number) => Math.min(opts.retryBaseMs * 2 ** (attempt - 1), 30_000);

  /** One HTTP call, retried while the failure is transient. */
  const call = async (method: 'GET' | 'POST', route: string, body: string | undefined, signal: AbortSignal): Promise<unknown> => {
    for (let attempt = 1; ; attempt++) {
      let failure: string;
      try {
        const res = await fetchFn(base + route, {
          method,
          headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...auth },
          body,
          signal,
        });
        const text = await res.text();
        if (res.ok) return JSON.parse(text) as unknown;
        failure = `${method} ${route}: HTTP ${res.status} ${text.slice(0, 200)}`;
        if (!TRANSIENT(res.status)) throw new HttpError(res.status, failure);
      } catch (err) {
        if (err instanceof HttpError || signal.aborted) throw err;
        failure = `${method} ${route}: ${(err as Error).message}`;
      }
      if (attempt >= opts.maxAttempts) throw new Error(`${failure} (gave up after ${attempt} tries)`);
      opts.onRetry?.(failure);
      await sleep(backoff(attempt), undefined, { signal });
    }
  };

  const submit = async (input: unknown, signal: AbortSignal): Promise<string> => {
    const answer = (await call('POST', '/run', JSON.stringify({ input }), signal)) as { id?: unknown };
    if (typeof answer?.id !== 'string') throw new Error('POST /run: no job id in the answer');
    return answer.id;
  };

  /** Polls until the job is final; undefined when the endpoint no longer knows it (404). */
  const wait = async (id: string, signal: AbortSignal): Promise<JobStatus | undefined> => {
    for (;;) {
      let status: JobStatus;
      try {
        status = (await call('GET', `/status/${encodeURIComponent(id)}`, undefined, signal)) as JobStatus;
      } catch (err) {
        if (err instanceof HttpError && err.status === 404) return undefined;
        throw err;
      }
      if (FINAL.has(status.status)) return status;
      await sleep(opts.pollMs, undefined, { signal });
    }
  };

  /** Best effort: a job we stop waiting for should not keep a worker busy. */
  const cancel = async (id: string): Promise<void> => {
    try {
      await fetchFn(`${base}/cancel/${encodeURIComponent(id)}`, { method: 'POST', headers: auth, signal: AbortSignal.timeout(5000) });
    } catch {
      // the run is stopping anyway
    }
  };

  /**
   * Runs one job to a COMPLETED output that `accept` takes (it throws to refuse it, e.g. a
   * malformed answer), submitting it again after a failure, with backoff, up to maxAttempts.
   */
  const runJob = async <T>(input: unknown, accept: (output: unknown) => T, signal: AbortSignal): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      let failure: string;
      let id: string | undefined;
      try {
        id = await submit(input, signal);
        const status = await wait(id, signal);
        if (!status) failure = `job ${id} was lost (404)`;
        else if (status.status === 'COMPLETED') return accept(status.output);
        else failure = `job ${id} ${status.status}${status.error ? `: ${String(status.error)}` : ''}`;
      } catch (err) {
        if (signal.aborted) {
          if (id) await cancel(id);
          throw err;
        }
        if (err instanceof HttpError) throw err; // refused (401, 400, 413): trying again cannot help
        failure = (err as Error).message;
      }
      if (attempt >= opts.maxAttempts) throw new Error(`${failure} (gave up after ${attempt} attempts)`);
      opts.onRetry?.(failure);
      await sleep(backoff(attempt), undefined, { signal });
    }
  };

  return { submit, wait, cancel, runJob };
}
