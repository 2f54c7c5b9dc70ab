"""The Checker end to end over a real store (SQLite and PostgreSQL), rules and lists only.

The shipped model's behaviour is covered in test_checker_model.py; here the classifier is off so each
evidence kind and the combination policy can be asserted exactly.
"""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.check import MAX_TEXT_CHARS, Checker, CheckHints, EmptyInput, StoreLists, TextTooLong
from bot.config import Settings
from bot.evalset import OBFUSCATIONS
from bot.locales import LANGUAGES, t
from bot.render import render_verdict
from bot.verdict import EvidenceKind, RiskLevel, SkipReason, Stage
from nlp.process import ModelUnavailable

BANK_WORDING = "【工商银行】尊敬的客户，您的信用卡本期账单已出，到期还款日为25日，如有疑问请致电{number}。"


@pytest.fixture
def checker(store):
    checker = Checker(StoreLists(store), classifier=None)
    yield checker
    checker.close()


def _kinds(verdict):
    return {e.kind for e in verdict.evidence}


def test_official_bank_number_with_ordinary_wording_stays_low(checker):
    verdict = checker.check_text_sync(BANK_WORDING.format(number="95588"))
    assert verdict.risk_level == RiskLevel.LOW
    assert EvidenceKind.ALLOWLIST in _kinds(verdict)
    (allow,) = [e for e in verdict.evidence if e.kind == EvidenceKind.ALLOWLIST]
    assert allow.detail["owner"] == "中国工商银行"


def test_same_wording_with_a_mobile_number_is_impersonation(checker):
    verdict = checker.check_text_sync(BANK_WORDING.format(number="13800138000"))
    assert verdict.risk_level in (RiskLevel.SUSPICIOUS, RiskLevel.HIGH)
    (imp,) = [e for e in verdict.evidence if e.kind == EvidenceKind.IMPERSONATION]
    assert imp.detail["org"] == "中国工商银行" and imp.detail["number"] == "+8613800138000"
    assert "95588" in imp.detail["official"]
    assert verdict.category_key == "fake_customer_service"


def test_blocklisted_number_in_bland_text_is_high(store, checker):
    store.add_blocklist("13912345678", category="impersonate_police", actor="cli", evidence="多人举报")
    verdict = checker.check_text_sync("你好，有空回个电话 139-1234-5678")
    assert verdict.risk_level == RiskLevel.HIGH
    assert verdict.category_key == "impersonate_police"
    (hit,) = [e for e in verdict.evidence if e.kind == EvidenceKind.BLOCKLIST]
    assert hit.detail["e164"] == "+8613912345678" and hit.detail["evidence"] == "多人举报"
    assert hit.span is not None and hit.span.text == "139-1234-5678"
    assert verdict.numbers[0].blocklisted


def test_expired_entry_is_not_a_hit(store, checker):
    store.add_blocklist("13912345679", category="other", actor="cli",
                        expires_at=datetime.now(UTC) - timedelta(days=1))
    verdict = checker.check_text_sync("回电 13912345679")
    assert verdict.risk_level == RiskLevel.LOW
    assert EvidenceKind.BLOCKLIST not in _kinds(verdict)


def test_prefix_entry_matches_the_whole_segment(store, checker):
    store.add_blocklist("+861709999", category="task_rebate", actor="cli", prefix=True)
    verdict = checker.check_text_sync("联系我 17099991234")
    assert verdict.risk_level == RiskLevel.HIGH
    assert verdict.category_key == "task_rebate"


def test_bare_number_verdicts(store, checker):
    assert checker.check_number_sync("95588").risk_level == RiskLevel.LOW
    assert checker.check_number_sync("95588").numbers[0].allowlisted["owner"] == "中国工商银行"
    assert checker.check_number_sync("+855 12 345 678").risk_level == RiskLevel.SUSPICIOUS
    store.add_blocklist("13912345678", category="loan_credit", actor="cli")
    verdict = checker.check_number_sync("+86 139 1234 5678")
    assert verdict.risk_level == RiskLevel.HIGH and verdict.input_kind == "number"
    assert verdict.category_key == "loan_credit"


