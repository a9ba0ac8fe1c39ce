import type { BenchResult } from './report.ts';

/** the performance targets the worker is held to (BENCHMARKS.md, "target" table) */
const MAX_OVERHEAD_RATIO = 1.1;
const MIN_KV_SPEEDUP = 1.5;
const MAX_PER_CHUNK_ADVANTAGE = 1.0;
const MAX_JOB_RSS_MB = 2048;

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
  return checks;
}
