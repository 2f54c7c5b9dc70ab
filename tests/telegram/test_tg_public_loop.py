"""Closing the loop with the public and Telegram's conventions, through the real Application and the fake Bot
API: a reporter who asked hears the decision (one who did not, nothing); the share button's inline card; /trends;
/start deep links; descriptions set at start in each language; the greeting when added to a group; one answer
per group message; stickers ignored in groups."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fakes.telegram_api import Call, FakeTelegram, group_chat, user
from tg_harness import InProcessBot, command_message, running_bot, say

from bot.locales import t
from bot.telegram.app import COMMAND_LANGUAGES

ADMIN = user(7000, "管理员")
ZH, EN = "zh-Hans", "en"
GROUP = group_chat(-1007770001111, "家庭群")
SCAM = "【工商银行】您的账户涉嫌洗钱已被冻结，请立即拨打客服 {number} 办理解冻，并把资金转到安全账户"


@pytest.fixture
async def bot(fake: FakeTelegram, tmp_path: Path) -> AsyncIterator[InProcessBot]:
    async with running_bot(fake, tmp_path, admin_ids=frozenset({ADMIN["id"]}), report_threshold=2) as running:
        yield running


async def _tap(bot: InProcessBot, person: dict[str, Any], sent: Call, *, label: str | None = None,
               data_prefix: str | None = None) -> Call:
    """Tap a button of the bot's message as it is now (found by label or by callback data prefix)."""
    current = bot.fake.sent_message(sent.params["chat_id"], sent.result["message_id"])
    rows = current.get("reply_markup", {}).get("inline_keyboard", [])
    data = next(b["callback_data"] for row in rows for b in row if "callback_data" in b
                and (b["text"] == label or (data_prefix is not None and b["callback_data"].startswith(data_prefix))))
    mark = await bot.feed(bot.fake.make_update({"callback_query": {
        "id": f"cb-{person['id']}-{data}", "from": person, "message": current, "chat_instance": "c",
        "data": data}}))
    return bot.fake.wait_for("answerCallbackQuery", since=mark, timeout=5)


