import type { MessagePort, Worker } from 'node:worker_threads';

/**
 * postMessage moving `transfer`'s buffers. A buffer that cannot be moved (memory a native addon
 * allocated, e.g. some of sharp's outputs) makes the whole message fail to clone; it is then copied.
 */
export function post(to: MessagePort | Worker, message: unknown, transfer: ArrayBuffer[] = []): void {
  try {
    to.postMessage(message, transfer);
  } catch (err) {
    if ((err as Error).name !== 'DataCloneError' || transfer.length === 0) throw err;
    to.postMessage(message);
  }
}
