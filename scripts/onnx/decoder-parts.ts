import { layerNorm, weight, type Net } from './nn.ts';
import { VOCAB_SIZE } from './model-io.ts';

export interface DecoderConfig {
  /** Width of the residual stream (768 in BERT; the cache is always 12 heads × 64). */
  hidden: number;
  intermediate: number;
  maxPositions: number;
  eps: number;
  /** `full`: a 768×768 Linear to cross-attention keys/values; `diagonal`: a per-channel scale and shift. */
  crossProjection: 'full' | 'diagonal';
  /** Stand-in only: steer decoding to a short answer that ends with EOS. */
  endBias?: boolean;
}

/** manga-ocr special ids (kha-white/manga-ocr manga_ocr_dev/training/get_model.py: start = [CLS], eos = [SEP], pad = [PAD]). */
export const EOS_ID = 3;
const SPECIAL_IDS = [0, 1, 2, 4];

/** BertEmbeddings: word + absolute position (starting at the cache length) + token type 0, then LayerNorm. */
export function decoderEmbeddings(net: Net, cfg: DecoderConfig, ids: string, pastLength: string, length: string): string {
  const { g } = net;
  const words = g.op('Gather', [weight(net, 'word_embeddings', [VOCAB_SIZE, cfg.hidden], 1), ids]);
  const positions = g.op('Range', [pastLength, g.op('Add', [pastLength, length]), g.constI([1], [])]);
  const pos = g.op('Gather', [weight(net, 'position_embeddings', [cfg.maxPositions, cfg.hidden], 1, 0.5), positions]);
  const tokenType = g.op('Gather', [weight(net, 'token_type_embeddings', [2, cfg.hidden], 1, 0.5), g.constI([0], [])]);
  return layerNorm(net, g.op('Add', [g.op('Add', [words, pos]), tokenType]), cfg.hidden, cfg.eps);
}

// EOS logit = START + SLOPE·position + IMAGE·tanh(image score): random logits here have a spread of about
// ±8, so EOS wins somewhere between positions ~5 and ~12 depending on the image, and always by ~16.
const EOS_START = -6;
const EOS_SLOPE = 1.5;
const EOS_IMAGE = 3;

/**
 * Additive [B,T,vocab] bias: special ids other than EOS never win, and EOS grows with the position so that
 * greedy and beam search both stop after a short, image-dependent answer. A function of the absolute
 * position and the encoder states only, so the cached and uncached decoders add the same bias.
 */
export function endOfSequenceBias(net: Net, enc: string, pastLength: string, length: string): string {
  const { g } = net;
  const positions = g.op('Cast', [g.op('Range', [pastLength, g.op('Add', [pastLength, length]), g.constI([1], [])])], { to: 1 });
  const ramp = g.op('Add', [g.op('Mul', [positions, g.constF([EOS_SLOPE])]), g.constF([EOS_START])]);
  const image = g.op('ReduceMean', [g.op('MatMul', [enc, weight(net, 'eos.image', [768, 1], 768, 4)])], { axes: [1], keepdims: 1 });
  const eos = g.op('Add', [g.op('Unsqueeze', [ramp, g.constI([1])]), g.op('Mul', [g.op('Tanh', [image]), g.constF([EOS_IMAGE])])]);
  const eosOnly = new Float32Array(VOCAB_SIZE);
  eosOnly[EOS_ID] = 1;
  const penalty = new Float32Array(VOCAB_SIZE);
  for (const id of SPECIAL_IDS) penalty[id] = -100;
  return g.op('Add', [g.op('Mul', [eos, g.init('eos.onehot', [VOCAB_SIZE], eosOnly)]), g.init('special.penalty', [VOCAB_SIZE], penalty)]);
}
