"""The buttons under a verdict: report (with and without the text), wrong verdict, details, language; whose
buttons they are, who may consent to keeping a text, and how often each may be used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fakes.telegram_api import Call, FakeTelegram, group_chat, user
from tg_harness import InProcessBot, running_bot

from bot.locales import t
from bot.telegram.buttons import MAX_CALLBACK_BYTES, parse_callback

SCAM = "【工商银行】您的账户涉嫌洗钱已被冻结，请立即拨打客服 17012345678 办理解冻，并把资金转到安全账户"


async def _verdict(bot: InProcessBot, person: dict[str, Any], text: str = SCAM) -> Call:
    mark, _ = await bot.send({"message": bot.fake.message(person, text)})
    return bot.fake.wait_for("sendMessage", since=mark, timeout=5)


async def _tap(bot: InProcessBot, person: dict[str, Any], chat_id: int, message_id: int, label: str) -> int:
    """Tap the button labelled ``label`` on the bot's message as it is now (after earlier edits)."""
    message = bot.fake.sent_message(chat_id, message_id)
    buttons = [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]
    data = next(b["callback_data"] for b in buttons if b["text"] == label)
    return await bot.feed(bot.fake.make_update({"callback_query": {
        "id": f"cb-{label}", "from": person, "message": message, "chat_instance": "c", "data": data}}))


