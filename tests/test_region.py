"""bot.region: whose anti-fraud hotlines a reader gets, and the advice lines that name them.

The hotlines are data (data/rules/hotlines.toml); these tests read what a reader would see in the advice.
"""

from __future__ import annotations

import tomllib

import pytest

from bot.region import HOTLINES_PATH, REGIONS, choose_regions, hotlines, normalize_region
from bot.render import render_verdict
from bot.verdict import Advice, RiskLevel, Verdict

HOTLINE_ADVICE = [Advice.NO_TRANSFER, Advice.CALL_96110, Advice.CALL_110, Advice.REPORT_APP]


def _advice_block(lang: str, regions: tuple[str, ...]) -> str:
    verdict = Verdict(risk_level=RiskLevel.HIGH, category_key="impersonate_police", advice=HOTLINE_ADVICE)
    return render_verdict(verdict, lang, regions=regions).split("\n\n")[-1]


@pytest.mark.parametrize(("stored", "lang", "app", "numbers", "expected"), [
    (None, "zh-Hans", "zh-hans", ["CN"], ("mainland",)),
    (None, "en", "en", ["HK"], ("mainland",)),             # an English reader: nothing says where they are
    (None, "zh-Hant", "zh-hant", [], ("hk", "tw")),         # Traditional, no hint: both, compactly
    (None, "zh-Hant", "zh-hant", ["CN", "HK"], ("hk",)),    # a +852 number in the message
    (None, "zh-Hant", "zh-hant", ["TW", "TW"], ("tw",)),
    (None, "zh-Hant", "zh-hant", ["MO"], ("mo",)),
    (None, "zh-Hant", "zh-hant", ["CN"], ("hk", "tw")),     # a mainland number says nothing about the reader
    (None, "zh-Hant", "zh-TW", [], ("tw",)),                # the app's language names the place
    ("tw", "zh-Hant", "zh-hant", ["HK"], ("tw",)),          # a /region choice wins over every guess
    ("mainland", "zh-Hant", "zh-hant", [], ("mainland",)),
])
def test_choose_regions(stored, lang, app, numbers, expected) -> None:
    assert choose_regions(stored, lang, app_language=app, number_regions=numbers) == expected


def test_traditional_reader_without_hints_gets_hong_kong_and_taiwan_lines_not_the_mainlands() -> None:
    block = _advice_block("zh-Hant", ("hk", "tw"))
    assert "18222" in block and "防騙易熱線" in block and "165" in block and "反詐騙諮詢專線" in block
    assert "防騙視伏器" in block
    assert "96110" not in block and "國家反詐中心" not in block


@pytest.mark.parametrize(("region", "lang", "present", "absent"), [
    ("hk", "zh-Hant", ["18222", "999", "Scameter"], ["96110", "165", "國家反詐中心"]),
    ("tw", "zh-Hant", ["165", "110", "165.npa.gov.tw"], ["96110", "18222"]),
    ("mo", "zh-Hant", ["8800 7777", "司法警察局", "999"], ["96110", "18222", "國家反詐中心"]),
    ("mainland", "zh-Hans", ["96110", "110 报警", "国家反诈中心"], ["18222", "165"]),
    ("hk", "en", ["18222 (Anti-Scam Helpline)", "999", "Scameter"], ["96110"]),
])
def test_each_region_gets_its_own_lines(region, lang, present, absent) -> None:
    block = _advice_block(lang, (region,))
    assert all(p in block for p in present), block
    assert not any(a in block for a in absent), block
    assert "不要转账" in block or "不要轉帳" in block or "send" in block.lower()  # other advice is kept


def test_without_regions_the_advice_is_unchanged() -> None:
    block = _advice_block("zh-Hans", ())
    assert "拿不准就打 96110（全国反诈专线）问一问。" in block and "国家反诈中心" in block


def test_every_hotline_has_a_source_and_every_region_an_ask_and_police_line() -> None:
    raw = tomllib.loads(HOTLINES_PATH.read_text(encoding="utf-8"))
    assert all(str(row.get("source", "")).strip() for row in raw["hotline"] + raw["number"])
    for region in REGIONS:
        roles = {h.role for h in hotlines() if h.region == region}
        assert {"ask", "police"} <= roles, region


@pytest.mark.parametrize(("word", "stored"), [("HK", "hk"), ("tw", "tw"), ("macau", "mo"), ("mainland", "mainland"),
                                              ("auto", "auto"), ("moon", None), ("", None)])
def test_region_words(word: str, stored: str | None) -> None:
    assert normalize_region(word) == stored