def test_number_signals_are_evidence(checker):
    verdict = checker.check_text_sync("兼职刷单，日结佣金，联系 +855 12 345 678")
    signals = {e.detail["signal"] for e in verdict.evidence if e.kind == EvidenceKind.NUMBER_SIGNAL}
    assert "overseas" in signals
    # a strong tactic plus a risky overseas number
    assert verdict.risk_level == RiskLevel.HIGH
    assert verdict.category_key == "task_rebate"


def test_phrases_with_spans(checker):
    text = "您好，我是公安局的，您涉嫌洗钱，请把资金转到安全账户"
    verdict = checker.check_text_sync(text)
    assert verdict.risk_level == RiskLevel.HIGH
    assert verdict.category_key == "impersonate_police"
    phrases = {e.detail["phrase"]: e.span for e in verdict.evidence if e.kind == EvidenceKind.PHRASE}
    assert set(phrases) >= {"涉嫌洗钱", "安全账户"}
    for phrase, span in phrases.items():
        assert text[span.start:span.end] == phrase


def test_card_trafficking_is_high_with_the_crime_advice(checker):
    verdict = checker.check_text_sync("高价收购银行卡、电话卡，一套日结300元，有意私聊")
    assert verdict.risk_level == RiskLevel.HIGH
    assert verdict.category_key == "card_trafficking"
    assert "card_crime" in [str(a) for a in verdict.advice]


def test_lookalike_link_is_high_and_ordinary_link_is_just_evidence(checker):
    verdict = checker.check_text_sync("【中国移动】您的积分即将清零，请登录 10086-jf.com 兑换")
    assert verdict.risk_level == RiskLevel.HIGH
    assert EvidenceKind.RISKY_LINK in _kinds(verdict)
    assert verdict.category_key in ("phishing", "fake_customer_service")
    plain = checker.check_text_sync("这篇文章不错 https://www.zhihu.com/question/1")
    assert plain.risk_level == RiskLevel.LOW
    assert EvidenceKind.URL in _kinds(plain)


def test_forward_metadata_is_evidence(checker):
    verdict = checker.check_text_sync("今天天气不错", CheckHints(forward_origin="channel", forward_title="某频道"))
    (fwd,) = [e for e in verdict.evidence if e.kind == EvidenceKind.FORWARD]
    assert fwd.detail == {"origin": "channel", "title": "某频道"}


def test_telegram_phone_entities_are_checked_too(store, checker):
    store.add_blocklist("13912345678", category="other", actor="cli")
    verdict = checker.check_text_sync("看这里", CheckHints(phone_entities=("+86 139 1234 5678",)))
    assert verdict.risk_level == RiskLevel.HIGH


@pytest.mark.parametrize(("simplified", "traditional"), [
    ("您好，我是公安局的，您涉嫌洗钱，请把资金转到安全账户，不要告诉家人",
     "您好，我是公安局的，您涉嫌洗錢，請把資金轉到安全帳戶，不要告訴家人"),
    ("高价收购银行卡、电话卡，一套日结300元", "高價收購銀行卡、電話卡，一套日結300元"),
    ("【工商银行】您的信用卡账单已出，如有疑问请致电13800138000",
     "【工商銀行】您的信用卡賬單已出，如有疑問請致電13800138000"),
    ("妈，我今晚回家吃饭", "媽，我今晚回家吃飯"),
])
def test_traditional_gives_the_same_verdict_as_simplified(checker, simplified, traditional):
    a = checker.check_text_sync(simplified)
    b = checker.check_text_sync(traditional)
    assert (a.risk_level, a.category_key) == (b.risk_level, b.category_key)
    assert sorted(e.kind for e in a.evidence) == sorted(e.kind for e in b.evidence)
    for e in b.evidence:
        if e.span is not None:
            assert traditional[e.span.start:e.span.end] == e.span.text


def test_warnings_from_96110_stay_low(checker):
    verdict = checker.check_text_sync(
        "【反诈提醒】公检法机关不会通过电话要求转账到安全账户，切勿开启屏幕共享。如有疑问请拨打96110。"
    )
    assert verdict.risk_level == RiskLevel.LOW


