import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../errors.ts';
import { MokuroVolume } from './mokuro.ts';

const codes = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

/** A page that could not be processed; `page_index` counts from 0 in request order. */
export const PageError = z.object({
  page_index: z.number().int().min(0),
  img_path: z.string(),
  code: z.enum(codes),
  message: z.string(),
});
export type PageError = z.infer<typeof PageError>;

/**
 * A failure of the job's delivery rather than of a page: the upload was refused or failed, so the
 * document is answered inline instead (`field` names the input that was at fault).
 */
export const OutputError = z.object({
  code: z.literal('UPLOAD'),
  field: z.string(),
  message: z.string(),
});
export type OutputError = z.infer<typeof OutputError>;

export const StageTimings = z.record(z.string(), z.number());

/** What `process_page` and `process_batch` answer. */
export const ProcessOutput = z.object({
  mokuro: MokuroVolume,
  errors: z.array(z.union([PageError, OutputError])),
  stats: z.object({
    pages: z.number().int(),
    lines: z.number().int(),
    timings_ms: StageTimings,
    provider: z.record(z.string(), z.string()),
    worker_version: z.string(),
    /** real: the pinned files; stand-in: generated, not real OCR; unverified: MODELS_VERIFY=off with other files */
    models: z.enum(['real', 'stand-in', 'unverified']),
  }),
});
export type ProcessOutput = z.infer<typeof ProcessOutput>;

/**
 * The answer when the document is not inline: `"output": "gzip"` puts it gzipped and base64-encoded
 * in `mokuro_gzip`; `"upload": true` stores it in the job's s3Config bucket and gives `mokuro_url`.
 * `mokuro_file` is the name to save it under (`<volume>.mokuro`, `.mokuro.gz` when gzipped).
 */
export const PackedOutput = ProcessOutput.omit({ mokuro: true }).extend({
  mokuro_file: z.string(),
  mokuro_gzip: z.string().optional(),
  mokuro_url: z.url().optional(),
});
export type PackedOutput = z.infer<typeof PackedOutput>;

export const HealthOutput = z.object({
  status: z.enum(['ready', 'loading', 'failed']),
  ready: z.boolean(),
  /** the execution provider each model session really uses */
  provider: z.record(z.string(), z.string()),
  models: z.array(
    z.object({ id: z.string(), file: z.string(), sha256: z.string(), verified: z.boolean() }),
  ),
  stand_in_models: z.boolean(),
  /** which decoder path runs: `kv` (a cache, one token a step) or `plain` (the prefix re-run each step) */
  decoder: z.object({ path: z.enum(['kv', 'plain']), layout: z.string(), loop: z.enum(['js', 'onnx']) }).optional(),
  /** the same as `stats.models` of a job: real, stand-in or unverified (absent until the models load) */
  model_weights: z.enum(['real', 'stand-in', 'unverified']).optional(),
  versions: z.object({ worker: z.string(), mokuro_format: z.string(), node: z.string(), onnxruntime: z.string() }),
  uptime_s: z.number(),
  error: z.string().optional(),
});
export type HealthOutput = z.infer<typeof HealthOutput>;
