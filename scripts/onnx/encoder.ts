import { createGraph } from './graph-builder.ts';
import { conv, gelu, layerNorm, linear, weight, type Net } from './nn.ts';
import { attention, mergeHeads, splitHeads } from './attention.ts';
import { createPrng } from './prng.ts';
import { ENCODER_IO, ENCODER_TOKENS, declareIo } from './model-io.ts';

/** ViT-base/16 as in manga-ocr's encoder (DeiT-base weights, loaded as ViTModel; kha-white/manga-ocr manga_ocr_dev/training/get_model.py). */
export const VIT_BASE = { layers: 12, hidden: 768, heads: 12, mlp: 3072, patch: 16, eps: 1e-12 } as const;
export type EncoderSize = 'tiny' | 'real';

/**
 * `tiny`: patch embedding + CLS + position embeddings + one LayerNorm, so the output depends on the image
 * at the cost of one strided conv. `real`: the full 12-layer ViT-base with random weights, for benchmarks.
 */
export function buildEncoder(size: EncoderSize): Uint8Array {
  const c = VIT_BASE;
  const g = createGraph(`manga-ocr-encoder-${size}`);
  const net: Net = { g, rng: createPrng(size === 'tiny' ? 11 : 12) };
  const pixels = declareIo(g, ENCODER_IO).inputs[0];

  const patches = conv(net, pixels, 3, c.hidden, { kernel: c.patch, stride: c.patch, pad: 0, gain: 1 });
  const tokens = g.op('Transpose', [g.op('Reshape', [patches, g.constI([0, c.hidden, -1])])], { perm: [0, 2, 1] });
  const clsShape = g.op('Concat', [g.op('Shape', [tokens], { start: 0, end: 1 }), g.constI([1, c.hidden])], { axis: 0 });
  const cls = g.op('Expand', [weight(net, 'cls_token', [1, 1, c.hidden], 1, 0.02), clsShape]);
  let x = g.op('Add', [g.op('Concat', [cls, tokens], { axis: 1 }), weight(net, 'position_embeddings', [1, ENCODER_TOKENS, c.hidden], 1, 0.02)]);

  const layers = size === 'tiny' ? 0 : c.layers;
  for (let i = 0; i < layers; i++) {
    // Pre-LN transformer block (ViTLayer).
    const h = layerNorm(net, x, c.hidden, c.eps);
    const [q, k, v] = ['q', 'k', 'v'].map(() => splitHeads(net, linear(net, h, c.hidden, c.hidden), c.heads));
    const ctx = mergeHeads(net, attention(net, q, k, v, c.hidden / c.heads), c.hidden);
    x = g.op('Add', [x, linear(net, ctx, c.hidden, c.hidden)]);
    const h2 = layerNorm(net, x, c.hidden, c.eps);
    x = g.op('Add', [x, linear(net, gelu(net, linear(net, h2, c.hidden, c.mlp)), c.mlp, c.hidden)]);
  }
  const out = layerNorm(net, x, c.hidden, c.eps);
  // onnxruntime reports a graph output's inferred sizes over its declared symbolic dims; the pinned export's
  // graph leaves them uninferred, so does this reshape to the output's own runtime shape (a no-op)
  g.output('last_hidden_state', 'float32', ENCODER_IO.outputs[0].dims, g.op('Reshape', [out, g.op('Shape', [out])]));
  return g.encode();
}
