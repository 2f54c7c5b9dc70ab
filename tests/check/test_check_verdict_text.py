"""A text's verdict, field by field: the level each kind of contact and finding gives, the scam type and how sure it
is, the evidence in the order it is shown, the advice, and the numbers and links found however they were written.

Fast on purpose (the checker's mutation run repeats them for every changed line of ``bot.check``): the checker runs
for real (rules, numbers, links, impersonation, policy) over an in-memory ``Lists`` holding the shipped allowlist,
and the classifier, where one is needed, is a stand-in answering a fixed probability per text. The store behind the
real ``Lists`` and the shipped model have their own tests (test_check_verdict_store.py, test_checker_model.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

import bot.check
from bot import PROJECT_ROOT, phones
from bot.check import MAX_TEXT_CHARS, Checker, CheckHints, TextTooLong
from bot.impersonation import OfficialNumber
from bot.store.csvfiles import number_key, parse_allowlist_csv
from bot.verdict import Advice, Evidence, EvidenceKind, RiskLevel, SkipReason, Span, Stage

HOTLINES = [Advice.CALL_96110, Advice.CALL_110, Advice.REPORT_APP]
LOW_ADVICE = [Advice.CANNOT_PROVE_SAFE, Advice.NO_CODES, Advice.CALL_96110]
SAFE_ACCOUNT = "请把资金转到安全账户"   # one strong tactic (police impostors), no contact
BORROW = "老同学，最近手头有点紧，能不能先借我五千块周转一下，下个月一定还你"   # no rule fires on it
SECRECY = "这件事不要告诉家人"         # a strong tactic with no scam type


class MemoryLists:
    """The checker's ``Lists`` port in memory: the shipped allowlist (data/allowlist.csv, read as the store seeds
    it) plus the numbers and domains a test lists, in the shapes ``bot.check.StoreLists`` gives them. It records
    every look-up, so a test can tell which stages asked the lists anything."""

    def __init__(self) -> None:
        rows = parse_allowlist_csv(PROJECT_ROOT / "data" / "allowlist.csv").rows
        self.officials = [OfficialNumber(number=r.number_key, owner=r.owner, aliases=tuple(r.aliases or ()),
                                         kind=r.owner_category or "other") for r in rows]
        self.numbers: dict[str, dict[str, Any]] = {}
        self.domains: dict[str, dict[str, Any]] = {}
        self.lookups: list[str] = []
        self.slow_by = 0.0  # seconds each number look-up "takes" on the test's clock (see ``clock``)
        self.clock: Clock | None = None

    def block(self, raw: str, category: str | None, **facts: Any) -> None:
        key = number_key(raw)
        self.numbers[key] = {"number_key": key, "match": "exact", "category_key": category, "evidence": None,
                             "source": "moderator", "added_by": "moderator", "added_at": "2025-03-01",
                             "reporters": 0, "expires_at": None, **facts}

    def list_domain(self, domain: str, category: str, **facts: Any) -> None:
        self.domains[domain] = {"listed_domain": domain, "category_key": category, "evidence": None,
                                "source": "moderator", "added_at": "2025-03-01", **facts}

    def blocklist_hit(self, number_key: str) -> dict[str, Any] | None:
        self.lookups.append(f"number {number_key}")
        if self.clock is not None:
            self.clock.now += self.slow_by
        return self.numbers.get(number_key)

    def official_numbers(self) -> list[OfficialNumber]:
        self.lookups.append("allowlist")
        return list(self.officials)

    def domain_hit(self, host: str) -> dict[str, Any] | None:
        self.lookups.append(f"domain {host}")
        labels = host.split(".")
        for i in range(len(labels) - 1):  # the host or a parent of it, as the store matches
            if (hit := self.domains.get(".".join(labels[i:]))) is not None:
                return hit
        return None


class Clock:
    """The checker's clock, moved by the test alone: a stage takes exactly the time the test gives it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def perf_counter(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now


@dataclass(frozen=True)
class Answer:
    fraud_probability: float
    category_key: str | None


class FixedModel:
    """The classifier port answering, per text, the probability and type the test chose (``default`` otherwise)."""

    def __init__(self, answers: dict[str, tuple[float, str | None]] | None = None,
                 default: tuple[float, str | None] = (0.05, None)) -> None:
        self.answers = answers or {}
        self.default = default

    def predict(self, texts: list[str]) -> list[Answer]:
        return [Answer(*self.answers.get(text, self.default)) for text in texts]


@pytest.fixture
def lists() -> MemoryLists:
    return MemoryLists()


