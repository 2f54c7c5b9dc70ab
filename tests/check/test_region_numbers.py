"""The Checker over a real store (SQLite and PostgreSQL): official numbers of every region are described as
official, and an official service code dressed with a country code in a text is not (rules and lists only)."""

from __future__ import annotations

import pytest

from bot.check import Checker, StoreLists
from bot.render import render_verdict


@pytest.fixture
def checker(store):
    checker = Checker(StoreLists(store), classifier=None)
    yield checker
    checker.close()


@pytest.mark.parametrize("text", ["【工商银行】您的账户异常，请致电 +86 95588 核实",
                                  "【工商银行】您的账户异常，请致电 0086 95588 核实",
                                  "【工商银行】您的账户异常，请致电 +8695588 核实"])
def test_an_official_code_with_a_country_code_in_a_text_gets_no_official_badge(checker, text: str) -> None:
    verdict = checker.check_text_sync(text)
    (report,) = verdict.numbers
    assert report.e164 == "95588" and report.allowlisted is None
    assert "spoof_format" in [s["signal"] for s in report.signals]
    card = render_verdict(verdict, "zh-Hans")
    assert "✅" not in card and "伪造的来电显示" in card


def test_the_plain_official_code_keeps_its_badge(checker) -> None:
    (report,) = checker.check_text_sync("【工商银行】您的账户异常，请致电 95588 核实").numbers
    assert report.allowlisted is not None and report.allowlisted["owner"] == "中国工商银行"
    assert report.signals == []


@pytest.mark.parametrize(("raw", "owner_part"), [
    ("12110", "短信报警"), ("12321", "垃圾信息举报"), ("12381", "涉诈预警"),
    ("18222", "防骗易"), ("165", "反诈骗咨询专线"), ("8800 7777", "司法警察局"),
])
def test_official_numbers_of_every_region_are_described_as_official(checker, raw: str, owner_part: str) -> None:
    verdict = checker.check_number_sync(raw)
    (report,) = verdict.numbers
    assert report.allowlisted is not None and owner_part in report.allowlisted["owner"]
    assert report.signals == []  # not "unofficial", not "invalid", not "港澳台号码…冒充常用"
    card = render_verdict(verdict, "zh-Hant")
    assert "✅" in card and "無效" not in card
