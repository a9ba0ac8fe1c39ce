/** The benchmark's result as markdown tables (the JSON is printed as is). */
import type { PipelineResult } from './run-pipeline.ts';
import type { RecognizerRun } from './run-recognizer.ts';
import type { TokenChecks } from './token-checks.ts';
import type { MokuroComparison } from './run-mokuro.ts';
import type { gpuPlan } from './gpu-plan.ts';

/** one Done-when check of the benchmark (scripts/bench/checks.ts makes them) */
export interface CheckRow {
  name: string;
  value: number | boolean | null;
  limit: string;
  pass: boolean;
}
import type { CpuSideResult } from './cpu-side.ts';

export interface BenchResult {
  conditions: Record<string, string | number>;
  /** the CPU production configuration: KV-cache pair, our JS beam search */
  pipeline?: PipelineResult;
  /** the GPU configuration (in-graph beam search), run on CPU here */
  gpu_pipeline?: PipelineResult;
  decode_isolated_ms_per_page?: number;
  recognizer: RecognizerRun[];
  derived: Record<string, number>;
  tokens?: TokenChecks;
  /** Mokuro 0.2.5 (torch) vs the worker (CPU production configuration), same pages, replicas and run */
  mokuro?: MokuroComparison;
  /** per page: model FLOPs, PCIe bytes, our CPU ms, and the pages/s bound on three GPU classes */
  gpu_plan?: ReturnType<typeof gpuPlan>;
  rss?: Record<string, number | string>;
  cold_start?: Record<string, number>;
  /** issue 19: the CPU ceiling on replayed models and the event loop behind the local API (cpu-side.ts) */
  cpu_side?: CpuSideResult;
  /** the figures issues' "Done when" name, by key, and one row per limit */
  checks: { [figure: string]: unknown; rows: CheckRow[] };
}

function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

function pipelineReport(p: PipelineResult, title: string, decodeAlone?: number): string[] {
  const out: string[] = [];
  out.push(
    `\n${title}: ${p.pages} pages, ${p.lines} line crops (${p.truth_lines} ground-truth lines), ${p.decoding}, ` +
      `${p.kv_cache ? 'KV cache' : 're-run prefix'}, ${p.loop === 'onnx' ? 'in-graph search' : 'JS search'}; ${p.pages_per_s} pages/s, ${p.lines_per_s} lines/s, ` +
      `overhead ratio ${p.overhead_ratio} (wall ${p.wall_ms} ms / in session.run ${p.model_ms.total} ms: ` +
      `${Object.entries(p.model_ms).filter(([k]) => k !== 'total').map(([k, v]) => `${k} ${v}`).join(', ')})` +
      (p.stand_in_lines_ms > 0 ? `; ${p.stand_in_lines_ms} ms of unprimed line stand-in runs counted as ours` : '') + '\n',
  );
  const stages = Object.entries(p.stage_ms_per_page).filter(([k]) => k !== 'total');
  out.push(table(['stage', 'ms per page'], [
    ...stages.map(([k, v]) => [k === 'decode' ? 'decode (overlapped with inference)' : k, v]),
    ...(decodeAlone !== undefined ? [['decode, measured alone', decodeAlone]] : []),
    ['**job wall / page**', p.stage_ms_per_page.total],
  ]));
  out.push('\n' + table(['host↔model MB per page', 'in', 'out', 'runs per page'], Object.entries(p.host_mb_per_page).map(([k, v]) => [k === 'total' ? '**total**' : k, v.in, v.out, v.runs])));
  return out;
}

export function formatReport(r: BenchResult): string {
  const out: string[] = [];
  out.push(table(['condition', 'value'], Object.entries(r.conditions)));
  if (r.pipeline) out.push(...pipelineReport(r.pipeline, 'Pipeline, CPU production configuration', r.decode_isolated_ms_per_page));
  if (r.gpu_pipeline) out.push(...pipelineReport(r.gpu_pipeline, 'Pipeline, GPU configuration (DECODER_LOOP=onnx) run on CPU'));
  out.push('\nRecogniser on a fixed crop set:\n');
  out.push(table(
    ['run', 'loop', 'decoding', 'cache', 'batch', 'calls', 'crops', 'ms/line', 'lines/s', 'encoder ms', 'decoder ms', 'wall/model'],
    r.recognizer.map((x) => [x.label, x.loop, x.decoding, x.kv_cache ? 'KV' : 're-run', x.batch_size, x.calls, x.crops, x.ms_per_line, x.lines_per_s, x.encoder_ms, x.decoder_ms, x.overhead_ratio]),
  ));
  out.push('\n' + table(['derived', 'value'], Object.entries(r.derived)));
  if (r.mokuro) {
    const m = r.mokuro;
    out.push('\n' + table(['Mokuro 0.2.5 vs the worker (same pages, replicas, run; uncapped)', 'pages/s', 'wall s', 'lines'], [
      [`Mokuro 0.2.5, torch ${m.mokuro.torch}, CPU`, m.mokuro.pages_per_s, m.mokuro.wall_s, m.mokuro.lines],
      ['the worker, CPU production configuration', m.worker.pages_per_s, m.worker.wall_s, m.worker.lines],
      ['**worker ÷ Mokuro**', m.worker_over_mokuro, '', ''],
    ]));
  }
  if (r.gpu_plan) {
    const g = r.gpu_plan;
    out.push(`\nGPU plan: ${g.crops_per_page} crops/page, ≤ ${g.tokens_per_line} tokens/line, ${g.gflop_per_page.total} GFLOP/page ` +
      `(detector ${g.gflop_per_page.detector}, encoder ${g.gflop_per_page.encoder}, decoder ${g.gflop_per_page.decoder}); host↔model ` +
      `${g.host_mb_per_page.production} MB/page (CPU production) vs ${g.host_mb_per_page.gpu_config} MB/page (GPU configuration); ` +
      `our CPU work ${g.cpu_ms_per_page} ms/page; GPU at ${g.efficiency_assumed * 100} % of FP32 peak\n`);
    out.push(table(['GPU', 'model ms', 'PCIe ms (production path)', 'PCIe ms (GPU config)', 'CPU ms', 'pages/s bound, production path', 'pages/s bound, GPU config'],
      g.rows.map((x) => [x.gpu, x.gpu_ms, x.pcie_ms_production, x.pcie_ms_gpu_config, x.cpu_ms, x.pages_per_s_production, x.pages_per_s_gpu_config])));
  }
  if (r.rss) out.push('\n' + table(['memory (many-page job)', 'value'], Object.entries(r.rss)));
  if (r.cpu_side) {
    // the configurations' figures one row each, as `configuration.figure`
    const rows = Object.entries(r.cpu_side).flatMap(([k, v]) => (typeof v === 'object' ? Object.entries(v).map(([f, x]) => [`${k}.${f}`, x as number]) : [[k, v]]));
    out.push('\n' + table(['CPU side (threads, replayed models)', 'value'], rows));
  }
  if (r.cold_start) out.push('\n' + table(['cold start', 'ms'], Object.entries(r.cold_start)));
  const figures = Object.entries(r.checks).filter(([k]) => k !== 'rows') as [string, unknown][];
  out.push('\n' + table(['figure (checks in last.json)', 'value'], figures.map(([k, v]) => [k, String(v)])));
  out.push('\n' + table(['check (Done when)', 'value', 'limit', 'pass'], r.checks.rows.map((c) => [c.name, String(c.value), c.limit, c.pass ? 'yes' : '**NO**'])));
  return out.join('\n');
}
