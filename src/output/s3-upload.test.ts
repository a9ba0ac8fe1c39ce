import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeS3 } from '../../test/helpers/fake-s3.ts';
import { createHttpClient } from '../net/guarded-request.ts';
import { createUrlPolicy } from '../net/url-policy.ts';
import { signedHeaders } from './sigv4.ts';
import { regionOf, uploadToS3 } from './s3-upload.ts';

let s3: Awaited<ReturnType<typeof startFakeS3>>;
beforeAll(async () => (s3 = await startFakeS3()));
afterAll(() => s3.close());
const loopback = createHttpClient(createUrlPolicy({ allowHttp: true, allowAddresses: ['127.0.0.1/32'], allowedHosts: [] }), { timeoutMs: 2000, maxRedirects: 0 });
const config = () => ({ accessId: 'AKID', accessSecret: 'SECRET', bucketName: 'my-bucket', endpointUrl: s3.origin });

describe('uploadToS3', () => {
  it('PUTs the object path-style with a SigV4 signature and answers a presigned GET link', async () => {
    const now = new Date('2026-01-02T03:04:05Z');
    const url = await uploadToS3(loopback, config(), 'job-1/Vol 01.mokuro.gz', Buffer.from('hello'), { contentType: 'application/gzip', now });
    const put = s3.objects.at(-1)!;
    expect(put.path).toBe('/my-bucket/job-1/Vol%2001.mokuro.gz');
    expect(put.body.toString()).toBe('hello');
    // what was sent is what was signed (host with port, content type, date)
    const again = signedHeaders({ method: 'PUT', host: `127.0.0.1:${s3.port}`, path: put.path, region: 'us-east-1', now }, { accessKeyId: 'AKID', secretAccessKey: 'SECRET' }, put.headers['x-amz-content-sha256'] as string, { 'content-type': 'application/gzip' });
    expect(put.headers.authorization).toBe(again.authorization);
    expect(put.headers.authorization).toContain('Credential=AKID/20260102/us-east-1/s3/aws4_request');
    const link = new URL(url);
    expect(`${link.origin}${link.pathname}`).toBe(`${s3.origin}/my-bucket/job-1/Vol%2001.mokuro.gz`);
    expect(link.searchParams.get('X-Amz-Expires')).toBe('604800');
    expect(Buffer.from(await (await fetch(url)).arrayBuffer()).toString()).toBe('hello');
  });

  it('reports the bucket refusing the upload, and keeps the secret out of the message', async () => {
    const denying = await startFakeS3({ status: 403 });
    try {
      const err = await uploadToS3(loopback, { ...config(), endpointUrl: denying.origin }, 'k.mokuro', Buffer.from('x'), { contentType: 'application/json' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'UPLOAD', message: 's3Config: bucket my-bucket answered HTTP 403 (AccessDenied) to the upload' });
      expect(String((err as Error).message)).not.toContain('SECRET');
    } finally {
      await denying.close();
    }
  });

  it('refuses a private endpoint unless allowed, like any URL', async () => {
    const strict = createHttpClient(createUrlPolicy({ allowHttp: true, allowAddresses: [], allowedHosts: [] }), { timeoutMs: 2000, maxRedirects: 0 });
    await expect(uploadToS3(strict, config(), 'k.mokuro', Buffer.from('x'), { contentType: 'application/json' })).rejects.toMatchObject({
      code: 'URL_REFUSED',
      message: 's3Config.endpointUrl: 127.0.0.1 is a loopback address; only public addresses are fetched',
    });
  });
});

describe('regionOf', () => {
  it('reads the region from common S3-compatible endpoints', () => {
    expect(regionOf('my-bucket.s3.us-west-2.amazonaws.com')).toBe('us-west-2');
    expect(regionOf('s3.eu-central-1.amazonaws.com')).toBe('eu-central-1');
    expect(regionOf('s3.amazonaws.com')).toBe('us-east-1');
    expect(regionOf('s3.dualstack.ap-south-1.amazonaws.com')).toBe('ap-south-1');
    expect(regionOf('s3.us-west-002.backblazeb2.com')).toBe('us-west-002');
    expect(regionOf('nyc3.digitaloceanspaces.com')).toBe('nyc3');
    expect(regionOf('s3api-eu-ro-1.runpod.io')).toBe('EU-RO-1');
    expect(regionOf('abc123.r2.cloudflarestorage.com')).toBe('us-east-1');
  });
});
