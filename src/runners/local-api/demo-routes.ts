import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The demo page (`GET /`, `GET /demo/<file>`): static files served as-is, registered only by the
 * local API, so the cloud worker serves no page. The API key hook lets these GETs through; the
 * page sends the key with its API calls.
 */

const DIR = new URL('./demo/', import.meta.url);

/** The only files served: a fixed list, so no path from the URL ever reaches the file system. */
const TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'demo.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'api.js': 'text/javascript; charset=utf-8',
  'card.js': 'text/javascript; charset=utf-8',
  'overlay.js': 'text/javascript; charset=utf-8',
  'pages.js': 'text/javascript; charset=utf-8',
  'unzip.js': 'text/javascript; charset=utf-8',
  'zip.js': 'text/javascript; charset=utf-8',
};
export const DEMO_FILES = Object.keys(TYPES);

/**
 * Same-origin everything: page images are shown from blob: URLs, downloads are blob: URLs, and
 * the API is called on the page's own origin (whatever tunnel hostname that is).
 */
const CSP = [
  "default-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export async function demoRoutes(app: FastifyInstance) {
  // Read once at start: a handful of small files, and a missing one fails loudly at boot.
  const files = new Map(Object.entries(TYPES).map(([name, type]) => [name, { type, body: readFileSync(new URL(name, DIR)) }]));

  const send = (reply: FastifyReply, name: string) => {
    const file = files.get(name);
    if (!file) return reply.status(404).send({ error: `no demo file ${name}` });
    return reply
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      // no-cache: revalidate, so a restarted server with a newer page is picked up.
      .header('cache-control', 'no-cache')
      .type(file.type)
      .send(file.body);
  };

  app.get('/', async (_req, reply) => send(reply, 'index.html'));
  app.get<{ Params: { file: string } }>('/demo/:file', async (req, reply) => send(reply, req.params.file));
}
