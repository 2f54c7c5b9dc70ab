"""What tells a moderator they are one and where their tools are, through the real Application and the fake
Bot API: the welcome and the command menu on ``/mod add`` (taken away on ``/mod remove``, set again at
start-up), the moderators' part of ``/help``, ``/id``, a forward whose author hides their account, a
spreadsheet upload, and a queue "skip" that outlives the instance that took it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.telegram_api import Call, FakeTelegram, group_chat, user
from tg_harness import InProcessBot, running_bot, say

from bot.locales import t
from bot.store import Store

ADMIN, MODERATOR, PERSON = user(1000, "管理员"), user(2000, "志愿者"), user(3000, "路人")
NEWCOMER = user(2100, "新志愿者", language_code="en")
ZH = "zh-Hans"
ADMINS = frozenset({ADMIN["id"]})
MODERATOR_ONLY = {"queue", "feedback", "block", "unblock", "allow", "lookup", "export", "stats", "mod"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ICBC_SCAM = "【工商银行】您的账户已被冻结，请立即拨打客服 17099998888 办理解冻"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    """A fake of its own per test: command menus are read from every call the fake has seen."""
    with FakeTelegram() as server:
        yield server


def _forward(bot: InProcessBot, kind: str, **origin: Any) -> dict[str, Any]:
    """A message the admin forwarded into their chat with the bot (not fed to it: only replied to)."""
    return bot.fake.message(ADMIN, "我想当志愿者", forward_origin=bot.fake.forward_origin(kind, **origin))


async def _menus_published(fake: FakeTelegram, chat_id: int) -> None:
    """Wait for the last of a chat's own menus (one per language) that start-up sets in the background."""
    await fake.await_call("setMyCommands", timeout=5, language_code="en",
                          where=lambda c: (c.params.get("scope") or {}).get("chat_id") == chat_id)


# ── /mod add and /mod remove ─────────────────────────────────────────────────────────────────────────

async def test_a_new_moderator_is_welcomed_in_their_language_and_gets_the_menu_until_removed(
        fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path, admin_ids=ADMINS) as bot:
        await bot.services.set_language(NEWCOMER["id"], "en")
        public = fake.menu(PERSON["id"], "en")
        assert "start" in public and not MODERATOR_ONLY & set(public)
        mark = fake.mark()
        assert (await say(bot, ADMIN, f"/mod add {NEWCOMER['id']}")).text == t(ZH, "mod.mod.added", id=2100)
        welcome = fake.wait_for("sendMessage", since=mark, timeout=5, chat_id=NEWCOMER["id"])
        assert welcome.text == t("en", "mod.welcome") and "/queue" in welcome.text and "/help" in welcome.text
        own = fake.menu(NEWCOMER["id"], "en")
        assert {"queue", "block", "lookup", "id"} <= set(own) and set(public) <= set(own)  # /start etc. stay
        assert "mod" not in own  # that one is for admins
        assert not MODERATOR_ONLY & set(fake.menu(PERSON["id"], "en"))  # the public still sees none of it
        mark = fake.mark()
        assert (await say(bot, ADMIN, f"/mod remove {NEWCOMER['id']}")).text == t(ZH, "mod.mod.removed", id=2100)
        deleted = fake.calls_of("deleteMyCommands", since=mark)
        assert {c.params["scope"]["chat_id"] for c in deleted} == {NEWCOMER["id"]}
        assert fake.menu(NEWCOMER["id"], "en") == fake.menu(PERSON["id"], "en")


async def test_an_admin_hears_when_the_new_moderator_cannot_be_told_yet(fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path, admin_ids=ADMINS) as bot:
        fake.blocked_by.add(NEWCOMER["id"])  # never opened a chat with the bot, or blocked it
        answer = await say(bot, ADMIN, f"/mod add {NEWCOMER['id']}")
        assert answer.text == t(ZH, "mod.mod.added", id=2100) + "\n" + t(ZH, "mod.mod.welcome_unreachable", id=2100)
        assert bot.rows("SELECT telegram_user_id FROM moderators") == [(2100,)]


async def test_moderators_and_admins_get_their_menus_at_start_up(fake: FakeTelegram, tmp_path: Path) -> None:
    with Store.open(f"sqlite:///{tmp_path / 'bot.db'}") as store:  # added while the bot was not running
        store.add_moderator(MODERATOR["id"], actor="tg:1000")
    async with running_bot(fake, tmp_path, admin_ids=ADMINS):
        await _menus_published(fake, MODERATOR["id"])
        assert {"queue", "start"} <= set(fake.menu(MODERATOR["id"], "zh")) and "mod" not in fake.menu(2000, "zh")
        assert {"queue", "mod"} <= set(fake.menu(ADMIN["id"], "en"))
        assert not MODERATOR_ONLY & set(fake.menu(PERSON["id"], "zh"))


# ── whose id ─────────────────────────────────────────────────────────────────────────────────────────

async def test_mod_add_in_reply_to_a_hidden_account_refuses_instead_of_taking_the_admins_id(
        fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path, admin_ids=ADMINS) as bot:
        answer = await say(bot, ADMIN, "/mod add", reply_to_message=_forward(bot, "hidden_user"))
        assert answer.text == t(ZH, "mod.mod.hidden")
        answer = await say(bot, ADMIN, "/mod add", reply_to_message=_forward(bot, "channel"))
        assert answer.text == t(ZH, "mod.mod.not_person")
        assert bot.rows("SELECT count(*) FROM moderators") == [(0,)]
        shown = user(2200, "志愿者乙")
        answer = await say(bot, ADMIN, "/mod add", reply_to_message=_forward(bot, "user", origin_user=shown))
        assert answer.text == t(ZH, "mod.mod.added", id=2200)  # a forward that shows its author still works


