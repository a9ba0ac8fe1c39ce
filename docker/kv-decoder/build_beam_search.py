"""
One ONNX model that runs manga-ocr's whole beam search inside onnxruntime (the com.microsoft
BeamSearch contrib op; microsoft/onnxruntime onnxruntime/contrib_ops/cpu/transformers/), so a GPU
worker sends each crop's pixels once and gets token ids back, instead of crossing PCIe at every step.

  pixels    uint8 [B, 224, 224]  the grey crop as manga-ocr preprocesses it, before normalisation
  max_length int32 [1]           sequence cap, start token included (Mokuro: 300)
  -> sequences int32 [B, 1, max_length]  the best hypothesis, padded with [PAD]

Built around existing graphs, weights untouched:
  encoder subgraph = the pinned encoder_model.onnx + the KV export's first decoder step
  decoder subgraph = the KV export's with-past step
BeamSearch's encoder-decoder interface takes float features [B, F, T] (its Whisper mode: the
encoder runs once per crop and its outputs are expanded to the beams on the device), so the grey
crop is normalised by table lookup (bit-exact with src/recognizer/preprocess.ts), tiled to three
channels as [B, 3·224, 224], and reshaped back inside the encoder subgraph.

usage: build_beam_search.py ENCODER KV_FIRST KV_WITH_PAST OUT [--beams 4] [--no-repeat 3] [--length-penalty 2]
"""
import argparse
import hashlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

START, EOS, PAD, VOCAB = 2, 3, 0, 6144  # manga-ocr's [CLS], [SEP], [PAD]; kha-white/manga-ocr-base config
SIDE = 224


def prefixed(graph, prefix, keep):
    """copy of a graph's nodes and initializers with every internal name prefixed (outer-scope safe)"""
    rename = lambda n: n if (n == "" or n in keep) else prefix + n
    nodes = []
    for node in graph.node:
        n = onnx.NodeProto()
        n.CopyFrom(node)
        n.name = prefix + node.name
        n.input[:] = [rename(x) for x in node.input]
        n.output[:] = [rename(x) for x in node.output]
        nodes.append(n)
    inits = []
    for init in graph.initializer:
        t = onnx.TensorProto()
        t.CopyFrom(init)
        t.name = rename(init.name)
        inits.append(t)
    return nodes, inits, rename


def value(name, elem, dims):
    return helper.make_tensor_value_info(name, elem, dims)


def layers_of(model):
    return sorted({int(o.name.split(".")[1]) for o in model.graph.output if o.name.startswith("present.")})


def encoder_subgraph(encoder, first):
    enc_nodes, enc_inits, enc_name = prefixed(encoder.graph, "enc/", set())
    dec_nodes, dec_inits, dec_name = prefixed(first.graph, "dec0/", set())
    layers = layers_of(first)
    before = [
        helper.make_node("Reshape", ["encoder_input_ids", "shape_bchw"], [enc_name("pixel_values")]),
        helper.make_node("Cast", ["decoder_input_ids"], [dec_name("input_ids")], to=TensorProto.INT64),
    ]
    between = [
        helper.make_node("Identity", [enc_name("last_hidden_state")], [dec_name("encoder_hidden_states")]),
        helper.make_node("Identity", [enc_name("last_hidden_state")], ["encoder_hidden_states"]),
    ]
    glue = [helper.make_node("Identity", [dec_name("logits")], ["logits"])]
    outputs = [value("logits", TensorProto.FLOAT, ["batch", 1, VOCAB]), value("encoder_hidden_states", TensorProto.FLOAT, ["batch", 197, 768])]
    # BeamSearch wants every layer's self cache first, then every layer's cross cache
    for part, role in (("decoder", "self"), ("encoder", "cross")):
        for i in layers:
            for kv in ("key", "value"):
                name = f"present_{kv}_{role}_{i}"
                glue.append(helper.make_node("Identity", [dec_name(f"present.{i}.{part}.{kv}")], [name]))
                outputs.append(value(name, TensorProto.FLOAT, ["batch", 12, 1 if role == "self" else 197, 64]))
    shape = numpy_helper.from_array(np.array([-1, 3, SIDE, SIDE], dtype=np.int64), "shape_bchw")
    return helper.make_graph(
        before + enc_nodes + between + dec_nodes + glue, "encoder",
        [value("encoder_input_ids", TensorProto.FLOAT, ["batch", 3 * SIDE, SIDE]), value("decoder_input_ids", TensorProto.INT32, ["batch", 1])],
        outputs, [shape, *enc_inits, *dec_inits],
    )