@pytest.fixture
def check(lists):
    """``check(text, model=None, hints=None)``: the verdict of a checker over ``lists`` with that classifier."""
    made: list[Checker] = []

    def run(text: str, model: FixedModel | None = None, hints: CheckHints | None = None):
        checker = Checker(lists, model)
        made.append(checker)
        return checker.check_text_sync(text, hints)

    yield run
    for checker in made:
        checker.close()


def _at(probability: float, category: str | None = None) -> FixedModel:
    """A model answering ``probability`` (and ``category``) for every text."""
    return FixedModel(default=(probability, category))


def _evidence(verdict, kind: EvidenceKind) -> list[Evidence]:
    return [e for e in verdict.evidence if e.kind == kind]


def _kinds(verdict) -> list[EvidenceKind]:
    return [e.kind for e in verdict.evidence]


# --- lists ----------------------------------------------------------------------------------------------------

def test_a_listed_number_makes_a_bland_text_high_and_names_its_listing_and_type(lists, check):
    lists.block("13912345678", "impersonate_police", evidence="多人举报")
    text = "你好，有空回个电话 139-1234-5678"
    verdict = check(text)
    assert (verdict.risk_level, verdict.category_key, verdict.confidence) == (
        RiskLevel.HIGH, "impersonate_police", 0.99)
    assert verdict.evidence == [Evidence(EvidenceKind.BLOCKLIST, {"e164": "+8613912345678", **lists.numbers[
        "+8613912345678"]}, Span(10, 23, "139-1234-5678"))]
    assert verdict.advice == [Advice.POLICE_NO_TRANSFER, Advice.NO_TRANSFER, Advice.NO_SCREEN_SHARE,
                              Advice.NO_CODES, *HOTLINES]
    (number,) = verdict.numbers
    assert number.blocklisted == lists.numbers["+8613912345678"] and number.allowlisted is None
    assert verdict.input_kind == "text"


def test_a_listing_without_a_type_leaves_the_type_to_the_words(lists, check):
    lists.block("13912345678", None)
    verdict = check(f"{SAFE_ACCOUNT}，回电 13912345678")
    assert verdict.risk_level == RiskLevel.HIGH
    assert (verdict.category_key, verdict.confidence) == ("impersonate_police", 0.7)


def test_a_listed_number_outranks_a_listed_site_and_both_are_hard_facts(lists, check):
    lists.block("13912345678", "loan_credit")
    lists.list_domain("fortune-win.top", "fake_investment", evidence="165名单")
    text = "回电 13912345678 或上 https://app.fortune-win.top/reg"
    both = check(text)
    assert (both.risk_level, both.category_key, both.confidence) == (RiskLevel.HIGH, "loan_credit", 0.99)
    (site,) = _evidence(both, EvidenceKind.RISKY_LINK)
    assert site.detail == {"url": "https://app.fortune-win.top/reg", "domain": "fortune-win.top",
                           "host": "app.fortune-win.top", "reason": "blocklisted", **lists.domains["fortune-win.top"],
                           "brand": None}
    assert site.span == Span(text.index("https"), len(text), "https://app.fortune-win.top/reg")
    alone = check("平台换了新网址 https://app.fortune-win.top/reg 以后从这里登录")
    assert (alone.risk_level, alone.category_key, alone.confidence) == (RiskLevel.HIGH, "fake_investment", 0.95)


def test_a_listed_lookalike_site_keeps_the_brand_it_imitates(lists, check):
    lists.list_domain("icbc-vip.cc", "phishing")
    (link,) = _evidence(check("请登录 icbc-vip.cc 验证"), EvidenceKind.RISKY_LINK)
    assert (link.detail["reason"], link.detail["brand"], link.detail["listed_domain"]) == (
        "blocklisted", "中国工商银行", "icbc-vip.cc")


def test_each_number_is_described_with_its_list_status_where_it_is_written(check):
    text = "客服 95588，经理 13800138000，港警 18222"
    verdict = check(text)
    official, mobile, regional = verdict.numbers
    assert (official.raw, official.e164, official.type, official.region) == ("95588", "95588", "short_code", "CN")
    assert official.allowlisted == {"owner": "中国工商银行", "aliases": ["工行", "工商银行", "中国工商银行", "ICBC"],
                                    "kind": "bank"}
    assert (mobile.e164, mobile.type, mobile.region, mobile.carrier, mobile.location) == (
        "+8613800138000", "mobile", "CN", "中国移动", "北京市")
    assert mobile.allowlisted is None and mobile.blocklisted is None and mobile.signals == []
    assert regional.allowlisted == {"owner": "香港警务处“防骗易”热线（反诈骗协调中心）", "aliases": [],
                                    "kind": "government"}
    for report in (official, mobile, regional):
        assert report.span == Span(text.index(report.raw), text.index(report.raw) + len(report.raw), report.raw)
    assert verdict.evidence == [
        Evidence(EvidenceKind.ALLOWLIST, {"e164": "95588", "owner": "中国工商银行"}, official.span),
        Evidence(EvidenceKind.ALLOWLIST, {"e164": "18222", "owner": regional.allowlisted["owner"]}, regional.span)]
    assert verdict.risk_level == RiskLevel.LOW  # official numbers beside a mobile are no spoofed caller id


