import { createHash } from 'node:crypto';
import { startLoopbackServer, type LoopbackServer } from './loopback-server.ts';

export interface StoredObject {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * A loopback stand-in for an S3-compatible bucket: takes PUTs, checks that the signed payload
 * hash matches the body (as S3 does), keeps the objects, and serves them back on GET.
 */
export async function startFakeS3(opts: { status?: number } = {}): Promise<LoopbackServer & { objects: StoredObject[] }> {
  const objects: StoredObject[] = [];
  const server = await startLoopbackServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'PUT') {
      if (opts.status) return void res.writeHead(opts.status).end('<Error><Code>AccessDenied</Code></Error>');
      if (req.headers['x-amz-content-sha256'] !== createHash('sha256').update(body).digest('hex')) {
        return void res.writeHead(400).end('<Error><Code>XAmzContentSHA256Mismatch</Code></Error>');
      }
      objects.push({ path, headers: req.headers, body });
      return void res.writeHead(200, { etag: '"x"' }).end();
    }
    const found = objects.find((o) => o.path === path);
    if (!found) return void res.writeHead(404).end();
    res.end(found.body);
  });
  return Object.assign(server, { objects });
}