def decoder_subgraph(with_past):
    nodes, inits, name = prefixed(with_past.graph, "dec/", set())
    layers = layers_of(with_past)
    before = [helper.make_node("Cast", ["input_ids"], [name("input_ids")], to=TensorProto.INT64)]
    glue = [helper.make_node("Identity", [name("logits")], ["logits"])]
    inputs = [value("input_ids", TensorProto.INT32, ["batch", 1])]
    outputs = [value("logits", TensorProto.FLOAT, ["batch", 1, VOCAB])]
    for part, role in (("decoder", "self"), ("encoder", "cross")):
        for i in layers:
            for kv in ("key", "value"):
                past = f"past_{kv}_{role}_{i}"
                before.append(helper.make_node("Identity", [past], [name(f"past_key_values.{i}.{part}.{kv}")]))
                inputs.append(value(past, TensorProto.FLOAT, ["batch", 12, "past_seq" if role == "self" else 197, 64]))
    for i in layers:
        for kv in ("key", "value"):
            present = f"present_{kv}_self_{i}"
            glue.append(helper.make_node("Identity", [name(f"present.{i}.decoder.{kv}")], [present]))
            outputs.append(value(present, TensorProto.FLOAT, ["batch", 12, "past_seq_plus_1", 64]))
    return helper.make_graph(before + nodes + glue, "decoder", inputs, outputs, inits)


def share_weights(graphs):
    """initializers with the same bytes in several subgraphs move to the main graph, once"""
    seen, outer = {}, []
    for g in graphs:
        for t in g.initializer:
            key = hashlib.sha256(t.data_type.to_bytes(4, "little") + bytes(str(list(t.dims)), "ascii") + t.raw_data).hexdigest()
            if t.raw_data and len(t.raw_data) >= 4096:
                seen.setdefault(key, []).append((g, t))
    for key, places in seen.items():
        if len(places) < 2:
            continue
        shared = onnx.TensorProto()
        shared.CopyFrom(places[0][1])
        shared.name = f"shared/{key[:16]}"
        outer.append(shared)
        for g, t in places:
            old = t.name
            g.initializer.remove(t)
            for node in g.node:
                node.input[:] = [shared.name if x == old else x for x in node.input]
    return outer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("encoder")
    ap.add_argument("first")
    ap.add_argument("with_past")
    ap.add_argument("out")
    ap.add_argument("--beams", type=int, default=4)
    ap.add_argument("--no-repeat", type=int, default=3)
    ap.add_argument("--length-penalty", type=float, default=2.0)
    args = ap.parse_args()
    enc_graph = encoder_subgraph(onnx.load(args.encoder), onnx.load(args.first))
    dec_graph = decoder_subgraph(onnx.load(args.with_past))
    shared = share_weights([enc_graph, dec_graph])

    # (v/255 − 0.5)/0.5 for every byte, rounded to float32 after each step as
    # src/recognizer/preprocess.ts computes it (so the encoder sees the same bits)
    f32 = lambda x: np.asarray(x, dtype=np.float64).astype(np.float32)
    table = f32(f32(f32(np.arange(256) / 255.0).astype(np.float64) - 0.5).astype(np.float64) / 0.5)
    consts = [
        numpy_helper.from_array(table, "normalised"),
        numpy_helper.from_array(np.array([0], dtype=np.int32), "min_length"),
        numpy_helper.from_array(np.array([args.beams], dtype=np.int32), "num_beams"),
        numpy_helper.from_array(np.array([1], dtype=np.int32), "num_return_sequences"),
        numpy_helper.from_array(np.array([args.length_penalty], dtype=np.float32), "length_penalty"),
        numpy_helper.from_array(np.array([1.0], dtype=np.float32), "repetition_penalty"),
    ]
    nodes = [
        helper.make_node("Cast", ["pixels"], ["pixel_index"], to=TensorProto.INT32),
        helper.make_node("Gather", ["normalised", "pixel_index"], ["grey"]),
        # three equal channels stacked on the feature axis: [B, 3·224, 224]
        helper.make_node("Concat", ["grey", "grey", "grey"], ["features"], axis=1),
        helper.make_node(
            "BeamSearch",
            ["features", "max_length", "min_length", "num_beams", "num_return_sequences", "length_penalty", "repetition_penalty"],
            ["sequences"], domain="com.microsoft",
            model_type=2, eos_token_id=EOS, pad_token_id=PAD, decoder_start_token_id=START,
            no_repeat_ngram_size=args.no_repeat, early_stopping=1, vocab_size=VOCAB,
            encoder=enc_graph, decoder=dec_graph,
        ),
    ]
    graph = helper.make_graph(
        nodes, "manga-ocr-beam-search",
        [value("pixels", TensorProto.UINT8, ["batch", SIDE, SIDE]), value("max_length", TensorProto.INT32, [1])],
        [value("sequences", TensorProto.INT32, ["batch", 1, "max_length"])],
        consts + shared,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14), helper.make_opsetid("com.microsoft", 1)], producer_name="mokuro-worker")
    model.ir_version = 8
    onnx.save(model, args.out)
    print(f"wrote {args.out}: {len(shared)} weights shared by the encoder and decoder subgraphs")


if __name__ == "__main__":
    main()
