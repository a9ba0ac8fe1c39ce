/**
 * mokuro-worker: manga pages in, a Mokuro volume document out.
 *
 * Importing this module loads the models once (outside any job) and exports `handler`, the one
 * function every runner calls. Run as a program, it picks the runner the way runpod-python does:
 * `--serve-api` → local HTTP API; `--test-input` or no RunPod job URL → one job from
 * test_input.json; otherwise → the RunPod worker loop. A large `--test-input` is run by a child that
 * reads it from stdin (see src/runners/relaunch-one-shot.ts).
 */
import { fileURLToPath } from 'node:url';
import { loadConfigOrExit } from './src/config.ts';
import type { Handler } from './src/handler/create-handler.ts';
import { relaunchOneShot } from './src/runners/relaunch-one-shot.ts';

const config = loadConfigOrExit();
const isMain = Boolean(process.argv[1]) && fileURLToPath(import.meta.url) === process.argv[1];

// A large --test-input must never sit on the command line of a process that loads onnxruntime-node
// (it segfaults there): hand it to a child on stdin before anything below imports the runtime.
if (isMain && config.testInputRelaunch && config.testInput !== undefined) {
  process.exit(await relaunchOneShot(config.testInput, config.testInputRelaunch));
}

const { createHandler } = await import('./src/handler/create-handler.ts');
const { createLogger } = await import('./src/logger.ts');
const { startWorker } = await import('./src/pipeline/start-worker.ts');
const { serveApi } = await import('./src/runners/local-api/serve-api.ts');
const { runOneShot } = await import('./src/runners/one-shot.ts');
const { startRunpodWorker } = await import('./src/runners/runpod/start-runpod-worker.ts');

const log = createLogger({ level: config.logLevel, runpod: config.runpodLogs, fd: config.mode === 'test' ? 2 : 1 });
const worker = startWorker(config, log);

export const handler: Handler = createHandler({ worker, config, log });

/** Resolves on the first SIGTERM or SIGINT (RunPod stops containers with SIGTERM). */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
}

async function main(): Promise<number> {
  if (config.models.requireGpu) {
    // a GPU endpoint that would crawl on CPU must fail its start, whatever the mode
    try {
      await worker;
    } catch (err) {
      log.fatal({ err: (err as Error).message }, 'REQUIRE_GPU: cannot start');
      return 1;
    }
  }
  switch (config.mode) {
    case 'test':
      return runOneShot(handler, { testInput: config.testInput, testInputFile: config.testInputFile, ready: worker }, log);
    case 'serve-api': {
      let ready = false;
      worker.then(() => (ready = true), () => undefined);
      const server = await serveApi(handler, config, log, () => ready);
      await stopSignal();
      log.info('stopping: finishing running jobs');
      await server.stop();
      return 0;
    }
    case 'worker': {
      // Cloud mode takes no job before the models are ready. If they cannot load, every job would
      // fail: exit 1 so RunPod flags and restarts the worker (runpod-python crashes at import then).
      const runpod = startRunpodWorker({ handler, config, log, ready: worker });
      void stopSignal().then((signal) => {
        log.info({ signal }, 'stopping: finishing running jobs');
        return runpod.stop();
      });
      try {
        await runpod.done;
      } catch (err) {
        log.fatal({ err }, 'models failed to load; exiting so that RunPod restarts this worker');
        return 1;
      }
      return 0;
    }
  }
}

if (isMain) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      log.fatal({ err }, 'worker stopped');
      process.exit(1);
    },
  );
}
