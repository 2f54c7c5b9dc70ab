"""What a verdict tells the reader beyond its level: the advice in the order it is shown, the evidence with what
each finding quotes, and numbers checked alone. Rules and lists only (no model)."""

from __future__ import annotations

import pytest

from bot.check import Checker, CheckHints, StoreLists
from bot.store import Store
from bot.verdict import Advice, EvidenceKind, RiskLevel

HOTLINES = [Advice.CALL_96110, Advice.CALL_110, Advice.REPORT_APP]


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory):
    """One store for the tests that only read the shipped lists."""
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('advice') / 'fanzha.db'}")
    yield store
    store.close()


@pytest.fixture
def checker(shared_store):
    checker = Checker(StoreLists(shared_store))
    yield checker
    checker.close()


def _evidence(verdict, kind: EvidenceKind) -> list:
    return [e for e in verdict.evidence if e.kind == kind]


# --- advice ----------------------------------------------------------------------------------------------

def test_a_low_verdict_never_claims_safety_and_warns_of_links_only_when_there_is_one(checker):
    assert checker.check_text_sync("明天下午三点开会").advice == [
        Advice.CANNOT_PROVE_SAFE, Advice.NO_CODES, Advice.CALL_96110]
    assert checker.check_text_sync("会议资料在这里 http://a-b.top 看看").advice == [
        Advice.CANNOT_PROVE_SAFE, Advice.NO_LINKS, Advice.NO_CODES, Advice.CALL_96110]


def test_police_impostors_get_the_police_advice_then_links_codes_and_hotlines(checker):
    verdict = checker.check_text_sync("您好，我是公安局的，请把资金转到安全账户，详情见 http://gaj-check.top")
    assert verdict.category_key == "impersonate_police"
    assert verdict.advice == [Advice.POLICE_NO_TRANSFER, Advice.NO_TRANSFER, Advice.NO_SCREEN_SHARE,
                              Advice.NO_LINKS, Advice.NO_CODES, *HOTLINES]


def test_card_trafficking_advice_says_it_is_a_crime_and_asks_for_no_codes(checker):
    assert checker.check_text_sync("高价收购银行卡、电话卡，一套日结300元").advice == [Advice.CARD_CRIME, *HOTLINES]
    assert checker.check_text_sync("高价收购银行卡，详见 http://card-buy.top").advice == [
        Advice.CARD_CRIME, Advice.NO_LINKS, *HOTLINES]


def test_phishing_advice_names_links_and_codes_once(checker):
    verdict = checker.check_text_sync("请登录 icbc-vip.cc 验证")
    assert verdict.category_key == "phishing"
    assert verdict.advice == [Advice.NO_LINKS, Advice.NO_CODES, Advice.CALL_OFFICIAL, *HOTLINES]


def test_a_prize_claim_leads_with_the_prize_advice_whatever_its_category(checker):
    verdict = checker.check_text_sync("恭喜您获得抖音周年庆活动三等奖，奖金8888元，请点击 http://dy-gift.top 领取")
    assert verdict.category_key == "phishing"
    assert verdict.advice == [Advice.PRIZE_NO_FEE, Advice.NO_TRANSFER, Advice.NO_LINKS, Advice.NO_CODES, *HOTLINES]


# --- evidence --------------------------------------------------------------------------------------------

def test_a_phrase_is_shown_with_its_rule_type_strength_and_the_words_around_it(checker):
    text = "您好，这里是市公安局，请您马上把资金转到安全账户，配合调查"
    [hit] = [e for e in _evidence(checker.check_text_sync(text), EvidenceKind.PHRASE)
             if e.detail["rule"] == "safe_account"]
    assert hit.detail["phrase"] == "安全账户" and hit.span.text == "安全账户"
    assert text[hit.span.start:hit.span.end] == "安全账户"
    assert (hit.detail["category_key"], hit.detail["strength"]) == ("impersonate_police", "strong")
    assert "安全账户" in hit.detail["quote"] and len(hit.detail["quote"]) > len("安全账户")


def test_a_card_trafficking_hit_is_shown_with_its_rule_and_the_words_around_it(checker):
    text = "兄弟，高价收购银行卡，一套日结300元，有意私聊"
    verdict = checker.check_text_sync(text)
    cards = _evidence(verdict, EvidenceKind.CARD_TRAFFICKING)
    assert cards
    for card in cards:
        assert card.detail["rule"] and card.span.text == card.detail["phrase"] == text[card.span.start:card.span.end]
        assert card.detail["phrase"] in card.detail["quote"]
    assert verdict.category_key == "card_trafficking" and verdict.confidence == 0.9


def test_a_forwarded_message_names_where_it_came_from_first(checker):
    verdict = checker.check_text_sync("看看 https://icbc-vip.cc/reg", CheckHints(forward_origin="user",
                                                                             forward_title="王经理"))
    assert verdict.evidence[0].kind == EvidenceKind.FORWARD
    assert verdict.evidence[0].detail == {"origin": "user", "title": "王经理"}
    assert not _evidence(checker.check_text_sync("看看 https://icbc-vip.cc/reg"), EvidenceKind.FORWARD)


def test_a_link_is_marked_where_it_is_written_and_not_where_it_is_disguised(checker):
    plain = checker.check_text_sync("请登录 icbc-vip.cc 验证")
    [link] = _evidence(plain, EvidenceKind.RISKY_LINK)
    assert link.span.text == "icbc-vip.cc" and (link.span.start, link.span.end) == (4, 15)
    assert (link.detail["reason"], link.detail["brand"], link.detail["official"]) == (
        "lookalike", "中国工商银行", "icbc.com.cn")
    disguised = checker.check_text_sync("请登录 ｉｃｂｃ－ｖｉｐ．ｃｃ 验证")  # full-width: found, but not this text
    [link] = _evidence(disguised, EvidenceKind.RISKY_LINK)
    assert link.detail["url"] == "icbc-vip.cc" and link.span is None
    assert disguised.risk_level == RiskLevel.HIGH


