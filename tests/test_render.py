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


def test_short_card_has_category_reasons_numbers_advice_and_forward_origin() -> None:
    card = render_verdict(_scam_verdict(), "zh-Hans")
    assert "类型：冒充公检法" in card
    assert "转发自频道「便民通知」" in card
    assert "「安全账户」「验证码」" in card  # phrases merged on one line
    assert "⛔ 在黑名单上（冒充公检法，3 人举报，2024-05-01 加入）" in card
    assert "+86 170 1234 5678" in card
    assert "虚拟运营商号段" in card
    assert "不要转账" in card and "96110" in card and "110 报警" in card
    assert "点「详情」查看" in card  # the short card shows the top reasons only
    # The blocklist hit leads, before the wording reasons.
    assert card.index("在黑名单上") < card.index("安全账户")


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