def test_low_never_claims_safety(checker):
    verdict = checker.check_text_sync("明天下午三点开会")
    assert verdict.risk_level == RiskLevel.LOW
    assert "cannot_prove_safe" in [str(a) for a in verdict.advice]


def test_bad_input_is_refused_clearly(checker):
    with pytest.raises(EmptyInput):
        checker.check_text_sync("   ")
    with pytest.raises(TextTooLong):
        checker.check_text_sync("啊" * (MAX_TEXT_CHARS + 1))


async def test_async_api_gives_the_same_verdict(checker):
    text = "高价收购银行卡、电话卡"
    verdict = await checker.check_text(text)
    assert verdict.risk_level == checker.check_text_sync(text).risk_level == RiskLevel.HIGH
    number = await checker.check_number("95588")
    assert number.risk_level == RiskLevel.LOW


def test_json_contract(checker):
    from bot.render import verdict_json

    data = verdict_json(checker.check_text_sync(BANK_WORDING.format(number="13800138000")))
    assert data["risk_level"] in ("high", "suspicious", "low")
    assert data["category"] == "冒充客服" and data["category_key"] == "fake_customer_service"
    assert "fraud_probability" in data
    (number,) = data["numbers"]
    assert number["e164"] == "+8613800138000"
    assert number["blocklisted"] is False and number["allowlisted"] is False
    assert isinstance(number["signals"], list)
    assert all({"kind", "detail"} <= set(e) for e in data["evidence"])
    assert data["advice"] and all(isinstance(a, str) for a in data["advice"])
    assert data["partial"] is False and data["skipped_stages"] == {}  # every stage ran


def test_bank_name_with_an_unofficial_site_is_impersonation(checker):
    # A real fake-base-station SMS (FBS set, de-segmented), with its masked link filled in.
    text = "尊敬的工商用户您的电子密码器即将过期请尽快登陆我行管理网站m845.com.cn进行更新给您带来不便敬请谅解工商银行"
    verdict = checker.check_text_sync(text)
    assert verdict.risk_level == RiskLevel.HIGH
    (imp,) = [e for e in verdict.evidence if e.kind == EvidenceKind.IMPERSONATION]
    assert imp.detail["org"] == "中国工商银行" and imp.detail["url"] == "m845.com.cn"
    official = checker.check_text_sync("【工商银行】请登录 www.icbc.com.cn 查看您的账单")
    assert EvidenceKind.IMPERSONATION not in _kinds(official)


@pytest.mark.parametrize("disguise", sorted(OBFUSCATIONS))
def test_a_disguised_scam_gets_the_level_of_its_clean_form(checker, disguise):
    scams = ["【工商银行】您的账户涉嫌洗钱已被冻结，请立即拨打客服 17012345678 办理解冻",
             "收簿子 一本3萬 只要存摺跟提款卡 月領薪水",
             "请下载会议软件开启屏幕共享，我指导您把资金转到安全账户"]
    for text in scams:
        clean = checker.check_text_sync(text)
        disguised = checker.check_text_sync(OBFUSCATIONS[disguise](text))
        assert clean.risk_level != RiskLevel.LOW, text
        assert disguised.risk_level == clean.risk_level, (disguise, text)


def test_a_number_written_with_invisible_or_spread_digits_is_found(checker):
    for written in ("1\u200b7\u200b0\u200b1\u200b2\u200b3\u200b4\u200b5\u200b6\u200b7\u200b8", "1 7 0 1 2 3 4 5 6 7 8"):
        text = f"请加我 {written} 领取"
        (number,) = checker.check_text_sync(text).numbers
        assert number.e164 == "+8617012345678" and number.raw == written  # shown as the user wrote it
        assert text[number.span.start:number.span.end] == written


# ── When the model is down, or a check runs out of time ────────────────────────────────────────────────

CARD_SCAM = "高价收购银行卡、电话卡，一张月入3000，联系 13800138000"