async def test_id_gives_your_own_id_a_senders_id_or_says_why_there_is_none(
        fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path, admin_ids=ADMINS) as bot:
        assert (await say(bot, PERSON, "/id")).text == t(ZH, "mod.id.own", id=3000)
        shown = user(555000111, "王经理")
        answer = await say(bot, ADMIN, "/id", reply_to_message=_forward(bot, "user", origin_user=shown))
        assert answer.text == t(ZH, "mod.id.sender", id=555000111)
        answer = await say(bot, ADMIN, "/id", reply_to_message=_forward(bot, "hidden_user"))
        assert answer.text == t(ZH, "mod.id.hidden") and "1000" not in answer.text
        answer = await say(bot, ADMIN, "/id", reply_to_message=_forward(bot, "channel"))
        assert answer.text == t(ZH, "mod.id.not_person")
        group = group_chat(-1001234567003, "小区群")
        answer = await say(bot, PERSON, "/id", chat=group)
        assert answer.text == t(ZH, "mod.id.private_only") and "3000" not in answer.text


# ── /help ────────────────────────────────────────────────────────────────────────────────────────────

async def test_help_has_the_moderators_part_for_moderators_only(fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path, admin_ids=ADMINS) as bot:
        bot.services.store.add_moderator(MODERATOR["id"], actor="tg:1000")
        section, admin_part = t(ZH, "mod.help.moderator"), t(ZH, "mod.help.admin")
        public = (await say(bot, PERSON, "/help")).text
        assert public == t(ZH, "help", bot_username=fake.bot["username"])
        moderator = (await say(bot, MODERATOR, "/help")).text
        assert moderator.startswith(public) and section in moderator and admin_part not in moderator
        admin = (await say(bot, ADMIN, "/help")).text
        assert section in admin and admin_part in admin
        in_group = (await say(bot, MODERATOR, "/help", chat=group_chat(-1001234567004))).text
        assert section not in in_group  # a group would learn who the moderators are


# ── spreadsheets ─────────────────────────────────────────────────────────────────────────────────────

def _spreadsheet(name: str, **fields: Any) -> dict[str, Any]:
    return {"document": {"file_id": f"id-{name}", "file_unique_id": f"u-{name}", "file_name": name,
                         "mime_type": XLSX, "file_size": 4096}, **fields}


async def test_a_moderators_spreadsheet_gets_how_to_save_it_as_csv_and_the_publics_the_usual_reply(
        fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path, admin_ids=ADMINS) as bot:
        bot.services.store.add_moderator(MODERATOR["id"], actor="tg:1000")
        for name in ("黑名单.xlsx", "old.XLS", "list.numbers"):
            answer = await say(bot, MODERATOR, None, **_spreadsheet(name))
            assert answer.text == t(ZH, "mod.import.spreadsheet", name=name)
            assert "CSV" in answer.text and "GBK" in answer.text
        answer = await say(bot, PERSON, None, **_spreadsheet("黑名单.xlsx"))
        assert answer.text == t(ZH, "input.unsupported_pictures", kind=t(ZH, "kind.document"))
        answer = await say(bot, PERSON, None, **_spreadsheet("账单.xlsx", caption=ICBC_SCAM))
        assert answer.text.startswith("🔴")  # the public's captioned file is still checked


# ── the queue's "skip" ──────────────────────────────────────────────────────────────────────────────

async def _tap(bot: InProcessBot, person: dict[str, Any], message: Call, label: str) -> int:
    """Tap a button of a message the bot sent; the fake's mark from before the tap."""
    current = bot.fake.sent_message(message.params["chat_id"], message.result["message_id"])
    data = next(b["callback_data"] for b in message.buttons if b["text"] == label)
    return await bot.feed(bot.fake.make_update({"callback_query": {
        "id": f"cb-{data}", "from": person, "message": current, "chat_instance": "c", "data": data}}))


async def test_a_skip_is_remembered_by_the_next_instance(fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path, admin_ids=ADMINS) as first:
        first.services.store.add_moderator(MODERATOR["id"], actor="tg:1000")
        for number in ("+8613800138000", "+8613900139000"):
            for reporter in (4001, 4002, 4003):
                first.services.moderation.submit_report(reporter, reported=number, number_keys=[number])
        shown = await say(first, MODERATOR, "/queue")
        assert "138 0013 8000" in shown.text
        mark = await _tap(first, MODERATOR, shown, t(ZH, "mod.btn.skip"))
        second_item = fake.wait_for("sendMessage", since=mark, timeout=5, chat_id=MODERATOR["id"])
        assert "139 0013 9000" in second_item.text
    async with running_bot(fake, tmp_path, admin_ids=ADMINS) as restarted:  # same database file
        mark = await _tap(restarted, MODERATOR, second_item, t(ZH, "mod.btn.skip"))
        after = fake.wait_for("sendMessage", since=mark, timeout=5, chat_id=MODERATOR["id"])
        assert after.text == t(ZH, "mod.queue.all_skipped", count=2)  # not the first number again
        again = await say(restarted, MODERATOR, "/queue")  # /queue starts over
        assert "138 0013 8000" in again.text
