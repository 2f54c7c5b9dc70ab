"""Text normalisation shared by the checker and the bot: obfuscation folding, NFKC, Traditional→Simplified.

Lives in ``nlp`` (which never imports ``bot``) so training data and bot input get the very same steps;
``bot`` imports it from here.

Obfuscation folding comes first, so that a scam written to slip past filters reads as its clean form to
every rule and to the model: invisible characters (zero-width spaces and joiners, soft hyphens, bidi marks,
other format and control characters) are dropped; Cyrillic and Greek letters that look Latin are read as the
Latin letter (Unicode's confusables table, via ``confusable_homoglyphs``); and separators spread between
Chinese characters ("安 全 账 户", "银.行.卡", "出-租") are dropped when they separate at least three CJK
characters in a row, and so is one separator spread between every character of a long stretch of any text
("请 拨 打 4 0 0 …", "w.w.w...x.c.n"). NFKC then folds full-width forms, circled and mathematical letters and digits.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from confusable_homoglyphs import categories, confusables
from opencc import OpenCC

_CJK = "\u3400-\u9fff\uf900-\ufaff"
# A separator run (spaces, dots, dashes, stars, slashes …; not the comma or full stop) between two CJK characters …
_SEP = r"[ \t\u00a0\u3000.·•\-_*/|~+]"
# … counted as obfuscation only inside a run of ≥ 3 CJK characters each set apart by one.
_SEP_ONE = r"[ .·•\-_*/|~+\u200b]"
_SPREAD = re.compile(rf"[{_CJK}](?:{_SEP}{{1,3}}[{_CJK}]){{2,}}"
                     # … and single digits (a phone number "1 7 0 1 2 3 4 …") or single Latin letters ("P r e s s")
                     # set apart one by one: at least 7 digits or 4 letters in a row, so dates and lists stay.
                     rf"|(?<![0-9])[0-9](?:{_SEP_ONE}[0-9]){{6,}}(?![0-9])"
                     rf"|(?<![A-Za-z])[A-Za-z](?:{_SEP_ONE}[A-Za-z]){{3,}}(?![A-Za-z])")
_SEP_RUN = re.compile(rf"{_SEP}+")

# A whole message (or a long part of it) spread one character at a time with one separator: "请 立 即 转 账",
# "w.w.w...x.c.n". Every character in between is kept, whatever it is — Chinese, digits, letters,
# punctuation and the message's own spaces (which the spreading doubled into separator-space-separator) —
# so the text comes back exactly. At least this many separators in strict alternation, so a version
# number ("v1.2.3"), an ellipsis or words set apart by spaces stay as they are.
_SPREAD_SEPARATORS = " .\u3000-_*/|~·•+,，、"
_MIN_SPREAD_SEPARATORS = 6
_SPREAD_PROBE = {
    sep: re.compile(rf"[^{re.escape(sep)}]{re.escape(sep)}(?:.{re.escape(sep)}){{{_MIN_SPREAD_SEPARATORS - 1}}}", re.S)
    for sep in _SPREAD_SEPARATORS}


def _latin_pair(a: str, b: str) -> bool:
    return a.isascii() and b.isascii() and a.isalnum() and b.isalnum()


def _unspread(text: str, origin: list[int]) -> tuple[str, list[int]]:
    """Drop the separators of every run "x s y s z s …" (≥ ``_MIN_SPREAD_SEPARATORS`` of one separator s).

    Linear: a regular expression tells whether a separator can matter at all; the scan then looks at each
    position a bounded number of times (a run too short to count is at most 2 × the minimum long).
    """
    for sep in _SPREAD_SEPARATORS:
        if not _SPREAD_PROBE[sep].search(text):
            continue
        n = len(text)
        drop = bytearray(n)
        i = 0
        while i < n - 2:
            if text[i] != sep and text[i + 1] == sep:
                j = i
                while j + 2 < n and text[j + 1] == sep:
                    j += 2
                # Items at i, i + 2, …, j. An end item glued to an unspread Latin word ("hello w o r l d")
                # belongs to that word and the separator beside it is a real one; Chinese has no spaces
                # between words, so there the separator goes too ("用 你 的 名 字办").
                first = i + 2 if i > 0 and _latin_pair(text[i - 1], text[i]) else i
                last = j - 2 if j + 1 < n and _latin_pair(text[j], text[j + 1]) else j
                if (last - first) // 2 >= _MIN_SPREAD_SEPARATORS:
                    for k in range(first + 1, last, 2):
                        drop[k] = 1
                    i = j + 1
                    continue
            i += 1
        text = "".join(c for c, d in zip(text, drop, strict=True) if not d)
        origin = [o for o, d in zip(origin, drop, strict=True) if not d]
    return text, origin


# Emoji written in place of the words they picture, as recruitment ads do to dodge keyword filters
# ("🏦卡" 银行卡, "💳" 卡, "🐧号" QQ号). Squared ideographs (🈶 有, 🉐 得) are already folded by NFKC.
_EMOJI_WORDS = {"🏦": "银行", "💳": "卡", "🐧": "QQ", "📱": "手机", "💰": "钱", "💵": "钱", "💴": "钱"}


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """'' for an invisible character, the word an emoji stands for, the Latin look-alike for a Cyrillic/Greek
    letter, else the character."""
    if char in "\n\t":
        return char
    if char in _EMOJI_WORDS:
        return _EMOJI_WORDS[char]
    category = unicodedata.category(char)
    if category in ("Cf", "Cc") or char in "\u034f\u115f\u1160\u3164\uffa0":
        return ""
    if category.startswith("L") and ord(char) < 0x2000 and categories.alias(char) in ("CYRILLIC", "GREEK"):
        found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"])
        if found:
            latin = [h["c"] for h in found[0]["homoglyphs"] if len(h["c"]) == 1 and h["c"].isascii()]
            if latin:
                return latin[0]
    return char


def fold_obfuscation(text: str) -> tuple[str, list[int]]:
    """The folded text and, per output character, the index of the input character it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for piece in _fold_char(char):
            chars.append(piece)
            origin.append(index)
    folded_text, origin = _unspread("".join(chars), origin)
    if not _SPREAD.search(folded_text):
        return folded_text, origin
    keep = [True] * len(folded_text)
    for m in _SPREAD.finditer(folded_text):
        for sep in _SEP_RUN.finditer(folded_text, m.start(), m.end()):
            for i in range(sep.start(), sep.end()):
                keep[i] = False
    return ("".join(c for c, k in zip(folded_text, keep, strict=True) if k),
            [o for o, k in zip(origin, keep, strict=True) if k])


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese. Character-for-character in length for nearly all input."""
    return _t2s().convert(text)


def normalize_text(text: str) -> str:
    """Obfuscation folding, NFKC (full-width digits and letters → ASCII), then Traditional → Simplified."""
    return to_simplified(unicodedata.normalize("NFKC", fold_obfuscation(text)[0]))


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """``normalize_text`` plus, for every output character, the index of the input character it came from.

    Lets rules match on the normalised text while evidence spans still point into what the user sent
    (NFKC can change lengths: "①" → "1", "㈱" → "(株)"). NFKC is applied per character; T→S runs on the
    whole string and, in the rare case it changes the length, per character instead.
    """
    folded, folded_origin = fold_obfuscation(text)
    pieces: list[str] = []
    origin: list[int] = []
    for char, index in zip(folded, folded_origin, strict=True):
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
