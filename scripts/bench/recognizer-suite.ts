/**
 * The recogniser comparisons, and the ratios derived from them. The default (production) path is the
 * plain decoder re-running the prefix, as with the pinned export; "KV" runs use the same weights as an
 * optimum KV pair, which production would take only with a with-past decoder it does not have.
 */
import type { RawImage } from '../../src/image/raw-image.ts';
import type { BenchModels } from './bench-setup.ts';
import { DEFAULT_BATCH_SIZE_CPU } from '../../src/recognizer/recognizer.ts';
import type { ModelClock } from './model-clock.ts';
import { timeRecognizer, type RecognizerRun } from './run-recognizer.ts';

const B = DEFAULT_BATCH_SIZE_CPU;
const round = (v: number) => Math.round(v * 100) / 100;

export async function runRecognizerSuite(models: Pick<BenchModels, 'real' | 'kv'>, clock: ModelClock, crops: readonly RawImage[], say: (s: string) => void) {
  // KV is the Docker image's path (the KV export beside the pinned files), re-run the pinned plain
  // decoder alone; Mokuro's method is transformers' generate: a KV cache, one call per chunk
  const plan: { label: string; decoding: 'beam' | 'greedy'; kvCache: boolean; batchSize: number; calls: 'batched' | 'per-chunk'; loop?: 'js' | 'onnx' }[] = [
    { label: 'greedy, KV', decoding: 'greedy', kvCache: true, batchSize: B, calls: 'batched' },
    { label: 'greedy, re-run', decoding: 'greedy', kvCache: false, batchSize: B, calls: 'batched' },
    { label: 'beam, KV (production)', decoding: 'beam', kvCache: true, batchSize: B, calls: 'batched' },
    { label: 'beam, re-run (pinned plain decoder)', decoding: 'beam', kvCache: false, batchSize: B, calls: 'batched' },
    { label: 'beam, KV, one call per chunk (Mokuro)', decoding: 'beam', kvCache: true, batchSize: 1, calls: 'per-chunk' },
    { label: 'beam, KV, batch 16', decoding: 'beam', kvCache: true, batchSize: 16, calls: 'batched' },
    { label: 'greedy, KV, one call per chunk', decoding: 'greedy', kvCache: true, batchSize: 1, calls: 'per-chunk' },
  ];
  // the GPU configuration's loop, timed on CPU: encoder and search in one call per batch
  if (models.real.beamSearch) plan.push({ label: 'beam, in-graph search (GPU configuration)', decoding: 'beam', kvCache: true, batchSize: B, calls: 'batched', loop: 'onnx' });
  const runs: RecognizerRun[] = [];
  for (const p of plan) {
    say(`  ${p.label}`);
    runs.push(await timeRecognizer(models, clock, crops, { ...p }));
  }
  const by = (label: string) => runs.find((r) => r.label === label)!;
  const derived = {
    kv_speedup_decoder_greedy: round(by('greedy, re-run').decoder_ms / by('greedy, KV').decoder_ms),
    kv_speedup_decoder_beam: round(by('beam, re-run (pinned plain decoder)').decoder_ms / by('beam, KV (production)').decoder_ms),
    kv_speedup_wall_beam: round(by('beam, re-run (pinned plain decoder)').wall_ms / by('beam, KV (production)').wall_ms),
    beam_over_greedy_wall: round(by('beam, KV (production)').wall_ms / by('greedy, KV').wall_ms),
    per_chunk_over_batched_wall_beam: round(by('beam, KV, one call per chunk (Mokuro)').wall_ms / by('beam, KV (production)').wall_ms),
    per_chunk_over_batched_wall_greedy: round(by('greedy, KV, one call per chunk').wall_ms / by('greedy, KV').wall_ms),
  };
  return { runs, derived };
}
