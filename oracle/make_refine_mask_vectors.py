"""Writes test/fixtures/refine-mask/: reference vectors for the TypeScript port of comic-text-detector's
refine_mask (comic_text_detector/utils/textmask.py, as installed with mokuro 0.2.5), generated ONCE by
the installed Python code and kept in the repository.

Per case: <name>-image.png (RGB page), <name>-mask.png (the detector's raw mask), <name>.json (the
blocks' xyxy) and the outputs Mokuro's TextDetector.__call__ computes with refine_mode=1 and
keep_undetected_mask=True: <name>-refined.png (refine_mask) and <name>-final.png (after
refine_undetected_mask: the mask_refined split_into_chunks receives). Also argsort.json: numpy's
default (introsort) argsort of tie-heavy int64 arrays, which get_topk_color's colour order depends on.
Deterministic (seeded). Run with the oracle venv: .cache/oracle/venv/bin/python oracle/make_refine_mask_vectors.py
"""

import json
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from comic_text_detector.utils.textblock import TextBlock
from comic_text_detector.utils.textmask import refine_mask, refine_undetected_mask, REFINEMASK_ANNOTATION

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test" / "fixtures" / "refine-mask"
FONT = "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"


def predicted_mask(ink: np.ndarray, rng: np.random.Generator, level: float) -> np.ndarray:
    """A detector-like soft mask: the ink dilated and blurred, scaled, with noise."""
    soft = cv2.GaussianBlur(cv2.dilate(ink, np.ones((3, 3), np.uint8)), (7, 7), 2.0).astype(np.float64)
    soft = soft * level + rng.normal(0, 6, soft.shape)
    return np.clip(soft, 0, 255).astype(np.uint8)


def case_strokes(rng):
    """Colour page: dark strokes on a tinted background, a coloured panel with light strokes, an
    inked area outside every block (refine_undetected_mask), a block touching the page edge."""
    h, w = 240, 300
    img = np.full((h, w, 3), (235, 228, 240), np.uint8)
    img[120:220, 150:290] = (60, 90, 150)
    ink = np.zeros((h, w), np.uint8)
    for _ in range(40):
        x, y = int(rng.integers(10, 130)), int(rng.integers(10, 110))
        cv2.line(img, (x, y), (x + int(rng.integers(-8, 9)), y + int(rng.integers(3, 12))), (20, 25, 30), 2)
        cv2.line(ink, (x, y), (x + int(rng.integers(-8, 9)), y + int(rng.integers(3, 12))), 255, 2)
    for _ in range(30):
        x, y = int(rng.integers(160, 280)), int(rng.integers(130, 210))
        cv2.line(img, (x, y), (x + 6, y + int(rng.integers(2, 9))), (230, 240, 250), 2)
        cv2.line(ink, (x, y), (x + 6, y + int(rng.integers(2, 9))), 255, 2)
    for _ in range(12):  # ink no block covers
        x, y = int(rng.integers(20, 110)), int(rng.integers(150, 225))
        cv2.circle(img, (x, y), 3, (10, 10, 10), -1)
        cv2.circle(ink, (x, y), 3, 255, -1)
    img = np.clip(img.astype(np.int16) + rng.integers(-6, 7, img.shape), 0, 255).astype(np.uint8)
    blocks = [[8, 8, 140, 125], [155, 125, 299, 239], [0, 0, 30, 40]]
    return img, predicted_mask(ink, rng, 0.9), blocks


def case_text(rng):
    """Rendered Japanese text (black on white, and white on grey), as on a manga page."""
    page = Image.new("RGB", (260, 320), (250, 250, 250))
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 22)
    for i, ch in enumerate("吾輩は猫である名前"):
        draw.text((200, 10 + i * 24), ch, font=font, fill=(0, 0, 0))
    draw.rectangle((10, 150, 160, 300), fill=(120, 120, 120))
    for i, ch in enumerate("まだ無い"):
        draw.text((120, 160 + i * 24), ch, font=font, fill=(255, 255, 255))
    for i, ch in enumerate("どこで"):
        draw.text((30, 160 + i * 24), ch, font=font, fill=(20, 20, 20))
    img = cv2.cvtColor(np.array(page), cv2.COLOR_RGB2BGR)
    grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    ink = np.where((grey < 80) | ((grey > 200) & (np.arange(260)[None, :] < 165) & (np.arange(320)[:, None] > 150)), 255, 0).astype(np.uint8)
    ink[:, :170] = np.where(np.arange(320)[:, None] < 150, 0, ink[:, :170])
    blocks = [[195, 8, 225, 230], [115, 155, 148, 260]]
    return img, predicted_mask(ink, rng, 1.0), blocks


def case_flat(rng):
    """Degenerate inputs: a flat block (one grey level, empty histogram range), an all-zero mask area."""
    img = np.full((90, 120, 3), 128, np.uint8)
    img[50:90, 60:120] = rng.integers(0, 256, (40, 60, 3))
    mask = np.zeros((90, 120), np.uint8)
    mask[55:85, 65:115] = rng.integers(0, 256, (30, 50))
    blocks = [[5, 5, 40, 40], [60, 50, 119, 89]]
    return img, mask, blocks


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20261130)
    cases = {"strokes": case_strokes(rng), "text": case_text(rng), "flat": case_flat(rng)}
    for name, (img, mask, boxes) in cases.items():
        blk_list = [TextBlock(b) for b in boxes]
        refined = refine_mask(img, mask.copy(), blk_list, refine_mode=REFINEMASK_ANNOTATION)
        final = refine_undetected_mask(img, mask.copy(), refined.copy(), blk_list, refine_mode=REFINEMASK_ANNOTATION)
        Image.fromarray(cv2.cvtColor(img, cv2.COLOR_BGR2RGB)).save(OUT / f"{name}-image.png", optimize=True)
        Image.fromarray(mask).save(OUT / f"{name}-mask.png", optimize=True)
        Image.fromarray(refined).save(OUT / f"{name}-refined.png", optimize=True)
        Image.fromarray(final).save(OUT / f"{name}-final.png", optimize=True)
        (OUT / f"{name}.json").write_text(json.dumps({"blocks": boxes}) + "\n")
        print(name, int((refined > 0).sum()), int((final > 0).sum()))

    arrays = []
    for n, hi in [(255, 3), (255, 20), (255, 200), (40, 2), (17, 2), (16, 3), (255, 1)]:
        a = rng.integers(0, hi, n).astype(np.int64) * -1
        arrays.append({"values": a.tolist(), "argsort": np.argsort(a).tolist()})
    (OUT / "argsort.json").write_text(json.dumps(arrays) + "\n")


if __name__ == "__main__":
    main()
