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
import type { DecoderStep, DecoderStepInput } from './decoder-step.ts';

/** decoder hidden size = encoder output width (§4.2 config print: hidden 768) */
export const HIDDEN_SIZE = 768;
/** decoder attention heads (§4.2: 12 heads) */
export const DECODER_HEADS = 12;
/** per-head width, 768 / 12 (§4.2) */
export const HEAD_DIM = 64;

const PAST = 'past_key_values.';
const PRESENT = 'present.';
const USE_CACHE = 'use_cache_branch';

type Tensor = ort.Tensor;
type Data = Float32Array | Uint16Array;

export interface SessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
}

export type DecoderKind = 'plain' | 'kv-merged' | 'kv-split';

export interface BoundDecoder {
  kind: DecoderKind;
  /** a fresh step function (fresh cache) for one batch of encoder outputs `[batch, S, 768]` */
  bind(hidden: Float32Array, batch: number): DecoderStep;
}

const pick = (names: readonly string[], wanted: string) => (names.includes(wanted) ? wanted : names[0]);

/** Encoder: `pixel_values [B,3,224,224]` → `last_hidden_state [B,197,768]`. */
export function createEncoder(session: SessionLike) {
  const input = pick(session.inputNames, 'pixel_values');
  const output = pick(session.outputNames, 'last_hidden_state');
  return async (pixels: Float32Array, batch: number): Promise<Float32Array> => {
    const size = pixels.length / batch / 3;
    const side = Math.round(Math.sqrt(size));
    const out = await session.run({ [input]: new ort.Tensor('float32', pixels, [batch, 3, side, side]) });
    return out[output].data as Float32Array;
  };
}

/** rows of `data` (each `rowSize` long) in the order of `index` */
function gatherRows(data: Data, rowSize: number, index: readonly number[]): Data {
  const out = new (data.constructor as new (n: number) => Data)(index.length * rowSize);
  index.forEach((src, r) => out.set(data.subarray(src * rowSize, (src + 1) * rowSize), r * rowSize));
  return out;
}

function gatherTensor(t: Tensor, index: readonly number[]): Tensor {
  const rowSize = t.dims.slice(1).reduce((a, b) => a * b, 1);
  return new ort.Tensor(t.type as 'float32', gatherRows(t.data as Data, rowSize, index), [index.length, ...t.dims.slice(1)]);
}

function lastPositionLogits(logits: Tensor): Float32Array {
  const [rows, T, V] = logits.dims;
  const data = logits.data as Float32Array;
  if (T === 1) return data;
  const out = new Float32Array(rows * V);
  for (let r = 0; r < rows; r++) out.set(data.subarray((r * T + T - 1) * V, (r * T + T) * V), r * V);
  return out;
}

function idsTensor(prefixes: DecoderStepInput['prefixes'], lastOnly: boolean): Tensor {
  const T = lastOnly ? 1 : prefixes[0].length;
  const ids = new BigInt64Array(prefixes.length * T);
  prefixes.forEach((p, r) => {
    for (let t = 0; t < T; t++) ids[r * T + t] = BigInt(p[p.length - T + t]);
  });
  return new ort.Tensor('int64', ids, [prefixes.length, T]);
}

/** encoder_hidden_states per row, re-gathered only when the rows' crops change */
function hiddenPerRow(hidden: Float32Array, batch: number) {
  const perCrop = hidden.length / batch;
  const seq = perCrop / HIDDEN_SIZE;
  let lastKey = '';
  let last: Tensor | undefined;
  return (crops: readonly number[]): Tensor => {
    const key = crops.join(',');
    if (key !== lastKey || !last) {
      last = new ort.Tensor('float32', gatherRows(hidden, perCrop, crops), [crops.length, seq, HIDDEN_SIZE]);
      lastKey = key;
    }
    return last;
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
  const logitsName = pick(decoder.outputNames, 'logits');

  if (kind === 'plain') {
    return {
      kind,
      bind(hidden, batch) {
        const states = hiddenPerRow(hidden, batch);
        return async ({ prefixes, crops }) => {
          const out = await decoder.run({ input_ids: idsTensor(prefixes, false), encoder_hidden_states: states(crops) });
          return lastPositionLogits(out[logitsName]);
        };
      },
    };
  }

  const cached = kind === 'kv-merged' ? decoder : decoderWithPast!;
  const pastNames = cached.inputNames.filter((n) => n.startsWith(PAST));
  return {
    kind,
    bind(hidden, batch) {
      const states = hiddenPerRow(hidden, batch);
      let past: Record<string, Tensor> = {};
      /** encoder K/V of the first call, and which row of it holds each crop */
      const encoderPast: Record<string, Tensor> = {};
      let encoderRowOfCrop: number[] = [];
      let encoderKey = '';
      let encoderGathered: Record<string, Tensor> = {};

      return async ({ prefixes, crops, parents }) => {
        const rows = prefixes.length;
        const first = parents === null;
        const session = first ? decoder : cached;
        const feeds: Record<string, Tensor> = { input_ids: idsTensor(prefixes, !first) };
        if (session.inputNames.includes('encoder_hidden_states')) feeds.encoder_hidden_states = states(crops);
        if (session.inputNames.includes(USE_CACHE)) feeds[USE_CACHE] = new ort.Tensor('bool', [!first], [1]);
        if (first && hasPast(session)) {
          // merged export, no-cache branch: empty past of sequence length 0
          const empty = new ort.Tensor('float32', new Float32Array(0), [rows, DECODER_HEADS, 0, HEAD_DIM]);
          for (const name of pastNames) feeds[name] = empty;
        } else if (!first) {
          const key = crops.join(',');
          if (key !== encoderKey) {
            const index = crops.map((c) => encoderRowOfCrop[c]);
            encoderGathered = Object.fromEntries(
              Object.entries(encoderPast).map(([name, t]) => [name, gatherTensor(t, index)]),
            );
            encoderKey = key;
          }
          for (const name of pastNames) {
            feeds[name] = name.includes('.encoder.') ? encoderGathered[name] : gatherTensor(past[name], parents);
          }
        }
        const out = await session.run(feeds);
        const nextPast: Record<string, Tensor> = {};
        for (const name of Object.keys(out)) {
          if (!name.startsWith(PRESENT)) continue;
          const pastName = PAST + name.slice(PRESENT.length);
          if (!name.includes('.encoder.')) nextPast[pastName] = out[name];
          else if (first) encoderPast[pastName] = out[name]; // later steps only echo it (optimum)
        }
        if (first) {
          encoderRowOfCrop = [];
          crops.forEach((c, r) => (encoderRowOfCrop[c] ??= r));
        }
        past = nextPast;
        return lastPositionLogits(out[pick(session.outputNames, 'logits')]);
      };
    },
  };
}
