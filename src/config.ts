import { availableParallelism } from 'node:os';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { ConfigError, clip, flagNumber, parseFlags, TEST_INPUT_ARGV_MAX, wholeNumber, withTestInputFromStdin } from './config-flags.ts';

export { ConfigError, TEST_INPUT_ARGV_MAX } from './config-flags.ts';

/**
 * The only reader of process.env and argv. Everything below it receives a frozen Config.
 * Flags follow runpod-python's spellings where it has one (`--rp_serve_api`, `--test_input`, …).
 */

export type RunMode = 'serve-api' | 'test' | 'worker';
export type ProviderName = 'cuda' | 'tensorrt' | 'cpu';

const intFromEnv = (fallback: number, min = 0) => wholeNumber(min).optional().default(fallback);

/** The local API's key, from API_KEY or --api-key: long enough not to be guessed or mistyped into. */
export const MIN_API_KEY_LENGTH = 16;

const boolFromEnv = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const EnvSchema = z.object({
  MODELS_DIR: z.string().optional().default('models'),
  /** auto: generated stand-ins when the real weights are absent; never: fail instead; always: tests */
  STAND_IN_MODELS: z.enum(['auto', 'never', 'always']).optional().default('auto'),
  /** sha256: every model file must have its pinned checksum; off: any export with the pinned files' I/O (warned) */
  MODELS_VERIFY: z.enum(['sha256', 'off']).optional().default('sha256'),
  /** comma-separated execution providers in order of preference */
  EXECUTION_PROVIDERS: z.string().optional().default('cuda,cpu'),
  CUDA_DEVICE_ID: intFromEnv(0),
  /** onnxruntime intra-op threads; 0 = one per core (the library default ran like 1 thread here) */
  ORT_INTRA_OP_THREADS: intFromEnv(0),
  REQUIRE_GPU: boolFromEnv,
  /**
   * where beam search runs: `js` (our loop, one decoder call per step), `onnx` (onnxruntime's
   * BeamSearch op, one call per batch; needs kv/manga_ocr_beam_search.onnx), `auto`: onnx when the
   * encoder runs on a GPU and the model is there, else js
   */
  DECODER_LOOP: z.enum(['auto', 'js', 'onnx']).optional().default('auto'),
  /** beam (Mokuro's manga-ocr default) or greedy */
  OCR_DECODING: z.enum(['beam', 'greedy']).optional().default('beam'),
  /** crops per recogniser batch; 0 = by provider (8 on CPU, 32 on GPU) */
  OCR_BATCH_SIZE: intFromEnv(0),
  /** pages remembered by content, answered again without the models; 0 turns the cache off. A result is
   *  a few kB of blocks, so the default 512 stays under a few MB (our choice) */
  PAGE_CACHE_ENTRIES: intFromEnv(512),
  /** threads running the page pipeline beside the inference thread; default cores − 1 (min 1); 0 = in the inference thread */
  PAGE_THREADS: wholeNumber(0).optional(),
  MAX_PAGES: intFromEnv(1000, 1),
  MAX_PAGE_BYTES: intFromEnv(32 * 1024 * 1024, 1),
  MAX_PAGE_PIXELS: intFromEnv(100_000_000, 1),
  MAX_PAGE_SIDE: intFromEnv(30_000, 1),
  /** a job's pages together, in pixels from their headers: 1000 pages of 4 megapixels */
  MAX_JOB_PIXELS: intFromEnv(4_000_000_000, 1),
  /** decoded page bytes of one job together, checked before any page is decoded */
  MAX_REQUEST_BYTES: intFromEnv(256 * 1024 * 1024, 1),
  /** a ZIP/CBZ given as base64 or URL: its own size, entry count, pages' total size, entry compression ratio */
  MAX_ARCHIVE_BYTES: intFromEnv(512 * 1024 * 1024, 1),
  MAX_ARCHIVE_ENTRIES: intFromEnv(10_000, 1),
  MAX_ARCHIVE_UNCOMPRESSED_BYTES: intFromEnv(2 * 1024 * 1024 * 1024, 1),
  MAX_ARCHIVE_RATIO: intFromEnv(100, 1),
  /** URLs in jobs (SSRF protection): http besides https, private ranges allowed, host allow-list */
  FETCH_ALLOW_HTTP: boolFromEnv,
  FETCH_ALLOW_ADDRESSES: z.string().optional().default(''),
  FETCH_ALLOWED_HOSTS: z.string().optional().default(''),
  FETCH_TIMEOUT_MS: intFromEnv(120_000, 1),
  FETCH_MAX_REDIRECTS: intFromEnv(3, 0),
  /** URL pages downloaded ahead of the page in the models */
  FETCH_AHEAD: intFromEnv(4, 0),
  /** key the local API requires (`Authorization: Bearer <key>` or the raw key) */
  API_KEY: z.string().optional(),
  /** request body limit of the local API (RunPod's /runsync allows 20 MB) */
  API_MAX_BODY_BYTES: intFromEnv(20 * 1024 * 1024, 1),
  /** jobs the local API holds in its queue before answering 429 */
  API_MAX_QUEUE: intFromEnv(100, 1),
  /** local API memory bounds: request bytes of queued + running jobs (503 past it); what finished jobs keep */
  API_MAX_PENDING_BYTES: intFromEnv(256 * 1024 * 1024, 1),
  API_MAX_RETAINED_BYTES: intFromEnv(64 * 1024 * 1024, 1),
  API_MAX_RETAINED_JOBS: intFromEnv(1000, 1),
  LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  RUNPOD_WEBHOOK_GET_JOB: z.string().optional(),
  RUNPOD_WEBHOOK_POST_OUTPUT: z.string().optional(),
  RUNPOD_WEBHOOK_POST_STREAM: z.string().optional(),
  RUNPOD_WEBHOOK_PING: z.string().optional(),
  RUNPOD_PING_INTERVAL: intFromEnv(10_000, 1),
  RUNPOD_POD_ID: z.string().optional(),
  RUNPOD_AI_API_KEY: z.string().optional(),
  RUNPOD_POD_HOSTNAME: z.string().optional(),
  RUNPOD_ENDPOINT_ID: z.string().optional(),
  /** jobs the cloud worker loop runs at once (runpod-python's concurrency_modifier; default 1 per GPU) */
  WORKER_CONCURRENCY: intFromEnv(1, 1),
});