class _DownClassifier:
    """The ``Classifier`` port as the model process answers while its child is dead, stuck or restarting."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls = 0

    def predict(self, texts: list[str]) -> list[object]:
        self.calls += 1
        raise self.error


def _says_model_was_not_consulted(verdict) -> None:
    assert verdict.skipped_stages == {Stage.MODEL: SkipReason.MODEL_UNAVAILABLE} and verdict.partial
    assert verdict.to_json()["skipped_stages"] == {"model": "model_unavailable"}
    assert EvidenceKind.MODEL not in _kinds(verdict) and verdict.fraud_probability is None
    for lang in LANGUAGES:
        assert t(lang, "partial_note.model") in render_verdict(verdict, lang)


@pytest.mark.parametrize("error", [ModelUnavailable("the model process is restarting"), TimeoutError()],
                         ids=["unavailable", "timeout"])
def test_a_failing_model_gives_a_verdict_from_rules_and_lists_that_says_so(store, error, caplog):
    checker = Checker(StoreLists(store), _DownClassifier(error))
    try:
        verdict = checker.check_text_sync(CARD_SCAM)
        assert verdict.risk_level == RiskLevel.HIGH and verdict.category_key == "card_trafficking"
        _says_model_was_not_consulted(verdict)
        (result,) = checker.check_texts_sync([CARD_SCAM])  # the batch path too
        _says_model_was_not_consulted(result)
    finally:
        checker.close()
    warnings = [r for r in caplog.records if r.levelname == "WARNING" and r.name == "bot.check"]
    assert len(warnings) == 1  # once, not once per check
    assert "收购" not in caplog.text and "13800138000" not in caplog.text


async def test_the_bot_answers_every_waiting_message_when_the_model_fails(store, caplog):
    down = _DownClassifier(ModelUnavailable("the model process died; a new one is starting"))
    checker = Checker(StoreLists(store), down)
    try:
        texts = [CARD_SCAM, "你好，明天一起吃饭吗？", "请下载会议软件开启屏幕共享，我指导您把资金转到安全账户"]
        verdicts = await asyncio.gather(*(checker.check_text(text) for text in texts))
        for verdict in verdicts:
            _says_model_was_not_consulted(verdict)
        assert [v.risk_level for v in verdicts] == [RiskLevel.HIGH, RiskLevel.LOW, RiskLevel.HIGH]
        again = await checker.check_text(texts[1])  # a failure is not remembered as the model's answer
        _says_model_was_not_consulted(again)
        assert down.calls >= 2
    finally:
        checker.close()
    assert len([r for r in caplog.records if r.levelname == "WARNING" and r.name == "bot.check"]) == 1
    assert not any(text in caplog.text for text in texts)


def test_a_check_out_of_time_skips_the_stages_not_begun_and_says_so(store):
    store.add_blocklist("13912345678", category="impersonate_police", actor="cli")
    # Normalising this text takes a few milliseconds; reading its hundreds of numbers a good tenth of a
    # second, well past a budget of 50 ms.
    text = "拨打95588，" * 400 + "安全账户 139-1234-5678 www.icbc-vip.cc"
    checker = Checker(StoreLists(store), budget_seconds=0.05)
    try:
        checker.check_text_sync("拨打95588")  # loads the libraries' tables, as any earlier check would have
        verdict = checker.check_text_sync(text)
    finally:
        checker.close()
    assert verdict.numbers  # begun in time: its findings count
    assert verdict.skipped_stages == {stage: SkipReason.BUDGET for stage in (
        Stage.LISTS, Stage.LINKS, Stage.RULES, Stage.IMPERSONATION)}
    assert verdict.to_json()["partial"] is True
    assert verdict.to_json()["skipped_stages"] == {"lists": "budget", "links": "budget", "rules": "budget",
                                                   "impersonation": "budget"}
    assert not {EvidenceKind.PHRASE, EvidenceKind.URL, EvidenceKind.RISKY_LINK} & _kinds(verdict)
    for lang in LANGUAGES:
        assert t(lang, "partial_note.budget") in render_verdict(verdict, lang)
    whole = Checker.from_settings(Settings(use_model=False), store)  # the shipped budget: 3 s
    try:
        complete = whole.check_text_sync(text)
    finally:
        whole.close()
    assert whole.budget_seconds == Settings().check_budget_seconds
    assert not complete.partial and complete.risk_level == RiskLevel.HIGH  # the blocklisted number counts
