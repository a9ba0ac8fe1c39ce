import { z } from 'zod';
import { WorkerError, isWorkerError } from '../errors.ts';
import type { HttpClient } from '../net/guarded-request.ts';
import { presignedUrl, sha256Hex, signedHeaders, uriEncode, type SignTarget } from './sigv4.ts';

/**
 * RunPod's `s3Config` as it arrives next to a job's `input` (the keys runpod-python's rp_upload
 * reads). `region` is not RunPod's but accepted; otherwise it is read from the endpoint.
 */
export const S3Config = z.looseObject({
  accessId: z.string().min(1),
  accessSecret: z.string().min(1),
  bucketName: z.string().min(1),
  endpointUrl: z.url(),
  region: z.string().min(1).optional(),
});
export type S3Config = z.infer<typeof S3Config>;

/** How long the returned link works: 7 days, as runpod-python's rp_upload presigns it. */
export const LINK_EXPIRES_S = 7 * 24 * 3600;
const MAX_ERROR_BODY = 64 * 1024;

/**
 * The signing region of an endpoint: `bucket.s3.us-west-2.amazonaws.com` → us-west-2,
 * `s3.us-west-002.backblazeb2.com` → us-west-002, `nyc3.digitaloceanspaces.com` → nyc3,
 * `s3api-eu-ro-1.runpod.io` → EU-RO-1; anything else (R2, MinIO) → us-east-1, which they accept.
 */
export function regionOf(hostname: string): string {
  const labels = hostname.toLowerCase().split('.');
  const s3 = labels.indexOf('s3');
  const next = labels[s3 + 1];
  if (s3 >= 0 && next && !['amazonaws', 'dualstack'].includes(next) && s3 + 2 < labels.length) return next;
  if (s3 >= 0 && next === 'dualstack' && labels[s3 + 2] !== 'amazonaws') return labels[s3 + 2];
  if (hostname.endsWith('.digitaloceanspaces.com') && labels.length === 3) return labels[0];
  const runpod = /^s3api-([a-z0-9-]+)\.runpod\.io$/.exec(labels.join('.'));
  if (runpod) return runpod[1].toUpperCase();
  return 'us-east-1';
}

/**
 * PUTs one object (path-style: `<endpoint>/<bucket>/<key>`, SigV4-signed with the payload hash)
 * and answers a presigned GET link to it. The endpoint goes through the same guarded client as
 * job URLs: a request's s3Config is client input too.
 */
export async function uploadToS3(
  client: HttpClient,
  s3: S3Config,
  key: string,
  body: Buffer,
  opts: { contentType: string; signal?: AbortSignal; now?: Date },
): Promise<string> {
  const endpoint = new URL(s3.endpointUrl);
  const base = endpoint.pathname.replace(/\/+$/, '');
  const target: Omit<SignTarget, 'method'> = {
    host: endpoint.host,
    path: `${base}/${uriEncode(s3.bucketName)}/${key.split('/').map(uriEncode).join('/')}`,
    region: s3.region ?? regionOf(endpoint.hostname),
    now: opts.now ?? new Date(),
  };
  const creds = { accessKeyId: s3.accessId, secretAccessKey: s3.accessSecret };
  const headers = signedHeaders({ ...target, method: 'PUT' }, creds, sha256Hex(body), { 'content-type': opts.contentType });
  let res;
  try {
    res = await client(`${endpoint.protocol}//${target.host}${target.path}`, { method: 'PUT', headers, body, maxBytes: MAX_ERROR_BODY, tooLarge: 'UPLOAD', path: 's3Config.endpointUrl', signal: opts.signal });
  } catch (err) {
    if (isWorkerError(err) && err.code === 'FETCH') throw new WorkerError('UPLOAD', err.message, { cause: err });
    throw err;
  }
  if (res.status < 200 || res.status > 299) {
    const code = /<Code>([^<]{1,100})<\/Code>/.exec(res.body.toString('utf8'))?.[1];
    throw new WorkerError('UPLOAD', `bucket ${s3.bucketName} answered HTTP ${res.status}${code ? ` (${code})` : ''} to the upload`, { path: 's3Config' });
  }
  return presignedUrl({ ...target, method: 'GET' }, creds, LINK_EXPIRES_S, endpoint.protocol.replace(':', ''));
}
