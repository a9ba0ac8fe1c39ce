/**
 * The whole job path (handler → process_batch → decode → detect → crop → recognise → volume) over
 * the workload, timed against the model clock: per-stage ms per page, lines/s, pages/s, and the
 * overhead ratio (wall / time inside session.run).
 */
import { ProcessOutput } from '../../src/contract/output.ts';
import { benchHandler, type BenchOptions, type BenchModels } from './bench-setup.ts';
import { batchJob, type WorkloadPage } from './workload.ts';

export interface PipelineResult {
  decoding: 'beam' | 'greedy';
  kv_cache: boolean;
  loop: 'js' | 'onnx';
  pages: number;
  lines: number;
  truth_lines: number;
  wall_ms: number;
  model_ms: Record<string, number> & { total: number };
  /** wall / model time, the tiny line detector's runs counted as our overhead */
  overhead_ratio: number;
  /** the same without the line stand-in's runs: what production (real weights) would show */
  overhead_ratio_production: number;
  stand_in_lines_ms: number;
  pages_per_s: number;
  lines_per_s: number;
  /** milliseconds per page for each stage the pipeline reports */
  stage_ms_per_page: Record<string, number>;
  /**
   * MB per page fed to (`in`) and returned from (`out`) each model's `session.run`: host↔model
   * traffic, which on a GPU crosses PCIe (model-clock.ts). `total` sums every model.
   */
  host_mb_per_page: Record<string, { in: number; out: number; runs: number }> & { total: { in: number; out: number; runs: number } };
  host_mb_per_page_total: number;
}

const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

export async function runPipeline(
  models: BenchModels,
  pages: readonly WorkloadPage[],
  o: BenchOptions,
): Promise<PipelineResult> {
  const handler = benchHandler(models, o);
  // warm-up on one page: first runs allocate arenas and load OpenCV, a one-off start-up cost
  await handler(batchJob(pages.slice(0, 1), 'warm-up'));
  const job = batchJob(pages);
  o.clock.reset();
  o.standInClock.reset();
  const t0 = performance.now();
  const result = await handler(job);
  const wall = performance.now() - t0;
  const parsed = ProcessOutput.safeParse(result);
  if (!parsed.success) throw new Error(`bench job failed: ${JSON.stringify(result).slice(0, 300)}`);
  const out = parsed.data;
  const model = o.clock.read();
  const modelTotal = o.clock.total();
  const n = out.stats.pages;
  const mb = (b: number) => round(b / 1e6 / n, 2);
  const host: PipelineResult['host_mb_per_page'] = { total: { in: 0, out: 0, runs: 0 } };
  for (const [label, b] of Object.entries(o.clock.bytes())) {
    host[label] = { in: mb(b.in), out: mb(b.out), runs: round(b.runs / n, 1) };
    host.total = { in: round(host.total.in + mb(b.in), 2), out: round(host.total.out + mb(b.out), 2), runs: round(host.total.runs + b.runs / n, 1) };
  }
  const stage = Object.fromEntries(Object.entries(out.stats.timings_ms).map(([k, v]) => [k, round(v / n)]));
  return {
    decoding: o.decoding,
    kv_cache: o.kvCache,
    loop: o.loop ?? 'js',
    pages: n,
    lines: out.stats.lines,
    truth_lines: pages.reduce((k, p) => k + p.lines, 0),
    wall_ms: round(wall),
    model_ms: { ...Object.fromEntries(Object.entries(model).map(([k, v]) => [k, round(v)])), total: round(modelTotal) },
    overhead_ratio: round(wall / modelTotal, 3),
    overhead_ratio_production: round((wall - o.standInClock.total()) / modelTotal, 3),
    stand_in_lines_ms: round(o.standInClock.total()),
    pages_per_s: round((n / wall) * 1000, 3),
    lines_per_s: round((out.stats.lines / wall) * 1000, 2),
    stage_ms_per_page: stage,
    host_mb_per_page: host,
    host_mb_per_page_total: round(host.total.in + host.total.out, 1),
  };
}
