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
 * A webhook URL, as a pattern the document can carry exactly: every string it matches is a URL that
 * WHATWG parsing accepts (so no check beyond it is needed). Host names are dot-separated labels
 * without `--` (so no invalid punycode `xn--`) whose last label starts with a letter (so never read
 * as an IPv4 number); addresses are dotted quads; a port is at most 65535. Credentials (`user@`)
 * are not matched: the address policy refuses them anyway. Path, query and fragment never fail to parse.
 */
const LABEL = '[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*';
const HOST_NAME = `(?:${LABEL}\\.)*[A-Za-z](?:[A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)?\\.?`;
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const PORT = '(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}))?';
export const WEBHOOK_URL = new RegExp(`^https?://(?:${HOST_NAME}|${OCTET}(?:\\.${OCTET}){3})${PORT}(?:[/?#][\\s\\S]*)?$`);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Any JSON the body parser lets through (parse-json-body.ts): no `__proto__` key and no
 * `constructor.prototype` at any depth. For the document only, where the request bodies refer to it:
 * the parser enforces it breadth-first, while checking it with this schema would recurse once per
 * level of nesting.
 */
export const SafeJson: z.ZodType<Json> = z
  .lazy(() => z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(SafeJson), SafeObject]))
  .meta({ id: 'SafeJson' });
const SafeObject = z
  .record(z.string().regex(/^(?!__proto__$)/), SafeJson)
  // JSON Schema cannot be said in zod here: a `constructor` member must not be an object with `prototype`
  .meta({ properties: { constructor: { $ref: '#/components/schemas/SafeJson', not: { type: 'object', required: ['prototype'] } } } } as Record<string, unknown>);

/** A request body is JSON the parser accepts (SafeJson), of this shape. */
const bodyIsSafeJson = { allOf: [{ $ref: '#/components/schemas/SafeJson' }] } as Record<string, unknown>;

export const RunBody = z.object({
  input: z
    .unknown()
    .refine((v) => v !== undefined, { error: 'required' })
    .meta({ description: 'the job input, `{"type": "health" | "process_page" | "process_batch", …}` (README); the handler checks it, and a bad one fails the job' }),
  webhook: z
    .string()
    .regex(WEBHOOK_URL, { error: 'expected an http(s) URL with a host name or IPv4 address (no credentials)' })
    .optional()
    .meta({ description: 'POSTed the final status once (retried twice); held to the same address policy as page URLs' }),
  policy: z
    .object({
      executionTimeout: z.number().int().min(1000).optional().meta({ description: 'ms a run may take (default 600 000)' }),
      ttl: z.number().int().min(1000).optional().meta({ description: "ms of the job's whole life (default 24 h)" }),
      lowPriority: z.boolean().optional(),
    })
    .optional(),
  s3Config: z.record(z.string(), z.unknown()).optional().meta({ description: 'bucket credentials for `upload: true`, as RunPod passes them' }),
}).meta(bodyIsSafeJson);

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