def _labels(bot: InProcessBot, chat_id: int, message_id: int) -> list[str]:
    message = bot.fake.sent_message(chat_id, message_id)
    return [b["text"] for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


async def test_callback_data_fits_telegrams_64_bytes_and_parses_back(bot: InProcessBot) -> None:
    verdict = await _verdict(bot, user(3001))
    for button in (b for b in verdict.buttons if "switch_inline_query" not in b):  # share: no callback
        assert len(button["callback_data"].encode()) <= MAX_CALLBACK_BYTES
        assert parse_callback(button["callback_data"]) is not None


async def test_report_with_text_asks_consent_then_stores_text_and_number(bot: InProcessBot) -> None:
    person = user(3002)
    verdict = await _verdict(bot, person)
    chat, mid = person["id"], verdict.result["message_id"]
    mark = await _tap(bot, person, chat, mid, "🚩 举报")
    consent = bot.fake.wait_for("answerCallbackQuery", since=mark, timeout=5)
    assert "要不要附上原文" in consent.params["text"]
    assert _labels(bot, chat, mid) == ["🚩 举报（附原文）", "🚩 举报（不附原文）", "取消"]
    mark = await _tap(bot, person, chat, mid, "🚩 举报（附原文）")
    done = bot.fake.wait_for("answerCallbackQuery", since=mark, timeout=5)
    assert done.params["text"].startswith("✅ 已收到你的举报（附原文）")
    rows = bot.rows("SELECT number_key, text, reporter_hash, verdict FROM reports")
    assert len(rows) == 1
    number_key, text, reporter_hash, summary = rows[0]
    assert number_key == "+8617012345678" and text == SCAM
    assert str(person["id"]) not in reporter_hash  # a keyed hash, not the id
    assert '"risk_level": "high"' in summary
    assert "🚩 举报" not in _labels(bot, chat, mid)  # reported: the button is gone


async def test_report_without_text_keeps_no_text(bot: InProcessBot) -> None:
    person = user(3003)
    verdict = await _verdict(bot, person)
    chat, mid = person["id"], verdict.result["message_id"]
    await _tap(bot, person, chat, mid, "🚩 举报")
    mark = await _tap(bot, person, chat, mid, "🚩 举报（不附原文）")
    assert bot.fake.wait_for("answerCallbackQuery", since=mark, timeout=5).params["text"].startswith(
        "✅ 已收到你的举报，谢谢")
    assert bot.rows("SELECT number_key, text, text_fingerprint IS NOT NULL FROM reports") == [
        ("+8617012345678", None, 1)]
    assert SCAM.encode() not in bot.database_bytes()
    # The moderators' queue shows what the verdict rested on: the button's summary must reach the report.
    (stored,) = bot.rows("SELECT verdict FROM reports")
    assert {"impersonation", "phrase"} <= set(json.loads(stored[0])["evidence_kinds"])


async def test_cancel_brings_the_verdict_buttons_back(bot: InProcessBot) -> None:
    person = user(3004)
    verdict = await _verdict(bot, person)
    chat, mid = person["id"], verdict.result["message_id"]
    await _tap(bot, person, chat, mid, "🚩 举报")
    mark = await _tap(bot, person, chat, mid, "取消")
    assert bot.fake.wait_for("answerCallbackQuery", since=mark, timeout=5).params["text"] == "已取消。"
    assert _labels(bot, chat, mid) == ["🚩 举报", "🤔 判断有误", "📋 详情", "📤 分享给家人"]
    assert bot.rows("SELECT count(*) FROM reports") == [(0,)]


async def test_wrong_verdict_stores_feedback(bot: InProcessBot) -> None:
    person = user(3005)
    verdict = await _verdict(bot, person, "妈，我手机没电了，借同学手机给你发个消息，晚点回家")
    chat, mid = person["id"], verdict.result["message_id"]
    await _tap(bot, person, chat, mid, "🤔 判断有误")
    assert _labels(bot, chat, mid) == ["提交（附原文）", "提交（不附原文）", "取消"]
    mark = await _tap(bot, person, chat, mid, "提交（附原文）")
    assert bot.fake.wait_for("answerCallbackQuery", since=mark, timeout=5).params["text"].startswith("✅ 已收到")
    rows = bot.rows("SELECT text, user_hash IS NOT NULL, verdict FROM feedback")
    assert rows[0][0] == "妈，我手机没电了，借同学手机给你发个消息，晚点回家" and rows[0][1] == 1
    assert '"risk_level"' in rows[0][2]


async def test_details_edits_the_message_into_the_full_evidence_list(bot: InProcessBot) -> None:
    person = user(3006)
    verdict = await _verdict(bot, person)
    chat, mid = person["id"], verdict.result["message_id"]
    mark = await _tap(bot, person, chat, mid, "📋 详情")
    bot.fake.wait_for("answerCallbackQuery", since=mark, timeout=5)
    edit = bot.fake.wait_for("editMessageText", since=mark, timeout=5)
    start = SCAM.index("安全账户")
    assert f"「安全账户」（第 {start + 1}–{start + 4} 字）" in edit.text
    assert "详情" not in edit.text
    assert _labels(bot, chat, mid) == ["🚩 举报", "🤔 判断有误", "📤 分享给家人"]


async def test_buttons_of_an_expired_check_are_answered_not_ignored(bot: InProcessBot) -> None:
    person = user(3007)
    verdict = await _verdict(bot, person)
    bot.rows("DELETE FROM stored_checks")
    mark = await _tap(bot, person, person["id"], verdict.result["message_id"], "📋 详情")
    answer = bot.fake.wait_for("answerCallbackQuery", since=mark, timeout=5)
    assert answer.params["text"] == "这条检查结果已经过期，请重新发送消息给我检查。"


async def test_foreign_callback_data_is_answered(bot: InProcessBot) -> None:
    person = user(3008)
    verdict = await _verdict(bot, person)
    mark = await bot.feed(bot.fake.make_update({"callback_query": {
        "id": "x", "from": person, "message": verdict.result, "chat_instance": "c", "data": "v:zz:nothing"}}))
    assert bot.fake.wait_for("answerCallbackQuery", since=mark, timeout=5).params["text"] == "这个按钮已经失效了。"


async def test_report_when_the_original_message_is_gone_still_files_the_verdict(bot: InProcessBot) -> None:
    person = user(3009)
    verdict = await _verdict(bot, person)
    message = dict(verdict.result)
    message.pop("reply_to_message")  # the user deleted their message
    data = next(b["callback_data"] for b in verdict.buttons if b["text"] == "🚩 举报").replace(":rp:", ":rt:")
    mark = await bot.feed(bot.fake.make_update({"callback_query": {
        "id": "g", "from": person, "message": message, "chat_instance": "c", "data": data}}))
    answer = bot.fake.wait_for("answerCallbackQuery", since=mark, timeout=5)
    assert answer.params["text"] == "原消息已经找不到了，这次只提交了判断结果。"
    assert bot.rows("SELECT number_key, text FROM reports") == [(None, None)]


# ── whose buttons they are, and who may consent to keeping a text ─────────────────────────────────────

GROUP = group_chat(-1001234567001, "邻里群")


async def _press(bot: InProcessBot, person: dict[str, Any], chat_id: int, message_id: int, action: str) -> str:
    """Press the verdict button with ``action`` (even one not shown: a client can send any data); the
    answer's text."""
    message = bot.fake.sent_message(chat_id, message_id)
    data = next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row)
    data = ":".join(["v", action, data.split(":")[2]])
    mark = await bot.feed(bot.fake.make_update({"callback_query": {
        "id": f"cb-{action}", "from": person, "message": message, "chat_instance": "c", "data": data}}))
    return bot.fake.wait_for("answerCallbackQuery", since=mark, timeout=5).params.get("text")


