"""The committed screenshots (tests/fixtures/screenshots/, made by scripts/make_screenshots.py), what each should
read as, and the character accuracy the tests measure."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "screenshots"


def entries() -> list[dict[str, Any]]:
    return json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


def squeeze(text: str) -> str:
    """Whitespace-free, NFKC-folded text: a full-width "，" read as "," is the same character to a reader and
    to the checker (which folds the same way), a line break is layout."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def accuracy(got: str, want: str) -> float:
    """Character accuracy: 1 − Levenshtein distance / expected length, on squeezed texts."""
    from rapidfuzz.distance import Levenshtein

    got, want = squeeze(got), squeeze(want)
    return 1.0 - Levenshtein.distance(got, want) / len(want)
