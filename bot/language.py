"""Which language and script a reader gets: Telegram's ``language_code`` and the script of their own text.

Kept apart from the words themselves (``bot.render``, ``bot.locales``): deciding the language is a question of
detection, wording is another.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from bot.locales import DEFAULT_LANGUAGE, LANGUAGES

_HANT_CODES = ("zh-hant", "zh-tw", "zh-hk", "zh-mo")


@lru_cache(maxsize=1)
def converters() -> tuple[Any, Any]:
    from opencc import OpenCC

    # s2tw: Taiwan-standard forms (群, 著), which Traditional readers everywhere know; OpenCC's plain s2t
    # gives variants such as 羣 and 着.
    return OpenCC("t2s"), OpenCC("s2tw")


# Written the same in both scripts in the words that matter here (佣金, 台湾), though OpenCC maps them.
_SHARED_CHARS = frozenset("佣台")


@lru_cache(maxsize=8192)
def _char_script(char: str) -> str:
    """``"hant"`` if only Traditional writing uses ``char``, ``"hans"`` if only Simplified, else ``""``."""
    if char in _SHARED_CHARS:
        return ""
    t2s, s2t = converters()
    if t2s.convert(char) != char:
        return "hant"
    if s2t.convert(char) != char:
        return "hans"
    return ""


def _is_han(char: str) -> bool:
    return "CJK UNIFIED IDEOGRAPH" in unicodedata.name(char, "")


def script_counts(text: str) -> tuple[int, int]:
    """How many characters only Traditional writing uses, and how many only Simplified writing uses."""
    hant = hans = 0
    for char in text[:2000]:
        if _is_han(char):
            script = _char_script(char)
            hant += script == "hant"
            hans += script == "hans"
    return hant, hans


def text_script(text: str | None) -> str | None:
    """``"hant"``, ``"hans"`` or ``None`` (no Chinese) for a text, by counting script-specific characters.

    Most characters are shared by both scripts; the ones that differ decide. Ties go to Simplified, the
    script of most input.
    """
    if not text or not any(_is_han(c) for c in text[:2000]):
        return None
    hant, hans = script_counts(text)
    return "hant" if hant > hans else "hans"


def pick_language(language_code: str | None, text: str | None) -> str:
    """Reply language from Telegram's ``language_code`` and the script of the user's text.

    Traditional text → zh-Hant. Other Chinese text → zh-Hans (zh-Hant if the app is in Traditional):
    Telegram has no official Chinese interface, so many Chinese readers run it in English and their text
    says more than their ``language_code``. Without Chinese text: the app's language, English for a
    non-Chinese interface, Simplified Chinese when nothing is known.
    """
    code = (language_code or "").strip().lower().replace("_", "-")
    hant_app = code.startswith(_HANT_CODES)
    script = text_script(text)
    if script == "hant":
        return "zh-Hant"
    if script == "hans":
        return "zh-Hant" if hant_app else "zh-Hans"
    if hant_app:
        return "zh-Hant"
    if code.startswith("zh") or not code:
        return "zh-Hans"
    return "en"


def normalize_language(lang: str | None) -> str:
    """A supported language tag (stored preferences and CLI flags may come in other spellings)."""
    if not lang:
        return DEFAULT_LANGUAGE
    for supported in LANGUAGES:
        if lang.lower() == supported.lower():
            return supported
    return pick_language(lang, None)
