"""A disguised scam gets (at least) the level of its clean form, with the real shipped model.

Scam senders spread a message with spaces or zero-width characters, write it in full-width forms or swap
Latin letters for Cyrillic look-alikes, over the whole text or part of it, to slip past filters. The scams
are the real-register evaluation set's (data/eval), so the clean forms are messages people forward.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fuzz_profile import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.check import Checker
from bot.config import Settings
from bot.evalset import load_eval_set
from bot.store import Store
from bot.verdict import RiskLevel, Verdict

pytestmark = pytest.mark.slow

RANK = {RiskLevel.LOW: 0, RiskLevel.SUSPICIOUS: 1, RiskLevel.HIGH: 2}
SCAMS = [row.text for row in load_eval_set() if row.label == "scam"]
_CYRILLIC = str.maketrans("aceopxyABCEHKMOPTX", "асеорхуАВСЕНКМОРТХ")

DISGUISES = {
    "spaces": lambda part: " ".join(part),
    "zero-width spaces": lambda part: "\u200b".join(part),
    "zero-width joiners": lambda part: "\u200d".join(part),
    "full-width": lambda part: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in part),
    "Cyrillic look-alikes": lambda part: part.translate(_CYRILLIC),
    "look-alikes and zero-width": lambda part: "\u200b".join(part.translate(_CYRILLIC)),
}


@pytest.fixture(scope="module")
def checker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Checker]:
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('fuzzobf') / 'fanzha.db'}")
    checker = Checker.from_settings(Settings(use_model=True), store, model_process=False)
    try:
        yield checker
    finally:
        checker.close()
        store.close()


class CleanLevels(dict):
    """Each scam's level as written (its repr stays short in hypothesis' failure reports)."""

    def __repr__(self) -> str:
        return f"<levels of {len(self)} clean scams>"


@pytest.fixture(scope="module")
def clean_levels(checker: Checker) -> CleanLevels:
    verdicts = checker.check_texts_sync(SCAMS)
    return CleanLevels((text, v.risk_level) for text, v in zip(SCAMS, verdicts, strict=True)
                       if isinstance(v, Verdict))


@st.composite
def disguised_scam(draw: st.DrawFn) -> tuple[str, str, str]:
    """(clean text, disguise name, disguised text): the whole message, or a part of at least 12 characters."""
    text = draw(st.sampled_from(SCAMS))
    name = draw(st.sampled_from(sorted(DISGUISES)))
    if len(text) > 12 and draw(st.booleans()):
        start = draw(st.integers(0, len(text) - 12))
        end = draw(st.integers(start + 12, len(text)))
    else:
        start, end = 0, len(text)
    return text, name, text[:start] + DISGUISES[name](text[start:end]) + text[end:]


@settings(max_examples=examples(400))
@given(disguised_scam())
def test_a_disguised_scam_is_not_rated_lower(checker: Checker, clean_levels: CleanLevels,
                                             case: tuple[str, str, str]) -> None:
    clean, name, disguised = case
    level = checker.check_text_sync(disguised).risk_level
    assert RANK[level] >= RANK[clean_levels[clean]], f"{name}: {clean_levels[clean]} → {level} for {clean!r}"