def test_a_number_signal_is_shown_with_its_reason_and_an_official_code_loses_the_unofficial_one(lists, check):
    verdict = check("客服电话 95123")
    (report,) = verdict.numbers
    assert [s["signal"] for s in report.signals] == ["unofficial_service_code"]
    assert report.signals[0]["reason"].startswith("95123")
    assert verdict.evidence == [Evidence(EvidenceKind.NUMBER_SIGNAL, {"e164": "95123", **report.signals[0]},
                                         Span(5, 10, "95123"))]
    lists.officials.append(OfficialNumber(number="95123", owner="某某银行", aliases=(), kind="bank"))
    (official,) = check("客服电话 95123").numbers
    assert official.signals == [] and official.allowlisted == {"owner": "某某银行", "aliases": [], "kind": "bank"}


def test_an_official_code_written_as_a_spoofed_caller_id_is_not_official(check):
    verdict = check("您的账户异常，请致电 +86 95588 处理")
    (report,) = verdict.numbers
    assert report.allowlisted is None and [s["signal"] for s in report.signals] == ["spoof_format"]
    assert verdict.risk_level == RiskLevel.SUSPICIOUS
    assert [e.detail["signal"] for e in _evidence(verdict, EvidenceKind.NUMBER_SIGNAL)] == ["spoof_format"]
    assert not _evidence(verdict, EvidenceKind.ALLOWLIST)


# --- what raises the level ---------------------------------------------------------------------------------------

def test_a_strong_tactic_with_a_contact_that_is_not_official_is_high(check):
    assert check(SAFE_ACCOUNT).risk_level == RiskLevel.SUSPICIOUS
    assert check(f"{SAFE_ACCOUNT}，电话 95588").risk_level == RiskLevel.SUSPICIOUS       # the bank's own number
    assert check(f"{SAFE_ACCOUNT} https://www.icbc.com.cn").risk_level == RiskLevel.SUSPICIOUS  # its own site
    assert check(f"{SAFE_ACCOUNT}，电话 13800138000").risk_level == RiskLevel.HIGH
    assert check(f"{SAFE_ACCOUNT} http://a-b.top").risk_level == RiskLevel.HIGH
    assert check(f"{SAFE_ACCOUNT} 加微信 abc12345").risk_level == RiskLevel.HIGH
    assert check(f"{SAFE_ACCOUNT} іcbc.com.cn").risk_level == RiskLevel.HIGH  # the bank's site in look-alike letters


def test_a_sure_model_on_a_text_with_an_unofficial_contact_is_high(check):
    sure = _at(0.85)
    assert check(BORROW, sure).risk_level == RiskLevel.SUSPICIOUS
    assert check(f"{BORROW}，打我电话 95588", sure).risk_level == RiskLevel.LOW  # official contacts only
    assert check(f"{BORROW}，打我电话 13800138000", sure).risk_level == RiskLevel.HIGH
    assert check(f"{BORROW}，加微信 abc12345", sure).risk_level == RiskLevel.HIGH
    assert check(f"{BORROW} http://a-b.top", sure).risk_level == RiskLevel.HIGH


def test_a_text_whose_only_contacts_are_official_is_lowered_by_one_level(check):
    unsure = _at(0.6)
    assert check(BORROW, unsure).risk_level == RiskLevel.SUSPICIOUS  # no contact at all: not lowered
    assert check(f"{BORROW}，电话 95588", unsure).risk_level == RiskLevel.LOW
    assert check(f"{BORROW}，电话 95588 或 13800138000", unsure).risk_level == RiskLevel.SUSPICIOUS
    assert check(f"{BORROW}，电话 95588，网站 https://www.icbc.com.cn", unsure).risk_level == RiskLevel.SUSPICIOUS
    assert check(f"{BORROW}，电话 95588，微信 abc12345", unsure).risk_level == RiskLevel.SUSPICIOUS


def test_a_chat_account_that_repeats_a_written_number_is_one_contact_not_two(check):
    sure = _at(0.85)
    # "QQ 95588" is the bank's number again: every contact is still official.
    assert check(f"{BORROW}，电话 95588，QQ 95588", sure).risk_level == RiskLevel.LOW
    assert check(f"{BORROW}，电话 95588，QQ 95588，微信 abc12345", sure).risk_level == RiskLevel.HIGH


