"""What one moderator can no longer do alone, through the real Application and the fake Bot API: /allow keeps
what it is not told to change, risky list changes wait for an admin's confirm button, an edited old command
does not run again, and /cancel in a group says nothing about anyone's appeal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fakes.telegram_api import Call, FakeTelegram, group_chat, user
from tg_harness import InProcessBot, command_message, running_bot, say

from bot.locales import t

ADMIN, MODERATOR, PERSON = user(1000, "管理员"), user(2000, "志愿者"), user(3000, "路人")
ZH = "zh-Hans"
BANK_SCAM = "中国银行客服：您的信用卡额度可提升，请回电 13800138000 办理"
ICBC_SCAM = "【工商银行】您的账户已被冻结，请立即拨打客服 17099998888 办理解冻"


@pytest.fixture
async def bot(fake: FakeTelegram, tmp_path: Path) -> AsyncIterator[InProcessBot]:
    async with running_bot(fake, tmp_path, admin_ids=frozenset({ADMIN["id"]})) as running:
        running.services.store.add_moderator(MODERATOR["id"], actor="tg:1000")
        yield running


async def tap(bot: InProcessBot, person: dict[str, Any], message: Call, label: str) -> str | None:
    """Tap a button of ``message`` as it was sent (a button stays tappable on a client that has not yet
    seen the message edited); the answer's text."""
    current = bot.fake.sent_message(message.params["chat_id"], message.result["message_id"])
    data = next(b["callback_data"] for row in message.params["reply_markup"]["inline_keyboard"] for b in row
                if b["text"] == label)
    mark = await bot.feed(bot.fake.make_update({"callback_query": {
        "id": f"cb-{label}-{person['id']}", "from": person, "message": current, "chat_instance": "c",
        "data": data}}))
    return bot.fake.wait_for("answerCallbackQuery", since=mark, timeout=5).params.get("text")


async def test_allow_as_in_its_usage_example_keeps_bank_impersonation_detection(bot: InProcessBot) -> None:
    assert (await say(bot, PERSON, BANK_SCAM)).text.startswith("🔴 高风险")
    done = await say(bot, MODERATOR, "/allow 95566 中国银行 中行|BOC")
    assert done.text == t(ZH, "mod.allow.updated", number="95566", owner="中国银行", aliases="中行，中国银行，BOC")
    assert (await say(bot, PERSON, BANK_SCAM)).text.startswith("🔴 高风险")
    assert bot.rows("SELECT owner_category FROM allowlist_entries WHERE number_key = '95566'") == [("bank",)]


async def test_a_moderator_alone_cannot_make_the_bot_vouch_for_a_mobile_as_a_bank(bot: InProcessBot) -> None:
    mark = bot.fake.mark()
    held = await say(bot, MODERATOR, "/allow 17099998888 中国工商银行")
    assert held.text == t(ZH, "mod.review.sent", number="+86 170 9999 8888",
                          reasons=t(ZH, "mod.review.reason.shape"))
    request = bot.fake.wait_for("sendMessage", since=mark, timeout=5, chat_id=ADMIN["id"])
    assert "tg:2000" in request.text and "+86 170 9999 8888" in request.text and "中国工商银行" in request.text
    assert (await say(bot, PERSON, ICBC_SCAM)).text.startswith("🔴 高风险")  # nothing vouches for it yet
    assert await tap(bot, MODERATOR, request, t(ZH, "mod.btn.review_confirm")) == t(ZH, "mod.admins_only")
    mark = bot.fake.mark()
    assert await tap(bot, ADMIN, request, t(ZH, "mod.btn.review_confirm")) == t(
        ZH, "mod.review.confirmed", number="+86 170 9999 8888")
    told = bot.fake.wait_for("sendMessage", since=mark, timeout=5, chat_id=MODERATOR["id"])
    assert told.text == t(ZH, "mod.review.told_confirmed", number="+86 170 9999 8888")
    assert bot.rows("SELECT owner FROM allowlist_entries WHERE number_key = '+8617099998888'") == [("中国工商银行",)]
    assert bot.rows("SELECT actor, action FROM audit_log WHERE target LIKE 'approval:%' ORDER BY id") == [
        ("tg:2000", "approval.request"), ("tg:1000", "approval.confirm")]
    assert await tap(bot, ADMIN, request, t(ZH, "mod.btn.review_refuse")) == t(ZH, "mod.queue.gone")


async def test_a_moderator_alone_cannot_block_every_mainland_mobile(bot: InProcessBot) -> None:
    mark = bot.fake.mark()
    held = await say(bot, MODERATOR, "/block 1* 其他")
    assert held.text == t(ZH, "mod.review.sent", number="+861*",
                          reasons=t(ZH, "mod.review.reason.short_prefix", min=7))
    request = bot.fake.wait_for("sendMessage", since=mark, timeout=5, chat_id=ADMIN["id"])
    assert "⛔ 在黑名单上" not in (await say(bot, PERSON, "13912345678")).text
    assert await tap(bot, ADMIN, request, t(ZH, "mod.btn.review_refuse")) == t(ZH, "mod.review.refused",
                                                                             number="+861*")
    assert bot.rows("SELECT count(*) FROM blocklist_entries") == [(0,)]
    done = await say(bot, ADMIN, "/block 1* 其他")  # an admin is the second look: it takes effect at once
    assert done.text.startswith("✅")


async def test_an_edited_old_command_does_not_run_again(bot: InProcessBot) -> None:
    old = command_message(bot, MODERATOR, "/block 13800138000 其他", edit_date=1_900_000_000)
    mark, _ = await bot.send({"edited_message": old})
    bot.fake.assert_silent("sendMessage", since=mark, within=0.5)
    assert bot.rows("SELECT count(*) FROM blocklist_entries") == [(0,)]


async def test_cancel_in_a_group_neither_announces_nor_cancels_a_private_appeal(bot: InProcessBot) -> None:
    member = user(5000, "号码主人")
    await say(bot, member, "/appeal")
    group = group_chat(-1001234567002, "小区群")
    mark, _ = await bot.send({"message": command_message(bot, member, "/cancel", chat=group)})
    bot.fake.assert_silent("sendMessage", since=mark, within=0.5, chat_id=group["id"])
    assert bot.rows("SELECT count(*) FROM pending_flows WHERE key LIKE 'appeal:%'") == [(1,)]
    assert (await say(bot, member, "/cancel")).text == t(ZH, "mod.appeal.cancelled")  # in private it works


async def test_a_bad_prefix_is_explained_in_the_moderators_language(bot: InProcessBot) -> None:
    """The reason used to be the store's English sentence inside the Chinese reply."""
    answer = await say(bot, MODERATOR, "/block +8* 断卡")
    assert t(ZH, "csv.error.short_prefix", prefix="+8*") in answer.text
    assert "whole country" not in answer.text
