/**
 * Run in a fresh process by the benchmark: process start → real-size models loaded → one warm-up
 * inference per session. Prints one JSON line. `performance.now()` counts from the process start.
 */
import ort from 'onnxruntime-node';
import { silentLogger } from '../../src/logger.ts';
import { loadModels } from '../../src/models/load-models.ts';
import { createOcrEngine } from '../../src/pipeline/ocr-engine.ts';
import { benchConfig } from './bench-engine.ts';
import { MODEL_DIRS, replicaModelsDir } from './bench-models.ts';

const imported = performance.now();
const config = benchConfig({ decoding: 'beam' });
const models = await loadModels({ ...config.models, dir: replicaModelsDir() ?? MODEL_DIRS.real }, silentLogger());
createOcrEngine(models, config);
const loaded = performance.now();

const f32 = (dims: number[]) => new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
await models.detector.run({ images: f32([1, 3, 1024, 1024]) });
const hidden = await models.encoder.run({ pixel_values: f32([1, 3, 224, 224]) });
await models.decoder.run({
  input_ids: new ort.Tensor('int64', BigInt64Array.of(2n), [1, 1]),
  encoder_hidden_states: hidden.last_hidden_state,
});
const ready = performance.now();
console.log(JSON.stringify({
  imports_ms: Math.round(imported),
  load_ms: Math.round(loaded - imported),
  warmup_ms: Math.round(ready - loaded),
  ready_ms: Math.round(ready),
  rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
}));
await models.release();