export interface Config {
  mode: RunMode;
  /** the JSON given with --test-input, if any; `-` means it comes on standard input */
  testInput?: string;
  /**
   * Set when --test-input is too large to stay on the command line of a process that loads
   * onnxruntime-node (which segfaults on ~29 KB of argv): the program's arguments with the JSON
   * replaced by `--test-input=-`, for a child that reads it from standard input.
   */
  testInputRelaunch?: string[];
  /** where the one-shot runner looks for test_input.json */
  testInputFile: string;
  logLevel: string;
  /** log JSON lines the way RunPod's log viewer expects */
  runpodLogs: boolean;
  api: {
    host: string;
    port: number;
    concurrency: number;
    apiKey?: string;
    /** serve on a non-loopback host without a key */
    insecure: boolean;
    maxBodyBytes: number;
    maxQueue: number;
    maxPendingBytes: number;
    maxRetainedBytes: number;
    maxRetainedJobs: number;
  };
  models: {
    dir: string;
    standIn: 'auto' | 'never' | 'always';
    verify: 'sha256' | 'off';
    providers: ProviderName[];
    deviceId: number;
    intraOpThreads: number;
    requireGpu: boolean;
    decoderLoop: 'auto' | 'js' | 'onnx';
  };
  ocr: { decoding: 'beam' | 'greedy'; batchSize: number; pageCacheEntries: number; pageThreads: number };
  limits: { maxPages: number; maxPageBytes: number; maxPagePixels: number; maxPageSide: number; maxJobPixels: number; maxRequestBytes: number };
  archive: { maxBytes: number; maxEntries: number; maxUncompressedBytes: number; maxRatio: number };
  /** outbound requests for URLs in jobs and uploads (src/net/url-policy.ts) */
  fetch: {
    allowHttp: boolean;
    allowAddresses: string[];
    allowedHosts: string[];
    timeoutMs: number;
    maxRedirects: number;
    ahead: number;
  };
  /** what the cloud worker loop needs (runpod/runpod-python runpod/serverless/modules/rp_job.py, rp_ping.py); absent URLs/ids stay undefined */
  runpod: {
    takeUrl?: string;
    doneUrl?: string;
    streamUrl?: string;
    pingUrl?: string;
    pingIntervalMs: number;
    podId?: string;
    apiKey?: string;
    podHostname?: string;
    concurrency: number;
  };
}

