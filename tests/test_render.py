"""What a reader sees for a verdict: level first, reasons, numbers, advice, in their script."""

from __future__ import annotations

import pytest

from bot.language import pick_language, script_counts
from bot.locales import t
from bot.render import (
    ListBlock,
    advice_text,
    fit_blocks,
    fit_message,
    neutral_title,
    render_number_card,
    render_verdict,
    summary_line,
    utf16_len,
)
from bot.verdict import Advice, Evidence, EvidenceKind, NumberReport, RiskLevel, Span, Verdict

SCAM_TEXT = "您好，我是公安局的，您的账户涉嫌洗钱，请把钱转到安全账户，并告诉我验证码，联系 17012345678"


def _mvno_number(*, blocklisted: bool) -> NumberReport:
    return NumberReport(
        raw="17012345678", e164="+8617012345678", type="mobile", region="CN", carrier="中国联通",
        location="北京", signals=[{"signal": "mvno", "reason": "虚拟运营商号段"}],
        blocklisted={"category_key": "impersonate_police", "reporter_count": 3,
                     "created_at": "2024-05-01T08:00:00+00:00"} if blocklisted else None,
        span=Span(46, 57, "17012345678"),
    )


def _scam_verdict() -> Verdict:
    start = SCAM_TEXT.index("安全账户")
    code = SCAM_TEXT.index("验证码")
    return Verdict(
        risk_level=RiskLevel.HIGH, category_key="impersonate_police", confidence=0.95, fraud_probability=0.97,
        numbers=[_mvno_number(blocklisted=True)],
        evidence=[
            Evidence(EvidenceKind.FORWARD, {"origin": "channel", "title": "便民通知"}),
            Evidence(EvidenceKind.PHRASE, {"phrase": "安全账户", "rule": "safe_account"},
                     Span(start, start + 4, "安全账户")),
            Evidence(EvidenceKind.PHRASE, {"phrase": "验证码", "rule": "code"}, Span(code, code + 3, "验证码")),
            Evidence(EvidenceKind.BLOCKLIST, {"e164": "+8617012345678", "category_key": "impersonate_police",
                                              "reporters": 3, "added_at": "2024-05-01"}),
            Evidence(EvidenceKind.IMPERSONATION, {"org": "公安局", "number": "+8617012345678",
                                                  "official": ["110"]}),
            Evidence(EvidenceKind.MODEL, {"fraud_probability": 0.97, "category_key": "impersonate_police"}),
            Evidence(EvidenceKind.URL, {"url": "http://abc.example/x", "domain": "abc.example"}),
            Evidence(EvidenceKind.RISKY_LINK, {"domain": "abc.example", "reason": "lookalike",
                                               "brand": "中国工商银行"}),
        ],
        advice=[Advice.POLICE_NO_TRANSFER, Advice.NO_TRANSFER, Advice.NO_CODES, Advice.CALL_96110, Advice.CALL_110],
    )


def _low_verdict() -> Verdict:
    return Verdict(risk_level=RiskLevel.LOW, fraud_probability=0.02,
                   evidence=[Evidence(EvidenceKind.MODEL, {"fraud_probability": 0.02})])


@pytest.mark.parametrize(("lang", "first_line"), [
    ("zh-Hans", "🔴 高风险"), ("zh-Hant", "🔴 高風險"), ("en", "🔴 High risk")])
def test_the_level_comes_first(lang: str, first_line: str) -> None:
    assert render_verdict(_scam_verdict(), lang).splitlines()[0] == first_line


def test_short_card_has_category_one_reason_numbers_advice_and_forward_origin() -> None:
    card = render_verdict(_scam_verdict(), "zh-Hans")
    assert "类型：冒充公检法" in card
    assert "转发自频道「便民通知」" in card
    # The strongest reason, the blocklisted number, is the one sentence; the rest are one tap away.
    assert "为什么：号码 +86 170 1234 5678 在黑名单上，是已知的诈骗号码。" in card
    assert "（还有 6 条依据，点「详情」查看）" in card
    assert "⛔ 在黑名单上（冒充公检法，3 人举报，2024-05-01 加入）" in card
    assert "+86 170 1234 5678" in card
    assert "虚拟运营商号段" in card
    assert "不要转账" in card and "96110" in card and "110 报警" in card
    assert card.index("为什么：") < card.index("📞") < card.index("怎么做：")


