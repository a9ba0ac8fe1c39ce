/**
 * `npm run bench`: generates the benchmark models once (.cache/models), then times the worker on a
 * deterministic workload and prints the JSON and the tables (also written to .cache/bench/).
 * See BENCHMARKS.md for what each figure means and the latest results.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import { benchConfig, openBenchModels, TOKENS_PER_LINE, type LineOutputs } from './bench-engine.ts';
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

const HELP = `Usage: npm run bench -- [--quick] [--pages N] [--crops N] [--rss-pages N] [--no-children] [--cpu-side-only]
  --quick        1 page, 4 crops, 20-page memory run: a smoke test, not the figures
  --pages N      workload pages for the pipeline run (default 6: every synthetic page once)
  --crops N      crops in the recogniser comparisons (default 16)
  --rss-pages N  pages in the memory run (default 100)
  --no-children  skip the cold-start and memory runs (separate processes)
  --cpu-side-only  only the CPU ceiling and event-loop runs (cpu-side.ts), merged into .cache/bench/last.json`;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    pages: { type: 'string' },
    crops: { type: 'string' },
    'rss-pages': { type: 'string' },
    'no-children': { type: 'boolean', default: false },
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

// the job path production takes with the pinned export: plain decoder, the prefix re-run each step
say(`pipeline: ${pages.length} pages, beam, plain decoder (re-run prefix)`);
const pipeline = await runPipeline(models, pages, { decoding: 'beam', kvCache: false, clock, standInClock: createModelClock(), lineCache });
const decode_isolated_ms_per_page = await decodeAlone(pages, benchConfig({ decoding: 'beam' }).limits);

say(`recogniser comparisons on ${crops.length} crops`);
const { runs: recognizer, derived } = await runRecognizerSuite(models, clock, crops, say);
await models.release();

let rss: BenchResult['rss'];
let cold_start: BenchResult['cold_start'];
if (!values['no-children']) {
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
    tokens_per_line: TOKENS_PER_LINE,
    load_avg_1m_start: Math.round(load_start * 100) / 100,
    load_avg_1m_end: Math.round(loadavg()[0] * 100) / 100,
    models_generated_s: Math.round(generated_s * 10) / 10,
    bench_wall_s: Math.round((performance.now() - started) / 1000),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  },
  pipeline,
  decode_isolated_ms_per_page,
  recognizer,
  derived,
  rss,
  cold_start,
  cpu_side: await runCpuSide(say),
  checks: [],
};
result.checks = checksOf(result);
const json = JSON.stringify(result, null, 2);
const table = formatReport(result);
mkdirSync('.cache/bench', { recursive: true });
writeFileSync('.cache/bench/last.json', json);
writeFileSync('.cache/bench/last.md', table);
console.log(json);
console.log(`\n${table}`);
