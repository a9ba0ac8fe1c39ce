/**
 * `npm run parity -- [PAGES_DIR] [--models DIR] [--size small|full] [--reuse-oracle]`: Mokuro 0.2.5 as the
 * oracle (`--reuse-oracle` takes Mokuro's results of the last run from .cache/parity, when re-running the
 * worker side only).
 *
 * 1. oracle/setup.sh makes (or reuses) the Python environment under .cache/oracle;
 * 2. oracle/make_replicas.py makes (or reuses) replicas of the pinned manga-ocr export (optimum's
 *    vision2seq-lm export of a manga-ocr-base-shaped model, random weights) in .cache/replicas/<size>,
 *    with the ink-responsive stand-in detector;
 * 3. oracle/mokuro_pages.py runs Mokuro's own page pipeline on the pages with those weights;
 * 4. the worker runs the same pages through its production path (load with MODELS_VERIFY=off, I/O
 *    check, warm-up, a process_batch job; one letterbox per page as Mokuro does, no tall-page tiling);
 * 5. pages are compared with Mokuro's tolerances (compare-pages.ts), and our beam search is run on the
 *    exact tensors `generate` got inside Mokuro (beam-vs-generate.ts).
 * Prints a report per page and one summary line last; exits 1 when a block is out of tolerance, fewer
 * than 99 % of lines are text-identical, or a token difference is not a near-tie. The figures also go
 * to artifacts/parity.json.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config.ts';
import type { MokuroPage } from '../../src/contract/mokuro.ts';
import type { ProcessOutput } from '../../src/contract/output.ts';
import { createHandler } from '../../src/handler/create-handler.ts';
import { createLogger } from '../../src/logger.ts';
import { loadModels } from '../../src/models/load-models.ts';
import { startWorker } from '../../src/pipeline/start-worker.ts';
import { createTokenizer } from '../../src/recognizer/tokenizer.ts';
import { ensureReplicas, oraclePython, runTool } from '../oracle-replicas.ts';
import { NEAR_TIE, beamVsGenerate, type CropVerdict, type OracleCrop } from './beam-vs-generate.ts';
import { comparePage, type PageComparison } from './compare-pages.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CACHE = path.join(ROOT, '.cache');
const MIN_IDENTICAL_LINES = 0.99;

interface OracleOutput {
  pages: { img_path: string; page: Pick<MokuroPage, 'blocks' | 'img_width' | 'img_height'> }[];
  crops: OracleCrop[];
}

function runOracle(python: string, models: string, pages: string[], reuse: boolean): { oracle: OracleOutput; tensors: Float32Array } {
  const out = path.join(CACHE, 'parity');
  mkdirSync(out, { recursive: true });
  // one cache per set of pages and models, so --reuse-oracle never answers for other pages
  const tag = createHash('sha256').update([models, ...pages].join('\n')).digest('hex').slice(0, 12);
  const [json, f32] = [path.join(out, `mokuro-${tag}.json`), path.join(out, `crops-${tag}.f32`)];
  if (!reuse || !existsSync(json)) {
    runTool(python, ['oracle/mokuro_pages.py', '--models', models, '--out', json, '--tensors', f32, '--mirrored', ...pages], 'oracle/mokuro_pages.py');
  }
  const bytes = readFileSync(f32);
  return {
    oracle: JSON.parse(readFileSync(json, 'utf8')) as OracleOutput,
    tensors: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4),
  };
}

/** The worker's production path on a models folder of unpinned files. */
function workerConfig(models: string) {
  return loadConfig([], { EXECUTION_PROVIDERS: 'cpu', ...process.env, MODELS_DIR: models, MODELS_VERIFY: 'off', STAND_IN_MODELS: 'never', PAGE_CACHE_ENTRIES: '0' });
}

async function runWorker(models: string, pages: string[]): Promise<ProcessOutput> {
  const config = workerConfig(models);
  const log = createLogger({ level: 'warn', fd: 2 });
  const handler = createHandler({ worker: startWorker(config, log), config, log });
  const images = pages.map((p) => ({ name: path.basename(p), data: readFileSync(p).toString('base64') }));
  const result = await handler({ id: 'parity', input: { type: 'process_batch', images, options: { tile_tall_pages: false } } });
  if ('error' in result) throw new Error(`the worker failed the job: ${result.error}`);
  return result as ProcessOutput;
}

