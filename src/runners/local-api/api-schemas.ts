import { z } from 'zod';
import type { JobStatus as JobStatusName, StatusView } from './job-store.ts';

/**
 * The local API's requests and answers as zod schemas: the routes validate with them, and the
 * OpenAPI document (/openapi.json) is generated from them (openapi.ts), so the two cannot drift.
 */

/** `?wait=` of /runsync and /status-sync: 1–300 s, default 90 s, as RunPod's endpoint API. */
export const Wait = z.coerce.number().int().min(1000).max(300_000).optional().default(90_000).meta({ description: 'how long to wait for a final state, in ms' });
export const WaitQuery = z.object({ wait: Wait });

/**
 * The webhook URLs the document promises to take, as a pattern: every string it matches is an
 * http(s) URL that WHATWG parsing accepts, so generated requests that follow it are never refused
 * as malformed (schemathesis sent `http://`, which `^https?://` let through). The server takes any
 * http(s) URL that parses and leaves the rest to the address policy. Host names are dot-separated labels
 * without `--` (so no invalid punycode `xn--`) whose last label starts with a letter (so never read
 * as an IPv4 number); addresses are dotted quads; a port is at most 65535. Credentials (`user@`)
 * are not matched: the address policy refuses them anyway. Path, query and fragment never fail to parse.
 */
const LABEL = '[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*';
const HOST_NAME = `(?:${LABEL}\\.)*[A-Za-z](?:[A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)?\\.?`;
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const PORT = '(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}))?';
export const WEBHOOK_URL = new RegExp(`^https?://(?:${HOST_NAME}|${OCTET}(?:\\.${OCTET}){3})${PORT}(?:[/?#][\\s\\S]*)?$`);

/**
 * The body parser (parse-json-body.ts) refuses `__proto__` and `constructor.prototype` keys at any
 * depth. The document says so in words: as JSON Schema it takes a recursive (or deeply chained)
 * schema, on which schemathesis 4.32 crashed in its coverage phase (CPython 3.11's "AST constructor
 * recursion depth mismatch"), so scripts/api-twin/hooks.py leaves such bodies out of its runs.
 */
export const PROTOTYPE_KEYS_RULE = 'no object in the body may have a `__proto__` key or a `constructor` object with a `prototype` key, at any depth (400)';

export const RunBody = z.object({
  input: z
    .unknown()
    .refine((v) => v !== undefined, { error: 'required' })
    .meta({ description: 'the job input, `{"type": "health" | "process_page" | "process_batch", …}` (README); the handler checks it, and a bad one fails the job' }),
  webhook: z
    .url({ protocol: /^https?$/ })
    .optional()
    .meta({
      description:
        'POSTed the final status once (retried twice); held to the same address policy as page URLs. The pattern is what is sure to be taken; other spellings of an address (`[::1]`, `2130706433`) parse too, and the address policy judges them (403).',
      pattern: WEBHOOK_URL.source,
    }),
  policy: z
    .object({
      executionTimeout: z.number().int().min(1000).optional().meta({ description: 'ms a run may take (default 600 000)' }),
      ttl: z.number().int().min(1000).optional().meta({ description: "ms of the job's whole life (default 24 h)" }),
      lowPriority: z.boolean().optional(),
    })
    .optional(),
  s3Config: z.record(z.string(), z.unknown()).optional().meta({ description: 'bucket credentials for `upload: true`, as RunPod passes them' }),
}).meta({ description: `A job as RunPod's endpoint takes it; ${PROTOTYPE_KEYS_RULE}.` });

export const IdParams = z.object({ id: z.string().meta({ description: 'the id `/run` or `/runsync` answered' }) });
export const EndpointParams = z.object({ endpointId: z.string().meta({ description: 'any endpoint id (ignored): RunPod clients put theirs here' }) });

const JobStatus = z.enum(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);

export const ErrorAnswer = z.object({ error: z.string() }).meta({ id: 'Error' });

export const JobAnswer = z.object({ id: z.string(), status: JobStatus }).meta({ id: 'Job' });

export const StatusAnswer = z
  .object({
    id: z.string(),
    status: JobStatus,
    output: z.unknown().optional().meta({ description: 'the result; while the job runs, its last progress `{pages_done, pages_total}`' }),
    error: z.string().optional(),
    delayTime: z.number().int().optional().meta({ description: 'ms in the queue' }),
    executionTime: z.number().int().optional().meta({ description: 'ms running' }),
    retries: z.number().int().optional(),
  })
  .meta({ id: 'Status' });

export const StreamAnswer = z
  .object({ id: z.string(), status: JobStatus, stream: z.array(z.object({ output: z.unknown() })) })
  .meta({ id: 'Stream', description: 'the chunks not delivered yet' });

export const PurgeAnswer = z.object({ removed: z.number().int().min(0), status: z.literal('completed') }).meta({ id: 'Purge' });

const count = z.number().int().min(0);
export const HealthAnswer = z
  .object({
    jobs: z.object({ completed: count, failed: count, inProgress: count, inQueue: count, retried: count }),
    workers: z.object({ idle: count, initializing: count, ready: count, running: count, throttled: count }),
  })
  .meta({ id: 'Health' });

// The answers the job store builds must be what the document says (checked by tsc).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const statusViewIsDocumented: Same<StatusView, Omit<z.output<typeof StatusAnswer>, 'output'> & { output?: unknown }> = true;
const statusNamesAreDocumented: Same<JobStatusName, z.output<typeof JobStatus>> = true;
void statusViewIsDocumented;
void statusNamesAreDocumented;
