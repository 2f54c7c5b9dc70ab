"""Which contacts make a strong tactic high: a number off the allowlist, a link to any site but an
organisation's official one, a private chat account (加V、QQ、LINE ID、Telegram @). Every sentence is written
for the test, none is from data/eval. Rules and lists only, except where a stub model says how sure it is."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bot.check import Checker, StoreLists
from bot.store import Store
from bot.verdict import RiskLevel

HIGH, SUS, LOW = RiskLevel.HIGH, RiskLevel.SUSPICIOUS, RiskLevel.LOW


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path_factory.mktemp('contacts') / 'fanzha.db'}")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def checker(store: Store) -> Iterator[Checker]:
    checker = Checker(StoreLists(store), classifier=None)
    yield checker
    checker.close()


@dataclass
class _Answer:
    fraud_probability: float
    category_key: str | None = None


class _SureModel:
    """A classifier that flags every text at 0.6: above the suspicious threshold, under the high one."""

    def predict(self, texts: list[str]) -> list[_Answer]:
        return [_Answer(0.6, "fake_customer_service") for _ in texts]


REFUND = "【国家税务总局】您的2025年度个人所得税退税可以申领，请登录 {link} 办理"


def test_a_refund_notice_linking_the_tax_offices_own_site_is_not_high(checker: Checker) -> None:
    """The tax office sends exactly this with its own site; a strong tactic beside it is no agreement."""
    verdict = checker.check_text_sync(REFUND.format(link="https://etax.chinatax.gov.cn"))
    assert verdict.risk_level == SUS
    assert any(e.detail.get("rule") == "phishing_lure" for e in verdict.evidence)  # the tactic is still shown


def test_the_same_notice_with_another_site_is_high(checker: Checker) -> None:
    assert checker.check_text_sync(REFUND.format(link="https://tuishui-ling.top/sq")).risk_level == HIGH


@pytest.mark.parametrize("contact", [
    "详情加V：fx_laoshi77",
    "私聊QQ 3301928744",
    "LINE ID：job_tw88",
    "联系 @task_help_01 领取",
    "加微信   ：   fx_laoshi77",   # blanks around the colon, as people type them
])
def test_a_chat_account_beside_a_strong_tactic_makes_it_high(checker: Checker, contact: str) -> None:
    text = "兼职刷单，日结300元，" + contact
    assert checker.check_text_sync("兼职刷单，日结300元").risk_level == SUS  # the tactic alone
    assert checker.check_text_sync(text).risk_level == HIGH


def test_a_chat_account_is_not_an_official_contact(store: Store) -> None:
    """A text whose only contact is a bank's hotline is lowered when the model alone flags it; one that also
    sends the reader to a private chat account is not."""
    checker = Checker(StoreLists(store), classifier=_SureModel())
    try:
        official = "您好，您的信用卡账单已出，如有疑问请致电95588"
        assert checker.check_text_sync(official).risk_level == LOW
        assert checker.check_text_sync(official + "，或加客服微信 icbc_kf01 办理").risk_level == SUS
    finally:
        checker.close()