def test_several_unofficial_contacts_of_different_kinds_all_count(check):
    assert check(f"{SAFE_ACCOUNT}，电话 13800138000 或 http://a-b.top").risk_level == RiskLevel.HIGH
    assert check(f"{SAFE_ACCOUNT}，电话 13800138000，微信 abc12345").risk_level == RiskLevel.HIGH
    assert check(f"{SAFE_ACCOUNT}，QQ 12345678，微信 abc12345").risk_level == RiskLevel.HIGH


def test_a_risky_number_or_link_raises_a_suspicious_text_to_high(check):
    unsure = _at(0.6)
    assert check(f"{BORROW}，打 13800138000", unsure).risk_level == RiskLevel.SUSPICIOUS
    assert check(f"{BORROW}，打 17012345678", unsure).risk_level == RiskLevel.SUSPICIOUS  # a virtual operator: shown
    assert check(f"{BORROW}，打 +855 12 345 678", unsure).risk_level == RiskLevel.HIGH
    assert check(f"{BORROW} http://a-b.top", unsure).risk_level == RiskLevel.SUSPICIOUS
    assert check(f"{BORROW} http://t.cn/A6xYzAbc", unsure).risk_level == RiskLevel.HIGH
    assert check(f"{BORROW} http://192.168.10.5/login", unsure).risk_level == RiskLevel.HIGH


def test_a_text_that_presents_itself_as_a_warning_is_lowered_by_one_level(check):
    warning = "【反诈提醒】近期有骗子冒充老同学借钱，有疑问请拨打 13800138000"
    assert check(warning, _at(0.6)).risk_level == RiskLevel.LOW
    assert check(warning, _at(0.9)).risk_level == RiskLevel.SUSPICIOUS


def test_a_lookalike_link_is_high_unless_a_warning_quotes_it(check):
    verdict = check("请登录 icbc-vip.cc 验证")
    assert (verdict.risk_level, verdict.category_key, verdict.confidence) == (RiskLevel.HIGH, "phishing", 0.85)
    quoted = check("【反诈提醒】请勿登录 icbc-vip.cc 这类仿冒网站")
    assert (quoted.risk_level, quoted.category_key) == (RiskLevel.SUSPICIOUS, "phishing")


# --- the scam type and how sure it is ------------------------------------------------------------------------------

def test_an_impersonated_organisation_names_the_scam_by_the_kind_of_organisation(lists, check):
    bank = check("【工商银行】尊敬的客户，您的账单已出，如有疑问请致电13800138000。")
    assert (bank.risk_level, bank.category_key, bank.confidence) == (RiskLevel.HIGH, "fake_customer_service", 0.9)
    assert bank.evidence == [Evidence(EvidenceKind.IMPERSONATION, {
        "org": "中国工商银行", "kind": "bank", "number": "+8613800138000", "official": ["95588"]},
        Span(1, 5, "工商银行"))]
    assert bank.advice == [Advice.CALL_OFFICIAL, Advice.NO_SCREEN_SHARE, Advice.NO_CODES, Advice.NO_TRANSFER,
                           *HOTLINES]
    police = check("【北京市公安局】请联系专员 13800138000")
    assert (police.category_key, police.confidence) == ("impersonate_police", 0.9)
    # A real fake-base-station SMS: the bank's name with a site that is not the bank's (and no look-alike of it).
    site = check("尊敬的工商用户您的电子密码器即将过期请尽快登陆我行管理网站m845.com.cn进行更新工商银行")
    (imp,) = _evidence(site, EvidenceKind.IMPERSONATION)
    assert (imp.detail["org"], imp.detail["url"], site.risk_level) == ("中国工商银行", "m845.com.cn", RiskLevel.HIGH)
    # A shop a moderator put on the allowlist, imitated by a look-alike site: no scam type fits the kind of shop.
    lists.officials.append(OfficialNumber(number="950618", owner="京东", aliases=("京东",), kind="ecommerce"))
    shop = check("【京东】您的订单异常，请登录 jd-vip.com 处理")
    assert (shop.risk_level, shop.category_key, shop.confidence) == (RiskLevel.HIGH, "other", 0.9)


def test_a_sure_model_names_the_type_from_half_sure_up(check):
    at_half = check(BORROW, _at(0.5, "impersonate_acquaintance"))
    assert (at_half.risk_level, at_half.category_key, at_half.confidence) == (
        RiskLevel.SUSPICIOUS, "impersonate_acquaintance", 0.5)
    assert at_half.advice[0] == Advice.VERIFY_IN_PERSON


