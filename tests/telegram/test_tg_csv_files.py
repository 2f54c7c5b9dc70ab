"""A moderator's CSV files over the fake Bot API: the files Windows tools save import, errors are told in the
moderator's language with their lines, and /export is safe to open in a spreadsheet and imports back."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fakes.telegram_api import Call, FakeTelegram, entity, user
from tg_harness import InProcessBot, running_bot

from bot.locales import t

ADMIN_ID = 1000  # admins are moderators
ZH = "zh-Hans"
_ids = itertools.count(1)


@pytest.fixture
async def bot(fake: FakeTelegram, tmp_path: Path) -> AsyncIterator[InProcessBot]:
    async with running_bot(fake, tmp_path, admin_ids=frozenset({ADMIN_ID})) as running:
        yield running


def moderator(language_code: str = "zh-hans") -> dict[str, Any]:
    return user(ADMIN_ID, "管理员", language_code=language_code)


async def upload(bot: InProcessBot, person: dict[str, Any], name: str, content: bytes) -> Call:
    file_id = f"csv-file-{next(_ids)}"
    bot.fake.add_file(file_id, content)
    document = {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_name": name,
                "mime_type": "text/csv", "file_size": len(content)}
    mark, _ = await bot.send({"message": bot.fake.message(person, document=document)})
    return bot.fake.wait_for("sendMessage", since=mark, chat_id=person["id"], timeout=10)


async def confirm(bot: InProcessBot, person: dict[str, Any], preview: Call) -> str:
    message = bot.fake.sent_message(person["id"], preview.result["message_id"])
    mark = await bot.feed(bot.fake.make_update({"callback_query": {
        "id": f"cb-{next(_ids)}", "from": person, "message": message, "chat_instance": "c",
        "data": preview.buttons[0]["callback_data"]}}))
    return bot.fake.wait_for("editMessageText", since=mark, timeout=10).params["text"]


async def test_a_gbk_file_saved_by_excel_on_windows_previews_and_imports(bot: InProcessBot) -> None:
    person = moderator()
    content = ("number,category,evidence,expires\r\n13811112222,刷单返利,兼职刷单群,\r\n"
               "170*,断卡,虚拟运营商号段,\r\n,,,\r\n").encode("gbk")
    preview = await upload(bot, person, "名单.csv", content)
    assert preview.text.startswith(t(ZH, "mod.import.preview.blocklist", name="名单.csv", add=2, update=0, same=0))
    assert "刷单返利" in preview.text
    assert await confirm(bot, person, preview) == t(ZH, "mod.import.done", name="名单.csv", add=2, update=0, same=0)
    assert bot.services.store.lookup("+8613811112222").evidence == "兼职刷单群"
    assert bot.services.store.lookup("+8617012345678").category == "card_trafficking"


async def test_a_utf16_allowlist_is_told_apart_by_its_header(bot: InProcessBot) -> None:
    content = "number,owner,aliases\n4008-123-123,示例公司,示例|Example\n".encode("utf-16")
    preview = await upload(bot, moderator(), "official.csv", content)
    assert preview.text.startswith(t(ZH, "mod.import.preview.allowlist", name="official.csv", add=1, update=0,
                                     same=0))


BAD = ("number,category,evidence,expires\n"
       "13811112222,刷单返利,兼职,\n"
       "12,其他,太短,\n"
       ",,,\n"
       "13833334444,没有这种类型,,\n").encode()


async def test_errors_are_in_the_moderators_language_with_the_right_lines(bot: InProcessBot) -> None:
    reply = await upload(bot, moderator(), "bad.csv", BAD)
    assert reply.text.startswith(t(ZH, "mod.import.errors", name="bad.csv", count=2))
    lines = reply.text.splitlines()
    assert lines[1].startswith("第 3 行：号码“12”无法识别")
    assert lines[2].startswith("第 5 行：没有“没有这种类型”这个类型")
    assert "bad number" not in reply.text and "unknown category" not in reply.text
    english = await upload(bot, moderator("en"), "bad.csv", BAD)
    assert english.text.splitlines()[1].startswith("line 3: bad number '12'")
    traditional = await upload(bot, moderator("zh-hant"), "bad.csv", BAD)
    assert traditional.text.splitlines()[1].startswith("第 3 行：號碼「12」無法識別")
    assert reply.buttons == [] and bot.services.store.lookup("+8613811112222") is None


async def test_export_is_safe_in_a_spreadsheet_and_uploads_back_unchanged(bot: InProcessBot) -> None:
    person = moderator()
    bot.services.store.add_blocklist("+8613700001111", "task_rebate", actor=1,
                                     evidence='=HYPERLINK("http://evil.example","点我")')
    text = "/export"
    mark, _ = await bot.send({"message": bot.fake.message(person, text,
                                                          entities=[entity(text, text, "bot_command")])})
    call = bot.fake.wait_for("sendDocument", since=mark, chat_id=ADMIN_ID, timeout=10)
    exported = call.files["document"]
    assert exported.startswith(b"\xef\xbb\xbf")  # Excel on Windows reads the Chinese as UTF-8
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    assert ["'+8613700001111", "task_rebate", "'=HYPERLINK(\"http://evil.example\",\"点我\")", ""] in rows
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@")]
    again = await upload(bot, person, "fanzha-blocklist.csv", exported)
    assert again.text == t(ZH, "mod.import.nothing", name="fanzha-blocklist.csv", same=len(rows) - 1)


async def test_a_moderators_file_with_rows_one_moderator_may_not_add_alone_waits_for_an_admin(
        bot: InProcessBot) -> None:
    """A file is no way round the second look: a short prefix or a mobile allowlisted for a bank, typed by a
    moderator, waits for an admin, and so does the file that carries it — whole, since imports are all or
    nothing."""
    helper = user(2000, "版主")
    bot.services.store.add_moderator(helper["id"], actor=f"tg:{ADMIN_ID}")
    blocklist = "number,category\n13811112222,刷单返利\n170*,断卡\n".encode()
    refused = await upload(bot, helper, "号段.csv", blocklist)
    assert refused.text.startswith(t(ZH, "mod.import.needs_admin", name="号段.csv", count=1))
    assert "第 3 行 +86170*" in refused.text and "号段太短" in refused.text
    assert not refused.buttons, "no confirm button for a file that waits for an admin"
    assert bot.services.store.lookup("+8613811112222") is None, "nothing of the file was imported"

    allowlist = "number,owner,aliases\n17099998888,中国工商银行,工行\n".encode()
    refused = await upload(bot, helper, "官方.csv", allowlist)
    assert refused.text.startswith(t(ZH, "mod.import.needs_admin", name="官方.csv", count=1))
    assert "第 2 行 +8617099998888" in refused.text

    preview = await upload(bot, moderator(), "号段.csv", blocklist)  # an admin is the second look
    assert preview.buttons
    assert await confirm(bot, moderator(), preview) == t(ZH, "mod.import.done", name="号段.csv", add=2, update=0,
                                                         same=0)


async def test_the_domain_blocklist_goes_out_and_comes_back_through_telegram(bot: InProcessBot) -> None:
    """Domains are kept like numbers: a moderator uploads a CSV (previewed, then confirmed) and /export
    domains gives a file that imports back with nothing to change."""
    person = moderator()
    content = "domain,category,evidence\nicbc-verify.top,钓鱼链接,多人举报\n".encode("gbk")
    preview = await upload(bot, person, "域名.csv", content)
    assert preview.text.startswith(t(ZH, "mod.import.preview.domains", name="域名.csv", add=1, update=0, same=0))
    assert "icbc-verify.top" in preview.text
    assert await confirm(bot, person, preview) == t(ZH, "mod.import.done", name="域名.csv", add=1, update=0,
                                                    same=0)
    assert bot.services.store.lookup_domain("login.icbc-verify.top") is not None

    mark, _ = await bot.send({"message": bot.fake.message(person, "/export domains", entities=[
        entity("/export domains", "/export", "bot_command")])})
    sent = bot.fake.wait_for("sendDocument", since=mark, timeout=10)
    exported = next(iter(sent.files.values()))
    assert "icbc-verify.top" in exported.decode("utf-8-sig")
    again = await upload(bot, person, "fanzha-domains.csv", exported)
    assert again.text == t(ZH, "mod.import.nothing", name="fanzha-domains.csv", same=1)
