"""Moderation end to end: the real ``fanzha run`` process against the fake Bot API, over a SQLite file and
over a PostgreSQL database (the multi-instance deployment), the whole module once on each.

Every moderator command is tried by a moderator and by an ordinary user (refused with a clear reply);
the CSV preview/confirm flow with a bad file (nothing changes) and a good one; the report threshold with
distinct reporters; the report rate limit; an appeal proved by the sender's own contact and one refused
(someone else's contact); expiry. Replies are compared with the zh-Hans string table, which is what a
user with a Chinese Telegram app reads.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from e2e_harness import SECRET, BotProcess
from fakes.telegram_api import Call, FakeTelegram, entity, user
from pgdb import new_pg_database

from bot.locales import t
from bot.store import Store, keyed_hash
from bot.store.models import utcnow

pytestmark = pytest.mark.e2e

ADMIN = user(1000, "管理员")
MODERATOR = user(2000, "志愿者")
PERSON = user(3000, "路人")
BOT_ENV = {"FANZHA_ADMIN_IDS": "1000", "FANZHA_REPORT_THRESHOLD": "3", "FANZHA_REPORTS_PER_HOUR": "3",
           "FANZHA_CHECKS_PER_MINUTE": "1000"}
ZH = "zh-Hans"
_ids = itertools.count(1)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def bot(request: pytest.FixtureRequest, fake: FakeTelegram,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    """``fanzha run`` on a new database, with MODERATOR made a moderator by the admin (the first thing an
    admin does)."""
    workdir = tmp_path_factory.mktemp("bot")
    with contextlib.ExitStack() as stack:
        url = (f"sqlite:///{workdir / 'fanzha.db'}" if request.param == "sqlite"
               else stack.enter_context(new_pg_database()))
        process = BotProcess(fake, workdir, FANZHA_DATABASE_URL=url, **BOT_ENV)
        stack.callback(process.stop)
        process.wait_ready()
        reply = say(process, ADMIN, f"/mod add {MODERATOR['id']}")
        assert reply.text == t(ZH, "mod.mod.added", id=MODERATOR["id"])
        yield process


def store_of(bot: BotProcess) -> Store:
    return Store.open(bot.database_url, allowlist_seed=None)


def say(bot: BotProcess, person: dict[str, Any], text: str | None = None, **fields: Any) -> Call:
    """Send a message as ``person``; the bot's first reply in that chat (``/command`` as Telegram marks it)."""
    mark = bot.fake.mark()
    bot.fake.enqueue({"message": _message(bot, person, text, **fields)})
    return bot.fake.wait_for("sendMessage", since=mark, chat_id=person["id"])


def replies(bot: BotProcess, person: dict[str, Any], text: str, count: int) -> list[Call]:
    """Send and collect ``count`` replies (e.g. an outcome and the next queue item)."""
    mark = bot.fake.mark()
    bot.fake.enqueue({"message": _message(bot, person, text)})
    return _collect(bot.fake, mark, person["id"], count)


def _message(bot: BotProcess, person: dict[str, Any], text: str | None, **fields: Any) -> dict[str, Any]:
    if text and text.startswith("/"):
        fields.setdefault("entities", [entity(text, text.split()[0], "bot_command")])
    return bot.fake.message(person, text, **fields)


def _collect(fake: FakeTelegram, mark: int, chat_id: int, count: int, timeout: float = 15) -> list[Call]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        calls = fake.calls_of("sendMessage", since=mark, chat_id=chat_id)
        if len(calls) >= count:
            return calls
        time.sleep(0.05)
    raise TimeoutError(f"expected {count} replies, got {fake.calls_of('sendMessage', since=mark, chat_id=chat_id)}")


def tap(bot: BotProcess, person: dict[str, Any], message: dict[str, Any] | Call, label: str) -> int:
    """Tap the button whose text is (or starts with) ``label`` on the bot's message as it is now."""
    message_id = message.result["message_id"] if isinstance(message, Call) else message["message_id"]
    current = bot.fake.sent_message(person["id"], message_id)
    buttons = [b for row in current.get("reply_markup", {}).get("inline_keyboard", []) for b in row]
    data = next((b["callback_data"] for b in buttons if b["text"].lstrip("⭐ ").startswith(label)), None)
    assert data is not None, f"no button {label!r} in {[b['text'] for b in buttons]}"
    return press(bot, person, current, data)