function parseProviders(list: string): ProviderName[] {
  const names = list.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const known: ProviderName[] = ['cuda', 'tensorrt', 'cpu'];
  for (const n of names) {
    if (!known.includes(n as ProviderName)) {
      throw new ConfigError(`environment variable EXECUTION_PROVIDERS: unknown provider "${n}" (known: ${known.join(', ')})`);
    }
  }
  const providers = names as ProviderName[];
  // CPU is always the last resort unless the list already says where it goes.
  return providers.includes('cpu') ? providers : [...providers, 'cpu'];
}

const splitList = (list: string) => list.split(',').map((s) => s.trim()).filter(Boolean);

/** FETCH_ALLOW_ADDRESSES: CIDR ranges; a bare address means just that address. */
function parseCidrs(list: string): string[] {
  return splitList(list).map((entry) => {
    const cidr = entry.includes('/') ? entry : `${entry}/${ipaddr.isValid(entry) && ipaddr.parse(entry).kind() === 'ipv6' ? 128 : 32}`;
    if (!ipaddr.isValidCIDR(cidr)) throw new ConfigError(`environment variable FETCH_ALLOW_ADDRESSES: "${entry}" is not an IP address or CIDR range`);
    return cidr;
  });
}

/** Empty variables count as unset: compose and many shells give `API_KEY=` for an unset one. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((kv): kv is [string, string] => kv[1] !== undefined && kv[1].trim() !== ''));
}

/** --rp_log_level as runpod-python spells it (ERROR, WARN, INFO, DEBUG) or any pino level */
function logLevel(flag: string | undefined): string | undefined {
  if (flag === undefined) return undefined;
  const level = flag.toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new ConfigError(`--rp_log_level "${clip(flag)}": expected one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

function apiKey(flag: string | undefined, env: string | undefined): string | undefined {
  const [key, source] = flag !== undefined ? [flag, '--api-key'] : [env, 'API_KEY'];
  if (key !== undefined && key.length < MIN_API_KEY_LENGTH) {
    throw new ConfigError(`${source}: a key of ${key.length} characters is too short; use at least ${MIN_API_KEY_LENGTH} (e.g. openssl rand -hex 16)`);
  }
  return key;
}

export function loadConfig(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Readonly<Config> {
  const values = parseFlags(argv);
  const set = withoutEmpty(env);
  const parsed = EnvSchema.safeParse(set);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0]);
    throw new ConfigError(`environment variable ${name}="${clip(set[name] ?? '')}": ${issue.message}`);
  }
  const e = parsed.data;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const testInput = str(values['test-input']) ?? str(values.test_input);

  let mode: RunMode;
  if (values['serve-api'] || values.rp_serve_api) mode = 'serve-api';
  else if (testInput !== undefined || !e.RUNPOD_WEBHOOK_GET_JOB) mode = 'test';
  else mode = 'worker';

  const port = flagNumber('rp_api_port', str(values.rp_api_port), 8000, 0, 65535);
  const concurrency = flagNumber('rp_api_concurrency', str(values.rp_api_concurrency), 1, 1, 1024);

  const config: Config = {
    mode,
    testInput,
    testInputRelaunch:
      mode === 'test' && testInput !== undefined && Buffer.byteLength(testInput) > TEST_INPUT_ARGV_MAX ? withTestInputFromStdin(argv) : undefined,
    testInputFile: path.resolve(cwd, 'test_input.json'),
    logLevel: logLevel(str(values.rp_log_level)) ?? e.LOG_LEVEL ?? 'info',
    runpodLogs: Boolean(e.RUNPOD_ENDPOINT_ID),
    api: {
      host: str(values.rp_api_host) ?? 'localhost',
      port,
      concurrency,
      apiKey: apiKey(str(values['api-key']), e.API_KEY),
      insecure: values.insecure === true,
      maxBodyBytes: e.API_MAX_BODY_BYTES,
      maxQueue: e.API_MAX_QUEUE,
      maxPendingBytes: e.API_MAX_PENDING_BYTES,
      maxRetainedBytes: e.API_MAX_RETAINED_BYTES,
      maxRetainedJobs: e.API_MAX_RETAINED_JOBS,
    },
    models: {
      dir: path.resolve(cwd, e.MODELS_DIR),
      standIn: e.STAND_IN_MODELS,
      verify: e.MODELS_VERIFY,
      providers: parseProviders(e.EXECUTION_PROVIDERS),
      deviceId: e.CUDA_DEVICE_ID,
      intraOpThreads: e.ORT_INTRA_OP_THREADS,
      requireGpu: e.REQUIRE_GPU,
      decoderLoop: e.DECODER_LOOP,
    },
    ocr: {
      decoding: e.OCR_DECODING,
      batchSize: e.OCR_BATCH_SIZE,
      pageCacheEntries: e.PAGE_CACHE_ENTRIES,
      // the main thread and the inference thread are mostly waiting; one core is left to them
      pageThreads: e.PAGE_THREADS ?? Math.max(1, availableParallelism() - 1),
    },
    limits: {
      maxPages: e.MAX_PAGES,
      maxPageBytes: e.MAX_PAGE_BYTES,
      maxPagePixels: e.MAX_PAGE_PIXELS,
      maxPageSide: e.MAX_PAGE_SIDE,
      maxJobPixels: e.MAX_JOB_PIXELS,
      maxRequestBytes: e.MAX_REQUEST_BYTES,
    },
    archive: {
      maxBytes: e.MAX_ARCHIVE_BYTES,
      maxEntries: e.MAX_ARCHIVE_ENTRIES,
      maxUncompressedBytes: e.MAX_ARCHIVE_UNCOMPRESSED_BYTES,
      maxRatio: e.MAX_ARCHIVE_RATIO,
    },
    fetch: {
      allowHttp: e.FETCH_ALLOW_HTTP,
      allowAddresses: parseCidrs(e.FETCH_ALLOW_ADDRESSES),
      allowedHosts: splitList(e.FETCH_ALLOWED_HOSTS),
      timeoutMs: e.FETCH_TIMEOUT_MS,
      maxRedirects: e.FETCH_MAX_REDIRECTS,
      ahead: e.FETCH_AHEAD,
    },
    runpod: {
      takeUrl: e.RUNPOD_WEBHOOK_GET_JOB,
      doneUrl: e.RUNPOD_WEBHOOK_POST_OUTPUT,
      streamUrl: e.RUNPOD_WEBHOOK_POST_STREAM,
      pingUrl: e.RUNPOD_WEBHOOK_PING,
      pingIntervalMs: e.RUNPOD_PING_INTERVAL,
      podId: e.RUNPOD_POD_ID,
      apiKey: e.RUNPOD_AI_API_KEY,
      podHostname: e.RUNPOD_POD_HOSTNAME,
      concurrency: e.WORKER_CONCURRENCY,
    },
  };
  return deepFreeze(config);
}

function deepFreeze<T>(obj: T): Readonly<T> {
  for (const v of Object.values(obj as object)) {
    if (v && typeof v === 'object') deepFreeze(v);
  }
  return Object.freeze(obj);
}

/**
 * For entry points: the config, or one line on stderr naming the variable or flag and exit 1 (a raw
 * stack trace hid which setting was wrong, and an empty API_KEY= stopped every mode that way).
 */
export function loadConfigOrExit(load: () => Readonly<Config> = loadConfig): Readonly<Config> {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`mokuro-worker: config: ${err.message}\n`);
    process.exit(1);
  }
}
