import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';

/**
 * Times generated models the way the worker runs them (CPU, 2 intra-op threads): median of `--runs` after
 * one warm-up. `--kv-dir` adds a KV decoder pair (generateKvDecoderPair; not production's).
 * Usage: npx tsx scripts/onnx/time-stand-ins.ts --dir .cache/models/real [--kv-dir .cache/models/real-kv]
 */
const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: 'models/stand-in' },
    'kv-dir': { type: 'string' },
    runs: { type: 'string', default: '5' },
    threads: { type: 'string', default: '2' },
  },
});
const dir = resolve(values.dir);
const runs = Number(values.runs);
const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: Number(values.threads) };

async function time(label: string, session: ort.InferenceSession, feeds: Record<string, ort.Tensor>): Promise<void> {
  await session.run(feeds);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await session.run(feeds);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label.padEnd(34)} median ${ms[ms.length >> 1].toFixed(1).padStart(8)} ms   min ${ms[0].toFixed(1).padStart(8)} ms`);
}

async function open(file: string, from = dir): Promise<ort.InferenceSession> {
  const t = performance.now();
  const session = await ort.InferenceSession.create(resolve(from, file), options);
  console.log(`${`load ${file}`.padEnd(34)} ${(performance.now() - t).toFixed(0).padStart(8)} ms`);
  return session;
}

const f32 = (dims: number[], value = 0.1) => new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(value), dims);
const ids = (t: number) => new ort.Tensor('int64', BigInt64Array.from({ length: t }, (_, i) => BigInt(5 + i)), [1, t]);

const detector = await open('comictextdetector.pt.onnx');
await time('detector, one 1024² page', detector, { images: f32([1, 3, 1024, 1024], 0.9) });
await detector.release();

const encoder = await open('encoder_model.onnx');
await time('encoder, B=1', encoder, { pixel_values: f32([1, 3, 224, 224]) });
await time('encoder, B=8', encoder, { pixel_values: f32([8, 3, 224, 224]) });
await encoder.release();

const enc = f32([1, 197, 768]);
const plain = await open('decoder_model.onnx');
for (const t of [1, 20]) await time(`decoder plain, T=${t}`, plain, { input_ids: ids(t), encoder_hidden_states: enc });
if (values['kv-dir']) {
  const kvDir = resolve(values['kv-dir']);
  const prefix = await (await open('decoder_model.onnx', kvDir)).run({ input_ids: ids(19), encoder_hidden_states: enc });
  const withPast = await open('decoder_with_past_model.onnx', kvDir);
  for (const past of [0, 19]) {
    const feeds: Record<string, ort.Tensor> = { input_ids: ids(1), encoder_hidden_states: enc };
    for (const name of withPast.inputNames.filter((n) => n.startsWith('past_key_values.'))) {
      const present = prefix[name.replace('past_key_values', 'present')];
      feeds[name] = name.includes('.decoder.') && past === 0 ? f32([1, 12, 0, 64]) : present;
    }
    await time(`decoder with past, P=${past}`, withPast, feeds);
  }
}