def tap_then_keyboard(bot: BotProcess, person: dict[str, Any], message: Call, label: str) -> None:
    """Tap a button that swaps the keyboard, and wait until this very message shows the new one."""
    mark = tap(bot, person, message, label)
    bot.fake.wait_for("editMessageReplyMarkup", since=mark, chat_id=person["id"],
                      message_id=message.result["message_id"])


def press(bot: BotProcess, person: dict[str, Any], message: dict[str, Any], data: str) -> int:
    mark = bot.fake.mark()
    bot.fake.enqueue({"callback_query": {"id": f"mod-cb-{next(_ids)}", "from": person, "message": message,
                                         "chat_instance": "ci", "data": data}})
    return mark


def answer_text(bot: BotProcess, mark: int) -> str | None:
    return bot.fake.wait_for("answerCallbackQuery", since=mark).params.get("text")


def upload(bot: BotProcess, person: dict[str, Any], name: str, content: bytes) -> Call:
    file_id = f"csv{next(_ids)}"
    bot.fake.add_file(file_id, content)
    document = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": name, "mime_type": "text/csv",
                "file_size": len(content)}
    return say(bot, person, document=document)


def report(bot: BotProcess, reporter: dict[str, Any], text: str, *, with_text: bool = True) -> str | None:
    """Check ``text`` as ``reporter``, tap 举报 and give consent; the answer they see."""
    verdict = say(bot, reporter, text)
    tap_then_keyboard(bot, reporter, verdict, t(ZH, "btn.report"))
    consent = t(ZH, "btn.report_with_text" if with_text else "btn.report_without_text")
    return answer_text(bot, tap(bot, reporter, verdict, consent))


# ── roles ────────────────────────────────────────────────────────────────────────────────────────────

MODERATOR_COMMANDS = ["/block 13800138000 其他", "/unblock 13800138000", "/allow 95566 中国银行",
                      "/lookup 13800138000", "/export", "/queue", "/feedback", "/stats"]


@pytest.mark.parametrize("command", MODERATOR_COMMANDS)
def test_an_ordinary_user_is_refused_every_moderator_command(bot, command):
    before = bot.fake.mark()
    assert say(bot, PERSON, command).text == t(ZH, "mod.moderators_only")
    assert bot.fake.calls_of("sendDocument", since=before) == []
    with store_of(bot) as store:
        assert store.get_blocklist("+8613800138000") is None
        assert store.get_allowlist("95566") is None or store.get_allowlist("95566").source == "seed"


@pytest.mark.parametrize("command", ["/mod add 3000", "/mod remove 2000", "/mod list"])
def test_only_admins_manage_moderators(bot, command):
    assert say(bot, PERSON, command).text == t(ZH, "mod.admins_only")
    assert say(bot, MODERATOR, command).text == t(ZH, "mod.admins_only")
    with store_of(bot) as store:
        assert [m.telegram_user_id for m in store.list_moderators()] == [2000]


def test_admin_adds_lists_and_removes_moderators_by_id_and_by_reply(bot):
    origin = {"type": "user", "date": int(time.time()) - 60, "sender_user": user(2100, "新志愿者")}
    forwarded = bot.fake.message(ADMIN, "我想当志愿者", forward_origin=origin)
    reply = say(bot, ADMIN, "/mod add", reply_to_message=forwarded)
    assert reply.text == t(ZH, "mod.mod.added", id=2100)
    listing = say(bot, ADMIN, "/mod list").text
    assert t(ZH, "mod.list.admin", id=1000) in listing and t(ZH, "mod.list.moderator", id=2100) in listing
    assert say(bot, MODERATOR, "/lookup 13800138000").text.startswith("📞")  # moderators work at once
    assert say(bot, ADMIN, "/mod remove 2100").text == t(ZH, "mod.mod.removed", id=2100)
    assert say(bot, ADMIN, "/mod remove 1000").text == t(ZH, "mod.mod.is_admin", id=1000)
    assert say(bot, user(2100), "/stats").text == t(ZH, "mod.moderators_only")
    with store_of(bot) as store:
        audit = [(a.actor, a.action) for a in store.audit_log(target="moderator:2100")]
    assert audit == [("tg:1000", "moderator.remove"), ("tg:1000", "moderator.add")]


