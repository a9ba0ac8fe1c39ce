/**
 * `npm run once`: the main job on this machine. Runs test_input.json (or --test-input JSON) through
 * the same handler as RunPod, writes the volume to out/<volume>.mokuro and prints a summary.
 * Without real weights it generates stand-in models first and says so.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfigOrExit } from '../src/config.ts';
import type { ProcessOutput } from '../src/contract/output.ts';
import { relaunchOneShot } from '../src/runners/relaunch-one-shot.ts';
import { mokuroFileName } from '../src/output/pack-output.ts';
import type { MappedResult } from '../src/runners/map-result.ts';

const config = loadConfigOrExit();
// as handler.ts does: a large --test-input goes to a child on stdin before onnxruntime-node is loaded
if (config.testInputRelaunch && config.testInput !== undefined) process.exit(await relaunchOneShot(config.testInput, config.testInputRelaunch));

const { createHandler } = await import('../src/handler/create-handler.ts');
const { createLogger } = await import('../src/logger.ts');
const { startWorker } = await import('../src/pipeline/start-worker.ts');
const { runOneShot } = await import('../src/runners/one-shot.ts');
const log = createLogger({ level: config.logLevel, fd: 2 });
const worker = startWorker(config, log);
const handler = createHandler({ worker, config, log });

let mapped: MappedResult = {};
const code = await runOneShot(
  handler,
  { testInput: config.testInput, testInputFile: config.testInputFile, ready: worker, write: () => {}, onResult: (r) => (mapped = r) },
  log,
);
if (mapped.error) {
  console.error(`error: ${mapped.error}`);
} else if (mapped.output && typeof mapped.output === 'object' && 'mokuro' in mapped.output) {
  const { mokuro, errors, stats } = mapped.output as ProcessOutput;
  mkdirSync('out', { recursive: true });
  const file = path.join('out', mokuroFileName(mokuro.volume, false));
  writeFileSync(file, JSON.stringify(mokuro));
  const blocks = mokuro.pages.reduce((n, p) => n + p.blocks.length, 0);
  console.log(`wrote ${file}: ${mokuro.pages.length} page(s), ${blocks} block(s), ${stats.lines} line(s), ${errors.length} page error(s) in ${stats.timings_ms.total} ms on ${Object.values(stats.provider).join('/')}`);
  if (stats.models === 'stand-in') {
    console.log('NOTE: these are generated STAND-IN models (random weights): block positions come from ink, the text is not real OCR. `npm run models:download` fetches the real weights where internet is available.');
  }
  for (const e of errors) console.log('page_index' in e ? `page ${e.page_index} (${e.img_path}): ${e.code}: ${e.message}` : `${e.field}: ${e.code}: ${e.message}`);
} else {
  console.log(JSON.stringify(mapped.output, null, 2));
}
process.exit(code);
