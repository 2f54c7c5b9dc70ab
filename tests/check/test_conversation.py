"""Several messages checked as one conversation (``bot.conversation``), with the rules-only Checker over a real
store: one verdict on the whole, and the message that carries the danger named."""

from __future__ import annotations

import pytest

from bot.check import MAX_TEXT_CHARS, Checker, CheckHints, EmptyInput, StoreLists
from bot.conversation import MAX_MESSAGES, Carries, check_conversation, check_conversation_sync, join_messages
from bot.verdict import RiskLevel

# A 刷单 script: the bait (刷单, a tactic), the hook, the ask for money into a "safe account", the pressure.
SCRIPT = ["亲，我们平台招兼职刷单员，在家用手机就能做，每单返佣金",
          "第一单的佣金已经返给你了，收到了吧？现在系统检测到你的账户有异常",
          "请把本金转到这个安全账户，验证以后连同佣金一起退还给你",
          "抓紧时间，超过半小时就无法退还了"]
_ORDER = {RiskLevel.LOW: 0, RiskLevel.SUSPICIOUS: 1, RiskLevel.HIGH: 2}


@pytest.fixture
def checker(store):
    checker = Checker(StoreLists(store), classifier=None)
    yield checker
    checker.close()


def test_the_script_together_is_worse_than_any_message_alone_and_message_3_carries_the_ask(checker):
    result = check_conversation_sync(checker, SCRIPT)
    assert result.verdict.risk_level == RiskLevel.HIGH
    assert (result.dangerous, result.carries) == (2, Carries.MONEY)
    assert (result.messages, result.checked, result.left_out) == (4, 4, 0)
    alone = [checker.check_text_sync(text).risk_level for text in SCRIPT]
    assert all(_ORDER[level] < _ORDER[result.verdict.risk_level] for level in alone), alone


async def test_the_async_check_gives_the_same_answer(checker):
    result = await check_conversation(checker, SCRIPT)
    assert (result.verdict.risk_level, result.dangerous) == (RiskLevel.HIGH, 2)


def test_a_link_is_named_when_nobody_asks_for_money(checker):
    texts = ["您的ETC认证已失效，将影响高速通行", "请尽快登录 http://etc-renzheng.top/a 重新认证", "逾期将停用"]
    result = check_conversation_sync(checker, texts)
    assert result.verdict.risk_level != RiskLevel.LOW
    assert (result.dangerous, result.carries) == (1, Carries.LINK)


def test_a_number_to_call_is_named_after_the_ask_and_the_link(store, checker):
    store.add_blocklist("13912345678", category="impersonate_police", actor="cli", evidence="多人举报")
    texts = ["你好，我是快递员", "你的包裹丢了，有空回个电话 139-1234-5678", "谢谢"]
    result = check_conversation_sync(checker, texts)
    assert result.verdict.risk_level == RiskLevel.HIGH
    assert (result.dangerous, result.carries) == (1, Carries.NUMBER)


def test_a_harmless_chat_names_no_message(checker):
    result = check_conversation_sync(checker, ["明天几点到？", "我六点下班，老地方见"])
    assert result.verdict.risk_level == RiskLevel.LOW
    assert (result.dangerous, result.carries) == (None, None)


def test_messages_without_text_keep_their_places(checker):
    result = check_conversation_sync(checker, [None, SCRIPT[0], "", SCRIPT[2]],
                                     [None, CheckHints(forward_origin="user", forward_title="客服"), None, None])
    assert (result.messages, result.checked, result.dangerous) == (4, 2, 3)
    with pytest.raises(EmptyInput):
        check_conversation_sync(checker, [None, " "])


def test_a_long_burst_is_cut_to_its_last_messages_within_the_checkers_limit():
    texts = [f"第{n}条" for n in range(MAX_MESSAGES + 5)]
    joined = join_messages(texts)
    assert joined.left_out == 5 and joined.checked == MAX_MESSAGES and joined.text.startswith("第5条")
    long = ["开头" + "很长" * 2000, "中间" + "很长" * 2000, "结尾"]  # 4002 + 4002 + 2 characters
    joined = join_messages(long)
    assert len(joined.text) <= MAX_TEXT_CHARS and joined.left_out == 1 and joined.text.endswith("结尾")
    assert joined.message_at(joined.text.index("结尾")) == 2 and joined.message_at(0) == 1
    huge = join_messages(["x" * (MAX_TEXT_CHARS + 10)])
    assert huge.cut and len(huge.text) == MAX_TEXT_CHARS


def test_hints_join_and_a_shared_origin_is_kept(checker):
    hints = [CheckHints(phone_entities=("13800138000",), forward_origin="user", forward_title="王经理"),
             CheckHints(url_entities=("http://a.example",), forward_origin="user", forward_title="王经理")]
    result = check_conversation_sync(checker, ["你好 13800138000", "看看 http://a.example"], hints)
    forward = [e for e in result.verdict.evidence if e.kind == "forward"]
    assert [e.detail["title"] for e in forward] == ["王经理"]
    mixed = [hints[0], CheckHints(forward_origin="channel", forward_title="通知")]
    result = check_conversation_sync(checker, ["你好 13800138000", "看看"], mixed)
    assert not [e for e in result.verdict.evidence if e.kind == "forward"]
