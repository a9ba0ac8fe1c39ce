"""Faithful replicas of the pinned manga-ocr export, made the way its publisher made it.

A `VisionEncoderDecoderModel` with kha-white/manga-ocr-base's configuration (kha-white/manga-ocr
manga_ocr_dev/training/get_model.py: a ViT-base/16 encoder at 224, the last 2 layers of
cl-tohoku/bert-base-japanese-char-v2 as a BERT decoder with cross-attention, vocab 6144, untied LM head,
and the generation settings get_model writes), seeded random weights, saved with its tokenizer and
preprocessor (the Hugging Face folder MangaOcr loads), then exported with
`optimum-cli export onnx --task vision2seq-lm` as mayocream/manga-ocr-onnx was.

The output folder is a complete models folder for the worker with MODELS_VERIFY=off: the two ONNX files,
the vocab and the ink-responsive stand-in detector (copied from `npm run models:stand-in`), plus `hf/`
for the Python side. Sizes: `small` keeps every width and the I/O but only 2 encoder layers (CI);
`full` is the real size (bench). A folder made from the same script, pins and inputs is reused.

Usage: python oracle/make_replicas.py --size small|full --stand-in DIR [--out DIR]
"""

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import torch
import transformers
from transformers import (
    BertConfig,
    BertJapaneseTokenizer,
    BertLMHeadModel,
    GenerationConfig,
    ViTConfig,
    ViTImageProcessor,
    ViTModel,
    VisionEncoderDecoderModel,
)

ROOT = Path(__file__).resolve().parent.parent
SEED = 15
VOCAB_SIZE = 6144
PAD, CLS, SEP = 0, 2, 3

# Random init (std 0.02 everywhere) gives near-flat logits: every step is a near-tie and lines run to the
# 300-token cap. Two seeded changes make decoding decisive and end lines at realistic lengths, and both keep
# the output a function of the image (the crop reaches the logits through cross-attention):
# - the LM head's weights are scaled by LOGIT_SCALE, so the top logits stand apart (a typical step's best
#   token leads the next by a few tenths of a nat, far above float noise, and no single token dominates);
# - the LM head's bias for [SEP] is raised by EOS_BIAS (and lowered for the other specials, which the
#   tokenizer drops and so would make empty text), so [SEP] wins at some position after a few tokens.
# The values were chosen by measuring `generate` on the line crops of the six synthetic pages; the README
# ("How we know it matches Mokuro") gives the resulting line lengths.
LOGIT_SCALE = 12.0
EOS_BIAS = 19.0
OTHER_SPECIALS_BIAS = -20.0
CROSS_ATTENTION_SCALE = 4.0
PATCH_SCALE = 4.0

SIZES = {"small": 2, "full": 12}  # encoder layers; everything else is the real size in both


def build_model(encoder_layers: int) -> VisionEncoderDecoderModel:
    torch.manual_seed(SEED)
    encoder = ViTModel(
        ViTConfig(
            hidden_size=768,
            num_hidden_layers=encoder_layers,
            num_attention_heads=12,
            intermediate_size=3072,
            hidden_act="gelu",
            image_size=224,
            patch_size=16,
            num_channels=3,
            qkv_bias=True,
            layer_norm_eps=1e-12,
        )
    )
    decoder = BertLMHeadModel(
        BertConfig(
            vocab_size=VOCAB_SIZE,
            hidden_size=768,
            num_hidden_layers=2,
            num_attention_heads=12,
            intermediate_size=3072,
            hidden_act="gelu",
            max_position_embeddings=512,
            type_vocab_size=2,
            layer_norm_eps=1e-12,
            pad_token_id=PAD,
            is_decoder=True,
            add_cross_attention=True,
            tie_word_embeddings=False,
        )
    )
    model = VisionEncoderDecoderModel(encoder=encoder, decoder=decoder)
    model.config.decoder_start_token_id = CLS
    model.config.pad_token_id = PAD
    model.config.eos_token_id = SEP
    model.config.tie_word_embeddings = False
    model.generation_config = GenerationConfig(
        decoder_start_token_id=CLS,
        pad_token_id=PAD,
        eos_token_id=SEP,
        max_length=300,
        early_stopping=True,
        no_repeat_ngram_size=3,
        length_penalty=2.0,
        num_beams=4,
    )
    with torch.no_grad():
        head = model.decoder.cls.predictions
        head.decoder.weight.mul_(LOGIT_SCALE)
        head.bias[:5] = OTHER_SPECIALS_BIAS
        head.bias[SEP] = EOS_BIAS
        for layer in model.decoder.bert.encoder.layer:
            cross = layer.crossattention
            cross.self.value.weight.mul_(CROSS_ATTENTION_SCALE)
            cross.output.dense.weight.mul_(CROSS_ATTENTION_SCALE)
            cross.self.query.weight.mul_(CROSS_ATTENTION_SCALE)
            cross.self.key.weight.mul_(CROSS_ATTENTION_SCALE)
        model.encoder.embeddings.patch_embeddings.projection.weight.mul_(PATCH_SCALE)
    return model.eval()


