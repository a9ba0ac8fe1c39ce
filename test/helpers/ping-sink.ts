/**
 * Test support: an HTTP server that records pings from its OWN worker thread. A test that blocks
 * the main thread to prove the heartbeat survives cannot use a server on the main thread: that
 * server would be blocked too and only see the pings (stamped late) after the block.
 */
import { Worker } from 'node:worker_threads';

export interface SinkPing {
  at: number;
  query: Record<string, string>;
  authorization?: string;
}

// Run as a CommonJS script in the thread (`eval: true`), so it needs no module loader.
const SINK_SOURCE = `
const http = require('node:http');
const { parentPort } = require('node:worker_threads');
const pings = [];
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  pings.push({ at: Date.now(), path: url.pathname, query: Object.fromEntries(url.searchParams), authorization: req.headers.authorization });
  res.writeHead(200).end('{}');
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => {
  if (m === 'list') parentPort.postMessage({ pings });
  if (m === 'close') { server.closeAllConnections(); server.close(() => process.exit(0)); }
});
`;

export async function startPingSink(): Promise<{ url: string; pings(): Promise<SinkPing[]>; close(): Promise<void> }> {
  const worker = new Worker(SINK_SOURCE, { eval: true });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { port: number }) => resolve(m.port));
    worker.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${port}/v2/fake-endpoint/ping/$RUNPOD_POD_ID`,
    pings: () =>
      new Promise((resolve) => {
        worker.once('message', (m: { pings: SinkPing[] }) => resolve(m.pings));
        worker.postMessage('list');
      }),
    async close() {
      worker.postMessage('close');
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

/** Keeps the calling thread busy, as synchronous pre/post-processing does. */
export function blockFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy on purpose
  }
}
