/**
 * The recogniser comparisons, and the ratios derived from them. The default (production) path is the
 * plain decoder re-running the prefix, as with the pinned export; "KV" runs use the same weights as an
 * optimum KV pair, which production would take only with a with-past decoder it does not have.
 */
import type { RawImage } from '../../src/image/raw-image.ts';
import type { BenchModels } from './bench-engine.ts';
import { DEFAULT_BATCH_SIZE_CPU } from '../../src/recognizer/recognizer.ts';
import type { ModelClock } from './model-clock.ts';
import { timeRecognizer, type RecognizerRun } from './run-recognizer.ts';

const B = DEFAULT_BATCH_SIZE_CPU;
const round = (v: number) => Math.round(v * 100) / 100;

export async function runRecognizerSuite(models: Pick<BenchModels, 'real' | 'kv'>, clock: ModelClock, crops: readonly RawImage[], say: (s: string) => void) {
  const plan = [
    { label: 'greedy, KV', decoding: 'greedy', kvCache: true, batchSize: B, calls: 'batched' },
    { label: 'greedy, re-run', decoding: 'greedy', kvCache: false, batchSize: B, calls: 'batched' },
    { label: 'beam, KV', decoding: 'beam', kvCache: true, batchSize: B, calls: 'batched' },
    { label: 'beam, re-run (default)', decoding: 'beam', kvCache: false, batchSize: B, calls: 'batched' },
    { label: 'beam, re-run, one call per chunk (Mokuro)', decoding: 'beam', kvCache: false, batchSize: 1, calls: 'per-chunk' },
    { label: 'beam, re-run, batch 4', decoding: 'beam', kvCache: false, batchSize: 4, calls: 'batched' },
    { label: 'beam, re-run, batch 16', decoding: 'beam', kvCache: false, batchSize: 16, calls: 'batched' },
    { label: 'greedy, re-run, one call per chunk', decoding: 'greedy', kvCache: false, batchSize: 1, calls: 'per-chunk' },
  ] as const;
  const runs: RecognizerRun[] = [];
  for (const p of plan) {
    say(`  ${p.label}`);
    runs.push(await timeRecognizer(models, clock, crops, { ...p }));
  }
  const by = (label: string) => runs.find((r) => r.label === label)!;
  const derived = {
    kv_speedup_decoder_greedy: round(by('greedy, re-run').decoder_ms / by('greedy, KV').decoder_ms),
    kv_speedup_decoder_beam: round(by('beam, re-run (default)').decoder_ms / by('beam, KV').decoder_ms),
    kv_speedup_wall_beam: round(by('beam, re-run (default)').wall_ms / by('beam, KV').wall_ms),
    beam_over_greedy_wall: round(by('beam, re-run (default)').wall_ms / by('greedy, re-run').wall_ms),
    per_chunk_over_batched_wall_beam: round(by('beam, re-run, one call per chunk (Mokuro)').wall_ms / by('beam, re-run (default)').wall_ms),
    per_chunk_over_batched_wall_greedy: round(by('greedy, re-run, one call per chunk').wall_ms / by('greedy, re-run').wall_ms),
  };
  return { runs, derived };
}