def test_detailed_card_lists_every_reason_with_offsets_into_the_users_text() -> None:
    verdict = _scam_verdict()
    card = render_verdict(verdict, "zh-Hans", detailed=True)
    start = SCAM_TEXT.index("安全账户")
    assert f"「安全账户」（第 {start + 1}–{start + 4} 字）" in card
    assert "abc.example 模仿中国工商银行的网址" in card and "已知的诈骗网站" not in card  # no list behind it
    assert "可能性 97%" in card
    assert "官方号码：110" in card
    assert "详情" not in card


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_low_never_says_safe_and_always_says_it_cannot_prove_safety(lang: str) -> None:
    card = render_verdict(_low_verdict(), lang)
    assert card.splitlines()[0] in ("🟢 未发现明显风险", "🟢 未發現明顯風險", "🟢 No clear warning signs")
    assert advice_text(Advice.CANNOT_PROVE_SAFE, lang) in card
    lowered = card.lower()
    if lang == "en":
        assert "it is safe." not in lowered.replace("cannot prove it is safe.", "")
    else:
        assert "是安全的" not in card.replace("不能证明它是安全的", "").replace("不能證明它是安全的", "")


def test_traditional_card_uses_no_simplified_only_characters_outside_user_data() -> None:
    verdict = _low_verdict()
    verdict.numbers = [NumberReport(raw="95588", e164="95588", type="short_code", region="CN", carrier=None,
                                    location=None, allowlisted={"owner": "中国工商银行"})]
    card = render_verdict(verdict, "zh-Hant")
    assert "中國工商銀行" in card  # data values are converted too
    assert script_counts(card)[1] == 0


def test_number_card_states_list_status() -> None:
    blocked = render_number_card(_mvno_number(blocklisted=True), "en")
    assert "⛔ On the blocklist (Impersonating police/government, reported by 3 people" in blocked
    clean = render_number_card(_mvno_number(blocklisted=False), "zh-Hans")
    assert "不在黑名单上，也不是已知的官方号码。" in clean
    invalid = NumberReport(raw="+00123", e164=None, type="invalid", region=None, carrier=None, location=None)
    assert "不像一个能打通的正常号码" in render_number_card(invalid, "zh-Hans")


def test_number_input_uses_number_wording() -> None:
    verdict = Verdict(risk_level=RiskLevel.HIGH, category_key="impersonate_police",
                      numbers=[_mvno_number(blocklisted=True)], input_kind="number",
                      evidence=[Evidence(EvidenceKind.BLOCKLIST, {"e164": "+8617012345678",
                                                                  "category_key": "impersonate_police"})],
                      advice=[Advice.NO_TRANSFER])
    card = render_verdict(verdict, "zh-Hans")
    assert card.splitlines()[1] == "这个号码很可能被用来诈骗。"
    assert card.count("在黑名单上") == 1  # the card says it once, not again under "why"


@pytest.mark.parametrize(("code", "text", "expected"), [
    ("en", "您好，您的帳戶涉嫌洗錢，請立即轉到安全帳戶", "zh-Hant"),   # Traditional text wins
    ("zh-hans", "您的帳戶涉嫌洗錢", "zh-Hant"),
    ("zh-TW", "您的账户涉嫌洗钱", "zh-Hant"),                          # Traditional app, Simplified text
    ("en", "您的账户涉嫌洗钱，请转到安全账户", "zh-Hans"),            # Chinese reader with an English app
    ("en", "Is this message a scam?", "en"),
    ("de", None, "en"),
    ("zh-hk", None, "zh-Hant"),
    ("zh", None, "zh-Hans"),
    (None, None, "zh-Hans"),
    (None, "13800138000", "zh-Hans"),
])
def test_pick_language(code: str | None, text: str | None, expected: str) -> None:
    assert pick_language(code, text) == expected


def test_summary_line_is_one_line_with_category() -> None:
    line = summary_line(_scam_verdict(), "zh-Hans")
    assert "\n" not in line and line.startswith("冒充公检法")


def test_fit_message_counts_utf16_units() -> None:
    text = "😀" * 3000  # 6000 UTF-16 units
    cut = fit_message(text)
    assert len(cut.encode("utf-16-le")) // 2 <= 4096 and cut.endswith("…")
    assert fit_message("短") == "短"


