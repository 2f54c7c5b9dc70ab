"""``read_image(data) -> OcrResult``: one screenshot's bytes → the text in it, offline.

The picture is validated before anything costly: the file size, the format from its first bytes, and the pixel
count from the header (Pillow reads the size without decoding the bitmap), so a 20000×20000 "decompression bomb"
PNG of a few kilobytes is refused in milliseconds. Then the recogniser (rapidocr's PP-OCR detection and
recognition models, shipped in its wheel, run on onnxruntime) reads it at a scale measured to read best
(``TARGET_SHORT_SIDE``), and ``bot.ocr.layout`` puts the boxes in reading order.

One engine per process, built on first use with one intra-op thread: the bot runs on two cores shared with the
text checks, and the process pool (``bot.ocr.pool``) gives parallelism across pictures instead. The models are
given by path, the direction classifier is off (screenshots are upright): nothing is ever downloaded.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.ocr import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, OcrResult, PictureError

if TYPE_CHECKING:
    from PIL import Image

    from bot.ocr.layout import Box

FORMATS = {"PNG", "JPEG", "WEBP"}
TARGET_SHORT_SIDE = 720
"""The short side (a portrait screenshot's width) the picture is scaled to, and detection runs at. Measured over
the fixtures (bench/results/ocr.md, `python -m bench.ocr_bench`): at 1080 (detection at full size) the worst clean
picture read 0.63 and each took twice the CPU; 480 and 720 read every fixture exactly, at the same CPU; 720 keeps
a margin for the small fonts of real 1440-pixel-wide screenshots."""
MAX_UPSCALE = 3.0
SCALE_TOLERANCE = 0.15
"""Pictures within this fraction of the target are read as they are (a resize costs time and sharpness)."""
DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"

_engine: Any = None
_engine_lock = threading.Lock()


def _sniff(data: bytes) -> str | None:
    """The format from the file's magic bytes: a text file or a PDF is refused before Pillow sees it."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def open_image(data: bytes) -> Image.Image:
    """The decoded RGB picture, or ``PictureError`` (``too_large`` / ``not_an_image``) before any costly decode."""
    if len(data) > MAX_IMAGE_BYTES:
        raise PictureError("too_large", f"{len(data)} bytes; the limit is {MAX_IMAGE_BYTES}")
    if _sniff(data) is None:
        raise PictureError("not_an_image", "not a PNG, JPEG or WebP file")
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))  # reads the header only
    except Image.DecompressionBombError as exc:
        raise PictureError("too_large", str(exc)) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PictureError("not_an_image", str(exc)) from exc
    if image.format not in FORMATS:
        raise PictureError("not_an_image", f"format {image.format}")
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise PictureError("too_large", f"{width}×{height} pixels; the limit is {MAX_IMAGE_PIXELS}")
    try:
        image.load()
        image = ImageOps.exif_transpose(image) or image
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
            rgba = image.convert("RGBA")
            flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            image = Image.alpha_composite(flat, rgba)
        return image.convert("RGB")
    except (OSError, SyntaxError, ValueError) as exc:  # truncated or corrupt data past the header
        raise PictureError("not_an_image", str(exc)) from exc


def scale_for_reading(image: Image.Image, target: int = TARGET_SHORT_SIDE) -> tuple[Image.Image, float]:
    """The picture resized so its short side is ``target`` (unless already close), and the factor applied. An
    upscale is capped (at ``MAX_UPSCALE``, and at ``MAX_IMAGE_PIXELS`` after scaling): a thin 100×20000 strip
    must not become a 100-megapixel bitmap."""
    from PIL import Image

    short = min(image.size)
    factor = min(target / short, MAX_UPSCALE, (MAX_IMAGE_PIXELS / (image.width * image.height)) ** 0.5)
    if abs(factor - 1.0) <= SCALE_TOLERANCE:
        return image, 1.0
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    return image.resize(size, Image.Resampling.LANCZOS if factor < 1 else Image.Resampling.BICUBIC), factor


def engine() -> Any:
    """This process's recogniser, built on first use (about a second: two ONNX sessions)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            import rapidocr
            from rapidocr import RapidOCR

            models = Path(rapidocr.__file__).resolve().parent / "models"
            for name in (DET_MODEL, REC_MODEL):
                if not (models / name).is_file():  # never let rapidocr fall back to downloading
                    raise RuntimeError(f"rapidocr model {name} missing from {models}")
            _engine = RapidOCR(params={
                "Global.log_level": "error",
                "Global.use_cls": False,
                "Global.max_side_len": 100_000,  # scaling is done here (scale_for_reading), not squeezed to 2000
                "Global.text_score": 0.3,
                # detection at the scaled picture's own size (the default scales the short side up to 736)
                "Det.limit_side_len": TARGET_SHORT_SIDE,
                "Det.model_path": str(models / DET_MODEL),
                "Rec.model_path": str(models / REC_MODEL),
                "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            })
        return _engine


def recognise(image: Image.Image) -> list[Box]:
    """The recogniser's boxes on ``image`` (axis-aligned, in ``image``'s pixels)."""
    import numpy as np

    from bot.ocr.layout import Box

    bgr = np.ascontiguousarray(np.asarray(image)[:, :, ::-1])
    output = engine()(bgr)
    if output.boxes is None or output.txts is None or len(output.txts) == 0:
        return []
    boxes = []
    for quad, text, score in zip(output.boxes, output.txts, output.scores, strict=True):
        xs = [float(p[0]) for p in quad]
        ys = [float(p[1]) for p in quad]
        boxes.append(Box(text=str(text), box=(int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys))),
                         confidence=float(score)))
    return boxes


def read_image(data: bytes) -> OcrResult:
    """The text in a screenshot, in reading order, with its confidence; ``PictureError`` when it cannot be read
    (``too_large``, ``not_an_image``, ``no_text``)."""
    from bot.ocr.layout import Box, arrange

    image = open_image(data)
    scaled, factor = scale_for_reading(image)
    boxes = recognise(scaled)
    if factor != 1.0:  # report boxes in the sender's picture's pixels
        boxes = [Box(b.text, tuple(round(v / factor) for v in b.box), b.confidence) for b in boxes]  # type: ignore[arg-type]
    layout = arrange(boxes, image.width, image.height)
    lines = layout.lines
    if not lines:
        raise PictureError("no_text", f"{layout.dropped} lines of phone chrome only" if layout.dropped else "")
    chars = sum(len(line.text) for line in lines)
    confidence = sum(line.confidence * len(line.text) for line in lines) / chars
    return OcrResult(text=layout.text(), confidence=round(confidence, 4), lines=lines, dropped=layout.dropped,
                     header=layout.header)
