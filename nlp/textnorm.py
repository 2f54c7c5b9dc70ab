"""Text normalisation shared by the checker and the bot: NFKC + Traditional→Simplified (OpenCC).

Lives in ``nlp`` (which never imports ``bot``) so training data and bot input get the very same steps;
``bot`` imports it from here.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from opencc import OpenCC


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese. Character-for-character in length for nearly all input."""
    return _t2s().convert(text)


def normalize_text(text: str) -> str:
    """NFKC (full-width digits and letters → ASCII) then Traditional → Simplified."""
    return to_simplified(unicodedata.normalize("NFKC", text))


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """``normalize_text`` plus, for every output character, the index of the input character it came from.

    Lets rules match on the normalised text while evidence spans still point into what the user sent
    (NFKC can change lengths: "①" → "1", "㈱" → "(株)"). NFKC is applied per character; T→S runs on the
    whole string and, in the rare case it changes the length, per character instead.
    """
    pieces: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        out = unicodedata.normalize("NFKC", char)
        pieces.append(out)
        origin.extend([index] * len(out))
    nfkc = "".join(pieces)
    simplified = to_simplified(nfkc)
    if len(simplified) != len(nfkc):
        simplified = "".join(to_simplified(c) if len(to_simplified(c)) == 1 else c for c in nfkc)
    return simplified, origin


def original_span(origin: list[int], start: int, end: int, text_length: int) -> tuple[int, int]:
    """Map a [start, end) span of the normalised text back to the original text."""
    if start >= len(origin):
        return text_length, text_length
    return origin[start], (origin[end - 1] + 1) if end > start else origin[start]
