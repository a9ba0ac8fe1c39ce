import type { DType, Dim, GraphBuilder } from './graph-builder.ts';

/**
 * Input and output signatures of the published exports (the detector's as written by kha-white/comic-text-detector utils/export.py;
 * manga-ocr's as declared by mayocream/manga-ocr-onnx, an optimum `vision2seq-lm` export): the stand-ins
 * must match them exactly so the code under test cannot tell the difference.
 */
export interface TensorIo {
  name: string;
  dtype: DType;
  dims: readonly Dim[];
}
export interface ModelIo {
  inputs: readonly TensorIo[];
  outputs: readonly TensorIo[];
}

export const DETECTOR_IO: ModelIo = {
  inputs: [{ name: 'images', dtype: 'float32', dims: [1, 3, 1024, 1024] }],
  outputs: [
    { name: 'blk', dtype: 'float32', dims: [1, 64512, 7] },
    { name: 'seg', dtype: 'float32', dims: [1, 1, 1024, 1024] },
    { name: 'det', dtype: 'float32', dims: [1, 2, 1024, 1024] },
  ],
};

/**
 * The pinned encoder's declared I/O (mayocream/manga-ocr-onnx @24b1277, optimum `vision2seq-lm` export):
 * every dim symbolic, names verbatim; it really takes [B,3,224,224] and gives [B,197,768].
 */
export const ENCODER_IO: ModelIo = {
  inputs: [{ name: 'pixel_values', dtype: 'float32', dims: ['batch_size', 'num_channels', 'height', 'width'] }],
  outputs: [{ name: 'last_hidden_state', dtype: 'float32', dims: ['batch_size', 'Addlast_hidden_state_dim_1', 'Addlast_hidden_state_dim_2'] }],
};

/**
 * manga-ocr's BERT decoder: 2 layers, 12 heads of 64, vocabulary 6144 (kha-white/manga-ocr
 * manga_ocr_dev/training/get_model.py, on cl-tohoku/bert-base-japanese-char-v2's config).
 */
export const DECODER_LAYERS = 2;
export const DECODER_HEADS = 12;
export const HEAD_DIM = 64;
export const ENCODER_TOKENS = 197;
export const VOCAB_SIZE = 6144;

// optimum's symbolic axis names for the seq2seq decoder exports.
const B = 'batch_size';
const ENC_STATES: TensorIo = { name: 'encoder_hidden_states', dtype: 'float32', dims: [B, 'encoder_sequence_length', 768] };

function kvCache(prefix: 'past_key_values' | 'present', decoderLength: Dim): TensorIo[] {
  const out: TensorIo[] = [];
  for (let i = 0; i < DECODER_LAYERS; i++) {
    for (const [part, len] of [['decoder', decoderLength], ['encoder', ENCODER_TOKENS]] as const) {
      for (const kind of ['key', 'value']) {
        out.push({ name: `${prefix}.${i}.${part}.${kind}`, dtype: 'float32', dims: [B, DECODER_HEADS, len, HEAD_DIM] });
      }
    }
  }
  return out;
}

/**
 * The pinned decoder's declared I/O (same export): re-runs the whole prefix, `logits` is its only output,
 * and there is no decoder_with_past_model.onnx beside it.
 */
export const DECODER_IO: ModelIo = {
  inputs: [{ name: 'input_ids', dtype: 'int64', dims: [B, 'decoder_sequence_length'] }, ENC_STATES],
  outputs: [{ name: 'logits', dtype: 'float32', dims: [B, 'decoder_sequence_length', VOCAB_SIZE] }],
};

/**
 * Not production's: the first half of an optimum KV pair (`--task vision2seq-lm-with-past`), a plain
 * decoder that also emits the cache, for the KV-cache decoding path's tests and the benchmark's comparison.
 */
export const DECODER_WITH_PRESENT_IO: ModelIo = {
  inputs: DECODER_IO.inputs,
  outputs: [...DECODER_IO.outputs, ...kvCache('present', 'decoder_sequence_length')],
};

/** Not production's: the second half of that pair, one new token over `past_key_values.*`. */
export const DECODER_WITH_PAST_IO: ModelIo = {
  inputs: [
    { name: 'input_ids', dtype: 'int64', dims: [B, 1] },
    ENC_STATES,
    ...kvCache('past_key_values', 'past_decoder_sequence_length'),
  ],
  outputs: [
    { name: 'logits', dtype: 'float32', dims: [B, 1, VOCAB_SIZE] },
    ...kvCache('present', 'past_decoder_sequence_length + 1'),
  ],
};

/** Declares the graph inputs of `io` and returns their names in order. */
export function declareIo(g: GraphBuilder, io: ModelIo): { inputs: string[] } {
  return { inputs: io.inputs.map((t) => g.input(t.name, t.dtype, t.dims)) };
}
