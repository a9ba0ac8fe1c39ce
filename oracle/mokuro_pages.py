"""Mokuro 0.2.5's own page pipeline on given pages, with the weights the worker loads: the oracle.

`mokuro.manga_page_ocr.MangaPageOcr` runs as installed (its comic-text-detector post-processing, line
crops, `split_into_chunks`, manga_ocr's `MangaOcr` with transformers' `generate`, `post_process`) on a
replica folder from make_replicas.py. Two things are replaced, and only these:
- the detector network's forward (comic_text_detector.basemodel.TextDetBase): random detector weights find
  no text, so the same ONNX detector the worker runs answers instead, fed exactly the tensor Mokuro builds
  (BGR planes, as Mokuro's torch path feeds it);
- where Mokuro finds that network's weights (mokuro.cache, which would download them).
(And one environment repair below: transformers' FSDP probe, which Debian's torch cannot import.)
Every `generate` call is observed, not changed: its input tensor and its token ids are recorded, so the
worker's beam search can be run on the identical pixels.

Usage: python oracle/mokuro_pages.py --models DIR --out FILE.json [--tensors FILE.f32] [--mirrored] PAGE...
Writes {pages: [{img_path, page, chunks: [{block, line, chunk, ids, text}]}], crops: [...]}: `page` is the
page dict Mokuro writes into its cache JSON and the .mokuro; `crops` lists every recognised chunk in order
(its tensor, one channel of 224×224 float32, at the same index in --tensors).
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
from PIL import Image

import comic_text_detector.inference as ctd_inference
import mokuro.manga_page_ocr as mokuro_page
import transformers.generation.utils as generation_utils

# transformers' generate asks whether the model is FSDP-managed by importing torch.distributed.fsdp, which
# cannot be imported from Debian's torch 1.13 under Python 3.11 (a dataclass with a mutable default). This
# process runs no distributed training, so the answer is no.
generation_utils.is_fsdp_managed_module = lambda module: False


class OnnxTextDetBase:
    """Stands where comic_text_detector.basemodel.TextDetBase stands: called with Mokuro's input tensor, it
    answers (blks, mask, lines) as TextDetBase.forward does ([1,N,7], [1,1,S,S], [1,2,S,S] tensors)."""

    onnx_path: Path

    def __init__(self, model_path, device="cpu", half=False, fuse=False, act="leaky"):
        self.session = ort.InferenceSession(str(self.onnx_path), providers=["CPUExecutionProvider"])

    def __call__(self, img_in: torch.Tensor):
        blk, seg, det = self.session.run(["blk", "seg", "det"], {"images": img_in.numpy()})
        return torch.from_numpy(blk), torch.from_numpy(seg), torch.from_numpy(det)


class _Weights:
    """mokuro.cache stand-in: names the detector weights without downloading them."""

    comic_text_detector = "comictextdetector.pt"


class Recorder:
    """Observes MangaPageOcr's recognition: which line each chunk belongs to (from split_into_chunks), the
    chunk image MangaOcr is given, the tensor `generate` gets and the ids it returns."""

    def __init__(self, mpo):
        self.mocr = mpo.mocr
        self.calls: list[dict] = []
        self.blocks: list = []
        self.where = {"block": -1, "line": -1, "chunk": 0}
        generate = self.mocr.model.generate
        split = mpo.split_into_chunks

        def observed_generate(pixel_values, *args, **kwargs):
            ids = generate(pixel_values, *args, **kwargs)
            assert torch.equal(pixel_values[0, 0], pixel_values[0, 1]), "manga-ocr's input channels are equal"
            self.calls[-1]["tensor"] = pixel_values[0, 0].numpy().astype(np.float32)
            self.calls[-1]["ids"] = [int(t) for t in ids[0]]
            return ids

        def observed_split(img, mask_refined, blk, line_idx, **kwargs):
            if not self.blocks or self.blocks[-1] is not blk:
                self.blocks.append(blk)
            self.where = {"block": len(self.blocks) - 1, "line": line_idx, "chunk": 0}
            return split(img, mask_refined, blk, line_idx, **kwargs)

        self.mocr.model.generate = observed_generate
        mpo.split_into_chunks = observed_split
        mpo.mocr = self

    def start_page(self) -> None:
        self.calls.clear()
        self.blocks.clear()

    def __call__(self, img: Image.Image) -> str:
        self.calls.append({**self.where, "image": img.copy()})
        self.where["chunk"] += 1
        text = self.mocr(img)
        self.calls[-1]["text"] = text
        return text


def jsonable(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"{type(o)} is not JSON serialisable")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", type=Path, required=True, help="a replica folder (hf/ + comictextdetector.pt.onnx)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--tensors", type=Path, help="write every chunk's 224×224 input here (float32, one channel)")
    ap.add_argument("--mirrored", action="store_true", help="also recognise each chunk mirrored left-right (more crops)")
    ap.add_argument("pages", nargs="+", type=Path)
    args = ap.parse_args()

    torch.set_num_threads(1)  # on a shared 2-core machine one thread is several times faster
    OnnxTextDetBase.onnx_path = args.models / "comictextdetector.pt.onnx"
    ctd_inference.TextDetBase = OnnxTextDetBase
    mokuro_page.cache = _Weights()
    mpo = mokuro_page.MangaPageOcr(pretrained_model_name_or_path=str(args.models / "hf"), force_cpu=True)
    settings = mpo.mocr.model.generation_config
    print(
        f"oracle: generate with num_beams={settings.num_beams} no_repeat_ngram_size={settings.no_repeat_ngram_size} "
        f"length_penalty={settings.length_penalty} early_stopping={settings.early_stopping} max_length=300",
        file=sys.stderr,
    )
    recorder = Recorder(mpo)

    pages, crops = [], []
    for path in args.pages:
        recorder.start_page()
        page = mpo(str(path))
        calls = list(recorder.calls)
        chunks = [{k: c[k] for k in ("block", "line", "chunk", "ids", "text")} for c in calls]
        crops += [{**chunk, "page": path.name, "mirrored": False, "tensor": c["tensor"]} for chunk, c in zip(chunks, calls)]
        if args.mirrored:
            for chunk, c in zip(chunks, calls):
                recorder(c["image"].transpose(Image.FLIP_LEFT_RIGHT))
                m = recorder.calls[-1]
                crops.append({**chunk, "page": path.name, "mirrored": True, "ids": m["ids"], "text": m["text"],
                              "tensor": m["tensor"]})
        pages.append({"img_path": path.name, "page": page, "chunks": chunks})
        print(f"oracle: {path.name}: {len(page['blocks'])} blocks, {len(chunks)} chunks", file=sys.stderr)

    if args.tensors:
        with open(args.tensors, "wb") as f:
            for c in crops:
                f.write(np.ascontiguousarray(c["tensor"], dtype="<f4").tobytes())
    out = {
        "mokuro": "0.2.5",
        "pages": pages,
        "crops": [{k: v for k, v in c.items() if k != "tensor"} for c in crops],
    }
    args.out.write_text(json.dumps(out, ensure_ascii=False, default=jsonable))


if __name__ == "__main__":
    main()