def test_mod_add_in_reply_to_a_forward_from_a_hidden_account_is_refused(bot):
    """Telegram gives no id for such a forward; the admin's own id (the forwarder) was taken instead."""
    origin = {"type": "hidden_user", "date": int(time.time()) - 60, "sender_user_name": "新志愿者"}
    forwarded = bot.fake.message(ADMIN, "我想当志愿者", forward_origin=origin)
    assert say(bot, ADMIN, "/mod add", reply_to_message=forwarded).text == t(ZH, "mod.mod.hidden")
    assert say(bot, ADMIN, "/id", reply_to_message=forwarded).text == t(ZH, "mod.id.hidden")
    with store_of(bot) as store:
        assert [m.telegram_user_id for m in store.list_moderators()] == [2000]
        assert store.audit_log(target="moderator:1000") == []


def test_moderation_commands_stay_out_of_groups(bot):
    group = {"id": -100777, "type": "supergroup", "title": "反诈群"}
    mark = bot.fake.mark()
    bot.fake.enqueue({"message": _message(bot, MODERATOR, "/stats", chat=group)})
    assert bot.fake.wait_for("sendMessage", since=mark, chat_id=-100777).text == t(ZH, "mod.private_only")


# ── blocklist commands ───────────────────────────────────────────────────────────────────────────────

def test_block_lookup_unblock_with_history_and_audit(bot):
    number = "+8613800138000"
    done = say(bot, MODERATOR, "/block 138-0013-8000 冒充公检法 自称 公安局 要求转账")
    assert done.text == t(ZH, "mod.block.added", number="+86 138 0013 8000", category="冒充公检法")
    assert "⛔ 在黑名单上" in say(bot, PERSON, "13800138000").text
    looked = say(bot, MODERATOR, "/lookup +86 138 0013 8000").text
    assert t(ZH, "mod.lookup.listed") in looked and "自称 公安局 要求转账" in looked
    assert "• " in looked and "tg:2000" in looked  # the history names who did it
    assert say(bot, MODERATOR, "/unblock 13800138000 号码已回收").text == t(
        ZH, "mod.unblock.done", number="+86 138 0013 8000")
    assert "⛔ 在黑名单上" not in say(bot, PERSON, "13800138000").text
    looked = say(bot, MODERATOR, "/lookup 13800138000").text
    assert "号码已回收" in looked and looked.count("tg:2000") == 2
    assert say(bot, MODERATOR, "/unblock 13800138000").text == t(
        ZH, "mod.unblock.not_listed", number="+86 138 0013 8000")
    with store_of(bot) as store:
        history = store.history(number)
    assert [(h.actor, h.action) for h in history] == [("tg:2000", "blocklist.add"), ("tg:2000", "blocklist.remove")]
    assert history[0].before is None and history[0].after["category"] == "impersonate_police"
    assert history[1].before["active"] is True and history[1].after["removed_reason"] == "号码已回收"


def test_block_refuses_bad_input_clearly_and_changes_nothing(bot):
    assert say(bot, MODERATOR, "/block").text.startswith("用法：/block")
    assert say(bot, MODERATOR, "/block 12 其他").text.startswith("❌ 号码「12」不对")
    assert say(bot, MODERATOR, "/block 13900139000 不存在的类型").text.startswith("❌ 不认识的类型「不存在的类型」")
    assert say(bot, MODERATOR, "/block 13900139000 其他 expires=明天").text == t(ZH, "mod.bad_date", value="明天")
    with store_of(bot) as store:
        assert store.get_blocklist("+8613900139000") is None


