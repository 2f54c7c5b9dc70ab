"""Support tactics (data/rules/support.toml): the ask and the pressure that genuine messages share with scams — an
amount to pay, a deadline, "call us back", "trust me", "don't ring me". Alone they count for nothing; beside a
strong tactic they are its ask, and the level is high where the tactic alone was suspicious. Every sentence is
written for the test, none is from data/eval."""

from __future__ import annotations

import pytest

from bot.check import Checker, StoreLists
from bot.rules import find_phrases
from bot.store import Store
from bot.verdict import RiskLevel


def _hits(text: str) -> dict[str, bool]:
    """rule id → whether it counts as a tactic (``RuleHit.strong``)."""
    found: dict[str, bool] = {}
    for hit in find_phrases(text):
        found[hit.rule.id] = found.get(hit.rule.id, False) or hit.strong
    return found


@pytest.mark.parametrize(("text", "rule"), [
    ("爸，下个月房租你先转我3000，周末还你", "ask_amount"),
    ("Dad can you send me £300 for the books? No rush.", "ask_amount"),
    ("The deposit of $500 is due at signing.", "ask_amount"),
    ("名额有限，先到先得", "deadline"),
    ("Please reply within 24 hours to confirm your seat.", "deadline"),
    ("有问题加我微信聊", "reach_us"),
    ("Please call us back when you can.", "reach_us"),
    ("放心，这家店很靠谱，相信我", "reassurance"),
    ("In class, can't talk, text me", "no_call_back"),
    ("直接转我支付宝就行", "pay_me_direct"),
])
def test_a_support_tactic_alone_is_shown_but_does_not_count(text, rule):
    assert _hits(text).get(rule) is False, _hits(text)


@pytest.mark.parametrize(("text", "strong", "support"), [
    ("您的包裹里查出违禁物品，已移交警方处理，现在需要你转5万保证金", "parcel_contraband", "ask_amount"),
    ("The room is yours. I'm overseas so the keys will be posted to you. Pay the bond of $1,200 first.",
     "en_keys_by_post", "ask_amount"),
    ("Your passport has been flagged by the Ministry of Public Security. Call us back within 24 hours.",
     "en_identity_flagged", "deadline"),
    ("演唱会内场票 我有内部渠道 先付定金锁票 名额有限", "off_platform_prepay", "deadline"),
])
def test_beside_a_strong_tactic_a_support_tactic_counts(text, strong, support):
    hits = _hits(text)
    assert hits.get(strong) is True and hits.get(support) is True, hits


@pytest.mark.parametrize(("text", "rule"), [
    ("杭州一大学生先后转账20万元给对方", "ask_amount"),                       # reported, not asked
    ("She was told to transfer $40,000 into a 'safe account'.", "ask_amount"),
    ("我投咗一萬 兩個禮拜已經賺咗四千", "ask_amount"),
])
def test_a_reported_payment_is_not_an_ask(text, rule):
    assert rule not in _hits(text)


def test_a_strong_tactic_own_words_are_not_a_second_tactic():
    # "press 1" is the robocall's tactic; the support rule for "call back / reply 1" does not repeat it.
    assert _hits("Your parcel is held. Press 1 to speak to an agent.") == {"en_press_digit": True}


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('support') / 'fanzha.db'}")
    checker = Checker(StoreLists(store), None)
    yield checker
    checker.close()
    store.close()


@pytest.mark.parametrize("text", [
    "We are holding your son. If you want him back unharmed, wire 50,000 USD to the account we give you.",
    "UK Visas and Immigration: your permit has an issue. A penalty of £1,250 must be paid within 48 hours to avoid "
    "removal. Reply 1 to pay.",
    "二手爱马仕 全新未使用 走私货 价格只有专柜三分之一 先付一半定金",
])
def test_a_tactic_and_its_ask_are_high_without_any_model(checker, text):
    assert checker.check_text_sync(text).risk_level == RiskLevel.HIGH


@pytest.mark.parametrize("text", [
    "Dad can you send me £2,400 for next term's rent? Same account as usual, it's due by Friday.",
    "名额有限，先到先得，转我500定金就给你留位置",  # a class or a trip among friends: asks and pressure, no tactic
    "Hi, it's the GP surgery. Please call us back within 24 hours to book your appointment.",
])
def test_asks_and_deadlines_without_a_tactic_stay_low(checker, text):
    assert checker.check_text_sync(text).risk_level == RiskLevel.LOW
