"""Mokuro 0.2.5 itself, timed: its page pipeline (MangaPageOcr: comic-text-detector post-processing, line
crops, split_into_chunks, manga_ocr's MangaOcr with transformers' `generate` on torch, CPU) over given pages,
with a replica folder, set up exactly as oracle/mokuro_pages.py sets it up (the detector network's forward
answered by the ONNX stand-in that finds the lines).

So that both sides pay for the same detector, `--detector-cost FILE` also runs a real-size detector ONNX
model on Mokuro's own input tensor at every page (its outputs dropped), as the worker's benchmark does
(scripts/bench/bench-setup.ts pairedDetector). The first page is run once untimed (lazy allocations).

Usage: python oracle/time_mokuro.py --models DIR [--detector-cost FILE] [--threads N] PAGE...
Prints one JSON line: {pages, lines, wall_s, pages_per_s, page_s: [...], threads}.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import onnxruntime as ort
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mokuro_pages  # noqa: E402  (its module-level set-up: the FSDP probe repair)
from mokuro_pages import OnnxTextDetBase, _Weights, ctd_inference, mokuro_page  # noqa: E402


class CostedTextDetBase(OnnxTextDetBase):
    """The line-finding stand-in's answer, after a real-size detector's run on the same tensor."""

    cost_path: Path | None = None
    threads = 2

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        self.cost = ort.InferenceSession(str(self.cost_path), options, providers=["CPUExecutionProvider"]) if self.cost_path else None

    def __call__(self, img_in: torch.Tensor):
        if self.cost is not None:
            self.cost.run(None, {"images": img_in.numpy()})
        return super().__call__(img_in)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", type=Path, required=True, help="a replica folder (hf/ + comictextdetector.pt.onnx)")
    ap.add_argument("--detector-cost", type=Path)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("pages", nargs="+", type=Path)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    OnnxTextDetBase.onnx_path = args.models / "comictextdetector.pt.onnx"
    CostedTextDetBase.cost_path = args.detector_cost
    CostedTextDetBase.threads = args.threads
    ctd_inference.TextDetBase = CostedTextDetBase
    mokuro_page.cache = _Weights()
    mpo = mokuro_page.MangaPageOcr(pretrained_model_name_or_path=str(args.models / "hf"), force_cpu=True)

    mpo(str(args.pages[0]))  # untimed: lazy allocations, as the worker's benchmark warms up on one page
    times, lines = [], 0
    t0 = time.perf_counter()
    for path in args.pages:
        t = time.perf_counter()
        page = mpo(str(path))
        times.append(round(time.perf_counter() - t, 3))
        lines += sum(len(b["lines"]) for b in page["blocks"])
    wall = time.perf_counter() - t0
    print(json.dumps({
        "pages": len(args.pages), "lines": lines, "wall_s": round(wall, 2),
        "pages_per_s": round(len(args.pages) / wall, 4), "page_s": times, "threads": args.threads,
        "torch": torch.__version__, "mokuro": "0.2.5",
    }))


if __name__ == "__main__":
    main()
