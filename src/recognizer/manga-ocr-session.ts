/**
 * Turns manga-ocr encoder/decoder sessions into the pure functions the recogniser uses (the session
 * wrappers; the KV-cache step is kv-decoder-step.ts). Decoder exports supported (§5.2), detected from input names:
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
import { createBufferPool } from './buffer-pool.ts';
import { createKvStep } from './kv-decoder-step.ts';
import { PAST, PRESENT, USE_CACHE, hiddenRows, pick, type SessionLike } from './session-like.ts';
import { idsTensor, lastPositionLogits } from './tensor-rows.ts';


export type DecoderKind = 'plain' | 'kv-merged' | 'kv-split';

export interface BoundDecoder {
  kind: DecoderKind;
  /** a fresh step function (fresh cache) for one batch of encoder outputs `[batch, S, 768]` */
  bind(hidden: Float32Array, batch: number): DecoderStep;
}

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
