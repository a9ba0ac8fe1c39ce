import { Worker, type TransferListItem } from 'node:worker_threads';
import type { Logger } from '../../logger.ts';
import { relayLog, type LogMessage } from './thread-log.ts';

const BOOT = new URL('./boot-thread.js', import.meta.url);

/**
 * A worker thread running `entry` (a module next to this one), its logs relayed to `log`. Threads
 * share the process's command line, so onnxruntime-node's limit on it (see README, one-shot runs)
 * applies to them as to the main thread and nothing more.
 */
export function spawnThread(entry: string, data: Record<string, unknown>, log: Logger, transferList: TransferListItem[] = []): Worker {
  const worker = new Worker(BOOT, { workerData: { ...data, entry: new URL(entry, import.meta.url).href }, transferList });
  worker.on('message', (msg: LogMessage | { type: string }) => {
    if (msg.type === 'log') relayLog(log, (msg as LogMessage).line);
  });
  return worker;
}
