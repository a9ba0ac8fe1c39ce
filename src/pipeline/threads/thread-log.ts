/**
 * Logs of a worker thread go to the main thread's logger (its level, format and job bindings), as
 * one message per record: a thread writing to the file descriptor itself would interleave lines.
 */
import { parentPort } from 'node:worker_threads';
import pino from 'pino';
import type { Logger } from '../../logger.ts';

export interface LogMessage {
  type: 'log';
  line: string;
}

/** In a worker thread: a logger whose records become `log` messages to the parent. */
export function threadLogger(level: string): Logger {
  return pino({ level, base: null }, { write: (line: string) => parentPort!.postMessage({ type: 'log', line } satisfies LogMessage) });
}

/** In the main thread: one record from a thread, through `log`. */
export function relayLog(log: Logger, line: string): void {
  const { level, msg, time: _time, ...fields } = JSON.parse(line) as { level: number; msg?: string; time?: number };
  const label = (pino.levels.labels[level] ?? 'info') as pino.Level;
  log[label](fields, msg);
}
