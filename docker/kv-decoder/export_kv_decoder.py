"""
Export manga-ocr's decoder with a KV cache, in optimum's split layout, from the PyTorch weights.

optimum refuses a with-past export of this model ("The decoder part of the encoder-decoder model is
bert which does not need past key values"; huggingface/optimum optimum/exporters/onnx/__main__.py),
which is why the published export (mayocream/manga-ocr-onnx, `--task vision2seq-lm`) re-runs the
whole prefix every step. transformers' BertLMHeadModel does take and return `past_key_values`, so
this script traces it twice with torch.onnx.export, naming inputs and outputs as optimum does:

  decoder_model.onnx            input_ids [B,T] int64, encoder_hidden_states [B,S,768]
                                -> logits [B,T,V], present.{i}.{decoder,encoder}.{key,value}
  decoder_with_past_model.onnx  input_ids [B,1] int64, past_key_values.{i}.{decoder,encoder}.{key,value}
                                -> logits [B,1,V], present.{i}.decoder.{key,value}

The with-past graph reads the cross-attention keys/values from its past inputs (BertSelfAttention
uses `past_key_value` and ignores the encoder states when both are given), so it needs no encoder
states; a zero-width stand-in satisfies BertModel, which builds the encoder mask from their shape.

usage: export_kv_decoder.py MODEL OUT_DIR [--revision REV]
  MODEL: a VisionEncoderDecoderModel folder or hub id (kha-white/manga-ocr-base)
"""
import argparse
import os

import torch
from transformers import VisionEncoderDecoderModel

OPSET = 14  # the published plain export's opset


def cache_names(kind, layers, self_only=False):
    parts = ["decoder"] if self_only else ["decoder", "encoder"]
    return [f"{kind}.{i}.{p}.{kv}" for i in range(layers) for p in parts for kv in ("key", "value")]


class FirstStep(torch.nn.Module):
    """input_ids + encoder states -> logits and every layer's self and cross keys/values"""

    def __init__(self, decoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, input_ids, encoder_hidden_states):
        out = self.decoder(input_ids=input_ids, encoder_hidden_states=encoder_hidden_states, use_cache=True, return_dict=True)
        flat = [t for layer in out.past_key_values for t in layer]  # self k, self v, cross k, cross v
        return (out.logits, *flat)


class WithPast(torch.nn.Module):
    """the newest token + the cache -> logits and the grown self-attention cache"""

    def __init__(self, decoder, layers):
        super().__init__()
        self.decoder = decoder
        self.layers = layers

    def forward(self, input_ids, *past):
        layers = tuple(tuple(past[4 * i: 4 * i + 4]) for i in range(self.layers))
        cross_key = past[2]
        # never read (the cross keys/values come from the cache); only its batch size and width are
        states = cross_key.new_zeros((input_ids.shape[0], 1, cross_key.shape[1] * cross_key.shape[3]))
        out = self.decoder(input_ids=input_ids, encoder_hidden_states=states, past_key_values=layers, use_cache=True, return_dict=True)
        return (out.logits, *[t for layer in out.past_key_values for t in layer[:2]])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("out")
    ap.add_argument("--revision", default=None)
    args = ap.parse_args()
    model = VisionEncoderDecoderModel.from_pretrained(args.model, revision=args.revision, attn_implementation="eager").eval()
    decoder = model.decoder
    cfg = decoder.config
    layers, heads = cfg.num_hidden_layers, cfg.num_attention_heads
    head = cfg.hidden_size // heads
    enc_width = model.config.encoder.hidden_size
    os.makedirs(args.out, exist_ok=True)

    batch, steps, seq = 2, 3, 197
    ids = torch.full((batch, steps), 2, dtype=torch.long)
    states = torch.randn(batch, seq, enc_width)
    present_all = cache_names("present", layers)
    with torch.no_grad():
        torch.onnx.export(
            FirstStep(decoder), (ids, states), os.path.join(args.out, "decoder_model.onnx"),
            input_names=["input_ids", "encoder_hidden_states"], output_names=["logits", *present_all],
            dynamic_axes={
                "input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
                "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
                "logits": {0: "batch_size", 1: "decoder_sequence_length"},
                **{n: {0: "batch_size", 2: "encoder_sequence_length_out" if ".encoder." in n else "decoder_sequence_length"} for n in present_all},
            },
            opset_version=OPSET, do_constant_folding=True,
        )
        past_all = cache_names("past_key_values", layers)
        past = []
        for name in past_all:
            length = seq if ".encoder." in name else steps
            past.append(torch.randn(batch, heads, length, head))
        one = torch.full((batch, 1), 7, dtype=torch.long)
        present_self = cache_names("present", layers, self_only=True)
        torch.onnx.export(
            WithPast(decoder, layers), (one, *past), os.path.join(args.out, "decoder_with_past_model.onnx"),
            input_names=["input_ids", *past_all], output_names=["logits", *present_self],
            dynamic_axes={
                "input_ids": {0: "batch_size"},
                "logits": {0: "batch_size"},
                **{n: {0: "batch_size", 2: "encoder_sequence_length_out" if ".encoder." in n else "past_decoder_sequence_length"} for n in past_all},
                **{n: {0: "batch_size", 2: "past_decoder_sequence_length + 1"} for n in present_self},
            },
            opset_version=OPSET, do_constant_folding=True,
        )
    print(f"wrote {args.out}/decoder_model.onnx and decoder_with_past_model.onnx ({layers} layers, {heads} heads)")


if __name__ == "__main__":
    main()