def test_block_as_a_reply_takes_every_number_of_the_forwarded_message(bot):
    forwarded = bot.fake.message(MODERATOR, "您涉嫌洗钱，请立即联系 13912345678 或 021-62345678 配合调查",
                                 forward_origin=bot.fake.forward_origin("hidden_user", name="王警官"))
    done = say(bot, MODERATOR, "/block 冒充公检法 群众转发", reply_to_message=forwarded).text
    assert done.count("✅ 已拉黑") == 2
    with store_of(bot) as store:
        assert store.lookup("+8613912345678").evidence == "群众转发"
        assert store.lookup("+862162345678").category == "impersonate_police"
    plain = bot.fake.message(MODERATOR, "明天开会")
    assert say(bot, MODERATOR, "/block 其他", reply_to_message=plain).text == t(ZH, "mod.block.no_numbers")


def test_allow_adds_an_official_number_with_aliases(bot):
    done = say(bot, MODERATOR, "/allow 95566 中国银行 中行|BOC|中银").text
    assert done.startswith("✅") and "中国银行" in done and "中行，中国银行，BOC，中银" in done
    with store_of(bot) as store:
        entry = store.get_allowlist("95566")  # the seed's aliases and kind stay; the new alias is added
        assert (entry.owner, entry.aliases, entry.owner_category) == (
            "中国银行", ["中行", "中国银行", "BOC", "中银"], "bank")
        assert store.audit_log(target="allowlist:95566")[0].actor == "tg:2000"
    assert "中国银行" in say(bot, PERSON, "95566").text  # the checker sees the change at once


def test_export_sends_the_blocklist_as_csv(bot):
    say(bot, MODERATOR, "/block 13700001111 刷单返利 兼职刷单")
    mark = bot.fake.mark()
    bot.fake.enqueue({"message": _message(bot, MODERATOR, "/export")})
    call = bot.fake.wait_for("sendDocument", since=mark, chat_id=MODERATOR["id"])
    rows = list(csv.reader(io.StringIO(call.files["document"].decode("utf-8-sig"))))
    assert rows[0] == ["number", "category", "evidence", "expires"]
    assert ["'+8613700001111", "task_rebate", "兼职刷单", ""] in rows  # ' : text in a spreadsheet, not a formula
    with store_of(bot) as store:
        count = store.count_blocklist()
    assert call.params["caption"] == t(ZH, "mod.export.caption", count=count)
    assert len(rows) == 1 + count


# ── CSV import ───────────────────────────────────────────────────────────────────────────────────────

def test_a_bad_csv_is_refused_with_line_numbers_and_nothing_changes(bot):
    with store_of(bot) as store:
        before = store.export_blocklist_csv()
    bad = ("number,category,evidence,expires\n"
           "13811112222,刷单返利,兼职,\n"
           "12,其他,太短,\n"
           "13833334444,没有这种类型,,\n").encode()
    reply = upload(bot, MODERATOR, "bad.csv", bad)
    assert reply.text.startswith(t(ZH, "mod.import.errors", name="bad.csv", count=2))
    assert "第 3 行" in reply.text and "第 4 行" in reply.text and "第 2 行" not in reply.text
    assert reply.buttons == []
    with store_of(bot) as store:
        assert store.export_blocklist_csv() == before
        assert store.get_blocklist("+8613811112222") is None


def test_a_good_csv_is_previewed_then_applied_on_confirm(bot):
    say(bot, MODERATOR, "/block 13855556666 其他")
    good = ("number,category,evidence,expires\n"
            "13811112222,刷单返利,兼职刷单群,\n"
            "+86 138 3333 4444,loan_credit,,2099-12-31\n"
            "13855556666,虚假投资理财,荐股群,\n").encode()
    preview = upload(bot, MODERATOR, "good.csv", good)
    assert preview.text.startswith(t(ZH, "mod.import.preview.blocklist", name="good.csv", add=2, update=1, same=0))
    assert "+86 138 5555 6666 其他 → 虚假投资理财" in preview.text
    with store_of(bot) as store:
        assert store.get_blocklist("+8613811112222") is None  # nothing before the confirmation
    mark = tap(bot, MODERATOR, preview, t(ZH, "mod.btn.confirm_import"))
    answer_text(bot, mark)
    edited = bot.fake.wait_for("editMessageText", since=mark)
    assert edited.params["text"] == t(ZH, "mod.import.done", name="good.csv", add=2, update=1, same=0)
    with store_of(bot) as store:
        assert store.lookup("+8613811112222").source == "import"
        assert store.lookup("+8613855556666").category == "fake_investment"
        assert store.history("+8613811112222")[0].actor == "tg:2000"  # added by the import (its audit row)
    # Pressing the old button again changes nothing and says so.
    again = press(bot, MODERATOR, bot.fake.sent_message(MODERATOR["id"], preview.result["message_id"]),
                  preview.buttons[0]["callback_data"])
    assert answer_text(bot, again) == t(ZH, "mod.import.expired")


