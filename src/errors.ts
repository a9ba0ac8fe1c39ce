/**
 * The one error type of the worker. Every failure a client or operator can see carries one of
 * these codes; how a code is answered (HTTP status, whether the message is shown) lives here only.
 */
export const ERROR_CODES = {
  /** the job or one of its fields is malformed */
  INVALID_INPUT: { status: 400, expose: true },
  /** a page's bytes are not an image we can decode */
  IMAGE_DECODE: { status: 422, expose: true },
  /** one code per limit, so clients can tell which one they hit (the message states the limit) */
  /** a page's bytes exceed MAX_PAGE_BYTES */
  PAGE_TOO_LARGE: { status: 413, expose: true },
  /** a page's width × height exceeds MAX_PAGE_PIXELS (decompression bombs) */
  TOO_MANY_PIXELS: { status: 413, expose: true },
  /** a page's longest side exceeds MAX_PAGE_SIDE */
  PAGE_SIDE_TOO_LONG: { status: 413, expose: true },
  /** a job has more pages than MAX_PAGES */
  TOO_MANY_PAGES: { status: 413, expose: true },
  /** a job's page data exceeds MAX_REQUEST_BYTES */
  REQUEST_TOO_LARGE: { status: 413, expose: true },
  /** an archive exceeds a MAX_ARCHIVE_* cap (bytes, entries, expanded size, compression ratio) */
  ARCHIVE_TOO_LARGE: { status: 413, expose: true },
  /** an archive is not a readable ZIP/CBZ, or an entry is corrupt or encrypted */
  ARCHIVE: { status: 422, expose: true },
  /** a URL the job gave could not be fetched (network error, HTTP status, timeout, too many redirects) */
  FETCH: { status: 502, expose: true },
  /** a URL the job gave is not allowed: scheme, host not on the allow-list, private or loopback address */
  URL_REFUSED: { status: 403, expose: true },
  /** the finished document could not be uploaded to the job's s3Config bucket */
  UPLOAD: { status: 502, expose: true },
  /** no page of the job could be processed */
  NO_PAGES: { status: 422, expose: true },
  /** model files are missing, corrupt or of the wrong shape */
  MODEL_LOAD: { status: 503, expose: true },
  /** the models are still loading */
  NOT_READY: { status: 503, expose: true },
  /** a model run failed */
  INFERENCE: { status: 500, expose: false },
  /** the job was cancelled or timed out */
  ABORTED: { status: 499, expose: true },
  /** local API: no such job (unknown, purged or expired) */
  NOT_FOUND: { status: 404, expose: true },
  /** local API: missing or wrong API key */
  UNAUTHORIZED: { status: 401, expose: true },
  /** local API without a key: a request from another site (Origin) or for another host name (Host) */
  FORBIDDEN: { status: 403, expose: true },
  /** local API: the job queue is full */
  QUEUE_FULL: { status: 429, expose: true },
  /** local API: queued and running jobs hold too many request bytes to take another (API_MAX_PENDING_BYTES) */
  BUSY: { status: 503, expose: true },
  /** local API: the job is not in a state the request applies to (retrying a job that did not fail) */
  JOB_STATE: { status: 409, expose: true },
  /** anything we did not expect: logged in full, answered generically */
  INTERNAL: { status: 500, expose: false },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class WorkerError extends Error {
  readonly code: ErrorCode;
  /** where in the input the problem is, e.g. `images[3]` */
  readonly path?: string;

  constructor(code: ErrorCode, message: string, options?: { path?: string; cause?: unknown }) {
    super(options?.path ? `${options.path}: ${message}` : message, { cause: options?.cause });
    this.name = 'WorkerError';
    this.code = code;
    this.path = options?.path;
  }
}

export function isWorkerError(err: unknown): err is WorkerError {
  return err instanceof WorkerError;
}

/** The error every cancelled (or timed-out) job ends with, wherever it noticed. */
export function cancelledError(): WorkerError {
  return new WorkerError('ABORTED', 'job was cancelled');
}

/** Between units of work: stop here once the job's signal has fired. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError();
}

/** Any thrown value as a WorkerError; unknown errors become INTERNAL with their cause kept for logs. */
export function toWorkerError(err: unknown): WorkerError {
  if (isWorkerError(err)) return err;
  return new WorkerError('INTERNAL', 'internal error', { cause: err });
}

export function httpStatusOf(err: WorkerError): number {
  return ERROR_CODES[err.code].status;
}

/** The message a client may see: the real one for client mistakes, a generic one for our faults. */
export function publicMessage(err: WorkerError): string {
  return ERROR_CODES[err.code].expose ? err.message : `${err.code.toLowerCase()} error (see worker logs)`;
}

/** Errors as data, for envelopes and logs. */
export interface ErrorData {
  code: ErrorCode;
  message: string;
}

export function errorData(err: WorkerError): ErrorData {
  return { code: err.code, message: publicMessage(err) };
}
