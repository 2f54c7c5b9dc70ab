"""The Checker with the real shipped model (data/model): the issue's cases end to end, and the
batched async path the bot uses giving the same answers as the one-at-a-time path the CLI uses."""

import asyncio

import pytest

from bot.check import Checker, StoreLists
from bot.policy import MODEL_SUSPICIOUS
from bot.store import Store
from bot.verdict import EvidenceKind, RiskLevel

pytestmark = pytest.mark.slow

PERSONAL = [
    "妈，我今晚回家吃饭",
    "明天下午三点开会，记得带电脑",
    "好的收到，谢谢",
    "朋友们，我的新号138 0013 8000下午开始用，这个号快停了，常联系",
    "晚上一起吃火锅吗？我请客",
    "你到了没有？我在门口等你",
]


@pytest.fixture(scope="module")
def classifier():
    from nlp.classifier import FraudClassifier

    return FraudClassifier.from_pretrained()


@pytest.fixture
def checker(sqlite_url, classifier):
    store = Store.open(sqlite_url)
    checker = Checker(StoreLists(store), classifier)
    yield checker
    checker.close()
    store.close()


def test_official_bank_notice_stays_low_and_the_mobile_variant_does_not(checker):
    wording = "【工商银行】尊敬的客户，您的信用卡本期账单已出，到期还款日为25日，如有疑问请致电{}。"
    official = checker.check_text_sync(wording.format("95588"))
    assert official.risk_level == RiskLevel.LOW
    assert official.fraud_probability is not None
    assert checker.check_text_sync(wording.format("13800138000")).risk_level != RiskLevel.LOW


@pytest.mark.parametrize("text", PERSONAL)
def test_personal_messages_stay_low(checker, text):
    assert checker.check_text_sync(text).risk_level == RiskLevel.LOW


@pytest.mark.parametrize("text", [
    "您好，我是市公安局民警，您的身份证涉嫌一起洗钱案件，请立即将资金转入安全账户配合调查，不要告诉家人。",
    "【工商银行】您的账户存在异常已被冻结，请立即登录 icbc-vip.cc 验证身份解冻。",
    "亲，我是淘宝客服，您购买的商品有质量问题，我们给您双倍退款，请下载会议软件开启屏幕共享操作。",
])
def test_clear_fraud_is_high_with_the_model_agreeing(checker, text):
    verdict = checker.check_text_sync(text)
    assert verdict.risk_level == RiskLevel.HIGH
    (model,) = [e for e in verdict.evidence if e.kind == EvidenceKind.MODEL]
    assert model.detail["fraud_probability"] >= MODEL_SUSPICIOUS


def test_model_alone_flags_a_scam_without_rule_phrases(checker):
    # No blocklist, no allowlist, no rule phrase: only the model can see this one.
    text = "老同学，我换号了，这是我新号。最近手头有点紧，能不能先借我五千块周转一下，下个月一定还你。"
    verdict = checker.check_text_sync(text)
    assert verdict.fraud_probability is not None and verdict.fraud_probability >= MODEL_SUSPICIOUS
    assert verdict.risk_level != RiskLevel.LOW


def test_traditional_input_gets_the_same_model_score(checker):
    simplified = checker.check_text_sync("您好，我是公安局的，您涉嫌洗钱，请把资金转到安全账户")
    traditional = checker.check_text_sync("您好，我是公安局的，您涉嫌洗錢，請把資金轉到安全帳戶")
    assert traditional.risk_level == simplified.risk_level
    assert traditional.fraud_probability == pytest.approx(simplified.fraud_probability, abs=0.02)


async def test_concurrent_checks_are_batched_and_agree_with_single_checks(checker):
    texts = [*PERSONAL, "高价收购银行卡、电话卡", "兼职刷单，日结佣金，垫付后返还本金", "您的快递丢失，双倍赔偿"]
    single = [checker.check_text_sync(t) for t in texts]
    together = await asyncio.gather(*(checker.check_text(t) for t in texts))
    # Padding to the batch's longest text changes the float rounding a little, so scores may differ by ~1e-3.
    for a, b in zip(single, together, strict=True):
        assert a.risk_level == b.risk_level
        assert a.fraud_probability == pytest.approx(b.fraud_probability, abs=0.02)


async def test_a_forwarded_text_seen_before_is_answered_without_a_model_pass(checker, monkeypatch):
    """A scam wave: many people forward the same SMS; the model runs once for it, and the answer is the same."""
    calls: list[int] = []
    predict = checker.classifier.predict

    def counting(texts):
        calls.append(len(texts))
        return predict(texts)

    monkeypatch.setattr(checker.classifier, "predict", counting)
    text = "【工商银行】您的账户存在异常已被冻结，请立即登录 icbc-vip.cc 验证身份解冻。"
    first = await checker.check_text(text)
    again = await checker.check_text(text)
    other = await checker.check_text("晚上一起吃火锅吗？我请客")
    assert sum(calls) == 2
    assert again.fraud_probability == first.fraud_probability and again.risk_level == first.risk_level
    assert other.risk_level == RiskLevel.LOW


async def test_a_message_in_another_language_is_not_scored_by_the_chinese_model(checker, monkeypatch):
    """The model only read Chinese in training: for an English scam it abstains and the verdict says so,
    instead of a reassuring low score; numbers and links are still checked."""
    calls: list[int] = []
    predict = checker.classifier.predict
    monkeypatch.setattr(checker.classifier, "predict", lambda texts: calls.append(len(texts)) or predict(texts))
    text = "Your parcel is held at customs. Pay the release fee within 24 hours at http://icbc-fee.top"
    for verdict in (checker.check_text_sync(text), await checker.check_text(text)):
        assert verdict.fraud_probability is None
        assert {"skipped": "not_chinese"} in [e.detail for e in verdict.evidence if e.kind == EvidenceKind.MODEL]
        assert verdict.risk_level == RiskLevel.HIGH  # the ICBC lookalike link still counts
    assert calls == []
    assert checker.check_text_sync("妈，我换了新号，WeChat 也换了").fraud_probability is not None
