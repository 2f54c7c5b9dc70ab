"""``read_image(data) -> OcrResult``: one screenshot's bytes → the text in it, offline.

The picture is validated before anything costly: the file size, the format from its first bytes, and the pixel
count from the header (Pillow reads the size without decoding the bitmap), so a 20000×20000 "decompression bomb"
PNG of a few kilobytes is refused in milliseconds. Then the recogniser (rapidocr's PP-OCR detection and
recognition models, shipped in its wheel, run on onnxruntime) reads it at a scale measured to read best
(``TARGET_SHORT_SIDE``), and ``bot.ocr.layout`` puts the boxes in reading order.

One engine per process, built on first use with ``OCR_THREADS`` intra-op threads (the measured trade-off between
a picture's reading time and the text checks that share the two cores, see there). The ONNX sessions are built
here (``ort_session``) rather than by rapidocr, which exposes neither thread spinning nor the execution mode. The
models are given by path, the direction classifier is off (screenshots are upright): nothing is ever downloaded.
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
the fixtures (bench/results/ocr.md, `python -m bench.ocr_bench`): every short side from 480 to 1080 reads every
fixture exactly, and the CPU grows with the pixels (480: 0.7×, 1080: 2× that of 720). 720 is kept: it is the width
of the 1280-pixel photo Telegram hands the bot, which is then read without resizing, and it keeps a margin for the
small fonts of real 1440-pixel-wide screenshots, which the fixtures do not have."""
MAX_UPSCALE = 3.0
SCALE_TOLERANCE = 0.15
"""Pictures within this fraction of the target are read as they are (a resize costs time and sharpness)."""
OCR_THREADS = 2
"""Intra-op threads of each ONNX session in an OCR worker (``Settings.ocr_threads``, FANZHA_OCR_THREADS, overrides it).
Detection is two thirds of a picture's time, recognition most of the rest (bench/results/ocr.md). On the shared
2-core machine one thread read a fixture in 1.84–1.95 s p50 / 2.1 s p95 over two runs; two threads in 1.24 / 1.45 s
(load 1.3–2.0) and 1.15 / 2.60 s (load up to 2.7): the second thread pays only when a core is free, as on the
idle machine the 1.5 s target is set for. With a picture in every 10 messages at 5 messages/s
(bench/results/bot_ocr_mix.md) the text checks' p95 was the same with one or two threads (115 / 114 ms): they
mostly wait on I/O and the model process, and a picture read in less time frees the second core sooner; a
picture's reply took 4.2 s p95 on one thread (they queued) and 1.6 s on two. The price is CPU: two threads
spend 20–30% more CPU seconds per picture (spinning, splitting)."""
THREAD_SPINNING = True
"""Whether idle ONNX worker threads spin between operators. Off, detection on two threads was 30–45% slower in wall
time (the threads sleep and wake between the network's many small operators) for no less CPU, so it stays on."""
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


def scale_for_reading(image: Image.Image, target: int | None = None) -> tuple[Image.Image, float]:
    """The picture resized so its short side is ``target`` (default ``TARGET_SHORT_SIDE``, looked up at the call
    so the benchmark's scale sweep really reads at each scale), unless already close, and the factor applied. An
    upscale is capped (at ``MAX_UPSCALE``, and at ``MAX_IMAGE_PIXELS`` after scaling): a thin 100×20000 strip
    must not become a 100-megapixel bitmap."""
    from PIL import Image

    if target is None:
        target = TARGET_SHORT_SIDE
    short = min(image.size)
    factor = min(target / short, MAX_UPSCALE, (MAX_IMAGE_PIXELS / (image.width * image.height)) ** 0.5)
    if abs(factor - 1.0) <= SCALE_TOLERANCE:
        return image, 1.0
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    return image.resize(size, Image.Resampling.LANCZOS if factor < 1 else Image.Resampling.BICUBIC), factor


_threads: int | None = None


def use_threads(threads: int | None) -> None:
    """This process's engine gets ``threads`` intra-op threads (``Settings.ocr_threads``, FANZHA_OCR_THREADS, given
    to each worker by ``bot.ocr.pool.OcrPool``); None keeps ``OCR_THREADS``. Takes effect when the engine is built."""
    global _threads
    _threads = threads


def ocr_threads() -> int:
    """The intra-op threads this process's engine uses: :func:`use_threads`'s choice, else ``OCR_THREADS``."""
    return _threads or OCR_THREADS


def ort_session(model: Path, threads: int) -> Any:
    """An onnxruntime CPU session for ``model`` with ``threads`` intra-op threads, sequential execution (the
    PP-OCR graphs are chains: inter-op parallelism has nothing to overlap) and every graph optimisation."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.enable_cpu_mem_arena = False  # as rapidocr: the worker's memory returns between pictures
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if THREAD_SPINNING else "0")
    return ort.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])


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
            built = RapidOCR(params={
                "Global.log_level": "error",
                "Global.use_cls": False,
                "Global.max_side_len": 100_000,  # scaling is done here (scale_for_reading), not squeezed to 2000
                "Global.text_score": 0.3,
                # detection at the scaled picture's own size (the default scales the short side up to 736)
                "Det.limit_side_len": TARGET_SHORT_SIDE,
                "Det.model_path": str(models / DET_MODEL),
                "Rec.model_path": str(models / REC_MODEL),
            })
            # rapidocr takes ready sessions (its ``session`` hook); the config holds them once objects are allowed
            threads = ocr_threads()
            built.cfg._set_flag("allow_objects", True)
            built.cfg.Det.session = ort_session(models / DET_MODEL, threads)
            built.cfg.Rec.session = ort_session(models / REC_MODEL, threads)
            built._load_det_model()
            built._load_rec_model()
            _engine = built
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