def test_a_listed_scam_site_is_named_with_its_listing_and_outranks_a_lookalike(store):
    store.add_domain("fortune-win.top", "fake_investment", actor="cli", evidence="多人举报")
    checker = Checker(StoreLists(store))
    try:
        verdict = checker.check_text_sync("看看 https://app.fortune-win.top/reg 和 icbc-vip.cc")
    finally:
        checker.close()
    listed, lookalike = _evidence(verdict, EvidenceKind.RISKY_LINK)
    assert (listed.detail["reason"], listed.detail["listed_domain"], listed.detail["evidence"]) == (
        "blocklisted", "fortune-win.top", "多人举报")
    assert listed.detail["brand"] is None and listed.span.text == "https://app.fortune-win.top/reg"
    assert lookalike.detail["reason"] == "lookalike"
    assert (verdict.category_key, verdict.confidence) == ("fake_investment", 0.95)
    assert verdict.risk_level == RiskLevel.HIGH


def test_telegram_link_entities_count_only_when_the_link_is_in_the_text(checker):
    verdict = checker.check_text_sync("详情 http://a-b.top 看看",
                                      CheckHints(url_entities=("http://a-b.top", "http://hidden.top")))
    assert [e.detail["url"] for e in _evidence(verdict, EvidenceKind.URL)] == ["http://a-b.top"]


def test_telegram_phone_entities_add_numbers_the_text_scan_missed_once_each(checker):
    verdict = checker.check_text_sync("看这里", CheckHints(
        phone_entities=("not a number", "+86 139 1234 5678", "139 1234 5678")))
    assert [n.e164 for n in verdict.numbers] == ["+8613912345678"]


# --- lists -----------------------------------------------------------------------------------------------

def test_a_number_a_moderator_allowlists_loses_its_unofficial_warning_once_the_lists_are_refreshed(store):
    checker = Checker(StoreLists(store))
    try:
        before = checker.check_text_sync("客服电话 95123")
        assert [e.detail["signal"] for e in _evidence(before, EvidenceKind.NUMBER_SIGNAL)] == [
            "unofficial_service_code"]
        store.update_allowlist("95123", "某某银行", actor="cli")
        checker.refresh_lists()
        after = checker.check_text_sync("客服电话 95123")
    finally:
        checker.close()
    assert _evidence(after, EvidenceKind.NUMBER_SIGNAL) == []
    [allowed] = _evidence(after, EvidenceKind.ALLOWLIST)
    assert allowed.detail == {"e164": "95123", "owner": "某某银行"}
    assert after.numbers[0].allowlisted["owner"] == "某某银行"


def test_a_number_checked_alone_is_as_sure_as_the_lists_make_it(store):
    store.add_blocklist("13912345678", category="loan_credit", actor="cli")
    checker = Checker(StoreLists(store))
    try:
        listed = checker.check_number_sync("13912345678")
        official = checker.check_number_sync("95588")
        unknown = checker.check_number_sync("13800138000")
    finally:
        checker.close()
    assert (listed.risk_level, listed.category_key, listed.confidence) == (RiskLevel.HIGH, "loan_credit", 0.99)
    assert listed.advice == [Advice.LOAN_NO_FEES, Advice.NO_TRANSFER, Advice.NO_CODES, *HOTLINES]
    assert (official.risk_level, official.category_key, official.confidence) == (RiskLevel.LOW, None, 0.99)
    assert (unknown.risk_level, unknown.category_key, unknown.confidence) == (RiskLevel.LOW, None, 0.5)
    assert unknown.input_kind == listed.input_kind == "number"
    [hit] = _evidence(listed, EvidenceKind.BLOCKLIST)
    assert hit.detail["e164"] == "+8613912345678" and hit.detail["category_key"] == "loan_credit"


# --- numbers ---------------------------------------------------------------------------------------------

def test_each_number_is_described_where_it_is_written(checker):
    text = "客服 95588，经理 13800138000，港警 18222"
    official, mobile, regional = checker.check_text_sync(text).numbers
    assert (official.raw, official.e164, official.type, official.region) == ("95588", "95588", "short_code", "CN")
    assert official.allowlisted == {"owner": "中国工商银行", "aliases": ["工行", "工商银行", "中国工商银行", "ICBC"],
                                    "kind": "bank"}
    assert (mobile.e164, mobile.type, mobile.carrier, mobile.location) == (
        "+8613800138000", "mobile", "中国移动", "北京市")
    assert mobile.allowlisted is None and mobile.blocklisted is None and mobile.signals == []
    assert regional.allowlisted["kind"] == "government" and regional.allowlisted["aliases"] == []
    for report in (official, mobile, regional):
        assert text[report.span.start:report.span.end] == report.raw == report.span.text


def test_an_official_code_written_as_a_spoofed_caller_id_is_not_official_and_says_why(checker):
    [report] = checker.check_number_sync("+86 95588").numbers
    assert report.allowlisted is None
    assert [s["signal"] for s in report.signals] == ["spoof_format"] and report.signals[0]["reason"]


def test_an_embassys_number_abroad_on_the_allowlist_checks_low(store):
    store.update_allowlist("+442072994049", "中国驻英国大使馆", actor="cli", owner_category="government")
    checker = Checker(StoreLists(store))
    try:
        verdict = checker.check_number_sync("+44 20 7299 4049")
    finally:
        checker.close()
    assert (verdict.risk_level, verdict.confidence) == (RiskLevel.LOW, 0.99)
    assert verdict.numbers[0].allowlisted["owner"] == "中国驻英国大使馆"