def test_cancel_leaves_the_store_unchanged_and_others_cannot_import(bot):
    content = "number,category\n13899990000,其他\n".encode()
    preview = upload(bot, MODERATOR, "one.csv", content)
    mark = tap(bot, MODERATOR, preview, t(ZH, "mod.btn.cancel"))
    assert bot.fake.wait_for("editMessageText", since=mark).params["text"] == t(
        ZH, "mod.import.cancelled", name="one.csv")
    not_mod = upload(bot, PERSON, "one.csv", content)
    assert not_mod.text == t(ZH, "input.unsupported", kind=t(ZH, "kind.document"))
    with store_of(bot) as store:
        assert store.get_blocklist("+8613899990000") is None


# ── reports, the queue and trust ─────────────────────────────────────────────────────────────────────

def _drain_queue(bot: BotProcess) -> None:
    """Reject whatever an earlier test left in the queue (the module shares one database)."""
    for _ in range(10):
        item = say(bot, MODERATOR, "/queue")
        if not item.buttons:
            return
        mark = tap(bot, MODERATOR, item, t(ZH, "mod.btn.reject" if "申诉" not in item.text else "mod.btn.keep"))
        answer_text(bot, mark)


def test_a_number_reaches_the_queue_only_with_three_distinct_reporters(bot):
    _drain_queue(bot)
    scam = "【通知】您的快递丢失，理赔请联系客服 13766667777"
    first = user(4001)
    assert report(bot, first, scam) == t(ZH, "report.done_with_text")
    assert report(bot, first, scam) == t(ZH, "mod.report.duplicate")  # the same person again adds nothing
    assert report(bot, user(4002), scam, with_text=False) == t(ZH, "report.done")
    assert say(bot, MODERATOR, "/queue").text == t(ZH, "mod.queue.empty")
    mark = bot.fake.mark()
    bot.fake.blocked_by.add(ADMIN["id"])
    try:
        assert report(bot, user(4003), scam) == t(ZH, "report.done_with_text")
        bot.fake.wait_for("sendMessage", since=mark, chat_id=MODERATOR["id"])
    finally:
        bot.fake.blocked_by.discard(ADMIN["id"])
    # The third reporter brings the number into the queue: the admin and the moderator are told. The admin
    # has blocked the bot (Telegram answers 403): the moderator is told all the same.
    told = t(ZH, "mod.notify.report", number="+86 137 6666 7777", count=1)
    assert bot.fake.wait_for("sendMessage", since=mark, chat_id=MODERATOR["id"]).text == told
    assert [c.status for c in bot.fake.calls_of("sendMessage", since=mark, chat_id=ADMIN["id"])] == [403]
    assert "⛔ 在黑名单上" not in say(bot, PERSON, "13766667777").text  # reports alone block nothing

    item = say(bot, MODERATOR, "/queue")
    assert "+86 137 6666 7777" in item.text and "3 人" in item.text and scam in item.text
    assert say(bot, PERSON, "/queue").text == t(ZH, "mod.moderators_only")
    forged = press(bot, PERSON, bot.fake.sent_message(MODERATOR["id"], item.result["message_id"]),
                   item.buttons[0]["callback_data"])
    assert answer_text(bot, forged) == t(ZH, "mod.moderators_only")

    tap_then_keyboard(bot, MODERATOR, item, t(ZH, "mod.btn.block"))
    mark = tap(bot, MODERATOR, item, "冒充客服")
    assert answer_text(bot, mark) == t(ZH, "mod.queue.blocked", number="+86 137 6666 7777", category="冒充客服",
                                        reports=3)
    assert _collect(bot.fake, mark, MODERATOR["id"], 1)[0].text == t(ZH, "mod.queue.empty")
    assert "⛔ 在黑名单上" in say(bot, PERSON, "13766667777").text
    with store_of(bot) as store:
        entry = store.lookup("+8613766667777")
        assert (entry.source, entry.reporter_count, entry.added_by) == ("reports", 3, "tg:2000")
        for reporter in (4001, 4002, 4003):
            trust = store.reporter_trust(keyed_hash(reporter, SECRET))
            assert (trust.accepted_count, trust.rejected_count) == (1, 0)
        actions = {a.action for a in store.audit_log(actor="tg:2000", limit=5)}
        assert {"blocklist.add", "reports.accept"} <= actions