def test_fit_blocks_keeps_the_first_and_last_paragraphs_and_says_how_many_items_it_left_out() -> None:
    items = [f"😀 item {n}" for n in range(100)]  # 10 UTF-16 units each (the emoji counts two)
    blocks = [["🔴 level", "lead"], ListBlock(["List:"], items, more=lambda n: f"…and {n} more"), ["Advice:", "• a"]]
    limit = 200
    assert len("\n\n".join(["🔴 level\nlead", "List:\n" + "\n".join(items[:16]), "Advice:\n• a"])) <= limit
    text = fit_blocks(blocks, limit)
    assert utf16_len(text) <= limit  # counted as Telegram counts, not in Python characters
    first, middle, last = text.split("\n\n")
    assert (first, last) == ("🔴 level\nlead", "Advice:\n• a")
    lines = middle.splitlines()
    assert lines[0] == "List:" and lines[1:-1] == items[: len(lines) - 2]
    assert lines[-1] == f"…and {100 - (len(lines) - 2)} more"
    assert fit_blocks(blocks, 10_000) == "\n\n".join(["🔴 level\nlead", "List:\n" + "\n".join(items),
                                                       "Advice:\n• a"])  # nothing left out when it fits


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_a_verdict_with_hundreds_of_numbers_fits_with_its_alert_level_advice_and_note(lang: str) -> None:
    verdict = _scam_verdict()
    verdict.numbers = [NumberReport(raw=f"1380013{n:04d}", e164=f"+86138001{n:05d}", type="mobile", region="CN",
                                    carrier="中国移动", location="北京市") for n in range(300)]
    advice_block = "\n".join([t(lang, "section.todo"), *(f"• {advice_text(a, lang)}" for a in verdict.advice)])
    for detailed in (False, True):
        card = render_verdict(verdict, lang, detailed=detailed)
        assert utf16_len(card) <= 4096 and card.startswith(t(lang, "level.high"))
        assert card.endswith(advice_block)
        shown = card.count("📞 ")
        assert card.count(t(lang, "fit.more_numbers", count=300 - shown)) == 1
        alert = render_verdict(verdict, lang, detailed=detailed, prefix=t(lang, "group.alert"),
                               notes=[t(lang, "photo_note")])
        assert utf16_len(alert) <= 4096
        assert alert.startswith(t(lang, "group.alert") + "\n\n" + t(lang, "level.high"))
        assert alert.endswith(advice_block + "\n\n" + t(lang, "photo_note"))


def test_a_forward_title_that_imitates_the_bots_lines_is_one_short_quoted_line() -> None:
    title = "🔴 高风险\n✅ 官方号码 95588」\u202e\u200b" + "客服" * 40
    shown = neutral_title(title)
    assert shown is not None and shown.startswith("🔴 高风险 ✅ 官方号码 95588』")
    assert len(shown) == 40 and shown.endswith("…")
    assert not set(shown) & {"\n", "\u202e", "\u200b", "「", "」"}
    line = render_verdict(Verdict(risk_level=RiskLevel.LOW, evidence=[
        Evidence(EvidenceKind.FORWARD, {"origin": "channel", "title": title})]), "zh-Hans").splitlines()[2]
    assert line == f"↪️ 转发自频道「{shown}」"
    assert neutral_title("\u202e\n ") is None and neutral_title("便民通知") == "便民通知"


def test_verdict_json_words_advice_in_the_readers_language() -> None:
    from bot.render import verdict_json

    verdict = _scam_verdict()
    assert verdict_json(verdict)["advice"][0] == advice_text(Advice.POLICE_NO_TRANSFER, "zh-Hans")
    assert verdict_json(verdict, "en")["advice"][0] == advice_text(Advice.POLICE_NO_TRANSFER, "en")
    assert "advice" not in verdict.to_json() and verdict.to_json()["advice_keys"][0] == "police_no_transfer"


def test_impersonation_by_a_site_names_the_site_not_a_number():
    from bot.render import evidence_text
    from bot.verdict import Evidence, EvidenceKind

    evidence = Evidence(EvidenceKind.IMPERSONATION, {"org": "中国工商银行", "kind": "bank", "url": "m845.com.cn",
                                                    "official": ["95588"], "official_domains": ["icbc.com.cn"]})
    zh = evidence_text(evidence, "zh-Hans")
    assert "m845.com.cn" in zh and "icbc.com.cn" in zh and "?" not in zh
    assert "m845.com.cn" in evidence_text(evidence, "en")
    assert "官方網站" in evidence_text(evidence, "zh-Hant")


def test_the_cores_message_limit_is_telegrams() -> None:
    from telegram.constants import MessageLimit

    from bot.render import TELEGRAM_MESSAGE_LIMIT

    assert TELEGRAM_MESSAGE_LIMIT == MessageLimit.MAX_TEXT_LENGTH