def test_a_model_sure_from_half_up_names_the_type_over_a_weak_tactics_type(check):
    loan = "低息贷款，有意向回复"  # a weak tactic filed under loan_credit
    for probability in (0.5, 0.9):
        verdict = check(loan, _at(probability, "fake_investment"))
        assert (verdict.risk_level, verdict.category_key, verdict.confidence) == (
            RiskLevel.SUSPICIOUS, "fake_investment", probability)
    unsure = check(f"{SAFE_ACCOUNT}。{loan}", _at(0.45, "fake_investment"))
    assert (unsure.category_key, unsure.confidence) == ("impersonate_police", 0.7)


def test_a_low_verdict_is_as_sure_as_the_model_is_that_it_is_no_scam(check):
    assert (check(BORROW, _at(0.0)).category_key, check(BORROW, _at(0.0)).confidence) == (None, 1.0)
    assert check(BORROW, _at(0.25, "romance")).confidence == 0.75
    assert check(BORROW).confidence == 0.5


def test_a_tactic_with_no_type_takes_the_models_type_even_when_the_model_is_unsure(check):
    verdict = check(SECRECY, _at(0.3, "romance"))
    assert (verdict.risk_level, verdict.category_key, verdict.confidence) == (RiskLevel.SUSPICIOUS, "romance", 0.3)
    assert verdict.advice[0] == Advice.ROMANCE_NO_MONEY


def test_a_raised_level_with_no_type_anywhere_is_other_as_sure_as_the_model(check):
    verdict = check(BORROW, _at(0.7))
    assert (verdict.risk_level, verdict.category_key, verdict.confidence) == (RiskLevel.SUSPICIOUS, "other", 0.7)
    alone = check(SECRECY)
    assert (alone.category_key, alone.confidence) == ("other", 0.6)
    assert alone.advice == [Advice.NO_TRANSFER, Advice.NO_CODES, *HOTLINES]


def test_a_strong_tactic_is_at_least_fairly_sure_of_its_type(check):
    assert check(SAFE_ACCOUNT).confidence == 0.7
    assert check(SAFE_ACCOUNT, _at(0.4)).confidence == 0.7


# --- evidence ---------------------------------------------------------------------------------------------------

def test_the_evidence_is_shown_in_order_forward_numbers_impersonation_rules_links_model(lists, check):
    lists.block("13912345678", "impersonate_police")
    text = "【工商银行】兄弟，高价收购银行卡，请把资金转到安全账户，联系13800138000或13912345678，详见 http://a-b.top"
    verdict = check(text, _at(0.9, "card_trafficking"), CheckHints(forward_origin="channel", forward_title="某频道"))
    kinds = _kinds(verdict)
    assert kinds[0] == EvidenceKind.FORWARD and kinds[-1] == EvidenceKind.MODEL
    order = [EvidenceKind.FORWARD, EvidenceKind.BLOCKLIST, EvidenceKind.IMPERSONATION, EvidenceKind.CARD_TRAFFICKING,
             EvidenceKind.PHRASE, EvidenceKind.URL, EvidenceKind.MODEL]
    assert sorted(kinds, key=order.index) == kinds and set(kinds) == set(order)
    assert verdict.evidence[0].detail == {"origin": "channel", "title": "某频道"}
    assert verdict.evidence[-1].detail == {"fraud_probability": 0.9, "category_key": "card_trafficking"}
    (card,) = _evidence(verdict, EvidenceKind.CARD_TRAFFICKING)
    assert card.span.text == text[card.span.start:card.span.end] == card.detail["phrase"]
    assert set(card.detail) == {"rule", "phrase", "quote"} and card.detail["phrase"] in card.detail["quote"]


def test_a_phrase_is_shown_with_its_rule_type_strength_and_sentence(check):
    text = "您好，这里是市公安局，请您马上把资金转到安全账户，配合调查"
    hits = {e.detail["rule"]: e for e in _evidence(check(text), EvidenceKind.PHRASE)}
    safe = hits["safe_account"]
    assert safe.detail == {"rule": "safe_account", "phrase": "安全账户", "quote": "请您马上把资金转到安全账户",
                           "category_key": "impersonate_police", "strength": "strong"}
    assert safe.span == Span(20, 24, "安全账户")
    weak = _evidence(check("低息贷款，有意向回复"), EvidenceKind.PHRASE)
    assert [(e.detail["strength"], e.detail["category_key"], e.span) for e in weak] == [
        ("weak", "loan_credit", Span(0, 4, "低息贷款"))]


