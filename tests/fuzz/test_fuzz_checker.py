"""The checker gives a verdict for anything a user can send, within a bounded cost, over a real store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cputime import cpu_seconds
from fuzz_profile import examples
from fuzz_strategies import message_text
from hypothesis import given, settings

from bot.check import Checker, EmptyInput, StoreLists, TextTooLong
from bot.store import Store
from bot.verdict import RiskLevel

CPU_SECONDS_PER_CHAR = 150e-6
"""Generous (0.3 s + 150 µs per character: under 1 s of CPU for the 4,096-character worst case), so a slow or
loaded core does not fail it; quadratic link scanning of a dotted run took more than seven times that."""


@pytest.fixture(scope="module")
def checker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Checker]:
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fanzha.db'}")
    store.add_blocklist("+8613800138000", category="impersonate_police", evidence="fuzz", actor="test")
    checker = Checker(StoreLists(store))
    checker.check_text_sync("请拨打 13800138000 或访问 www.icbc-vip.cn")  # loads rule tables and caches once
    try:
        yield checker
    finally:
        checker.close()
        store.close()


@settings(max_examples=examples(3000))
@given(message_text())
def test_any_text_gets_a_verdict_whose_evidence_points_into_it(checker: Checker, text: str) -> None:
    try:
        verdict, spent = cpu_seconds(lambda: checker.check_text_sync(text))
    except (EmptyInput, TextTooLong):
        assert not text.strip() or len(text) > 4096
        return
    assert verdict.risk_level in set(RiskLevel)
    for evidence in verdict.evidence:
        if evidence.span is not None:
            assert 0 <= evidence.span.start <= evidence.span.end <= len(text)
            assert evidence.span.text == text[evidence.span.start:evidence.span.end]
    for report in verdict.numbers:
        assert report.raw
    assert spent <= 0.3 + CPU_SECONDS_PER_CHAR * len(text), f"{spent:.2f} s of CPU for {len(text)} characters"