# ── A verdict an older reader can use on a phone ─────────────────────────────────────────────────────

def _blocks(card: str) -> list[str]:
    return card.split("\n\n")


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_low_gives_a_sentence_of_what_was_checked_never_a_percentage(lang: str) -> None:
    """Under 🟢 the reason is what was checked and found nothing, with the caveat — not "诈骗可能性 2%"."""
    card = render_verdict(_low_verdict(), lang)
    head = _blocks(card)[0].splitlines()
    assert head == [t(lang, "level.low"), t(lang, "why.low")]
    assert "%" not in card
    assert "不能证明" in head[1] or "不能證明" in head[1] or "cannot prove" in head[1]
    assert t(lang, "section.why") not in card  # no list of reasons under 🟢
    assert summary_line(_low_verdict(), lang) == t(lang, "why.low")


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_a_word_also_common_in_scams_does_not_alarm_under_low(lang: str) -> None:
    text = "晚上一起吃饭吗？我六点下班，验证码是多少"
    start = text.index("验证码")
    verdict = Verdict(risk_level=RiskLevel.LOW, fraud_probability=0.04, evidence=[
        Evidence(EvidenceKind.PHRASE, {"phrase": "验证码", "rule": "code", "strength": "weak"},
                 Span(start, start + 3, "验证码")),
        Evidence(EvidenceKind.MODEL, {"fraud_probability": 0.04})])
    short = render_verdict(verdict, lang)
    assert short.splitlines()[1] == t(lang, "why.low.mild")
    alarm = t(lang, "ev.phrase", phrase="验证码")
    detailed = render_verdict(verdict, lang, detailed=True)
    assert alarm not in short and alarm not in detailed
    assert t(lang, "ev.phrase.low", phrase="验证码") in detailed  # still there for whoever looks


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_high_from_rules_never_shows_the_text_checks_low_probability(lang: str) -> None:
    """🔴 from the rules while the text check gave 3%: no "3%" anywhere, and Details still says, in words,
    that the text check alone did not flag it."""
    verdict = _scam_verdict()
    verdict.numbers = []
    verdict.evidence = [e for e in verdict.evidence if e.kind == EvidenceKind.PHRASE] + [
        Evidence(EvidenceKind.MODEL, {"fraud_probability": 0.03, "category_key": None})]
    short, detailed = render_verdict(verdict, lang), render_verdict(verdict, lang, detailed=True)
    for card in (short, detailed, summary_line(verdict, lang)):
        assert "3%" not in card and t(lang, "ev.model.low", percent=3) not in card
    assert t(lang, "ev.model.low.raised") in detailed
    assert t(lang, "more_evidence", count=1) not in short  # "the text check found little" is no reason


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_short_card_gives_one_plain_sentence_why_and_no_probability(lang: str) -> None:
    """🟠 from the text check: the short card says in words what the text looks like; the percentage and
    the other reasons are behind "Details"."""
    verdict = Verdict(risk_level=RiskLevel.SUSPICIOUS, category_key="fake_investment", fraud_probability=0.72,
                      evidence=[Evidence(EvidenceKind.MODEL, {"fraud_probability": 0.72,
                                                              "category_key": "fake_investment"}),
                                Evidence(EvidenceKind.URL, {"url": "http://abc.example", "domain": "abc.example"})],
                      advice=[Advice.INVESTMENT_NO_GUARANTEE, Advice.CALL_96110])
    short = render_verdict(verdict, lang)
    category = t(lang, "cat.fake_investment")
    why = [b for b in _blocks(short) if b.startswith(t(lang, "why.line", reason=""))]
    assert why == [t(lang, "why.line", reason=t(lang, "why.model.category", category=category)) + "\n"
                   + t(lang, "more_evidence", count=1)]
    assert "%" not in short
    assert "72%" in render_verdict(verdict, lang, detailed=True)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """One real store (SQLite, schema and seed allowlist) for the checks below: they only read it."""
    from bot.store import Store

    opened = Store.open(f"sqlite:///{tmp_path_factory.mktemp('render') / 'fanzha.db'}")
    yield opened
    opened.close()


def _check(store, text: str, classifier: object = None) -> Verdict:
    """The real checker (numbers, lists, links, rules; ``classifier`` for the model's port) on ``text``."""
    from bot.check import Checker, StoreLists

    checker = Checker(StoreLists(store), classifier=classifier)
    try:
        return checker.check_text_sync(text)
    finally:
        checker.close()