def test_a_phrase_inside_a_latin_word_is_widened_to_the_whole_word(check):
    text = "Hi, your account was used for money laundering, transfer it to a safe account now"
    for e in _evidence(check(text), EvidenceKind.PHRASE):
        assert e.span.text == e.detail["phrase"] == text[e.span.start:e.span.end]
        assert not text[e.span.end:e.span.end + 1].isalpha() and not text[e.span.start - 1:e.span.start].isalpha()


def test_the_model_is_shown_to_four_places_with_its_type(check):
    (model,) = _evidence(check(BORROW, _at(0.123456, "romance")), EvidenceKind.MODEL)
    assert model.detail == {"fraud_probability": 0.1235, "category_key": "romance"} and model.span is None


def test_a_text_in_another_language_says_the_model_did_not_read_it(check):
    english = "Your parcel is held at customs, please call us back"
    verdict = check(english, _at(0.99, "phishing"))
    assert verdict.fraud_probability is None and _evidence(verdict, EvidenceKind.MODEL) == [
        Evidence(EvidenceKind.MODEL, {"skipped": "not_chinese"})]
    assert _evidence(check(english), EvidenceKind.MODEL) == []
    assert _evidence(check(BORROW, _at(0.1)), EvidenceKind.MODEL)[0].detail == {
        "fraud_probability": 0.1, "category_key": None}


def test_a_link_is_shown_where_it_is_written_and_a_disguised_one_without_a_place(check):
    verdict = check("详情 http://a-b.top ，或登录 ｉｃｂｃ－ｖｉｐ．ｃｃ")
    plain, disguised = verdict.evidence
    assert plain == Evidence(EvidenceKind.URL, {"url": "http://a-b.top", "domain": "a-b.top", "host": "a-b.top"},
                             Span(3, 17, "http://a-b.top"))
    assert disguised == Evidence(EvidenceKind.RISKY_LINK, {
        "url": "icbc-vip.cc", "domain": "icbc-vip.cc", "host": "icbc-vip.cc", "reason": "lookalike",
        "brand": "中国工商银行", "official": "icbc.com.cn"}, None)
    assert verdict.risk_level == RiskLevel.HIGH
    assert verdict.advice == [Advice.NO_LINKS, Advice.NO_CODES, Advice.CALL_OFFICIAL, *HOTLINES]


def test_a_shortened_link_is_shown_as_what_it_is(check):
    (link,) = check("看看 http://t.cn/A6xYzAbc").evidence
    assert link == Evidence(EvidenceKind.RISKY_LINK, {
        "url": "http://t.cn/A6xYzAbc", "domain": "t.cn", "host": "t.cn", "reason": "shortener", "brand": None,
        "official": None}, Span(3, 23, "http://t.cn/A6xYzAbc"))


# --- advice -----------------------------------------------------------------------------------------------------

def test_advice_follows_the_level_the_type_and_the_links(check):
    assert check("明天下午三点开会").advice == LOW_ADVICE
    assert check("会议资料 http://a-b.top").advice == [Advice.CANNOT_PROVE_SAFE, Advice.NO_LINKS, Advice.NO_CODES,
                                                    Advice.CALL_96110]
    assert check(SAFE_ACCOUNT).advice == [Advice.POLICE_NO_TRANSFER, Advice.NO_TRANSFER, Advice.NO_SCREEN_SHARE,
                                          Advice.NO_CODES, *HOTLINES]
    assert check(f"{SAFE_ACCOUNT} http://a-b.top").advice == [
        Advice.POLICE_NO_TRANSFER, Advice.NO_TRANSFER, Advice.NO_SCREEN_SHARE, Advice.NO_LINKS, Advice.NO_CODES,
        *HOTLINES]
    assert check("高价收购银行卡、电话卡，一套日结300元").advice == [Advice.CARD_CRIME, *HOTLINES]
    assert check("恭喜您获得抖音周年庆活动三等奖，奖金8888元，请点击 http://dy-gift.top 领取").advice == [
        Advice.PRIZE_NO_FEE, Advice.NO_TRANSFER, Advice.NO_LINKS, Advice.NO_CODES, *HOTLINES]


# --- finding numbers and links however they are written -----------------------------------------------------------

def test_a_number_written_with_invisible_or_spread_digits_is_found_as_written(check):
    for written in ("1\u200b7\u200b0\u200b1\u200b2\u200b3\u200b4\u200b5\u200b6\u200b7\u200b8",
                    "1\u31647\u31640\u31641\u31642\u31643\u31644\u31645\u31646\u31647\u31648",  # Hangul fillers
                    "1*7*0*1*2*3*4*5*6*7*8", "1、7、0、1、2、3、4、5、6、7、8", "1７0１2３4５6７8",
                    "幺七零一二三四五六七八"):
        for text in (f"请加我 {written} 领取", f"……请加我 {written} 领取"):  # "……" folds to six dots
            (number,) = check(text).numbers
            assert (number.e164, number.raw) == ("+8617012345678", written), written
            start = text.index(written)
            assert number.span == Span(start, start + len(written), written)