def test_reports_are_limited_per_reporter_per_hour(bot):
    eager = user(4100)
    answers = [report(bot, eager, f"兼职刷单日赚五百，联系 1370000{n:04d}") for n in range(4)]
    assert answers[:3] == [t(ZH, "report.done_with_text")] * 3
    assert answers[3] == t(ZH, "report.limit")
    with store_of(bot) as store:
        mine = store.count_reports_since(keyed_hash(4100, SECRET), store_time_hour_ago())
    assert mine == 3


def store_time_hour_ago() -> datetime:
    return utcnow() - timedelta(hours=1)


def test_feedback_queue_accepts_a_wrong_verdict_with_its_label(bot):
    person = user(4200)
    verdict = say(bot, person, "您好，您的快递已放在小区驿站，请凭取件码 5678 领取")
    tap_then_keyboard(bot, person, verdict, t(ZH, "btn.wrong"))
    answer_text(bot, tap(bot, person, verdict, t(ZH, "btn.feedback_with_text")))
    assert say(bot, PERSON, "/feedback").text == t(ZH, "mod.moderators_only")
    item = say(bot, MODERATOR, "/feedback")
    assert "取件码 5678" in item.text
    mark = tap(bot, MODERATOR, item, t(ZH, "mod.btn.fb_legit"))
    assert answer_text(bot, mark) == t(ZH, "mod.feedback.legit")
    with store_of(bot) as store:
        [reviewed] = [f for f in store.feedback_items(status=None) if f.text and "5678" in f.text]
        assert (reviewed.status, reviewed.label, reviewed.reviewed_by) == ("accepted", "legit", "tg:2000")


# ── appeals ──────────────────────────────────────────────────────────────────────────────────────────

def _contact(bot: BotProcess, person: dict[str, Any], phone: str, owner_id: int | None) -> Call:
    card = {"phone_number": phone, "first_name": "我"}
    if owner_id is not None:
        card["user_id"] = owner_id
    return say(bot, person, contact=card)


