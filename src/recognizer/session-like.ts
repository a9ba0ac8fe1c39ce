/**
 * What the manga-ocr session wrappers (manga-ocr-session.ts) and the KV-cache decoder step
 * (kv-decoder-step.ts) share: the session shape they drive, the model's dimensions and the optimum
 * cache names. Kept apart so that neither of the two imports the other's module for them.
 */
import ort from 'onnxruntime-node';
import type { BufferLease } from './buffer-pool.ts';
import { rowsOfCrops } from './tensor-rows.ts';

/** decoder hidden size = encoder output width (Hugging Face kha-white/manga-ocr-base config.json: hidden 768) */
export const HIDDEN_SIZE = 768;
/** decoder attention heads (config.json: 12 heads) */
export const DECODER_HEADS = 12;
/** per-head width, 768 / 12 */
export const HEAD_DIM = 64;

export const PAST = 'past_key_values.';
export const PRESENT = 'present.';
export const USE_CACHE = 'use_cache_branch';

type Tensor = ort.Tensor;

export interface SessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /**
   * `fetches` names the outputs wanted: onnxruntime-node copies every fetched output into a new JS
   * buffer (pre-allocated output tensors too: it writes them, then still copies), and the
   * cross-attention `present.*.encoder.*` alone are 2.4 MB per row per step. The returned tensors
   * are the caller's to modify.
   */
  run(feeds: Record<string, Tensor>, fetches: readonly string[]): Promise<Record<string, Tensor>>;
}

export const pick = (names: readonly string[], wanted: string) => (names.includes(wanted) ? wanted : names[0]);

/** the encoder output as a tensor `[batch, S, 768]`, and a lease-backed per-row view of it */
export function hiddenRows(hidden: Float32Array, batch: number, lease: BufferLease) {
  const seq = hidden.length / batch / HIDDEN_SIZE;
  const tensor = new ort.Tensor('float32', hidden, [batch, seq, HIDDEN_SIZE]);
  const identity = Array.from({ length: batch }, (_, c) => c);
  return rowsOfCrops(tensor, identity, (n) => lease.take('hidden', n, Float32Array));
}
