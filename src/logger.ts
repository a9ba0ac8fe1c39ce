import pino, { type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** one JSON object per line with RunPod's keys (`requestId`, `message`, `level`) */
  runpod?: boolean;
  /** 1 = stdout, 2 = stderr; the one-shot runner keeps stdout for the result */
  fd?: 1 | 2;
}

/**
 * Structured logs. Never pass page bytes or base64 here: log sizes, ids and timings.
 * Synchronous writes so that nothing is lost when a serverless container is stopped.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const destination = pino.destination({ fd: opts.fd ?? 1, sync: true });
  if (opts.runpod) {
    return pino(
      {
        level: opts.level,
        base: null,
        timestamp: false,
        messageKey: 'message',
        formatters: { level: (label) => ({ level: label.toUpperCase() }) },
        // the job id usually sits on a child logger's bindings, which formatters.log never sees
        mixin: (obj, _level, logger) => ({
          requestId: (obj as { jobId?: string }).jobId ?? (logger.bindings() as { jobId?: string }).jobId ?? null,
        }),
      },
      destination,
    );
  }
  return pino({ level: opts.level, base: null }, destination);
}

/** A logger that drops everything, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
