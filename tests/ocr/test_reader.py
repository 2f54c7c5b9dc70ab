"""``read_image`` on the committed screenshots: accuracy, layout, the verdict a picture gets, and refusals.

Accuracy floors: mean character accuracy ≥ 0.97 over the clean pictures and ≥ 0.90 over the noisy ones (JPEG 40,
0.6× downscale, gaussian noise, blur); no single picture below 0.90 (clean) or 0.80 (noisy). A screenshot's
verdict must equal the verdict of its typed text: that is what the user is promised.
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from ocr_fixtures import FIXTURES, accuracy, entries, squeeze

from bot.ocr import MAX_IMAGE_BYTES, PictureError
from bot.ocr.layout import LEFT_TAG, RIGHT_TAG
from bot.ocr.reader import read_image

ROOT = Path(__file__).resolve().parents[2]
CLEAN = [e for e in entries() if e["clean"]]
NOISY = [e for e in entries() if not e["clean"]]


def _plain(result) -> str:
    return "\n\n".join(line.text for line in result.lines)


def test_the_fixture_set_covers_what_the_task_names(rules_checker):
    """Both scripts, every kind of damage, and all three levels (from today's rules: ``level`` in expected.json
    is the level when the pictures were made, kept for the reader of the file)."""
    all_entries = entries()
    assert 16 <= len(all_entries) <= 24
    assert {e["language"] for e in all_entries} == {"zh-Hans", "zh-Hant"}
    assert {e["variant"] for e in NOISY} == {"jpeg", "small", "noise", "blur"}
    levels = {str(rules_checker.check_text_sync(e["text"]).risk_level) for e in all_entries}
    assert levels == {"low", "suspicious", "high"}
    assert sum(p.stat().st_size for p in FIXTURES.iterdir()) <= 3 * 1024 * 1024


def test_clean_screenshots_are_read_accurately(readings):
    scores = {e["file"]: accuracy(_plain(readings[e["file"]]), e["text"]) for e in CLEAN}
    assert sum(scores.values()) / len(scores) >= 0.97, scores
    assert min(scores.values()) >= 0.90, scores


def test_noisy_screenshots_are_read_accurately(readings):
    scores = {e["file"]: accuracy(_plain(readings[e["file"]]), e["text"]) for e in NOISY}
    assert sum(scores.values()) / len(scores) >= 0.90, scores
    assert min(scores.values()) >= 0.80, scores


@pytest.mark.parametrize("entry", entries(), ids=lambda e: e["file"])
def test_chrome_is_dropped_and_bubbles_keep_their_order_and_sides(readings, entry):
    result = readings[entry["file"]]
    bubbles = entry["text"].split("\n\n")
    assert result.header == entry["header"]
    assert result.dropped >= 4  # the status bar (clock, carrier, network, battery) at least
    text = squeeze(result.text)
    for clock in ("9:41", "%"):
        assert clock not in text
    # every expected bubble comes out as one paragraph, in order, with its side
    paragraphs = result.text.split("\n\n")
    assert len(paragraphs) == len(bubbles)
    sides = entry["sides"]
    for paragraph, want, side in zip(paragraphs, bubbles, sides, strict=True):
        tag = {"left": LEFT_TAG, "right": RIGHT_TAG}.get(side) if {"left", "right"} <= set(sides) else None
        if tag:
            assert paragraph.startswith(tag)
            paragraph = paragraph[len(tag):]
        assert accuracy(paragraph, want) >= 0.8, (paragraph, want)
    assert _bubble_sides(result) == sides


def _bubble_sides(result) -> list[str | None]:
    """The side of each paragraph of ``text``: that of the line it starts with."""
    sides, i = [], 0
    for paragraph in result.text.split("\n\n"):
        sides.append(result.lines[i].side)
        rest = squeeze(paragraph.removeprefix(LEFT_TAG).removeprefix(RIGHT_TAG))
        while rest:
            piece = squeeze(result.lines[i].text)
            assert rest.startswith(piece)
            rest, i = rest[len(piece):], i + 1
    return sides


@pytest.fixture(scope="module")
def rules_checker(tmp_path_factory):
    from bot.check import Checker, StoreLists
    from bot.store import Store

    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('db') / 'f.db'}")
    checker = Checker(StoreLists(store), None)
    yield checker
    checker.close()
    store.close()


@pytest.mark.parametrize("entry", entries(), ids=lambda e: e["file"])
def test_a_screenshot_gets_the_verdict_of_its_typed_text(readings, rules_checker, entry):
    typed = rules_checker.check_text_sync(entry["text"])
    seen = rules_checker.check_text_sync(readings[entry["file"]].text)
    assert (seen.risk_level, seen.category_key) == (typed.risk_level, typed.category_key)


@pytest.mark.slow
def test_with_the_model_a_screenshot_gets_the_verdict_of_its_typed_text(readings, tmp_path):
    from bot.check import Checker, StoreLists
    from bot.store import Store
    from nlp.classifier import FraudClassifier

    store = Store.open(f"sqlite:///{tmp_path / 'f.db'}")
    checker = Checker(StoreLists(store), FraudClassifier.from_pretrained())
    try:
        for entry in entries():
            typed = checker.check_text_sync(entry["text"])
            seen = checker.check_text_sync(readings[entry["file"]].text)
            assert seen.risk_level == typed.risk_level, entry["file"]
    finally:
        checker.close()
        store.close()


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims width×height pixels, with a tiny (incomplete) body: a decompression bomb."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 1000))


@pytest.mark.parametrize(("data", "reason"), [
    (b"\x89PNG\r\n\x1a\n" + b"\0" * (12 * 1024 * 1024), "too_large"),
    ("【工商银行】这是一条短信，不是图片".encode(), "not_an_image"),
    (b"%PDF-1.7\n", "not_an_image"),
    (_png_header(20000, 20000), "too_large"),
    (_png_header(7000, 7000), "too_large"),  # 49 M pixels: over our limit, under Pillow's own bomb guard
    (b"GIF89a" + b"\0" * 100, "not_an_image"),
], ids=["12MB", "text", "pdf", "bomb-20000", "bomb-7000", "gif"])
def test_refusals(data, reason):
    with pytest.raises(PictureError) as caught:
        read_image(data)
    assert caught.value.reason == reason


def test_a_truncated_picture_is_not_an_image():
    data = (FIXTURES / "wechat_family.png").read_bytes()
    with pytest.raises(PictureError) as caught:
        read_image(data[: len(data) // 2])
    assert caught.value.reason == "not_an_image"


def test_a_picture_without_text_says_so():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (1080, 1920), (237, 237, 237)).save(buf, "PNG")
    with pytest.raises(PictureError) as caught:
        read_image(buf.getvalue())
    assert caught.value.reason == "no_text"


def test_a_thin_strip_is_not_blown_up_past_the_pixel_limit():
    from PIL import Image

    from bot.ocr import MAX_IMAGE_PIXELS
    from bot.ocr.reader import scale_for_reading

    scaled, factor = scale_for_reading(Image.new("RGB", (100, 20000), (255, 255, 255)))
    assert scaled.width * scaled.height <= MAX_IMAGE_PIXELS and factor > 1
    small, factor = scale_for_reading(Image.new("RGB", (360, 640), (255, 255, 255)))
    assert (small.width, factor) == (720, 2.0)


def test_the_byte_limit_is_the_documented_one():
    with pytest.raises(PictureError):
        read_image(b"\xff\xd8\xff" + b"\0" * MAX_IMAGE_BYTES)


def test_importing_the_package_loads_no_recogniser():
    probe = ("import json, sys\nimport bot.ocr, bot.ocr.reader, bot.ocr.layout, bot.ocr.pool\n"
             "print(json.dumps(sorted(m for m in ('rapidocr', 'onnxruntime', 'cv2', 'numpy', 'PIL') "
             "if m in sys.modules)))")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "FANZHA_"))}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    assert json.loads(done.stdout) == []


def test_the_recogniser_is_built_and_reads_without_any_download(monkeypatch):
    """Every download path of rapidocr is made to fail: the engine still builds (models given by path, no
    direction classifier) and reads a picture."""
    import rapidocr.utils.download_file as download

    from bot.ocr import reader

    def refuse(*_args, **_kwargs):
        raise AssertionError("rapidocr tried to download")

    monkeypatch.setattr(download.DownloadFile, "run", classmethod(refuse))
    monkeypatch.setattr(reader, "_engine", None)
    result = read_image((FIXTURES / "qq_meeting.png").read_bytes())
    assert "开会" in result.text