def test_an_appeal_needs_the_senders_own_contact_and_the_outcome_reaches_them(bot):
    _drain_queue(bot)
    say(bot, MODERATOR, "/block 13511112222 贷款/代办信用卡 贷款广告")
    owner = user(5000, "号码主人")
    start = say(bot, owner, "/appeal")
    assert start.text == t(ZH, "mod.appeal.start")
    [[button]] = start.params["reply_markup"]["keyboard"]
    assert button["request_contact"] is True

    refused = _contact(bot, owner, "8613511112222", owner_id=5001)  # someone else's card
    assert refused.text == t(ZH, "mod.appeal.not_own")
    assert refused.params["reply_markup"]["keyboard"][0][0]["request_contact"] is True
    assert _contact(bot, owner, "8613511112222", owner_id=None).text == t(ZH, "mod.appeal.not_own")

    mark = bot.fake.mark()
    asked = _contact(bot, owner, "8613511112222", owner_id=5000)
    assert asked.text == t(ZH, "mod.appeal.ask_reason", number="+86 135 1111 2222")
    bot.fake.assert_silent("sendMessage", since=asked.index + 1, within=1.0, chat_id=5000)  # no number check
    assert len(bot.fake.calls_of("sendMessage", since=mark, chat_id=5000)) == 1
    mark = bot.fake.mark()
    submitted = say(bot, owner, "这是我的私人号码，从来没有发过贷款广告")
    assert submitted.text.startswith("✅ 申诉 #")
    appeal_id = int(submitted.text.split("#")[1].split()[0])
    for person in (ADMIN, MODERATOR):  # told of the appeal
        assert bot.fake.wait_for("sendMessage", since=mark, chat_id=person["id"]).text == t(
            ZH, "mod.notify.appeal", id=appeal_id, number="+86 135 1111 2222")

    item = say(bot, MODERATOR, "/queue")
    assert "🙋" in item.text and "从来没有发过贷款广告" in item.text and "贷款广告" in item.text
    assert "tg:2000" in item.text  # the entry's history is shown
    mark = tap(bot, MODERATOR, item, t(ZH, "mod.btn.delist"))
    assert answer_text(bot, mark) == t(ZH, "mod.queue.appeal_accepted", number="+86 135 1111 2222")
    told = bot.fake.wait_for("sendMessage", since=mark, chat_id=5000)
    assert told.text == t(ZH, "mod.appeal.accepted", number="+86 135 1111 2222")
    with store_of(bot) as store:
        assert store.lookup("+8613511112222") is None
        assert [h.action for h in store.history("+8613511112222")] == ["blocklist.add", "blocklist.remove"]
        [appeal] = store.appeals(status=None)
        assert (appeal.status, appeal.decided_by) == ("accepted", "tg:2000")


def test_an_appeal_for_an_unlisted_number_and_cancel(bot):
    owner = user(5100)
    say(bot, owner, "/appeal")
    assert _contact(bot, owner, "8613522223333", owner_id=5100).text == t(
        ZH, "mod.appeal.not_listed", number="+86 135 2222 3333")
    say(bot, owner, "/appeal")
    assert say(bot, owner, "/cancel").text == t(ZH, "mod.appeal.cancelled")
    assert "📞" in say(bot, owner, "13522223333").text  # after cancelling, numbers are checked again


# ── expiry and stats ─────────────────────────────────────────────────────────────────────────────────

def test_expired_entries_stop_matching_but_stay_in_lookup(bot):
    done = say(bot, MODERATOR, "/block 13600136000 其他 旧记录 expires=2020-01-01").text
    assert done.startswith(t(ZH, "mod.block.added", number="+86 136 0013 6000", category="其他"))
    assert "2020-01-01" in done and "不会再命中检查" in done
    assert "⛔ 在黑名单上" not in say(bot, PERSON, "13600136000").text
    looked = say(bot, MODERATOR, "/lookup 13600136000").text
    assert t(ZH, "mod.lookup.expired", date="2020-01-01") in looked and "旧记录" in looked
    later = say(bot, MODERATOR, "/block 13600136000 其他 又出现了 expires=2099-01-01").text
    assert "2099-01-01 到期" in later
    assert "⛔ 在黑名单上" in say(bot, PERSON, "13600136000").text


def test_stats_show_counts_without_personal_data(bot):
    text = say(bot, MODERATOR, "/stats").text
    assert text.startswith("📊") and "检查：共" in text and "黑名单：" in text
    assert "3000" not in text and "+86" not in text and "1376666" not in text
    with store_of(bot) as store:
        total = sum(s.count for s in store.check_stats(store_time_hour_ago().date()))
    assert t(ZH, "mod.stats.checks", total=total) in text


def test_lookup_of_a_number_covered_by_a_prefix_names_the_prefix(bot):
    with store_of(bot) as store:
        store.add_blocklist("+861709876", "card_trafficking", actor=1, prefix=True, evidence="一批断卡号段")
    looked = say(bot, MODERATOR, "/lookup 17098765432").text
    assert t(ZH, "mod.lookup.covered", prefix="+86 1709876*") in looked
    assert "一批断卡号段" in looked and t(ZH, "mod.lookup.not_listed") not in looked
