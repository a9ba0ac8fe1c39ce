import type { CpuSideResult } from './cpu-side.ts';
import type { BenchResult, CheckRow } from './report.ts';

/** the performance targets the worker is held to (BENCHMARKS.md, "target" table) */
const MAX_OVERHEAD_RATIO = 1.1;
const MIN_KV_SPEEDUP = 1.5;
const MAX_PER_CHUNK_ADVANTAGE = 1.0;
const MAX_JOB_RSS_MB = 2048;
/** issue 18: the production decoder at most half of Mokuro's method's decoder time per line */
const MAX_PRODUCTION_OVER_MOKURO = 0.5;
/** issue 18: host↔model traffic of the GPU configuration per page */
const MAX_GPU_HOST_MB_PER_PAGE = 50;
/** issue 19 */
const MIN_THREAD_SPEEDUP = 1.7;
const MAX_EVENT_LOOP_P99_MS = 50;

const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

/** The named figures the issues' "Done when" read, and one row per limit for the report. */
export function checksOf(r: Omit<BenchResult, 'checks'>): BenchResult['checks'] {
  const run = (label: string) => r.recognizer.find((x) => x.label === label);
  const perLine = (label: string) => {
    const x = run(label);
    return x ? round(x.decoder_ms / x.crops, 1) : null;
  };
  const production = perLine('beam, KV (production)');
  const mokuro = perLine('beam, KV, one call per chunk (Mokuro)');
  const t = r.tokens;
  const values = {
    production_decoder_ms_per_line: production,
    mokuro_method_decoder_ms_per_line: mokuro,
    production_over_mokuro_method: production !== null && mokuro ? round(production / mokuro, 3) : null,
    production_tokens_identical: t?.production_vs_plain ? t.production_vs_plain.different === 0 : null,
    production_token_differences: t?.production_vs_plain?.different ?? null,
    token_check_lines: t?.lines ?? null,
    host_mb_per_page_production: r.pipeline?.host_mb_per_page_total ?? null,
    host_mb_per_page_gpu_config: r.gpu_pipeline?.host_mb_per_page_total ?? null,
    gpu_config_tokens_identical: t?.graph_vs_js ? t.graph_vs_js.different === 0 : null,
    gpu_config_token_differences: t?.graph_vs_js?.different ?? null,
    mokuro_pages_per_s: r.mokuro?.mokuro.pages_per_s ?? null,
    worker_pages_per_s_same_run: r.mokuro?.worker.pages_per_s ?? null,
    worker_over_mokuro_pages_per_s: r.mokuro?.worker_over_mokuro ?? null,
  };
  const rows: CheckRow[] = [];
  const add = (name: string, value: number | boolean | null, limit: string, pass: boolean) => rows.push({ name, value, limit, pass });
  if (r.pipeline) add('overhead ratio, pipeline (wall / time in session.run)', r.pipeline.overhead_ratio, `≤ ${MAX_OVERHEAD_RATIO}`, r.pipeline.overhead_ratio <= MAX_OVERHEAD_RATIO);
  if (r.derived.kv_speedup_decoder_beam !== undefined) {
    add('KV vs re-run, decoder time (beam)', r.derived.kv_speedup_decoder_beam, `≥ ${MIN_KV_SPEEDUP}×`, r.derived.kv_speedup_decoder_beam >= MIN_KV_SPEEDUP);
    add('KV vs re-run, decoder time (greedy)', r.derived.kv_speedup_decoder_greedy, `≥ ${MIN_KV_SPEEDUP}×`, r.derived.kv_speedup_decoder_greedy >= MIN_KV_SPEEDUP);
    // per-chunk wall / batched wall: ≥ 1 means batching is not slower
    add('one call per chunk / batched, wall (beam)', r.derived.per_chunk_over_batched_wall_beam, `≥ ${MAX_PER_CHUNK_ADVANTAGE}`, r.derived.per_chunk_over_batched_wall_beam >= MAX_PER_CHUNK_ADVANTAGE);
  }
  if (values.production_over_mokuro_method !== null) {
    add('production decoder ms/line ÷ Mokuro method decoder ms/line (beam 4)', values.production_over_mokuro_method, `≤ ${MAX_PRODUCTION_OVER_MOKURO}`, values.production_over_mokuro_method <= MAX_PRODUCTION_OVER_MOKURO);
  }
  if (values.production_tokens_identical !== null) add(`production (KV) tokens = pinned plain decoder's, ${values.token_check_lines} lines`, values.production_token_differences, '0 differences', values.production_tokens_identical);
  if (values.host_mb_per_page_gpu_config !== null) add('host↔model MB per page, GPU configuration', values.host_mb_per_page_gpu_config, `≤ ${MAX_GPU_HOST_MB_PER_PAGE}`, values.host_mb_per_page_gpu_config <= MAX_GPU_HOST_MB_PER_PAGE);
  if (values.gpu_config_tokens_identical !== null) add(`GPU configuration tokens = JS search's, ${values.token_check_lines} lines`, values.gpu_config_token_differences, '0 differences', values.gpu_config_tokens_identical);
  if (r.rss) {
    const above = Number(r.rss.peak_above_models_mb);
    add(`peak RSS above loaded models, ${r.rss.pages}-page job (MB)`, above, `< ${MAX_JOB_RSS_MB}`, above < MAX_JOB_RSS_MB);
  }
  const cpu = r.cpu_side ? cpuSideChecks(r.cpu_side) : undefined;
  if (cpu) rows.push(...cpu.rows);
  return { ...values, ...cpu?.values, rows };
}

/** issue 19's "Done when": the page threads scale, the main thread does not stall */
export function cpuSideChecks(c: CpuSideResult): { values: Record<string, number>; rows: CheckRow[] } {
  const speedup = Math.round((c.cpu_ceiling_pages_per_s_all_threads / c.cpu_ceiling_pages_per_s_1_thread) * 100) / 100;
  const checked = (c.checked_configuration === 'gpu' && c.gpu_configuration) || c.cpu_configuration;
  return {
    values: {
      cpu_ceiling_pages_per_s_1_thread: c.cpu_ceiling_pages_per_s_1_thread,
      cpu_ceiling_pages_per_s_all_threads: c.cpu_ceiling_pages_per_s_all_threads,
      event_loop_p99_ms: c.event_loop_p99_ms,
    },
    rows: [
      // what the machine gave: the spin control's cores, and what the passes kept busy (one page thread
      // and its side work: decoding, the inference thread, V8's threads)
      { name: `CPU ceiling, ${c.checked_configuration === 'gpu' ? 'GPU' : 'CPU'} configuration, all threads ÷ 1 thread (${c.all_threads} threads; cores busy ${checked.cores_used_1_thread} with 1 thread, ${checked.cores_used_all_threads} with ${c.all_threads}, of ${c.spin_control_cores_all_threads} the spin control got)`, value: speedup, limit: `≥ ${MIN_THREAD_SPEEDUP}`, pass: speedup >= MIN_THREAD_SPEEDUP },
      { name: `event loop p99 ms behind the local API (max ${c.event_loop_max_ms} ms)`, value: c.event_loop_p99_ms, limit: `≤ ${MAX_EVENT_LOOP_P99_MS}`, pass: c.event_loop_p99_ms <= MAX_EVENT_LOOP_P99_MS },
    ],
  };
}
