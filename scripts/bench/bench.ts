/**
 * `npm run bench`: generates the benchmark models once (.cache/models), then times the worker on a
 * deterministic workload and prints the JSON and the tables (also written to .cache/bench/).
 * See BENCHMARKS.md for what each figure means and the latest results.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import { benchConfig, openBenchModels, TOKENS_PER_LINE, type LineOutputs } from './bench-setup.ts';
import { ensureBenchModels } from './bench-models.ts';
import { createModelClock } from './model-clock.ts';
import { formatReport, type BenchResult } from './report.ts';
import { NODE_FLAGS, runChild } from './run-child.ts';
import { runPipeline } from './run-pipeline.ts';
import { runRecognizerSuite } from './recognizer-suite.ts';
import { workloadCrops } from './run-recognizer.ts';
import { decodeAlone } from './decode-alone.ts';
import { checksOf } from './checks.ts';
import { loadWorkload } from './workload.ts';
import { runCpuSide } from './cpu-side.ts';
import { mergeCpuSide } from './merge-cpu-side.ts';
import { tokenChecks } from './token-checks.ts';
import { compareWithMokuro } from './run-mokuro.ts';
import { gpuPlan } from './gpu-plan.ts';
import { DEFAULT_BATCH_SIZE_CPU } from '../../src/recognizer/recognizer.ts';

const PARTS = ['pipeline', 'gpu', 'recognizer', 'tokens', 'mokuro', 'cpu', 'children'] as const;
const HELP = `Usage: npm run bench -- [--quick] [--pages N] [--crops N] [--rss-pages N] [--no-children] [--parts LIST] [--cpu-side-only]
  --quick        1 page, 4 crops, 20-page memory run: a smoke test, not the figures
  --pages N      workload pages for the pipeline run (default 6: every synthetic page once)
  --crops N      crops in the recogniser comparisons (default 16)
  --rss-pages N  pages in the memory run (default 100)
  --no-children  skip the cold-start and memory runs (separate processes)
  --parts LIST   comma-separated parts to run (default all): ${PARTS.join(', ')}
                 pipeline = the CPU production configuration; gpu = the GPU configuration's pipeline
                 (in-graph beam search) on CPU; tokens = token identity of the decoder paths;
                 mokuro = Mokuro 0.2.5 (torch) vs the worker, uncapped, same pages and replicas;
                 cpu = the CPU ceiling (page threads, replayed models) and the event loop behind the API
  --cpu-side-only  only the cpu part, merged into .cache/bench/last.json`;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    pages: { type: 'string' },
    crops: { type: 'string' },
    'rss-pages': { type: 'string' },
    'no-children': { type: 'boolean', default: false },
    parts: { type: 'string', default: PARTS.join(',') },
    'cpu-side-only': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const quick = values.quick;
const pageCount = Number(values.pages ?? (quick ? 1 : 6));
const cropCount = Number(values.crops ?? (quick ? 4 : 16));
const rssPages = Number(values['rss-pages'] ?? (quick ? 20 : 100));
const say = (line: string) => console.error(`[bench] ${line}`);
const parts = new Set(values.parts.split(',').map((p) => p.trim()));
for (const p of parts) if (!(PARTS as readonly string[]).includes(p)) throw new Error(`--parts: unknown part "${p}" (${PARTS.join(', ')})`);
if (values['no-children']) parts.delete('children');

if (values['cpu-side-only']) {
  await mergeCpuSide(await runCpuSide(say));
  process.exit(0);
}

const started = performance.now();
const load_start = loadavg()[0];
const { generated_s } = ensureBenchModels(say);
say('opening the real-size models');
const models = await openBenchModels();
const clock = createModelClock();
const pages = loadWorkload(pageCount);

const lineCache: LineOutputs = new Map();
say('finding the workload\'s lines with the tiny detector (before timing)');
const crops = (await workloadCrops(loadWorkload(Math.max(6, pageCount)), models.lines, lineCache)).slice(0, cropCount);

const standInClock = createModelClock();
let pipeline: BenchResult['pipeline'];
let gpu_pipeline: BenchResult['gpu_pipeline'];
let decode_isolated_ms_per_page: number | undefined;
if (parts.has('pipeline')) {
  say(`pipeline, CPU production configuration: ${pages.length} pages, beam, KV cache, JS search`);
  pipeline = await runPipeline(models, pages, { decoding: 'beam', kvCache: true, loop: 'js', clock, standInClock, lineCache });
  decode_isolated_ms_per_page = await decodeAlone(pages, benchConfig({ decoding: 'beam' }).limits);
}
if (parts.has('gpu') && models.real.beamSearch) {
  say(`pipeline, GPU configuration on CPU: ${pages.length} pages, beam, in-graph search`);
  gpu_pipeline = await runPipeline(models, pages, { decoding: 'beam', kvCache: true, loop: 'onnx', clock, standInClock, lineCache });
}

let recognizer: BenchResult['recognizer'] = [];
let derived: BenchResult['derived'] = {};
if (parts.has('recognizer')) {
  say(`recogniser comparisons on ${crops.length} crops`);
  ({ runs: recognizer, derived } = await runRecognizerSuite(models, clock, crops, say));
}
let tokens: BenchResult['tokens'];
if (parts.has('tokens')) {
  say(`token identity on ${crops.length} crops: KV pair vs plain decoder, in-graph vs JS search`);
  tokens = await tokenChecks(models, crops, DEFAULT_BATCH_SIZE_CPU);
}
let mokuro: BenchResult['mokuro'];
if (parts.has('mokuro')) mokuro = await compareWithMokuro(models, pages, lineCache, say);
await models.release();

let rss: BenchResult['rss'];
let cold_start: BenchResult['cold_start'];
if (parts.has('children')) {
  say('cold start: a fresh process loads the real-size models and runs one warm-up inference each');
  cold_start = await runChild('child-cold-start.ts');
  say(`memory: a ${rssPages}-page process_batch on the tiny stand-ins, greedy`);
  rss = { ...(await runChild('child-rss.ts', [String(rssPages)], ['--expose-gc'])), models: 'tiny stand-ins' };
}

const result: BenchResult = {
  conditions: {
    date: new Date().toISOString(),
    cpu: `${cpus()[0]?.model ?? 'unknown'} × ${availableParallelism()}`,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    node_flags: NODE_FLAGS.join(' ') || 'none',
    onnxruntime: ort.env.versions.common,
    provider: 'cpu',
    intra_op_threads: benchConfig({ decoding: 'beam' }).models.intraOpThreads || availableParallelism(),
    models: models.replicas ? 'manga-ocr replicas (random weights) + KV export + in-graph search; real-size detector stand-in' : 'generated stand-ins (no replicas found)',
    tokens_per_line: TOKENS_PER_LINE,
    load_avg_1m_start: Math.round(load_start * 100) / 100,
    load_avg_1m_end: Math.round(loadavg()[0] * 100) / 100,
    models_generated_s: Math.round(generated_s * 10) / 10,
    bench_wall_s: Math.round((performance.now() - started) / 1000),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  },
  pipeline,
  gpu_pipeline,
  decode_isolated_ms_per_page,
  recognizer,
  derived,
  tokens,
  mokuro,
  rss,
  cold_start,
  cpu_side: parts.has('cpu') ? await runCpuSide(say) : undefined,
  checks: { rows: [] },
};
result.checks = checksOf(result);
if (pipeline && gpu_pipeline) result.gpu_plan = gpuPlan(pipeline, gpu_pipeline, TOKENS_PER_LINE);
const json = JSON.stringify(result, null, 2);
const table = formatReport(result);
mkdirSync('.cache/bench', { recursive: true });
writeFileSync('.cache/bench/last.json', json);
writeFileSync('.cache/bench/last.md', table);
console.log(json);
console.log(`\n${table}`);
