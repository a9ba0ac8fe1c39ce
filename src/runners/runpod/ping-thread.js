// @ts-check
/**
 * The heartbeat's own thread (see heartbeat.ts for why it exists). Plain JavaScript on purpose:
 * a worker thread starts a fresh module loader, and under vitest or a compiled build there may be
 * no TypeScript hook in it. It knows nothing of RunPod: the main thread sends the full ping URL
 * (with the running job ids) whenever it changes, and this GETs the latest one every interval.
 */
import { parentPort, workerData } from 'node:worker_threads';

/** @type {{ url: string, intervalMs: number, headers: Record<string, string> }} */
const config = workerData;
let url = config.url;
const port = parentPort;
if (!port) throw new Error('ping-thread.js must run as a worker thread');

async function ping() {
  const sent = Date.now();
  try {
    // runpod-python gives a ping twice the interval before calling it lost.
    const res = await fetch(url, { headers: config.headers, signal: AbortSignal.timeout(config.intervalMs * 2) });
    await res.arrayBuffer();
    port.postMessage({ ok: res.ok, status: res.status, ms: Date.now() - sent });
  } catch (err) {
    port.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err), ms: Date.now() - sent });
  }
}

port.on('message', (/** @type {{ url?: string }} */ message) => {
  if (typeof message.url === 'string') url = message.url;
});

void ping();
setInterval(() => void ping(), config.intervalMs);