def test_an_obfuscated_number_written_twice_is_one_contact_found_once(lists, check):
    lists.block("17012345678", "task_rebate")
    written = "1*7*0*1*2*3*4*5*6*7*8"
    verdict = check(f"加我 {written}，备用 {written}", hints=CheckHints(phone_entities=("17012345678",)))
    assert [n.e164 for n in verdict.numbers] == ["+8617012345678"]
    assert (verdict.risk_level, verdict.category_key) == (RiskLevel.HIGH, "task_rebate")


def test_telegram_phone_entities_add_only_numbers_the_text_scan_missed(check):
    assert [n.raw for n in check("回电 139 1234 5678", hints=CheckHints(
        phone_entities=("+86 139 1234 5678",))).numbers] == ["139 1234 5678"]
    found = check("看这里", hints=CheckHints(phone_entities=("12", "+86 139 1234 5678", "13912345678"))).numbers
    assert [n.e164 for n in found] == ["+8613912345678"]
    assert found[0].span == Span(0, 17, "+86 139 1234 5678")  # not in the text: no place to point at but its own


def test_telegram_link_entities_add_only_links_written_in_the_text(check):
    verdict = check("详情 http://a-b.top 看看", hints=CheckHints(url_entities=("http://a-b.top", "http://hidden.top")))
    assert [e.detail["url"] for e in verdict.evidence] == ["http://a-b.top"]


def test_a_link_read_again_after_folding_is_not_shown_twice_and_the_links_after_it_are_still_found(check):
    text = "看 http://a-b.top/ｐａｔｈ 或 ｉｃｂｃ－ｖｉｐ．ｃｃ"  # the first reads as http://a-b.top/path folded
    verdict = check(text)
    assert [(e.detail["url"], e.span) for e in verdict.evidence] == [
        ("http://a-b.top/ｐａｔｈ", Span(2, 21, text[2:21])), ("icbc-vip.cc", None)]
    assert [e.detail["url"] for e in check("登录 icbc-vip.cc 或 ｉｃｂｃ－ｖｉｐ．ｃｃ").evidence] == ["icbc-vip.cc"]


def test_two_different_disguised_links_are_both_found(check):
    for text in ("请登录 ｉｃｂｃ－ｖｉｐ．ｃｃ 或 ａ－ｂ．ｔｏｐ",
                 "……请登录 ｉｃｂｃ－ｖｉｐ．ｃｃ ａ－ｂ．ｔｏｐ"):  # an ellipsis folds to three dots: longer
        verdict = check(text)
        assert [(e.detail["url"], e.span) for e in verdict.evidence] == [("icbc-vip.cc", None), ("a-b.top", None)]


def test_a_disguised_link_written_twice_is_shown_once(check):
    # It has no place in the text to point at: two items would read as the same warning twice.
    verdict = check("请登录 ｉｃｂｃ－ｖｉｐ．ｃｃ 或 ｉｃｂｃ－ｖｉｐ．ｃｃ")
    assert [(e.kind, e.detail["url"], e.span) for e in verdict.evidence] == [
        (EvidenceKind.RISKY_LINK, "icbc-vip.cc", None)]


def test_a_text_of_exactly_the_limit_is_checked_and_one_more_is_refused(check):
    assert check("啊" * MAX_TEXT_CHARS).risk_level == RiskLevel.LOW
    with pytest.raises(TextTooLong, match=str(MAX_TEXT_CHARS)):
        check("啊" * (MAX_TEXT_CHARS + 1))


def test_a_number_telegram_marked_that_the_scan_read_otherwise_is_checked_where_it_is_written(lists, check):
    lists.block("13912345678", "task_rebate")
    text = "订单号 139 1234 5678，请核对"
    verdict = check(text, hints=CheckHints(phone_entities=("139 1234 5678",)))
    (number,) = verdict.numbers
    assert number.span == Span(4, 17, "139 1234 5678") == Span(4, 17, text[4:17])
    assert (verdict.risk_level, verdict.category_key) == (RiskLevel.HIGH, "task_rebate")
    assert verdict.evidence[0].span == number.span
    twice = check(f"{text}；运单号 139 1234 5678", hints=CheckHints(phone_entities=("139 1234 5678",)))
    assert [n.span for n in twice.numbers] == [Span(4, 17, "139 1234 5678")]  # where it is first written


