// The local API, called with relative URLs so the page works under any origin (localhost or a
// tunnel). Plain polling only: Cloudflare quick tunnels drop server-sent events.

const KEY_STORAGE = 'mokuro-worker-api-key';
const POLL_MS = 1000;
// A tunnel or a sleeping laptop can drop a few requests; give up only after this many in a row.
const MAX_NETWORK_RETRIES = 8;
const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status; // the HTTP status, when the server answered
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// sessionStorage throws in some private modes; the key then lives only in memory.
const storage = {
  get: () => { try { return sessionStorage.getItem(KEY_STORAGE) ?? ''; } catch { return ''; } },
  set: (v) => { try { sessionStorage.setItem(KEY_STORAGE, v); } catch { /* memory only */ } },
};

/** Plain words for an HTTP failure; the server's own message is kept when it says more. */
function describeHttp(status, message) {
  if (status === 413) return 'These pages are too large for one request to this server. Try fewer or smaller pages.';
  if (status === 429) return 'The server is busy (its queue is full). Try again in a minute.';
  if (status === 404) return 'The server no longer knows this job (it may have restarted). Please submit again.';
  if (status === 502 || status === 503 || status === 504 || status === 530) return 'The server cannot be reached. Is it still running?';
  if (status >= 500) return `The server had a problem${message ? `: ${message}` : ''}.`;
  return `The server refused the request${message ? `: ${message}` : ''}.`;
}

/**
 * `askKey(message)` shows the key form and resolves to the key typed, or '' if the user cancels.
 * A 401 is the only signal that a key is needed: the page itself is served without one.
 */
export function createApi({ askKey }) {
  let key = storage.get();

  async function call(method, path, body) {
    for (;;) {
      const headers = {};
      if (key) headers.authorization = `Bearer ${key}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      if (res.status === 401) {
        const given = await askKey(key ? 'That API key was not accepted. Please check it.' : 'This server wants an API key.');
        if (!given) throw new ApiError('No API key was given, so the server cannot be used.');
        key = given;
        storage.set(key);
        continue;
      }
      const data = await res.json().catch(() => null);
      if (!res.ok) throw new ApiError(describeHttp(res.status, data?.error), res.status);
      return data;
    }
  }

  /** Retries network failures and gateway errors (a tunnel hiccup); other errors end the job. */
  async function patient(method, path, onRetry) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call(method, path);
      } catch (err) {
        const transient = err instanceof TypeError || /cannot be reached/.test(err.message);
        if (!transient || attempt >= MAX_NETWORK_RETRIES) throw err instanceof TypeError ? new ApiError('The server cannot be reached. Is it still running?') : err;
        onRetry?.(attempt + 1);
        await sleep(Math.min(POLL_MS * 2 ** attempt, 10_000));
      }
    }
  }

  /**
   * Submits a job with /run, then polls /status (state, progress) and /stream (per-page chunks)
   * until the job is final. Returns the final /status answer.
   */
  async function runJob(input, { onStatus, onChunk, onRetry }) {
    const submitted = await call('POST', 'run', { input });
    const id = encodeURIComponent(submitted.id);
    onStatus?.(submitted);
    for (;;) {
      await sleep(POLL_MS);
      const status = await patient('GET', `status/${id}`, onRetry);
      // Asked after /status: once the status is final, every chunk is already in the stream.
      if (status.status !== 'IN_QUEUE') {
        const stream = await patient('GET', `stream/${id}`, onRetry);
        for (const chunk of stream.stream ?? []) onChunk?.(chunk.output);
      }
      onStatus?.(status);
      if (FINAL.has(status.status)) return status;
    }
  }

  return { call, runJob };
}