function lineCause(verdicts: CropVerdict[], page: string, block: number, line: number): string {
  const own = verdicts.filter((v) => !v.crop.mirrored && v.crop.page === page && v.crop.block === block && v.crop.line === line);
  const differing = own.filter((v) => !v.identical);
  if (own.length === 0) return 'no oracle crop recorded for this line';
  if (differing.length === 0) {
    return "on Mokuro's own pixels our beam search gives Mokuro's tokens, so our crop or its 224×224 tensor differs";
  }
  return differing
    .map((v) => `decoding differs on Mokuro's pixels (chunk ${v.crop.chunk}: ${v.nearTie ? 'near-tie' : 'NOT a near-tie'}, smallest deciding gap ${v.minGap?.toExponential(1)})`)
    .join('; ');
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { models: { type: 'string' }, size: { type: 'string', default: 'small' }, 'reuse-oracle': { type: 'boolean', default: false } },
  });
  const pagesDir = path.resolve(positionals[0] ?? path.join(ROOT, 'test/fixtures/synthetic-pages'));
  const pages = readdirSync(pagesDir)
    .filter((f) => /\.(png|jpe?g|webp)$/i.test(f))
    .sort()
    .map((f) => path.join(pagesDir, f));
  if (pages.length === 0) throw new Error(`no pages in ${pagesDir}`);

  const t0 = performance.now();
  const python = oraclePython();
  const models = values.models ? path.resolve(values.models) : ensureReplicas(python, values.size!);
  const t1 = performance.now();
  const { oracle, tensors } = runOracle(python, models, pages, values['reuse-oracle']!);
  const t2 = performance.now();
  const ours = await runWorker(models, pages);
  if (ours.stats.models !== 'unverified') throw new Error(`expected the worker to run the replicas as unverified models, it says ${ours.stats.models}`);
  const loaded = await loadModels(workerConfig(models).models, createLogger({ level: 'warn', fd: 2 }));
  const verdicts = await beamVsGenerate(loaded, oracle.crops, tensors);
  const tokenizer = createTokenizer(loaded.vocabText);
  await loaded.release();
  const t3 = performance.now();

  const report: { page: string; comparison: PageComparison }[] = [];
  for (const ref of oracle.pages) {
    const mine = ours.mokuro.pages.find((p) => p.img_path === ref.img_path);
    if (!mine) throw new Error(`the worker returned no page ${ref.img_path} (errors: ${JSON.stringify(ours.errors)})`);
    const c = comparePage(mine, ref.page);
    report.push({ page: ref.img_path, comparison: c });
    const ok = c.blockProblems.length === 0 ? 'every block within tolerance' : `${c.blockProblems.length} problem(s)`;
    console.log(`${ref.img_path}: blocks ${c.blocks.ours}/${c.blocks.mokuro} (${ok}); lines ${c.identicalLines}/${c.lines} text-identical`);
    for (const p of c.blockProblems) console.log(`  ${p}`);
    for (const d of c.lineDiffs) {
      console.log(`  block ${d.block} line ${d.line}: ours "${d.ours}" vs Mokuro "${d.mokuro}": ${lineCause(verdicts, ref.img_path, d.block, d.line)}`);
    }
  }

  const differ = verdicts.filter((v) => !v.identical);
  const nearTies = differ.filter((v) => v.nearTie);
  const real = differ.filter((v) => !v.nearTie);
  for (const v of differ) {
    const c = v.crop;
    console.log(
      `generate vs beam: ${c.page} block ${c.block} line ${c.line} chunk ${c.chunk}${c.mirrored ? ' (mirrored)' : ''}: ` +
        `${v.nearTie ? 'near-tie' : 'REAL DIFFERENCE'} (smallest deciding gap ${v.minGap?.toExponential(2)}, ` +
        `scores ours ${v.scores?.ours.toFixed(6)} generate ${v.scores?.generate.toFixed(6)}): ` +
        `ours "${tokenizer.decode(v.ours)}" [${v.ours.length}] vs generate "${tokenizer.decode(v.generate)}" [${v.generate.length}]`,
    );
  }
  const lengths = verdicts.map((v) => v.generate.length).sort((a, b) => a - b);
  const blocks = report.reduce((s, r) => s + r.comparison.blocks.mokuro, 0);
  const badPages = report.filter((r) => r.comparison.blockProblems.length > 0).length;
  const lines = report.reduce((s, r) => s + r.comparison.lines, 0);
  const identical = report.reduce((s, r) => s + r.comparison.identicalLines, 0);
  const share = lines ? identical / lines : 1;
  const pass = badPages === 0 && share >= MIN_IDENTICAL_LINES && real.length === 0;
  const summary = {
    pages: report.length, blocks, pages_out_of_tolerance: badPages, lines, identical_lines: identical,
    crops: verdicts.length, token_identical: verdicts.length - differ.length, near_ties: nearTies.length, real_differences: real.length,
    near_tie_threshold: NEAR_TIE, generated_tokens: { min: lengths[0], median: lengths[lengths.length >> 1], max: lengths.at(-1) },
    models, seconds: { setup: (t1 - t0) / 1000, mokuro: (t2 - t1) / 1000, worker_and_beams: (t3 - t2) / 1000 }, pass,
  };
  mkdirSync(path.join(ROOT, 'artifacts'), { recursive: true });
  writeFileSync(path.join(ROOT, 'artifacts', 'parity.json'), `${JSON.stringify({ summary, report, verdicts: differ }, null, 1)}\n`);
  console.log(
    `parity: ${report.length} pages, ${blocks} blocks, ${badPages} page(s) with blocks out of tolerance; ` +
      `${identical}/${lines} lines text-identical (${(share * 100).toFixed(1)} %); ` +
      `generate vs beam search: ${verdicts.length - differ.length}/${verdicts.length} crops token-identical, ` +
      `${nearTies.length} near-tie(s), ${real.length} real difference(s) → ${pass ? 'PASS' : 'FAIL'}`,
  );
  return pass ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`parity: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