def test_a_link_telegram_marked_that_the_scan_missed_is_checked(check):
    verdict = check("联系 x@abc.top 领取", hints=CheckHints(url_entities=("abc.top",)))
    assert [e.detail for e in verdict.evidence] == [{"url": "abc.top", "domain": "abc.top", "host": "abc.top"}]
    assert verdict.advice == [Advice.CANNOT_PROVE_SAFE, Advice.NO_LINKS, Advice.NO_CODES, Advice.CALL_96110]


# --- a check that runs out of time ------------------------------------------------------------------------------

@pytest.fixture
def clock(lists, monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(bot.check, "time", clock)
    lists.clock = clock
    return clock


def test_a_number_scan_that_uses_up_the_time_leaves_its_numbers_unlooked_up(
        lists, clock, monkeypatch):
    lists.block("13912345678", "impersonate_police")
    scan = phones.find_numbers

    def slow_scan(text: str, *args: Any, **kwargs: Any) -> list[phones.PhoneFact]:
        clock.now += 1.0
        return scan(text, *args, **kwargs)

    monkeypatch.setattr(phones, "find_numbers", slow_scan)
    checker = Checker(lists, _at(0.99, "phishing"), budget_seconds=1.0)
    try:
        no_number = checker.check_text_sync(f"{SAFE_ACCOUNT} http://a-b.top")
        assert lists.lookups == []  # the store is not asked anything once the time is up
        assert (no_number.risk_level, no_number.evidence) == (RiskLevel.LOW, [])
        verdict = checker.check_text_sync(f"{SAFE_ACCOUNT}，回电 13912345678 http://a-b.top")
    finally:
        checker.close()
    (number,) = verdict.numbers  # found in time: shown, but not looked up
    assert (number.e164, number.blocklisted, number.allowlisted) == ("+8613912345678", None, None)
    assert list(verdict.skipped_stages.items()) == [(stage, SkipReason.BUDGET) for stage in (
        Stage.LISTS, Stage.LINKS, Stage.RULES, Stage.IMPERSONATION, Stage.MODEL)]
    assert [asked for asked in lists.lookups if asked != "allowlist"] == []  # the allowlist is kept a minute
    assert (verdict.risk_level, verdict.evidence, verdict.fraud_probability) == (RiskLevel.LOW, [], None)


def test_a_slow_store_leaves_the_later_stages_out_and_what_the_lists_said_still_counts(lists, clock):
    lists.slow_by = 1.0
    checker = Checker(lists, _at(0.99, "phishing"), budget_seconds=1.0)
    try:
        verdict = checker.check_text_sync("【通知】您的账户异常，请致电 +86 95588 处理")
    finally:
        checker.close()
    assert list(verdict.skipped_stages.items()) == [(stage, SkipReason.BUDGET) for stage in (
        Stage.LINKS, Stage.RULES, Stage.IMPERSONATION, Stage.MODEL)]
    # The bank's hotline written as a spoofed caller id: suspicious, and no warning wording was read to lower it.
    assert verdict.risk_level == RiskLevel.SUSPICIOUS
    assert [e.detail["signal"] for e in verdict.evidence] == ["spoof_format"]


# --- a number checked alone -------------------------------------------------------------------------------------

def test_a_number_checked_alone_is_rated_by_the_lists_and_its_signals(lists):
    lists.block("13912345678", "loan_credit")
    checker = Checker(lists)
    try:
        listed = checker.check_number_sync("+86 139 1234 5678")
        overseas = checker.check_number_sync("+855 12 345 678")
        virtual = checker.check_number_sync("17012345678")
        official = checker.check_number_sync("95588")
    finally:
        checker.close()
    assert (listed.risk_level, listed.category_key, listed.confidence) == (RiskLevel.HIGH, "loan_credit", 0.99)
    assert listed.advice == [Advice.LOAN_NO_FEES, Advice.NO_TRANSFER, Advice.NO_CODES, *HOTLINES]
    assert (overseas.risk_level, overseas.category_key, overseas.confidence) == (RiskLevel.SUSPICIOUS, None, 0.5)
    assert overseas.advice == [Advice.NO_TRANSFER, Advice.NO_CODES, *HOTLINES]
    assert [e.detail["signal"] for e in overseas.evidence] == ["overseas", "scam_hub_region"]
    assert (virtual.risk_level, virtual.confidence, virtual.advice) == (RiskLevel.LOW, 0.5, LOW_ADVICE)
    assert [e.detail["signal"] for e in virtual.evidence] == ["mvno"]
    assert (official.risk_level, official.confidence, official.advice) == (RiskLevel.LOW, 0.99, LOW_ADVICE)
    assert [(v.input_kind, v.fraud_probability) for v in (listed, overseas, virtual, official)] == [
        ("number", None)] * 4