def _labels(bot: InProcessBot, sent: Call) -> list[str]:
    current = bot.fake.sent_message(sent.params["chat_id"], sent.result["message_id"])
    return [b["text"] for row in current.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


async def _report(bot: InProcessBot, person: dict[str, Any], number: str, lang: str) -> Call:
    verdict = await say(bot, person, SCAM.format(number=number))
    await _tap(bot, person, verdict, label=t(lang, "btn.report"))
    await _tap(bot, person, verdict, label=t(lang, "btn.report_without_text"))
    return verdict


async def _decide_first_item(bot: InProcessBot, *, block: bool) -> None:
    mark, _ = await bot.send({"message": command_message(bot, ADMIN, "/queue")})
    # The item has buttons (moderators may also get a "new reports" notice meanwhile).
    item = bot.fake.wait_for("sendMessage", since=mark, timeout=5, chat_id=ADMIN["id"], where=lambda c: c.buttons)
    if block:
        await _tap(bot, ADMIN, item, label=t(ZH, "mod.btn.block"))
        await _tap(bot, ADMIN, item, data_prefix="m:q:c:")
    else:
        await _tap(bot, ADMIN, item, label=t(ZH, "mod.btn.reject"))


# ── the reporter hears the decision ────────────────────────────────────────────────────────────────────

async def test_a_reporter_who_asked_is_told_the_number_was_blocked_and_one_who_did_not_hears_nothing(
        bot: InProcessBot) -> None:
    asked, silent = user(7101, "Ann", language_code="en"), user(7102)
    await bot.services.set_language(asked["id"], EN)  # /lang: English answers even to a Chinese text
    verdict = await _report(bot, asked, "17012340001", EN)
    assert t(EN, "btn.notify") in _labels(bot, verdict)  # offered after the report …
    assert bot.rows("SELECT count(*) FROM pending_flows WHERE key LIKE 'notify:%'") == [(0,)]  # … default: no
    answer = await _tap(bot, asked, verdict, label=t(EN, "btn.notify"))
    assert answer.params["text"] == t(EN, "notify.on")
    assert t(EN, "btn.notify") not in _labels(bot, verdict)
    await _report(bot, silent, "17012340001", ZH)

    mark = bot.fake.mark()
    await _decide_first_item(bot, block=True)
    told = bot.fake.wait_for("sendMessage", since=mark, timeout=5, chat_id=asked["id"])
    assert told.text == t(EN, "outcome.accepted_number", number="+86 170 1234 0001")
    bot.fake.assert_silent("sendMessage", since=mark, within=0.5, chat_id=silent["id"])
    assert len(bot.fake.calls_of("sendMessage", since=mark, chat_id=asked["id"])) == 1
    # The chat id was kept only until the decision.
    assert bot.rows("SELECT count(*) FROM pending_flows WHERE key LIKE 'notify:%'") == [(0,)]


async def test_a_rejected_report_is_told_as_not_enough_evidence_in_the_reporters_language(
        bot: InProcessBot) -> None:
    asked, other = user(7103, language_code="zh-hans"), user(7104)
    verdict = await _report(bot, asked, "17012340002", ZH)
    await _tap(bot, asked, verdict, label=t(ZH, "btn.notify"))
    await _report(bot, other, "17012340002", ZH)
    mark = bot.fake.mark()
    await _decide_first_item(bot, block=False)
    told = bot.fake.wait_for("sendMessage", since=mark, timeout=5, chat_id=asked["id"])
    assert told.text == t(ZH, "outcome.rejected")


# ── sharing a verdict ──────────────────────────────────────────────────────────────────────────────────

async def test_the_share_button_gives_a_clean_card_without_the_original_message(bot: InProcessBot) -> None:
    person, relative = user(7201), user(7202, language_code="en")
    text = SCAM.format(number="17012340003")
    verdict = await say(bot, person, text)
    share = next(b for b in verdict.buttons if b["text"] == t(ZH, "btn.share"))
    query = share["switch_inline_query"]
    assert "callback_data" not in share and len(query) <= 256 and text not in query and "17012340003" not in query

    mark = await bot.feed(bot.fake.inline(person, query))
    [result] = bot.fake.wait_for("answerInlineQuery", since=mark, timeout=5).params["results"]
    card = result["input_message_content"]["message_text"]
    assert result["title"] == t(ZH, "level.high")
    assert card.startswith(t(ZH, "share.header")) and t(ZH, "level.high") in card
    assert t(ZH, "share.why", reasons="") in result["description"]  # one line why
    assert t(ZH, "advice.no_transfer") in card
    assert "170" not in card and "安全账户" not in card and "工商银行" not in card  # nothing of the message
    # Anyone the button reaches (in a group) gets the same card, in their own language: it holds no text.
    mark = await bot.feed(bot.fake.inline(relative, query))
    [other] = bot.fake.wait_for("answerInlineQuery", since=mark, timeout=5).params["results"]
    assert other["title"] == t(EN, "level.high") and "170" not in other["input_message_content"]["message_text"]


async def test_sharing_an_unknown_verdict_says_it_expired(bot: InProcessBot) -> None:
    mark = await bot.feed(bot.fake.inline(user(7203), "share:doesnotexist"))
    [result] = bot.fake.wait_for("answerInlineQuery", since=mark, timeout=5).params["results"]
    assert result["input_message_content"]["message_text"] == t(ZH, "share.expired")


# ── /trends ────────────────────────────────────────────────────────────────────────────────────────────

async def test_trends_names_this_weeks_scam_types_and_counts_without_any_number(bot: InProcessBot) -> None:
    for n, person in enumerate((user(7301), user(7302), user(7303))):
        await _report(bot, person, f"1701234010{n}", ZH)
    reply = await say(bot, user(7304, language_code="en"), "/trends")
    assert reply.text.startswith(t(EN, "trends.title"))
    assert t(EN, "trends.numbers", reported=3, blocked=0) in reply.text
    assert "1. " in reply.text and ": 3" in reply.text  # one scam type, reported three times
    assert "1701234010" not in reply.text and "+86" not in reply.text


async def test_trends_of_a_quiet_week(bot: InProcessBot) -> None:
    reply = await say(bot, user(7305), "/trends")
    assert t(ZH, "trends.none") in reply.text


# ── /start deep links ──────────────────────────────────────────────────────────────────────────────────

async def test_start_deep_links_and_unknown_payloads(bot: InProcessBot) -> None:
    for payload, key in (("check", "start.check"), ("report", "start.report"), ("from-an-old-poster", "start"),
                         ("", "start")):
        reply = await say(bot, user(7401), f"/start {payload}".strip())
        assert reply.text == t(ZH, key), payload


# ── descriptions ───────────────────────────────────────────────────────────────────────────────────────

async def test_descriptions_are_set_at_start_in_each_language(fake: FakeTelegram, tmp_path: Path) -> None:
    mark = fake.mark()
    async with running_bot(fake, tmp_path):
        for method, field, key in (("setMyDescription", "description", "bot.description"),
                                   ("setMyShortDescription", "short_description", "bot.short_description")):
            calls = fake.calls_of(method, since=mark)
            assert all(c.status == 200 for c in calls)  # within Telegram's limits: the fake refuses longer
            by_code = {c.params.get("language_code", ""): c.params[field] for c in calls}
            assert by_code == {code: t(lang, key) for code, lang in COMMAND_LANGUAGES}


async def test_a_refused_description_is_only_logged(fake: FakeTelegram, tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    mark = fake.mark()
    fake.fail_next("setMyShortDescription", "5xx")
    async with running_bot(fake, tmp_path) as running:
        assert "bot.short_description (default) failed" in caplog.text
        # The others are still set, and the bot answers.
        assert len([c for c in fake.calls_of("setMyShortDescription", since=mark) if c.status == 200]) == len(
            COMMAND_LANGUAGES) - 1
        assert len(fake.calls_of("setMyDescription", since=mark)) == len(COMMAND_LANGUAGES)
        mark, _ = await running.send({"message": command_message(running, user(7402), "/start")})
        assert fake.wait_for("sendMessage", since=mark, timeout=5).text == t(ZH, "start")


# ── groups ─────────────────────────────────────────────────────────────────────────────────────────────

async def test_added_to_a_group_the_bot_greets_once_with_the_quiet_instructions(bot: InProcessBot) -> None:
    admin = user(7501, language_code="en")
    mark, _ = await bot.send(bot.fake.bot_added(GROUP, admin))
    greeting = bot.fake.wait_for("sendMessage", since=mark, timeout=5, chat_id=GROUP["id"])
    assert greeting.text == t(EN, "group.welcome") and "/quiet off" in greeting.text
    mark, _ = await bot.send(bot.fake.bot_added(GROUP, admin, old="member", new="administrator"))  # promoted
    assert bot.fake.calls_of("sendMessage", since=mark) == []


async def test_a_message_already_answered_in_a_group_gets_no_second_verdict(bot: InProcessBot) -> None:
    scam = bot.fake.message(user(7601), SCAM.format(number="17012340004"), chat=GROUP)
    mark, _ = await bot.send({"message": scam})
    alert = bot.fake.wait_for("sendMessage", since=mark, timeout=5, chat_id=GROUP["id"])
    assert alert.text.startswith(t(ZH, "group.alert"))
    text, entities = bot.fake.mention_text("这是真的吗？")
    mark, _ = await bot.send({"message": bot.fake.message(user(7602), text, chat=GROUP, entities=entities,
                                                          reply_to_message=scam)})
    [answer] = bot.fake.calls_of("sendMessage", since=mark)
    assert answer.text == t(ZH, "group.already_answered")
    assert answer.params["reply_parameters"]["message_id"] == alert.result["message_id"]


@pytest.mark.parametrize("kind", ["sticker", "voice"])
async def test_stickers_and_voice_get_no_answer_in_a_group_in_either_mode_but_a_polite_one_in_private(
        bot: InProcessBot, kind: str) -> None:
    admin, person = user(7701), user(7702)
    bot.fake.set_chat_member(GROUP["id"], admin["id"], "administrator")
    for quiet in ("on", "off"):
        mark, _ = await bot.send({"message": command_message(bot, admin, f"/quiet {quiet}", chat=GROUP)})
        bot.fake.wait_for("sendMessage", since=mark, timeout=5)
        mark = await bot.feed(bot.fake.media(person, kind, chat=GROUP))
        assert bot.fake.calls_of("sendMessage", since=mark) == [], f"quiet {quiet}"
    mark = await bot.feed(bot.fake.media(person, kind))
    reply = bot.fake.wait_for("sendMessage", since=mark, timeout=5, chat_id=person["id"])
    assert reply.text == t(ZH, "input.unsupported_pictures", kind=t(ZH, f"kind.{kind}"))
