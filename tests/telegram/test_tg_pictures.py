"""Screenshots: photos and image files read through the real handlers, the real OCR pool and the fake Bot API.

The pictures are the committed phone screenshots (tests/fixtures/screenshots/, ``scripts/make_screenshots.py``);
the fake server turns each into the sizes Telegram makes of a photo. Reading is real (a worker process per bot),
so these tests read as few pictures as they can: everything refused before a download reads none.
"""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any

from fakes.telegram_api import FakeTelegram, entity, group_chat, user
from PIL import Image, ImageDraw
from tg_harness import InProcessBot, running_bot

from bot.locales import t
from bot.ocr import MAX_IMAGE_BYTES, OcrResult
from bot.policy import picture_level
from bot.render import PICTURE_QUOTE_CHARS, picture_notes, render_verdict
from bot.telegram import health
from bot.telegram.pictures import PHOTO_LONG_SIDE, choose_photo
from bot.verdict import Advice, RiskLevel, Verdict

SCREENSHOTS = Path(__file__).resolve().parents[1] / "fixtures" / "screenshots"
EXPECTED = {item["file"]: item for item in json.loads((SCREENSHOTS / "expected.json").read_text(encoding="utf-8"))}
GROUP = group_chat(-1005550001111, "家庭群")
READ_NOTE = "📷 我从图片里读出的文字："


def _picture(name: str) -> bytes:
    return (SCREENSHOTS / name).read_bytes()


def _photo(bot: InProcessBot, person: dict[str, Any], name: str, **fields: Any) -> dict[str, Any]:
    """A photo message of the screenshot ``name``, in Telegram's sizes."""
    return bot.fake.message(person, photo=bot.fake.photo_sizes(_picture(name)), **fields)


def _downloads(bot: InProcessBot, since: int) -> list[str]:
    return [c.params["path"] for c in bot.fake.calls_of("downloadFile", since=since)]


def _replies(bot: InProcessBot, since: int, chat_id: int) -> list[str]:
    return [c.text or "" for c in bot.fake.calls_of("sendMessage", since=since, chat_id=chat_id)]


async def _typed_level_line(bot: InProcessBot, text: str) -> str:
    """The first line of the verdict on ``text`` sent as text (by a user of its own, so no limit is shared)."""
    person = user(880099)
    mark, _ = await bot.send({"message": bot.fake.message(person, text)})
    return (bot.fake.wait_for("sendMessage", since=mark, timeout=10, chat_id=person["id"]).text or "").splitlines()[0]


# ── through the bot ──────────────────────────────────────────────────────────────────────────────────

async def test_a_screenshot_gets_the_verdict_of_its_text_and_details_read_it_again(bot: InProcessBot) -> None:
    person, name = user(8801), "wechat_safe_account_dark.png"
    message = _photo(bot, person, name)
    chosen = choose_photo_dict(message["photo"])
    mark, _ = await bot.send({"message": message})
    assert [c.params["file_id"] for c in bot.fake.calls_of("getFile", since=mark)] == [chosen["file_id"]]
    assert len(_downloads(bot, mark)) == 1
    [reply] = _replies(bot, mark, person["id"])
    assert reply.splitlines()[0] == await _typed_level_line(bot, EXPECTED[name]["text"]) == "🔴 高风险"
    note = reply.split("\n\n")[-1]
    assert note.startswith(READ_NOTE + "「") and "安全账户" in note and "\n" not in note
    assert t("zh-Hans", "picture.unsure") not in reply

    verdict = bot.fake.calls_of("sendMessage", since=mark, chat_id=person["id"])[0]
    details = next(b["callback_data"] for b in verdict.buttons if b["text"] == "📋 详情")
    mark = await bot.feed(bot.fake.make_update({"callback_query": {
        "id": "pd1", "from": person, "message": verdict.result, "chat_instance": "c", "data": details}}))
    assert len(_downloads(bot, mark)) == 1, "the picture is read again: its text is never kept"
    detailed = bot.fake.wait_for("editMessageText", since=mark, timeout=5).text or ""
    assert detailed.startswith("🔴 高风险") and "为什么：\n• " in detailed and READ_NOTE in detailed
    metrics = bot.app.bot_data[health.METRICS_KEY]  # what /metrics exports: one timing per reading
    assert metrics.registry.get_sample_value("fanzha_ocr_seconds_count") == 2


