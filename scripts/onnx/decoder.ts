import { createGraph } from './graph-builder.ts';
import { gelu, layerNorm, linear, type Net } from './nn.ts';
import { attention, causalMask, dimOf, mergeHeads, splitHeads } from './attention.ts';
import { createPrng } from './prng.ts';
import { DECODER_HEADS, DECODER_IO, DECODER_LAYERS, DECODER_WITH_PAST_IO, DECODER_WITH_PRESENT_IO, HEAD_DIM, VOCAB_SIZE, declareIo } from './model-io.ts';
import { decoderEmbeddings, endOfSequenceBias, type DecoderConfig } from './decoder-parts.ts';

/** manga-ocr's decoder: BertLMHeadModel cut to 2 layers (kha-white/manga-ocr manga_ocr_dev/training/get_model.py). */
export const BERT_DECODER: DecoderConfig = { hidden: 768, intermediate: 3072, maxPositions: 512, eps: 1e-12, crossProjection: 'full' };
/**
 * Same names, heads and cache shapes, but a 64-wide residual stream and a diagonal cross-attention
 * projection: a few MB and well under a millisecond per step. Adds a growing bias towards EOS so decoding ends.
 */
export const TINY_DECODER: DecoderConfig = { hidden: 64, intermediate: 128, maxPositions: 512, eps: 1e-12, crossProjection: 'diagonal', endBias: true };

const ATTN = DECODER_HEADS * HEAD_DIM;

interface LayerCache {
  selfKey: string;
  selfValue: string;
  crossKey: string;
  crossValue: string;
}

/**
 * `plain`: production's `decoder_model.onnx`, re-runs the prefix, `logits` only (the pinned export's I/O).
 * `with-present`: the same graph also emitting `present.*`, and `with-past`: one new token over
 * `past_key_values.*` — an optimum KV pair, which production does not have, for the KV path's tests and
 * the benchmark's comparison. All three come from the same seed and the same code path, so they hold
 * identical weights and agree up to float rounding.
 */
export type DecoderVariant = 'plain' | 'with-present' | 'with-past';

export function buildDecoder(cfg: DecoderConfig, variant: DecoderVariant): Uint8Array {
  const withPast = variant === 'with-past';
  const io = withPast ? DECODER_WITH_PAST_IO : variant === 'with-present' ? DECODER_WITH_PRESENT_IO : DECODER_IO;
  const g = createGraph(withPast ? 'manga-ocr-decoder-with-past' : 'manga-ocr-decoder');
  const net: Net = { g, rng: createPrng(cfg.crossProjection === 'full' ? 21 : 22) };
  const [ids, enc, ...pastNames] = declareIo(g, io).inputs;
  const past: LayerCache[] = [];
  for (let i = 0; withPast && i < DECODER_LAYERS; i++) {
    const [selfKey, selfValue, crossKey, crossValue] = pastNames.slice(4 * i, 4 * i + 4);
    past.push({ selfKey, selfValue, crossKey, crossValue });
  }

  const pastLength = withPast ? dimOf(net, past[0].selfKey, 2) : g.constI([0], []);
  const length = dimOf(net, ids, 1);
  const mask = causalMask(net, pastLength, length, g.op('Add', [pastLength, length]));
  let x = decoderEmbeddings(net, cfg, ids, pastLength, length);
  const presents: LayerCache[] = [];

  for (let i = 0; i < DECODER_LAYERS; i++) {
    const project = (from: string) => splitHeads(net, linear(net, from, cfg.hidden, ATTN), DECODER_HEADS);
    const q = project(x);
    let selfKey = project(x);
    let selfValue = project(x);
    if (withPast) {
      selfKey = g.op('Concat', [past[i].selfKey, selfKey], { axis: 2 });
      selfValue = g.op('Concat', [past[i].selfValue, selfValue], { axis: 2 });
    }
    const selfOut = mergeHeads(net, attention(net, q, selfKey, selfValue, HEAD_DIM, mask), ATTN);
    x = layerNorm(net, g.op('Add', [x, linear(net, selfOut, ATTN, cfg.hidden)]), cfg.hidden, cfg.eps);

    // With a cache the projections are only drawn (not built), so both files get the same later weights.
    const crossKey = crossProject(net, cfg, enc, withPast);
    const crossValue = crossProject(net, cfg, enc, withPast);
    const cache = withPast ? past[i] : { crossKey, crossValue };
    const crossQ = project(x);
    const crossOut = mergeHeads(net, attention(net, crossQ, cache.crossKey, cache.crossValue, HEAD_DIM), ATTN);
    const crossGain = cfg.crossProjection === 'diagonal' ? 3 : 1;
    x = layerNorm(net, g.op('Add', [x, linear(net, crossOut, ATTN, cfg.hidden, { gain: crossGain })]), cfg.hidden, cfg.eps);

    const ffn = linear(net, gelu(net, linear(net, x, cfg.hidden, cfg.intermediate)), cfg.intermediate, cfg.hidden);
    x = layerNorm(net, g.op('Add', [x, ffn]), cfg.hidden, cfg.eps);
    presents.push({ selfKey, selfValue, crossKey: cache.crossKey, crossValue: cache.crossValue });
  }

  // BertLMPredictionHead: dense + GELU + LayerNorm, then the vocabulary projection.
  const transformed = layerNorm(net, gelu(net, linear(net, x, cfg.hidden, cfg.hidden)), cfg.hidden, cfg.eps);
  let logits = linear(net, transformed, cfg.hidden, VOCAB_SIZE, { gain: 2 });
  if (cfg.endBias) logits = g.op('Add', [logits, endOfSequenceBias(net, enc, pastLength, length)]);

  const [logitsIo, ...presentIo] = io.outputs;
  g.output(logitsIo.name, logitsIo.dtype, logitsIo.dims, logits);
  presents.forEach((p, i) => {
    [p.selfKey, p.selfValue, p.crossKey, p.crossValue].forEach((value, j) => {
      const t = presentIo[4 * i + j];
      if (t) g.output(t.name, t.dtype, t.dims, value);
    });
  });
  return g.encode();
}

function crossProject(net: Net, cfg: DecoderConfig, enc: string, drawOnly: boolean): string {
  const { g, rng } = net;
  if (drawOnly) {
    rng.uniform(cfg.crossProjection === 'full' ? ATTN * ATTN + ATTN : 2 * ATTN, 1);
    return '';
  }
  if (cfg.crossProjection === 'full') return splitHeads(net, linear(net, enc, ATTN, ATTN), DECODER_HEADS);
  const scaled = g.op('Add', [g.op('Mul', [enc, g.init('cross.scale', [ATTN], rng.uniform(ATTN, 1))]), g.init('cross.shift', [ATTN], rng.uniform(ATTN, 0.1))]);
  return splitHeads(net, scaled, DECODER_HEADS);
}
