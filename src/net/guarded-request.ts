import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { WorkerError, isWorkerError, throwIfCancelled, type ErrorCode } from '../errors.ts';
import { clampDelay } from '../timer-delay.ts';
import { bareHost, type UrlPolicy } from './url-policy.ts';

export interface RequestLimits {
  /** one request, redirects and body included */
  timeoutMs: number;
  maxRedirects: number;
}

export interface GuardedRequest {
  method?: 'GET' | 'PUT' | 'POST';
  headers?: Record<string, string>;
  body?: Buffer;
  /** the body is refused past this many bytes */
  maxBytes: number;
  /** the code of that refusal: a page or an archive too large, or a plain fetch failure */
  tooLarge: ErrorCode;
  /** names the URL in errors: `images[2].url`, `archive.url` */
  path: string;
  signal?: AbortSignal;
}

export interface GuardedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type HttpClient = (url: string, req: GuardedRequest) => Promise<GuardedResponse>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A URL for messages and logs: never its query, where presigned links keep their signature. */
export function describeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** A lookup that fails unless every address the name resolves to passes the policy. */
function checkedLookup(policy: UrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { all: true, family: options.family, hints: options.hints }, (err, addresses) => {
      if (err) return callback(new WorkerError('FETCH', `cannot resolve host ${hostname} (${err.code ?? err.message})`), '', 4);
      for (const a of addresses) {
        const kind = policy.refuseAddress(a.address);
        if (kind) return callback(new WorkerError('URL_REFUSED', `host ${hostname} resolves to ${a.address}, ${kind}; only public addresses are fetched`), '', 4);
      }
      if (options.all) (callback as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/**
 * Whether a request to `href` would pass the policy (scheme, allow-list, every address the host
 * resolves to), without making it: for targets known before the work, such as an upload endpoint,
 * so that a refused one fails the job before its pages are processed. The request itself is checked
 * again when it is made.
 */
export async function checkTarget(policy: UrlPolicy, href: string, path: string): Promise<void> {
  const url = parse(href, path);
  const refusal = policy.refuseUrl(url);
  if (refusal) throw new WorkerError('URL_REFUSED', refusal, { path });
  const host = bareHost(url);
  if (isIP(host)) return; // refuseUrl judged the literal address
  const lookup = checkedLookup(policy);
  await new Promise<void>((resolve, reject) =>
    lookup(host, { all: true }, (err) => (err ? reject(isWorkerError(err) ? new WorkerError(err.code, err.message, { path }) : err) : resolve())),
  );
}

/**
 * Outbound HTTP for URLs a job names (SSRF protection). Every hop — the first URL and each
 * redirect — is checked against the policy (scheme, allow-list, IP literals), and the host name is
 * resolved by our own lookup, which refuses the connection unless *every* address is allowed;
 * the socket then connects to the address that was checked, so DNS cannot answer differently
 * between check and use. Bodies are capped in bytes, the whole exchange in time; GET follows
 * at most `maxRedirects` redirects, PUT and POST none (their 3xx answer is returned as it is).
 */
export function createHttpClient(policy: UrlPolicy, limits: RequestLimits): HttpClient {
  const lookup = checkedLookup(policy);

  return async (start, req) => {
    const deadline = AbortSignal.timeout(clampDelay(limits.timeoutMs));
    const signal = req.signal ? AbortSignal.any([req.signal, deadline]) : deadline;
    let url = parse(start, req.path);
    for (let hop = 0; ; hop++) {
      const where = hop === 0 ? req.path : `${req.path} (redirected to ${describeUrl(url)})`;
      const refusal = policy.refuseUrl(url);
      if (refusal) throw new WorkerError('URL_REFUSED', refusal, { path: where });
      try {
        const res = await send(url, req, signal, lookup);
        const location = res.headers.location;
        // only a GET is redirected: a PUT or POST would send its body on to wherever the answer points
        if ((req.method ?? 'GET') === 'GET' && REDIRECTS.has(res.statusCode ?? 0) && location) {
          res.resume();
          if (hop >= limits.maxRedirects) throw new WorkerError('FETCH', `more than ${limits.maxRedirects} redirects`, { path: req.path });
          url = parse(new URL(location, url).href, where);
          continue;
        }
        return { status: res.statusCode ?? 0, headers: res.headers, body: await readBody(res, req, where) };
      } catch (err) {
        // the lookup's refusals come without a path: name the hop they happened on
        if (isWorkerError(err)) throw err.path ? err : new WorkerError(err.code, err.message, { path: where, cause: err.cause });
        throwIfCancelled(req.signal);
        if (deadline.aborted) throw new WorkerError('FETCH', `no complete answer from ${url.host} within ${limits.timeoutMs} ms`, { path: where });
        const e = err as NodeJS.ErrnoException;
        throw new WorkerError('FETCH', `cannot fetch from ${url.host} (${e.code ?? e.message})`, { path: where, cause: err });
      }
    }
  };
}

function parse(href: string, path: string): URL {
  try {
    return new URL(href);
  } catch {
    throw new WorkerError('INVALID_INPUT', 'not a valid URL', { path });
  }
}

function send(url: URL, req: GuardedRequest, signal: AbortSignal, lookup: LookupFunction): Promise<http.IncomingMessage> {
  const lib = url.protocol === 'https:' ? https : http;
  const headers = { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) };
  return new Promise((resolve, reject) => {
    // agent: false — a pooled socket could outlive the address check it was made under.
    const r = lib.request(url, { method: req.method ?? 'GET', headers, lookup, agent: false, signal }, resolve);
    r.on('error', reject);
    r.end(req.body);
  });
}

async function readBody(res: http.IncomingMessage, req: GuardedRequest, where: string): Promise<Buffer> {
  const tooLarge = () => new WorkerError(req.tooLarge, `the answer is larger than the limit of ${req.maxBytes} bytes`, { path: where });
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > req.maxBytes) {
    res.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > req.maxBytes) {
      res.destroy();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A GET whose answer must be 2xx: the body, or a FETCH error naming the status. */
export async function fetchBytes(client: HttpClient, url: string, req: Omit<GuardedRequest, 'method' | 'body'>): Promise<Buffer> {
  const res = await client(url, req);
  if (res.status < 200 || res.status > 299) {
    throw new WorkerError('FETCH', `HTTP ${res.status} from ${describeUrl(new URL(url))}`, { path: req.path });
  }
  return res.body;
}
