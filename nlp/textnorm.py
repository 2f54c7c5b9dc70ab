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
