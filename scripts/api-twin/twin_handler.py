"""
A trivial runpod-python handler with the same input and output shapes as mokuro-worker's, so
runpod-python's own `--rp_serve_api` server can be compared with our local API request by request
(scripts/api-twin/compare.ts). It does no OCR: a page becomes an empty Mokuro page of the image's
size; bad input answers `{"error": message, "code": CODE}` as our handler does.

    python twin_handler.py --rp_serve_api --rp_api_host 127.0.0.1 --rp_api_port 8001
"""
import base64
import binascii
import struct
import uuid

import runpod

TYPES = ("health", "process_page", "process_batch")


def image_size(data: bytes):
    """(width, height) of a PNG, or None: enough to tell a page from garbage."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    return None


def fail(code: str, message: str):
    return {"error": message, "code": code}


def page(ref, index: int):
    text = ref.get("data") if isinstance(ref, dict) else ref
    if not isinstance(text, str):
        return None, fail("INVALID_INPUT", f"image: expected a base64 string or an object {{ name?, data }}")
    try:
        size = image_size(base64.b64decode(text.split(",")[-1], validate=False))
    except (binascii.Error, ValueError):
        size = None
    if size is None:
        return None, fail("IMAGE_DECODE", "image: not a JPEG/PNG/WebP/AVIF/GIF image")
    name = ref.get("name") if isinstance(ref, dict) else None
    return {"version": "0.2.5", "img_width": size[0], "img_height": size[1], "blocks": [], "img_path": name or f"page_{index + 1:03d}.png"}, None


def handler(job):
    job_input = job["input"]
    if not isinstance(job_input, dict):
        return fail("INVALID_INPUT", f"input: Invalid input: expected object, received {type(job_input).__name__}")
    kind = job_input.get("type")
    if kind not in TYPES:
        return fail("INVALID_INPUT", 'type: expected "health", "process_page" or "process_batch"')
    if kind == "health":
        return {"status": "ready", "ready": True, "stand_in_models": True}
    refs = [job_input.get("image")] if kind == "process_page" else job_input.get("images") or []
    pages = []
    for i, ref in enumerate(refs):
        p, err = page(ref, i)
        if err:
            return err
        pages.append(p)
    title = job_input.get("title", "volume")
    volume = {"version": "0.2.5", "title": title, "title_uuid": str(uuid.uuid4()), "volume": job_input.get("volume", title), "volume_uuid": str(uuid.uuid4()), "pages": pages}
    stats = {"pages": len(pages), "lines": 0, "timings_ms": {}, "provider": {}, "worker_version": "twin", "models": "stand-in"}
    return {"mokuro": volume, "errors": [], "stats": stats}


if __name__ == "__main__":
    runpod.serverless.start({"handler": handler})
