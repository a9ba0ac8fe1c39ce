import type { CpuSideResult } from './cpu-side.ts';
import type { BenchResult } from './report.ts';

/** the performance targets the worker is held to (BENCHMARKS.md, "target" table) */
const MAX_OVERHEAD_RATIO = 1.1;
const MIN_KV_SPEEDUP = 1.5;
const MAX_PER_CHUNK_ADVANTAGE = 1.0;
const MAX_JOB_RSS_MB = 2048;
/** issue 19 */
const MIN_THREAD_SPEEDUP = 1.7;
const MAX_EVENT_LOOP_P99_MS = 50;

export function checksOf(r: BenchResult): BenchResult['checks'] {
  const checks: BenchResult['checks'] = [
    { name: 'overhead ratio, pipeline (wall / time in session.run)', value: r.pipeline.overhead_ratio, limit: `≤ ${MAX_OVERHEAD_RATIO}`, pass: r.pipeline.overhead_ratio <= MAX_OVERHEAD_RATIO },
    { name: 'KV vs re-run, decoder time, 20-token lines (beam)', value: r.derived.kv_speedup_decoder_beam, limit: `≥ ${MIN_KV_SPEEDUP}×`, pass: r.derived.kv_speedup_decoder_beam >= MIN_KV_SPEEDUP },
    { name: 'KV vs re-run, decoder time, 20-token lines (greedy)', value: r.derived.kv_speedup_decoder_greedy, limit: `≥ ${MIN_KV_SPEEDUP}×`, pass: r.derived.kv_speedup_decoder_greedy >= MIN_KV_SPEEDUP },
    // per-chunk wall / batched wall: ≥ 1 means batching is not slower
    { name: 'one call per chunk / batched, wall (beam)', value: r.derived.per_chunk_over_batched_wall_beam, limit: `≥ ${MAX_PER_CHUNK_ADVANTAGE}`, pass: r.derived.per_chunk_over_batched_wall_beam >= MAX_PER_CHUNK_ADVANTAGE },
  ];
  if (r.rss) {
    const above = Number(r.rss.peak_above_models_mb);
    checks.push({ name: `peak RSS above loaded models, ${r.rss.pages}-page job (MB)`, value: above, limit: `< ${MAX_JOB_RSS_MB}`, pass: above < MAX_JOB_RSS_MB });
  }
  if (r.cpu_side) checks.push(...cpuSideChecks(r.cpu_side));
  return checks;
}

/** issue 19's "Done when": the page threads scale, the main thread does not stall */
export function cpuSideChecks(c: CpuSideResult): BenchResult['checks'] {
  const speedup = Math.round((c.cpu_ceiling_pages_per_s_all_threads / c.cpu_ceiling_pages_per_s_1_thread) * 100) / 100;
  return [
    { name: 'cpu_ceiling_pages_per_s_1_thread', value: c.cpu_ceiling_pages_per_s_1_thread, limit: 'reported', pass: c.cpu_ceiling_pages_per_s_1_thread > 0 },
    { name: 'cpu_ceiling_pages_per_s_all_threads', value: c.cpu_ceiling_pages_per_s_all_threads, limit: `≥ ${MIN_THREAD_SPEEDUP} × 1 thread (${speedup}×, ${c.all_threads} threads)`, pass: speedup >= MIN_THREAD_SPEEDUP },
    { name: 'event_loop_p99_ms', value: c.event_loop_p99_ms, limit: `≤ ${MAX_EVENT_LOOP_P99_MS} (max ${c.event_loop_max_ms} ms)`, pass: c.event_loop_p99_ms <= MAX_EVENT_LOOP_P99_MS },
  ];
}
