/**
 * The only file that touches onnxruntime: turns manga-ocr encoder/decoder sessions into the pure
 * functions the recogniser uses. Decoder exports supported (§5.2), detected from input names:
 * - plain: `input_ids` + `encoder_hidden_states` → `logits [B,T,V]`, re-runs the whole prefix;
 * - KV cache, merged (optimum `decoder_model_merged`): `past_key_values.{i}.{decoder,encoder}.{key,value}`
 *   + `use_cache_branch` inputs, `present.*` outputs;
 * - KV cache, split (optimum `decoder_model` + `decoder_with_past_model`): the first step runs the
 *   plain decoder, which must output `present.*`, later steps the with-past session.
 * With beam search the decoder cache is reordered along each row's parent every step (§5.2).
 * Cache tensors keep whatever element type the model uses.
 */
import ort from 'onnxruntime-node';
import type { DecoderStep } from './decoder-step.ts';
import { createBufferPool, type BufferLease } from './buffer-pool.ts';
import { createKvStep } from './kv-decoder-step.ts';
import { idsTensor, lastPositionLogits, rowsOfCrops } from './tensor-rows.ts';

/** decoder hidden size = encoder output width (§4.2 config print: hidden 768) */
export const HIDDEN_SIZE = 768;
/** decoder attention heads (§4.2: 12 heads) */
export const DECODER_HEADS = 12;
/** per-head width, 768 / 12 (§4.2) */
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

export type DecoderKind = 'plain' | 'kv-merged' | 'kv-split';

export interface BoundDecoder {
  kind: DecoderKind;
  /** a fresh step function (fresh cache) for one batch of encoder outputs `[batch, S, 768]` */
  bind(hidden: Float32Array, batch: number): DecoderStep;
}

export const pick = (names: readonly string[], wanted: string) => (names.includes(wanted) ? wanted : names[0]);

/** Encoder: `pixel_values [B,3,224,224]` → `last_hidden_state [B,197,768]`. */
export function createEncoder(session: SessionLike) {
  const input = pick(session.inputNames, 'pixel_values');
  const output = pick(session.outputNames, 'last_hidden_state');
  return async (pixels: Float32Array, batch: number): Promise<Float32Array> => {
    const size = pixels.length / batch / 3;
    const side = Math.round(Math.sqrt(size));
    const out = await session.run({ [input]: new ort.Tensor('float32', pixels, [batch, 3, side, side]) }, [output]);
    return out[output].data as Float32Array;
  };
}

function requireInputs(session: SessionLike, known: (name: string) => boolean, what: string): void {
  const unknown = session.inputNames.filter((n) => !known(n));
  if (unknown.length) throw new Error(`${what}: unsupported decoder inputs ${unknown.join(', ')}`);
}

/** the encoder output as a tensor `[batch, S, 768]`, and a lease-backed per-row view of it */
export function hiddenRows(hidden: Float32Array, batch: number, lease: BufferLease) {
  const seq = hidden.length / batch / HIDDEN_SIZE;
  const tensor = new ort.Tensor('float32', hidden, [batch, seq, HIDDEN_SIZE]);
  const identity = Array.from({ length: batch }, (_, c) => c);
  return rowsOfCrops(tensor, identity, (n) => lease.take('hidden', n, Float32Array));
}

/** Detect the decoder export and build per-batch step functions. */
export function createDecoder(sessions: { decoder: SessionLike; decoderWithPast?: SessionLike }): BoundDecoder {
  const { decoder, decoderWithPast } = sessions;
  const hasPast = (s: SessionLike) => s.inputNames.some((n) => n.startsWith(PAST));
  const hasPresent = (s: SessionLike) => s.outputNames.some((n) => n.startsWith(PRESENT));
  const plainInputs = (n: string) => n === 'input_ids' || n === 'encoder_hidden_states';
  const pastInputs = (n: string) => plainInputs(n) || n.startsWith(PAST) || n === USE_CACHE;

  const kind: DecoderKind = hasPast(decoder)
    ? 'kv-merged'
    : decoderWithPast && hasPast(decoderWithPast) && hasPresent(decoder)
      ? 'kv-split'
      : 'plain';
  requireInputs(decoder, kind === 'kv-merged' ? pastInputs : plainInputs, 'decoder');
  if (kind === 'kv-split') requireInputs(decoderWithPast!, pastInputs, 'decoder with past');
  // one pool per decoder: its buffers outlive a batch, so later batches touch no fresh memory
  const pool = createBufferPool();

  if (kind !== 'plain') {
    const cached = kind === 'kv-merged' ? decoder : decoderWithPast!;
    return { kind, bind: (hidden, batch) => createKvStep(decoder, cached, hidden, batch, pool.lease()) };
  }
  const logitsName = pick(decoder.outputNames, 'logits');
  return {
    kind,
    bind(hidden, batch) {
      const lease = pool.lease();
      const states = hiddenRows(hidden, batch, lease);
      const step = async ({ prefixes, crops }: Parameters<DecoderStep>[0]) => {
        const out = await decoder.run({ input_ids: idsTensor(prefixes, false), encoder_hidden_states: states(crops) }, [logitsName]);
        return lastPositionLogits(out[logitsName], (n) => lease.take('last', n, Float32Array));
      };
      return Object.assign(step, { release: lease.release });
    },
  };
}