async def test_buttons_under_someone_elses_verdict_act_only_for_its_user(bot: InProcessBot) -> None:
    poster, neighbour = user(3101), user(3102)
    mark, _ = await bot.send({"message": bot.fake.message(poster, SCAM, chat=GROUP)})  # high: the bot warns
    mid = bot.fake.wait_for("sendMessage", since=mark, timeout=5, chat_id=GROUP["id"]).result["message_id"]
    for action in ("rp", "rt", "rn", "fb", "ft", "fn", "dt"):
        assert await _press(bot, neighbour, GROUP["id"], mid, action) == t("zh-Hans", "verdict.not_yours")
    assert bot.rows("SELECT count(*) FROM reports") == [(0,)]
    assert bot.rows("SELECT count(*) FROM feedback") == [(0,)]
    assert bot.fake.calls_of("editMessageText", since=mark) == []
    assert await _press(bot, poster, GROUP["id"], mid, "rn") == t("zh-Hans", "report.done")  # theirs: it works


async def test_only_the_author_of_a_message_can_consent_to_keeping_its_text(bot: InProcessBot) -> None:
    author, asker = user(3103, "小王"), user(3104)
    posted = bot.fake.message(author, SCAM, chat=GROUP)
    text, entities = bot.fake.mention_text("这是真的吗？")
    mark, _ = await bot.send({"message": bot.fake.message(asker, text, chat=GROUP, entities=entities,
                                                          reply_to_message=posted)})
    mid = bot.fake.wait_for("sendMessage", since=mark, timeout=5, chat_id=GROUP["id"]).result["message_id"]
    assert await _press(bot, asker, GROUP["id"], mid, "rp") == t("zh-Hans", "consent.report_others")
    assert _labels(bot, GROUP["id"], mid) == ["🚩 举报（不附原文）", "取消"]  # no "keep the text" choice
    assert await _press(bot, asker, GROUP["id"], mid, "rt") == t("zh-Hans", "report.done")  # forged: no text
    assert await _press(bot, asker, GROUP["id"], mid, "ft") == t("zh-Hans", "feedback.done")
    assert bot.rows("SELECT number_key, text FROM reports") == [("+8617012345678", None)]
    assert bot.rows("SELECT text FROM feedback") == [(None,)]
    assert SCAM.encode() not in bot.database_bytes()


async def test_wrong_verdict_is_taken_once_per_verdict(bot: InProcessBot) -> None:
    person = user(3105)
    verdict = await _verdict(bot, person)
    chat, mid = person["id"], verdict.result["message_id"]
    answers = [await _press(bot, person, chat, mid, "ft") for _ in range(25)]
    assert answers == [t("zh-Hans", "feedback.done")] + [t("zh-Hans", "feedback.duplicate")] * 24
    assert bot.rows("SELECT count(*) FROM feedback") == [(1,)]


async def test_a_report_after_the_message_is_gone_is_still_one_per_verdict(bot: InProcessBot) -> None:
    person = user(3106)
    verdict = await _verdict(bot, person)
    message = dict(verdict.result)
    message.pop("reply_to_message")  # the user deleted their message
    data = verdict.buttons[0]["callback_data"].replace(":rp:", ":rn:")
    answers = []
    for n in range(12):
        mark = await bot.feed(bot.fake.make_update({"callback_query": {
            "id": f"g{n}", "from": person, "message": message, "chat_instance": "c", "data": data}}))
        answers.append(bot.fake.wait_for("answerCallbackQuery", since=mark, timeout=5).params["text"])
    assert answers == [t("zh-Hans", "report.original_gone")] + [t("zh-Hans", "mod.report.duplicate")] * 11
    assert bot.rows("SELECT count(*) FROM reports") == [(1,)]


async def test_details_taps_count_against_the_check_limit(fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path, checks_per_minute=3) as limited:
        person = user(3107)
        verdict = await _verdict(limited, person)  # check 1 of 3
        chat, mid = person["id"], verdict.result["message_id"]
        mark = limited.fake.mark()
        answers = [await _press(limited, person, chat, mid, "dt") for _ in range(4)]
        assert answers[:2] == [None, None]  # checks 2 and 3: the details are shown
        assert answers[2:] == [t("zh-Hans", "rate_limited", limit=3)] * 2
        assert len(limited.fake.calls_of("editMessageText", since=mark)) == 2
