/**
 * `mokuro-worker` / `npm run ocr`: OCR whole volumes and libraries as Mokuro's CLI does, in this
 * process or on an endpoint. The entry wires the process (argv, env, terminal, signals) to
 * run-ocr.ts, which holds the logic.
 */
import { createInterface } from 'node:readline/promises';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { startWorker } from '../pipeline/start-worker.ts';
import { USAGE, UsageError, parseCliArgs, type CliArgs } from './cli-args.ts';
import { localBackend } from './local-backend.ts';
import type { OcrBackend } from './ocr-backend.ts';
import { remoteBackend } from './remote-backend.ts';
import { runOcr } from './run-ocr.ts';

async function main(): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(process.argv.slice(2), process.env, process.cwd());
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help || (args.paths.length === 0 && args.parentDir === undefined)) {
    process.stdout.write(USAGE);
    return args.help ? 0 : 2;
  }
  // the worker's settings (models, providers, limits) come from its own environment variables;
  // its logs go to stderr, warnings and above unless LOG_LEVEL says otherwise
  const config = loadConfig([], { LOG_LEVEL: 'warn', ...process.env });
  const log = createLogger({ level: config.logLevel, fd: 2 });
  const tty = Boolean(process.stdout.isTTY);
  const stop = new AbortController();
  const onSignal = () => {
    process.stdout.write('\nstopping: pages done so far are kept in the cache\n');
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const backend = async (hooks: { onRetry: (reason: string) => void }): Promise<OcrBackend> => {
    if (args.endpoint) {
      return remoteBackend({
        url: args.endpoint,
        apiKey: args.apiKey,
        concurrency: args.concurrency,
        maxRequestBytes: args.maxRequestBytes,
        pollMs: 1000,
        retryBaseMs: 1000,
        maxAttempts: 5,
        onRetry: hooks.onRetry,
      });
    }
    const { ocr } = await startWorker(config, log);
    if (ocr.standIn) process.stdout.write('NOTE: STAND-IN models (random weights): block positions come from ink, the text is not real OCR.\n');
    return localBackend(ocr, config.limits, log);
  };

  const summary = await runOcr({
    paths: args.paths,
    parentDir: args.parentDir,
    cwd: args.cwd,
    force: args.force,
    yes: args.yes,
    backend,
    archiveLimits: config.archive,
    write: (text) => process.stdout.write(text),
    tty,
    volumesAtOnce: args.endpoint ? 2 : 1,
    confirm: process.stdin.isTTY
      ? async () => {
          const rl = createInterface({ input: process.stdin, output: process.stdout });
          // Ctrl-C at the prompt reaches readline, not the process: take it as "no"
          const asking = new AbortController();
          rl.on('SIGINT', () => asking.abort());
          try {
            const answer = await rl.question('Continue? [yes/no] ', { signal: AbortSignal.any([asking.signal, stop.signal]) });
            return ['y', 'yes'].includes(answer.trim().toLowerCase());
          } catch {
            process.stdout.write('\n');
            return false;
          } finally {
            rl.close();
          }
        }
      : undefined,
    signal: stop.signal,
  });
  return summary.exitCode;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`error: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
