import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { OutputError, PackedOutput, ProcessOutput } from '../contract/output.ts';
import { publicMessage, toWorkerError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { HttpClient } from '../net/guarded-request.ts';
import { uploadToS3, type S3Config } from './s3-upload.ts';

const gzipAsync = promisify(gzip);

export interface OutputPlan {
  output: 'json' | 'gzip';
  /** set when the job asked for an upload (and carried an s3Config) */
  s3?: S3Config;
  jobId?: string;
}

/** `<volume>.mokuro` with the characters file systems refuse replaced, as `npm run once` names it. */
export function mokuroFileName(volume: string, gzipped: boolean): string {
  return `${volume.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_') || 'volume'}.mokuro${gzipped ? '.gz' : ''}`;
}

/**
 * The envelope as the job asked for it. JSON keeps the document inline; gzip shrinks a volume's
 * document (mostly repeated keys and coordinates) several times over, to stay under RunPod's
 * payload limits; an upload leaves only a link. The stored object is under `<job id>/` so volumes
 * of different jobs never overwrite each other. An upload that fails leaves the document inline, as
 * without it, with an `UPLOAD` entry in `errors`: a whole volume's work is not thrown away for it.
 */
export async function packOutput(
  result: ProcessOutput,
  plan: OutputPlan,
  deps: { client: HttpClient; signal?: AbortSignal; log?: Logger },
): Promise<ProcessOutput | PackedOutput> {
  const gzipped = plan.output === 'gzip';
  if (!gzipped && !plan.s3) return result;
  const { mokuro, ...rest } = result;
  const file = mokuroFileName(mokuro.volume, gzipped);
  const json = Buffer.from(JSON.stringify(mokuro));
  const body = gzipped ? await gzipAsync(json) : json;
  if (plan.s3) {
    const key = `${plan.jobId ?? randomUUID()}/${file}`;
    const contentType = gzipped ? 'application/gzip' : 'application/json';
    try {
      return { ...rest, mokuro_file: file, mokuro_url: await uploadToS3(deps.client, plan.s3, key, body, { contentType, signal: deps.signal }) };
    } catch (err) {
      const e = toWorkerError(err);
      if (e.code === 'ABORTED' || e.code === 'INTERNAL') throw e;
      // the volume's work is done: answer the document inline, as without the upload, and say why
      const failed: OutputError = { code: 'UPLOAD', field: e.path ?? 's3Config', message: publicMessage(e) };
      deps.log?.warn({ code: e.code, reason: e.message }, 'upload failed: answering the document inline');
      const errors = [...rest.errors, failed];
      return gzipped ? { ...rest, errors, mokuro_file: file, mokuro_gzip: body.toString('base64') } : { ...result, errors };
    }
  }
  return { ...rest, mokuro_file: file, mokuro_gzip: body.toString('base64') };
}
