"""Quoting a piece of the user's text back to them so it reads as words, not as a cut-off fragment.

A rule's match ends wherever its pattern ends: ``pay the fee at http://`` stops inside a link, and a match
can end in the middle of an English word. A reader who sees half a word cannot recognise the sentence they
were sent, so evidence quotes are widened here: :func:`whole_words` to whole Latin words and links (the
exact evidence, with offsets, for the detailed view), :func:`readable_quote` to the whole clause around it
when that is short enough to read on a phone, else to the whole words with "…" where the clause goes on.
Chinese is left at the rule's own match or widened to its clause: both end on whole words, because the
rules are anchored on words and a clause ends at punctuation.
"""

from __future__ import annotations

import unicodedata

QUOTE_MAX_WIDTH = 56
"""Widest quote shown in the short card, in display columns (a Chinese character takes two): one line of a
phone screen, about 28 Chinese characters or 56 Latin ones."""
MAX_WIDEN = 60
"""At most this many characters are added on either side of a match: a "word" of thousands of letters is an
attack, not a sentence, and is shown cut (with "…")."""
ELLIPSIS = "…"

# Punctuation that ends a clause wherever it stands. ASCII ",.:" end one only before a space or the end of
# the text: inside a link, an amount or a time ("cc.top", "$50,000", "18:00") they are part of a word.
_CLAUSE_MARKS = frozenset("。！？；，、：…\n\r\t【】（）《》〈〉!?;()[]")
_SOFT_MARKS = frozenset(",.:")
# Characters that may end a widened Latin word but are not part of it ("fee." → "fee").
_TRAILING = ".,;:!?'\")]}>"
_LEADING = "'\"([{<"


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _is_word_char(char: str) -> bool:
    """Part of a Latin word or a link: not a space, not Chinese or full-width, not a clause mark."""
    return not char.isspace() and not _is_wide(char) and char not in _CLAUSE_MARKS


def width(text: str) -> int:
    """Display columns: two for a Chinese (wide) character, one for the rest."""
    return sum(2 if _is_wide(c) else 1 for c in text)


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` widened so that no Latin word or link is cut in half (at most ``MAX_WIDEN`` more
    characters a side). A match that begins and ends on word boundaries, as Chinese matches do, is kept."""
    new_start, new_end = start, end
    if 0 < start < len(text) and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
        while new_start > 0 and start - new_start < MAX_WIDEN and _is_word_char(text[new_start - 1]):
            new_start -= 1
        while new_start < start and text[new_start] in _LEADING:
            new_start += 1
    if 0 < end < len(text) and _is_word_char(text[end - 1]) and _is_word_char(text[end]):
        while new_end < len(text) and new_end - end < MAX_WIDEN and _is_word_char(text[new_end]):
            new_end += 1
        while new_end > end and text[new_end - 1] in _TRAILING:
            new_end -= 1
    return new_start, new_end


def _ends_clause(text: str, i: int) -> bool:
    char = text[i]
    if char in _CLAUSE_MARKS:
        return True
    return char in _SOFT_MARKS and (i + 1 == len(text) or text[i + 1].isspace())


def clause(text: str, start: int, end: int, *, reach: int = 2 * MAX_WIDEN) -> tuple[int, int, bool, bool]:
    """The clause around ``text[start:end]`` (between clause marks, spaces trimmed), and on each side whether
    its end was found within ``reach`` characters (a clause longer than that is never quoted whole)."""
    left = start
    while left > 0 and start - left < reach and not _ends_clause(text, left - 1):
        left -= 1
    right = end
    while right < len(text) and right - end < reach and not _ends_clause(text, right):
        right += 1
    left_found = left == 0 or _ends_clause(text, left - 1)
    right_found = right == len(text) or _ends_clause(text, right)
    while left < start and text[left].isspace():
        left += 1
    while right > end and text[right - 1].isspace():
        right -= 1
    return left, right, left_found, right_found


def readable_quote(text: str, start: int, end: int) -> str:
    """What the short card quotes for the match ``text[start:end]``: its whole clause when that fits on a
    phone line (``QUOTE_MAX_WIDTH``), else the match widened to whole words, with "…" on each side where the
    clause goes on."""
    left, right, left_found, right_found = clause(text, start, end)
    if left_found and right_found and width(text[left:right]) <= QUOTE_MAX_WIDTH:
        return text[left:right]
    word_start, word_end = whole_words(text, start, end)
    quoted = text[word_start:word_end].strip()
    if word_start > left or not left_found:
        quoted = ELLIPSIS + quoted
    if word_end < right or not right_found:
        quoted += ELLIPSIS
    return quoted