def save_hf(model: VisionEncoderDecoderModel, vocab: Path, hf_dir: Path) -> None:
    model.save_pretrained(hf_dir)
    # cl-tohoku/bert-base-japanese-char-v2's tokenizer settings, as manga-ocr-base ships them
    tokenizer = BertJapaneseTokenizer(
        vocab_file=str(vocab),
        do_lower_case=False,
        word_tokenizer_type="mecab",
        subword_tokenizer_type="character",
        mecab_kwargs={"mecab_dic": "unidic_lite"},
    )
    tokenizer.save_pretrained(hf_dir)
    # kha-white/manga-ocr-base's preprocessor_config.json (legacy ViTFeatureExtractor form)
    (hf_dir / "preprocessor_config.json").write_text(
        json.dumps(
            {
                "do_normalize": True,
                "do_resize": True,
                "feature_extractor_type": "ViTFeatureExtractor",
                "image_mean": [0.5, 0.5, 0.5],
                "image_std": [0.5, 0.5, 0.5],
                "resample": 2,
                "size": 224,
            },
            indent=2,
        )
    )
    ViTImageProcessor.from_pretrained(hf_dir)  # fails here if the file is not what MangaOcr can load


def export_onnx(hf_dir: Path, onnx_dir: Path) -> None:
    cli = Path(sys.executable).parent / "optimum-cli"
    cmd = [str(cli), "export", "onnx", "--model", str(hf_dir), "--task", "vision2seq-lm", str(onnx_dir)]
    print("replicas:", " ".join(cmd[1:]), file=sys.stderr)
    subprocess.run(cmd, check=True, stdout=sys.stderr)


def cache_key(size: str, stand_in: Path) -> str:
    h = hashlib.sha256()
    h.update(Path(__file__).read_bytes())
    h.update((ROOT / "oracle" / "requirements.txt").read_bytes())
    h.update(f"{size} torch {torch.__version__} transformers {transformers.__version__}".encode())
    for name in ("vocab.txt", "comictextdetector.pt.onnx"):
        h.update(hashlib.sha256((stand_in / name).read_bytes()).digest())
    return h.hexdigest()[:16]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", choices=SIZES, required=True)
    ap.add_argument("--stand-in", type=Path, required=True, help="a folder `npm run models:stand-in` wrote")
    ap.add_argument("--out", type=Path, help="default .cache/replicas/<size>")
    args = ap.parse_args()
    out: Path = (args.out or ROOT / ".cache" / "replicas" / args.size).resolve()
    key = cache_key(args.size, args.stand_in)
    stamp = out / ".replica-key"
    if stamp.is_file() and stamp.read_text().strip() == key:
        print(f"replicas: {out} is up to date ({key})", file=sys.stderr)
        return

    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    shutil.copy(args.stand_in / "vocab.txt", tmp / "vocab.txt")
    shutil.copy(args.stand_in / "comictextdetector.pt.onnx", tmp / "comictextdetector.pt.onnx")
    model = build_model(SIZES[args.size])
    save_hf(model, tmp / "vocab.txt", tmp / "hf")
    export_onnx(tmp / "hf", tmp / "onnx")
    for name in ("encoder_model.onnx", "decoder_model.onnx"):
        shutil.move(tmp / "onnx" / name, tmp / name)
    shutil.rmtree(tmp / "onnx")
    (tmp / "REPLICA.md").write_text(
        f"Replica of mayocream/manga-ocr-onnx made by oracle/make_replicas.py ({args.size}, seed {SEED}): "
        "random weights, not real OCR.\n"
    )
    (tmp / ".replica-key").write_text(key + "\n")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    print(f"replicas: wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