@pytest.mark.parametrize(("lang", "text", "whole", "cut"), [
    ("zh-Hans", "您好，您的账户涉嫌非法集资，公安机关要对您进行调查。", "「您的账户涉嫌非法集资」", "「涉嫌非法」"),
    ("zh-Hant", "您好，您的帳戶涉嫌非法集資，公安機關要對您進行調查。", "「您的帳戶涉嫌非法集資」", "「涉嫌非法」"),
    ("en", "Transfer all your money to a newly opened account today.",
     "“Transfer all your money to a newly opened account today”", "a new”"),
])
def test_a_quoted_phrase_is_whole_words_not_cut_mid_word(store, lang: str, text: str, whole: str, cut: str) -> None:
    """The rules match "涉嫌非法" inside 涉嫌非法集资 and "to a new" inside "newly": the card quotes the
    clause the reader was sent, and Details quotes no half of an English word either."""
    verdict = _check(store, text)
    assert verdict.risk_level != RiskLevel.LOW
    short = render_verdict(verdict, lang)
    assert whole in short and cut not in short
    if lang == "en":
        assert "newly" in render_verdict(verdict, lang, detailed=True)


def test_two_rules_quoting_the_same_clause_show_it_once(store) -> None:
    """Two tactics in one clause (刷单 and "日赚200到500元") each widen to the clause: the card quoted it twice,
    once cut and once whole. The reader sees the whole clause once."""
    verdict = _check(store, "你好，我们在招聘网店刷单兼职，动动手指日赚200到500元\n\n真的吗？怎么做")
    why = next(line for line in render_verdict(verdict, "zh-Hans").splitlines() if line.startswith("为什么"))
    assert why.count("「") == 1 and "「我们在招聘网店刷单兼职，动动手指日赚200到500元」" in why


class _ModelSays:
    """The ``Classifier`` port answering one fraud type with probability 0.9 for every text, as the model
    does for a text it files under that type (the shipped model's own answers are in tests/model)."""

    def __init__(self, category_key: str) -> None:
        self.category_key = category_key

    def predict(self, texts: list[str]) -> list[object]:
        from nlp.classifier import Prediction

        return [Prediction("fraud", self.category_key, None, 0.9) for _ in texts]


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_a_prize_scam_gets_prize_advice_not_order_brushing_advice(store, lang: str) -> None:
    """The model has no prize class and files prize notices under 刷单返利; the prize rule's tactic decides
    what the reader is told: a real prize costs no fee."""
    text = "恭喜您被选为场外幸运观众，获得价值98000元的奖品，领奖前需交保证金3000元，请联系客服。"
    verdict = _check(store, text, _ModelSays("task_rebate"))
    assert verdict.risk_level == RiskLevel.HIGH and verdict.category_key == "task_rebate"
    assert Advice.TASK_SCAM not in verdict.advice and Advice.LOAN_NO_FEES not in verdict.advice
    todo = _blocks(render_verdict(verdict, lang))[-1].splitlines()
    assert todo[:2] == [t(lang, "section.todo"), f"• {advice_text(Advice.PRIZE_NO_FEE, lang)}"]


_FIRST_ADVICE = {  # advice keys (``Advice`` values), as ``fanzha check --json`` gives them
    "impersonate_police": "police_no_transfer", "loan_credit": "loan_no_fees",
    "fake_customer_service": "call_official", "impersonate_acquaintance": "verify_in_person",
    "task_rebate": "task_scam", "fake_investment": "investment_no_guarantee", "romance": "romance_no_money",
    "game_trading": "game_official_platform", "phishing": "no_links", "fake_credit_repair": "credit_record",
    "card_trafficking": "card_crime", "illegal_service": "illegal_service", "other": "no_transfer",
}


def test_every_category_has_advice_about_that_kind_of_scam() -> None:
    from bot.categories import CATEGORIES

    assert {c.key for c in CATEGORIES} == set(_FIRST_ADVICE)


@pytest.mark.parametrize("category", [k for k in _FIRST_ADVICE if k != "other"])  # the model never says "other"
def test_every_scam_type_leads_with_advice_about_that_type(store, category: str) -> None:
    """The first line of "what to do" speaks to the scam at hand: a romance scam is not told to call a
    friend's old number, an investment scam hears about "guaranteed returns"."""
    verdict = _check(store, "你好，这件事请你尽快按我说的办，今天之内办好。", _ModelSays(category))
    assert verdict.risk_level != RiskLevel.LOW and verdict.category_key == category
    assert str(verdict.advice[0]) == _FIRST_ADVICE[category]