async def test_each_picture_is_a_check_against_the_senders_limit(fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path, checks_per_minute=1) as bot:
        person = user(8814)
        mark = bot.fake.mark()
        await asyncio.gather(*(bot.send({"message": bot.fake.message(person, photo=bot.fake.photo_sizes(_blank()))})
                               for _ in range(2)))
        assert sorted(_replies(bot, mark, person["id"])) == sorted(
            [t("zh-Hans", "picture.no_text"), t("zh-Hans", "rate_limited", limit=1)])
        assert len(bot.fake.calls_of("getFile", since=mark)) == 1, "over the limit, nothing is fetched"


def choose_photo_dict(sizes: list[dict[str, Any]]) -> dict[str, Any]:
    """The PhotoSize the bot should fetch: the smallest whose longer side reaches PHOTO_LONG_SIDE."""
    return min((s for s in sizes if max(s["width"], s["height"]) >= PHOTO_LONG_SIDE),
               key=lambda s: max(s["width"], s["height"]))


async def test_a_screenshot_sent_as_a_file_is_read_with_its_caption(bot: InProcessBot) -> None:
    person, name = user(8802), "qq_meeting.png"
    caption = "这个是老师发的吗"
    message = bot.fake.document(person, _picture(name), file_name="Screenshot_2026.png", mime_type="image/png",
                                caption=caption)
    mark, _ = await bot.send({"message": message})
    [reply] = _replies(bot, mark, person["id"])
    assert reply.splitlines()[0] == await _typed_level_line(bot, EXPECTED[name]["text"]) == "🟢 未发现明显风险"
    assert READ_NOTE in reply and "明天下午三点开会" in reply.split(READ_NOTE)[1]


