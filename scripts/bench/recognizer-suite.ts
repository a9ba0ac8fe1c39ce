/** The recogniser comparisons the issue asks for, and the ratios derived from them. */
import type { RawImage } from '../../src/image/raw-image.ts';
import type { LoadedModels } from '../../src/models/load-models.ts';
import { DEFAULT_BATCH_SIZE_CPU } from '../../src/recognizer/recognizer.ts';
import type { ModelClock } from './model-clock.ts';
import { timeRecognizer, type RecognizerRun } from './run-recognizer.ts';

const B = DEFAULT_BATCH_SIZE_CPU;
const round = (v: number) => Math.round(v * 100) / 100;

export async function runRecognizerSuite(real: LoadedModels, clock: ModelClock, crops: readonly RawImage[], say: (s: string) => void) {
  const plan: { label: string; decoding: 'beam' | 'greedy'; kvCache: boolean; batchSize: number; calls: 'batched' | 'per-chunk'; loop?: 'js' | 'onnx' }[] = [
    { label: 'greedy, KV', decoding: 'greedy', kvCache: true, batchSize: B, calls: 'batched' },
    { label: 'greedy, re-run', decoding: 'greedy', kvCache: false, batchSize: B, calls: 'batched' },
    { label: 'beam, KV (default)', decoding: 'beam', kvCache: true, batchSize: B, calls: 'batched' },
    { label: 'beam, re-run', decoding: 'beam', kvCache: false, batchSize: B, calls: 'batched' },
    { label: 'beam, KV, one call per chunk (Mokuro)', decoding: 'beam', kvCache: true, batchSize: 1, calls: 'per-chunk' },
    { label: 'beam, KV, batch 4', decoding: 'beam', kvCache: true, batchSize: 4, calls: 'batched' },
    { label: 'beam, KV, batch 16', decoding: 'beam', kvCache: true, batchSize: 16, calls: 'batched' },
    { label: 'greedy, KV, one call per chunk', decoding: 'greedy', kvCache: true, batchSize: 1, calls: 'per-chunk' },
  ];
  // the GPU configuration's loop, timed on CPU: encoder and search in one call per batch
  if (real.beamSearch) plan.push({ label: 'beam, in-graph search (GPU configuration)', decoding: 'beam', kvCache: true, batchSize: B, calls: 'batched', loop: 'onnx' });
  const runs: RecognizerRun[] = [];
  for (const p of plan) {
    say(`  ${p.label}`);
    runs.push(await timeRecognizer(real, clock, crops, { ...p }));
  }
  const by = (label: string) => runs.find((r) => r.label === label)!;
  const derived = {
    kv_speedup_decoder_greedy: round(by('greedy, re-run').decoder_ms / by('greedy, KV').decoder_ms),
    kv_speedup_decoder_beam: round(by('beam, re-run').decoder_ms / by('beam, KV (default)').decoder_ms),
    kv_speedup_wall_beam: round(by('beam, re-run').wall_ms / by('beam, KV (default)').wall_ms),
    beam_over_greedy_wall: round(by('beam, KV (default)').wall_ms / by('greedy, KV').wall_ms),
    per_chunk_over_batched_wall_beam: round(by('beam, KV, one call per chunk (Mokuro)').wall_ms / by('beam, KV (default)').wall_ms),
    per_chunk_over_batched_wall_greedy: round(by('greedy, KV, one call per chunk').wall_ms / by('greedy, KV').wall_ms),
  };
  return { runs, derived };
}
