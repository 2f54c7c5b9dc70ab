"""Forwarded bursts through the real Application and the fake Bot API: one conversation, one verdict.

The bot's answers to collected messages come from a timer in the bot's own event loop, so these tests wait
for calls with ``await_call`` (in a thread), never with the blocking ``wait_for``.
"""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any

import pytest
from fakes.telegram_api import Call, FakeTelegram, user
from PIL import Image
from telegram import Message
from tg_harness import InProcessBot, running_bot

from bot.telegram.extract import what_to_check
from bot.telegram.public import regions_for, render_reply, run_check

# A 刷单 script: only message 3 asks for money (the "safe account"); message 1's 刷单 is a tactic, not the ask.
SCRIPT = ["亲，我们平台招兼职刷单员，在家用手机就能做，每单返佣金",
          "第一单的佣金已经返给你了，收到了吧？现在系统检测到你的账户有异常",
          "请把本金转到这个安全账户，验证以后连同佣金一起退还给你",
          "抓紧时间，超过半小时就无法退还了"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "fixtures" / "screenshots"
QUIET = 1.5  # seconds of silence that show no second answer follows (the window is 1 s)


@pytest.fixture(autouse=True)
def _text_only(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bursts of text need no OCR pool (no worker process to start and stop); the album test reads."""
    if "album" not in request.node.name:
        monkeypatch.setenv("FANZHA_OCR_WORKERS", "0")


def forwarded(bot: InProcessBot, person: dict[str, Any], text: str, **fields: Any) -> dict[str, Any]:
    return bot.fake.message(person, text, forward_origin=bot.fake.forward_origin("user", name="客服小王"), **fields)


async def forward_all(bot: InProcessBot, person: dict[str, Any], texts: list[str]) -> list[int]:
    ids = []
    for text in texts:
        _, update = await bot.send({"message": forwarded(bot, person, text)})
        ids.append(update["message"]["message_id"])
    return ids


async def only_reply(fake: FakeTelegram, chat_id: int, since: int) -> Call:
    """The one sendMessage to ``chat_id`` after ``since``; fails if a second one follows."""
    reply = await fake.await_call("sendMessage", since=since, timeout=10, chat_id=chat_id)
    await asyncio.to_thread(fake.assert_silent, "sendMessage", since=reply.index + 1, within=QUIET, chat_id=chat_id)
    return reply


async def test_a_forwarded_scam_script_gets_one_verdict_that_names_and_answers_the_ask_for_money(
        bot: InProcessBot) -> None:
    person = user(3101)
    mark = bot.fake.mark()
    ids = await forward_all(bot, person, SCRIPT)
    reply = await only_reply(bot.fake, person["id"], mark)
    lines = reply.text.splitlines()
    assert lines[:2] == ["🗂 这段对话（4 条消息）是一起检查的。", "危险在第 3 条：它要你转账或交钱。"]
    assert lines[2:4] == ["", "🔴 高风险"]
    assert reply.params["reply_parameters"]["message_id"] == ids[2]
    # Its buttons act on the verdict, but "Details" (a re-check of message 3 alone) is neither offered nor
    # pointed to.
    assert [b["text"] for b in reply.buttons] == ["🚩 举报", "🤔 判断有误", "📤 分享给家人"]
    assert "详情" not in reply.text


async def test_a_single_forward_is_answered_as_before_only_after_the_window(bot: InProcessBot) -> None:
    person = user(3102)
    body = forwarded(bot, person, SCRIPT[2])
    mark, _ = await bot.send({"message": body})
    assert bot.fake.calls_of("sendMessage", since=mark) == []  # kept for the window, not answered at once
    reply = await only_reply(bot.fake, person["id"], mark)

    message = Message.de_json(body, bot.app.bot)
    checkable = what_to_check(message, bot_username=bot.fake.bot["username"])
    verdict = await run_check(bot.services, checkable)
    regions = await regions_for(bot.services, message.from_user, "zh-Hans", verdict)
    assert reply.text == render_reply(verdict, "zh-Hans", checkable, regions=regions)
    assert reply.text.startswith("🟠 可疑") and "转发自用户「客服小王」" in reply.text
    assert [b["text"] for b in reply.buttons] == ["🚩 举报", "🤔 判断有误", "📋 详情", "📤 分享给家人"]
    assert reply.params["reply_parameters"]["message_id"] == body["message_id"]


async def test_two_people_forwarding_at_once_get_a_verdict_each(bot: InProcessBot) -> None:
    scam, bland = user(3103), user(3104)
    chat = ["明天几点到？", "我六点下班，老地方见"]
    mark = bot.fake.mark()
    scam_ids: list[int] = []
    for n in range(4):  # interleaved, as two people's updates arrive
        _, update = await bot.send({"message": forwarded(bot, scam, SCRIPT[n])})
        scam_ids.append(update["message"]["message_id"])
        if n < len(chat):
            await bot.send({"message": forwarded(bot, bland, chat[n])})
    scam_reply = await only_reply(bot.fake, scam["id"], mark)
    bland_reply = await only_reply(bot.fake, bland["id"], mark)
    assert scam_reply.params["reply_parameters"]["message_id"] == scam_ids[2]
    assert "危险在第 3 条" in scam_reply.text
    assert bland_reply.text.splitlines()[:3] == ["🗂 这段对话（2 条消息）是一起检查的。", "", "🟢 未发现明显风险"]


async def test_a_typed_question_during_a_burst_is_answered_at_once_and_stays_out_of_it(bot: InProcessBot) -> None:
    person = user(3109)
    mark = bot.fake.mark()
    await forward_all(bot, person, SCRIPT[:2])
    typed_mark, _ = await bot.send({"message": bot.fake.message(person, "这是骗子吗？")})
    [typed] = bot.fake.calls_of("sendMessage", since=typed_mark, chat_id=person["id"])  # answered before returning
    assert typed.text.startswith("🟢")
    burst = await only_reply(bot.fake, person["id"], typed.index + 1)
    assert burst.text.splitlines()[0] == "🗂 这段对话（2 条消息）是一起检查的。"
    assert len(bot.fake.calls_of("sendMessage", since=mark, chat_id=person["id"])) == 2


async def test_a_long_burst_is_one_check_of_its_last_messages(fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path, checks_per_minute=2) as bot:
        person = user(3105)
        mark = bot.fake.mark()
        await forward_all(bot, person, [f"第 {n} 条：今天天气不错" for n in range(24)] + SCRIPT)
        reply = await only_reply(bot.fake, person["id"], mark)
        assert reply.text.splitlines()[:3] == [
            "🗂 这段对话（28 条消息）是一起检查的。", "危险在第 27 条：它要你转账或交钱。",
            "消息太多，只检查了最后 20 条。"]
        # One check of the two a minute allowed: a typed question still gets its answer.
        mark = bot.fake.mark()
        await bot.send({"message": bot.fake.message(person, "晚上一起吃饭吗")})
        typed = await bot.fake.await_call("sendMessage", since=mark, timeout=5, chat_id=person["id"])
        assert typed.text.startswith("🟢")


async def test_a_burst_left_by_a_stopped_bot_is_answered_once_by_the_next_start(fake: FakeTelegram,
                                                                                tmp_path: Path) -> None:
    person = user(3106)
    mark = fake.mark()
    async with running_bot(fake, tmp_path) as first:
        ids = await forward_all(first, person, SCRIPT)
    assert fake.calls_of("sendMessage", since=mark, chat_id=person["id"]) == []  # stopped within the window
    waiting = [json.loads(data)["message"] for (data,) in
               first.rows("SELECT data FROM pending_flows WHERE key LIKE 'conv:%' ORDER BY key")]
    assert [m["text"] for m in waiting] == SCRIPT
    assert "555000111" not in json.dumps(waiting)  # kept without the original sender's id
    async with running_bot(fake, tmp_path) as second:
        reply = await only_reply(second.fake, person["id"], mark)
    assert reply.params["reply_parameters"]["message_id"] == ids[2]
    assert "危险在第 3 条" in reply.text


async def test_two_instances_sharing_a_database_answer_a_split_burst_once(fake: FakeTelegram, tmp_path: Path,
                                                                         pg_url: str) -> None:
    person = user(3107)
    async with running_bot(fake, tmp_path / "a", database_url=pg_url) as one, \
            running_bot(fake, tmp_path / "b", database_url=pg_url) as other:
        mark = fake.mark()
        ids = []
        for n, text in enumerate(SCRIPT):  # the load balancer sends the updates to either instance
            _, update = await (one if n % 2 == 0 else other).send({"message": forwarded(one, person, text)})
            ids.append(update["message"]["message_id"])
        reply = await only_reply(fake, person["id"], mark)
    assert reply.params["reply_parameters"]["message_id"] == ids[2]
    assert reply.text.splitlines()[0] == "🗂 这段对话（4 条消息）是一起检查的。"


async def test_an_album_of_screenshots_gets_one_verdict_that_says_how_many_pictures_were_read(
        fake: FakeTelegram, tmp_path: Path) -> None:
    blank = io.BytesIO()
    Image.new("RGB", (720, 1280), "white").save(blank, "PNG")
    pictures = [(SCREENSHOTS / name).read_bytes() for name in ("qq_meeting.png", "wechat_safe_account_dark.png")]
    pictures.append(blank.getvalue())  # nothing to read in it
    async with running_bot(fake, tmp_path) as bot:
        person = user(3108)
        mark = fake.mark()
        ids = []
        for picture in pictures:
            _, update = await bot.send({"message": fake.message(person, photo=fake.photo_sizes(picture),
                                                                media_group_id="album-3108")})
            ids.append(update["message"]["message_id"])
        reply = await fake.await_call("sendMessage", since=mark, timeout=60, chat_id=person["id"])
        await asyncio.to_thread(fake.assert_silent, "sendMessage", since=reply.index + 1, within=QUIET,
                                chat_id=person["id"])
    lines = reply.text.splitlines()
    assert lines[:3] == ["🗂 这段对话（3 条消息）是一起检查的。", "危险在第 2 条：它要你转账或交钱。",
                         "📷 3 张图片里读出了 2 张的文字。"]
    assert lines[4] == "🔴 高风险"
    assert reply.params["reply_parameters"]["message_id"] == ids[1]
    assert len(fake.calls_of("downloadFile", since=mark)) == 3  # each picture fetched once