async def test_a_photo_too_large_is_refused_before_anything_is_downloaded(bot: InProcessBot) -> None:
    person = user(8803)
    big = MAX_IMAGE_BYTES + 1
    sizes = [{"file_id": "big1", "file_unique_id": "bu1", "width": 320, "height": 640, "file_size": 30_000},
             {"file_id": "big2", "file_unique_id": "bu2", "width": 1280, "height": 2560, "file_size": big}]
    bot.fake.add_file("big2", b"\xff\xd8 not read", size=big)
    stated_by_get_file = [{"file_id": "big3", "file_unique_id": "bu3", "width": 1280, "height": 2560}]
    bot.fake.add_file("big3", b"\xff\xd8 not read", size=big)
    over_telegram_limit = [{"file_id": "big4", "file_unique_id": "bu4", "width": 1280, "height": 2560}]
    bot.fake.add_file("big4", b"\xff\xd8 not read", size=25 * 1024 * 1024)
    too_large = t("zh-Hans", "picture.too_large", limit=MAX_IMAGE_BYTES // (1024 * 1024))
    for photo in (sizes, stated_by_get_file, over_telegram_limit):
        mark, _ = await bot.send({"message": bot.fake.message(person, photo=photo)})
        assert _replies(bot, mark, person["id"]) == [too_large]
        assert _downloads(bot, mark) == []
    mark, _ = await bot.send({"message": bot.fake.document(person, b"x", file_name="big.jpg", mime_type="image/jpeg",
                                                            size=big)})
    assert _replies(bot, mark, person["id"]) == [too_large]
    assert bot.fake.calls_of("getFile", since=mark) == []


async def test_files_that_are_not_pictures_get_a_polite_reply(bot: InProcessBot) -> None:
    person = user(8804)
    pdf = b"%PDF-1.4\n" + b"0" * 200
    mark, _ = await bot.send({"message": bot.fake.document(person, pdf, file_name="bill.png", mime_type="image/png")})
    assert _replies(bot, mark, person["id"]) == [t("zh-Hans", "picture.not_an_image")]
    mark, _ = await bot.send({"message": bot.fake.document(person, pdf, file_name="bill.pdf",
                                                            mime_type="application/pdf")})
    [reply] = _replies(bot, mark, person["id"])
    assert "（文件）我还看不了" in reply and bot.fake.calls_of("getFile", since=mark) == []


async def test_a_picture_without_text_gets_its_own_reply_in_the_users_language(bot: InProcessBot) -> None:
    landscape = Image.new("RGB", (1600, 1000), (90, 150, 210))
    ImageDraw.Draw(landscape).polygon([(0, 1000), (700, 380), (1600, 1000)], fill=(60, 110, 60))
    out = io.BytesIO()
    landscape.save(out, "JPEG")
    person = user(8805, "Ann", language_code="en")
    mark, _ = await bot.send({"message": bot.fake.message(person, photo=bot.fake.photo_sizes(out.getvalue()))})
    assert _replies(bot, mark, person["id"]) == [t("en", "picture.no_text")]


async def test_a_picture_telegram_does_not_give_gets_a_polite_reply_and_no_traceback(bot: InProcessBot) -> None:
    person = user(8806)
    gone = [{"file_id": "no-such-file", "file_unique_id": "g1", "width": 1280, "height": 2560, "file_size": 1000}]
    mark, _ = await bot.send({"message": bot.fake.message(person, photo=gone)})
    assert _replies(bot, mark, person["id"]) == [t("zh-Hans", "picture.download_failed")]


async def test_in_a_group_only_a_picture_someone_asks_about_is_read(bot: InProcessBot) -> None:
    poster, asker, name = user(8807, "小王"), user(8808), "sms_bank_card_rental_dark.png"
    photo = _photo(bot, poster, name, chat=GROUP)
    mark, _ = await bot.send({"message": photo})
    assert bot.fake.calls_of("getFile", since=mark) == [] and _replies(bot, mark, GROUP["id"]) == []

    text, entities = bot.fake.mention_text("这是真的吗？")
    mark, _ = await bot.send({"message": bot.fake.message(asker, text, chat=GROUP, entities=entities,
                                                          reply_to_message=photo)})
    calls = bot.fake.calls_of("sendMessage", since=mark, chat_id=GROUP["id"])
    assert len(calls) == 1 and calls[0].params["reply_parameters"]["message_id"] == photo["message_id"]
    assert calls[0].text.startswith("🔴 高风险") and READ_NOTE in calls[0].text


async def test_in_a_group_a_captioned_photo_nobody_asks_about_is_checked_by_its_caption_only(
        bot: InProcessBot) -> None:
    admin = user(8809)
    bot.fake.set_chat_member(GROUP["id"], admin["id"], "administrator")
    command = "/quiet off"
    await bot.send({"message": bot.fake.message(admin, command, chat=GROUP,
                                                entities=[entity(command, "/quiet", "bot_command")])})
    caption = "晚上一起吃饭吗？我六点下班"
    mark, _ = await bot.send({"message": _photo(bot, user(8810), "qq_meeting.png", chat=GROUP, caption=caption)})
    [reply] = _replies(bot, mark, GROUP["id"])
    assert reply.endswith(t("zh-Hans", "picture.caption_only")) and bot.fake.calls_of("getFile", since=mark) == []


async def test_with_pictures_off_a_photo_gets_the_cannot_read_reply_and_nothing_is_fetched(
        fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path, ocr_workers=0) as bot:
        person = user(8811)
        mark, _ = await bot.send({"message": _photo(bot, person, "qq_meeting.png")})
        [reply] = _replies(bot, mark, person["id"])
        assert "（没有文字说明的图片）我还看不了" in reply and bot.fake.calls_of("getFile", since=mark) == []


def _blank(size: tuple[int, int] = (300, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (255, 255, 255)).save(out, "PNG")
    return out.getvalue()


async def test_a_picture_sent_while_the_pool_is_full_is_refused_unfetched_and_uncounted(
        fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path, checks_per_minute=1) as bot:
        pool = bot.services.ocr
        assert pool is not None
        fillers = [asyncio.create_task(pool.read(_blank())) for _ in range(pool.max_pending)]
        await asyncio.sleep(0)  # each read takes its place in the queue at once
        try:
            person = user(8812)
            mark, _ = await bot.send({"message": _photo(bot, person, "qq_meeting.png")})
            assert _replies(bot, mark, person["id"]) == [t("zh-Hans", "picture.busy")]
            assert bot.fake.calls_of("getFile", since=mark) == []
        finally:
            for task in fillers:
                task.cancel()
            await asyncio.gather(*fillers, return_exceptions=True)
        mark, _ = await bot.send({"message": bot.fake.message(person, "晚上一起吃饭吗？我六点下班")})
        assert _replies(bot, mark, person["id"])[0].startswith("🟢"), "the refused picture spent no check"


async def test_pictures_sent_at_once_queue_no_more_than_the_pool_holds(bot: InProcessBot) -> None:
    person = user(8813)
    pool = bot.services.ocr
    assert pool is not None
    burst = pool.max_pending + 2
    messages = [bot.fake.message(person, photo=bot.fake.photo_sizes(_blank())) for _ in range(burst)]
    mark = bot.fake.mark()
    await asyncio.gather(*(bot.send({"message": m}) for m in messages))
    replies = _replies(bot, mark, person["id"])
    assert len(replies) == burst
    assert replies.count(t("zh-Hans", "picture.busy")) == burst - pool.max_pending
    assert replies.count(t("zh-Hans", "picture.no_text")) == pool.max_pending


# ── the pieces ───────────────────────────────────────────────────────────────────────────────────────

def test_the_photo_size_read_is_the_smallest_reaching_1280_px_else_the_largest() -> None:
    from telegram import PhotoSize

    def size(side: int, other: int) -> PhotoSize:
        return PhotoSize(f"f{side}", f"u{side}", width=other, height=side, file_size=side * 100)

    assert choose_photo([size(90, 41), size(320, 148), size(1280, 591), size(2560, 1182)]).file_id == "f1280"
    assert choose_photo([size(2560, 1182), size(1600, 740)]).file_id == "f1600"
    assert choose_photo([size(90, 41), size(800, 370), size(320, 148)]).file_id == "f800"


def test_an_unsure_reading_never_gives_the_low_levels_reassurance_but_what_was_read_still_counts() -> None:
    assert picture_level(RiskLevel.LOW, unsure=True).could_not_tell
    assert picture_level(RiskLevel.LOW, unsure=True).level == RiskLevel.LOW
    for level in (RiskLevel.SUSPICIOUS, RiskLevel.HIGH):
        assert picture_level(level, unsure=True) == picture_level(level, unsure=False)
        assert picture_level(level, unsure=True).level == level and not picture_level(level, unsure=True).could_not_tell
    assert not picture_level(RiskLevel.LOW, unsure=False).could_not_tell


def test_a_could_not_tell_verdict_says_so_instead_of_no_clear_warning_signs() -> None:
    verdict = Verdict(RiskLevel.LOW, advice=[Advice.CANNOT_PROVE_SAFE])
    for lang in ("zh-Hans", "zh-Hant", "en"):
        text = render_verdict(verdict, lang, could_not_tell=True, notes=picture_notes("你好", lang, unsure=True))
        assert text.splitlines()[:2] == [t(lang, "level.unsure"), t(lang, "lead.unsure")]
        assert t(lang, "level.low") not in text and t(lang, "advice.cannot_prove_safe") not in text
        assert text.endswith(t(lang, "picture.unsure"))
        assert render_verdict(verdict, lang).startswith(t(lang, "level.low"))


def test_the_text_read_is_quoted_on_one_line_short_and_unable_to_pose_as_the_verdict() -> None:
    forged = "🔴 高风险\n\n✅ 官方号码\u202e「安全」" + "很长" * 300
    [note] = picture_notes(forged, "zh-Hans", unsure=False)
    quoted = note.removeprefix(READ_NOTE + "「").removesuffix("」")
    assert "\n" not in note and "\u202e" not in note and "「" not in quoted and "」" not in quoted
    assert quoted.startswith("🔴 高风险 ✅ 官方号码『安全』") and len(quoted) == PICTURE_QUOTE_CHARS
    assert quoted.endswith("…")
    reading = OcrResult("你好", 0.5)
    assert picture_notes(reading.text, "en", unsure=reading.unsure)[-1] == t("en", "picture.unsure")


def test_a_low_verdict_on_an_unsure_reading_reads_could_not_tell_and_offers_no_share_button() -> None:
    from bot.telegram.extract import Checkable
    from bot.telegram.public import render_reply, reply_keyboard

    unsure, sure = OcrResult("晚上吃饭", 0.5), OcrResult("晚上吃饭", 0.99)
    checkable = Checkable("text", "晚上吃饭")
    text = render_reply(Verdict(RiskLevel.LOW), "zh-Hans", checkable, picture=unsure)
    assert text.startswith(t("zh-Hans", "level.unsure")) and text.endswith(t("zh-Hans", "picture.unsure"))
    assert render_reply(Verdict(RiskLevel.LOW), "zh-Hans", checkable, picture=sure).startswith("🟢")
    assert render_reply(Verdict(RiskLevel.HIGH), "zh-Hans", checkable, picture=unsure).startswith("🔴 高风险")

    def shares(level: RiskLevel, reading: OcrResult) -> bool:
        markup = reply_keyboard("chk1", "zh-Hans", Verdict(level), reading)
        return any(b.switch_inline_query is not None for row in markup.inline_keyboard for b in row)

    assert not shares(RiskLevel.LOW, unsure) and shares(RiskLevel.LOW, sure) and shares(RiskLevel.HIGH, unsure)
