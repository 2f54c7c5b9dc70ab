"""Text from screenshots, offline (rapidocr: PP-OCR models shipped inside the wheel, onnxruntime).

People send a screenshot of the SMS or the chat instead of forwarding it. This package turns the picture into the
text a person would have typed, in reading order (bubbles of a chat kept together, the speaker's side kept, the
phone's status bar and time stamps dropped), with a confidence the verdict can be honest about. Nothing here knows
Telegram: the CLI, the bot and the tests call the same functions.

Heavy imports (rapidocr, onnxruntime, OpenCV) happen on first use, never at import time: commands that need no
picture must start fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_IMAGE_BYTES = 10 * 1024 * 1024
"""Largest image file read (bytes); a bigger file is refused politely before it is decoded."""
MAX_IMAGE_PIXELS = 40_000_000
"""Largest decoded image (width × height): a small file can decode to a huge bitmap (decompression bomb)."""
LOW_CONFIDENCE = 0.80
"""Below this mean recognition confidence the reading is called unsure (the verdict says so)."""


class PictureError(ValueError):
    """The picture cannot be read; ``reason`` is ``"too_large"``, ``"not_an_image"`` or ``"no_text"`` (the picture
    itself), ``"busy"`` or ``"failed"`` (the OCR pool: full, or the picture killed two workers), ``"not_found"``
    (a batch line naming a file that does not exist)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class OcrLine:
    """One recognised line: its text, box (x0, y0, x1, y1 in pixels), confidence in [0, 1], and ``side``
    (``"left"`` = the other person, ``"right"`` = the phone's owner, ``None`` when the layout does not say)."""

    text: str
    box: tuple[int, int, int, int]
    confidence: float
    side: str | None = None


@dataclass(frozen=True)
class OcrResult:
    """What was read: ``text`` in reading order, one bubble per paragraph (the lines an app wrapped inside one
    bubble joined back without a break, so a phrase cut by the wrap is whole again; a blank line between
    bubbles); ``confidence`` the character-weighted mean over kept lines; ``lines`` the kept lines in reading
    order; ``dropped`` how many detected lines were dropped as status bar / time stamps;
    ``header`` the chat's title (the contact's name or the SMS sender) when the picture shows one: dropped from
    ``text`` (a person forwarding the message would not type it), kept for whoever wants to show it."""

    text: str
    confidence: float
    lines: tuple[OcrLine, ...] = field(default_factory=tuple)
    dropped: int = 0
    header: str = ""

    @property
    def unsure(self) -> bool:
        return self.confidence < LOW_CONFIDENCE
