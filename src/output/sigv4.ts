import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4 for S3-compatible stores, by hand with node:crypto (two request
 * shapes only: a header-signed PUT and a presigned GET), synchronous and dependency-free in the
 * image. sigv4.test.ts keeps it exact: the worked examples of AWS's S3 "Signature Version 4"
 * documentation, and the same requests signed by aws4fetch (a dev dependency) on awkward keys.
 */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SignTarget {
  method: 'GET' | 'PUT';
  host: string;
  /** the path exactly as sent, each segment already encoded with `uriEncode` */
  path: string;
  region: string;
  now: Date;
}

export const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `20130524T000000Z` */
export function amzDate(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function canonicalQuery(query: Record<string, string>): string {
  return Object.keys(query)
    .sort()
    .map((k) => `${uriEncode(k)}=${uriEncode(query[k])}`)
    .join('&');
}

function signature(t: SignTarget, creds: S3Credentials, query: Record<string, string>, headers: Record<string, string>, payloadHash: string) {
  const date = amzDate(t.now);
  const scope = `${date.slice(0, 8)}/${t.region}/s3/aws4_request`;
  const names = Object.keys(headers).map((h) => h.toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim().replace(/\s+/g, ' ')]));
  const canonical = [t.method, t.path, canonicalQuery(query), names.map((n) => `${n}:${lower[n]}\n`).join(''), names.join(';'), payloadHash].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonical)].join('\n');
  let key: Buffer = hmac(`AWS4${creds.secretAccessKey}`, date.slice(0, 8));
  for (const part of [t.region, 's3', 'aws4_request']) key = hmac(key, part);
  return { signature: createHmac('sha256', key).update(toSign, 'utf8').digest('hex'), scope, signedHeaders: names.join(';'), date };
}

/** Headers for a request signed in the Authorization header (the payload's hash is signed too). */
export function signedHeaders(t: SignTarget, creds: S3Credentials, payloadHash: string, extra: Record<string, string> = {}): Record<string, string> {
  const headers = { ...extra, host: t.host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate(t.now) };
  const s = signature(t, creds, {}, headers, payloadHash);
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${s.scope},SignedHeaders=${s.signedHeaders},Signature=${s.signature}`,
  };
}

/** A presigned URL (query-string auth), valid `expiresSeconds` from `t.now`. */
export function presignedUrl(t: SignTarget, creds: S3Credentials, expiresSeconds: number, scheme = 'https'): string {
  const date = amzDate(t.now);
  const query: Record<string, string> = {
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${creds.accessKeyId}/${date.slice(0, 8)}/${t.region}/s3/aws4_request`,
    'X-Amz-Date': date,
    'X-Amz-Expires': String(expiresSeconds),
    'X-Amz-SignedHeaders': 'host',
  };
  const s = signature(t, creds, query, { host: t.host }, 'UNSIGNED-PAYLOAD');
  return `${scheme}://${t.host}${t.path}?${canonicalQuery(query)}&X-Amz-Signature=${s.signature}`;
}
