/**
 * Run in a fresh process by the benchmark: process start → real-size models loaded → one warm-up
 * inference per session. Prints one JSON line. `performance.now()` counts from the process start.
 */
import { silentLogger } from '../../src/logger.ts';
import { loadModels } from '../../src/models/load-models.ts';
import { warmUp } from '../../src/models/warm-up.ts';
import { createSessionPageOcr } from '../../src/pipeline/create-session-page-ocr.ts';
import { benchConfig } from './bench-setup.ts';
import { MODEL_DIRS, replicaModelsDir } from './bench-models.ts';

const imported = performance.now();
const config = benchConfig({ decoding: 'beam' });
const models = await loadModels({ ...config.models, dir: replicaModelsDir() ?? MODEL_DIRS.real }, silentLogger());
createSessionPageOcr(models, config);
const loaded = performance.now();

// the worker's own warm-up: every model once at the sizes it runs at, output shapes checked
await warmUp(models);
const ready = performance.now();
console.log(JSON.stringify({
  imports_ms: Math.round(imported),
  load_ms: Math.round(loaded - imported),
  warmup_ms: Math.round(ready - loaded),
  ready_ms: Math.round(ready),
  rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
}));
await models.release();
