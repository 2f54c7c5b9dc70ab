"""Every verdict the bot sends fits Telegram's 4,096 UTF-16 units after every prefix and note, and still
leads with the level and ends with what to do (the fake Bot API refuses a longer message, as Telegram does).
A forwarded channel's title cannot pass for the bot's own lines."""

from __future__ import annotations

import re

import pytest
from fakes.telegram_api import FakeTelegram, group_chat, user, utf16_len
from tg_harness import InProcessBot

from bot.locales import t

GROUP = group_chat(-1005550001111, "小区业主群")
NUMBERS_300 = " ".join(f"1380013{n:04d}" for n in range(300))
SCAMS = {
    "zh-Hans": "您好，我是公安局的，您的账户涉嫌洗钱，请把钱转到安全账户，并告诉我验证码，联系 ",
    "zh-Hant": "您好，我是公安局的，您的帳戶涉嫌洗錢，請把錢轉到安全帳戶，並告訴我驗證碼，聯繫 ",
    "en": ("This is the police. Your bank account is linked to money laundering. Transfer all your money to a "
           "safe account now and tell me the verification code. Call "),
}
APP_LANGUAGE = {"zh-Hans": "zh-hans", "zh-Hant": "zh-hant", "en": "en"}
LEVEL_LINE = {"zh-Hans": "🔴 高风险", "zh-Hant": "🔴 高風險", "en": "🔴 High risk"}


def _blocks(text: str) -> list[str]:
    return text.split("\n\n")


def _assert_ends_with_advice(blocks: list[str], lang: str) -> None:
    """The block given is the advice: its heading, then only advice bullets, the hotline among them."""
    lines = blocks[-1].splitlines()
    assert lines[0] == t(lang, "section.todo"), blocks[-1][:200]
    assert lines[1:] and all(line.startswith("• ") for line in lines[1:])
    # A Traditional reader with nothing saying where they live gets Hong Kong's and Taiwan's lines (bot.region).
    assert ("18222" if lang == "zh-Hant" else "96110") in blocks[-1]


def _numbers_accounted(text: str, lang: str, total: int) -> None:
    """The numbers shown plus the "…and N more" line add up to every number in the message."""
    more = t(lang, "fit.more_numbers", count=999999).split("999999")
    pattern = re.escape(more[0]) + r"(\d+)" + re.escape(more[1])
    [hidden] = re.findall(pattern, text)
    shown = text.count("📞 ")
    assert shown >= 1 and int(hidden) + shown == total


async def test_a_group_scam_padded_with_300_numbers_still_gets_an_alert_that_ends_with_the_advice(
        bot: InProcessBot) -> None:
    scammer = user(7001)
    mark, update = await bot.send({"message": bot.fake.message(scammer, SCAMS["zh-Hans"] + NUMBERS_300,
                                                               chat=GROUP)})
    sent = bot.fake.calls_of("sendMessage", since=mark, chat_id=GROUP["id"])
    assert sent and sent[-1].status == 200, "no alert reached the group"
    text = sent[-1].text
    assert utf16_len(text) <= 4096
    assert text.startswith(t("zh-Hans", "group.alert"))
    blocks = _blocks(text)
    assert blocks[1].splitlines()[0] == "🔴 高风险"
    _assert_ends_with_advice(blocks, "zh-Hans")
    _numbers_accounted(text, "zh-Hans", 300)
    assert sent[-1].params["reply_parameters"]["message_id"] == update["message"]["message_id"]


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
async def test_the_longest_verdicts_fit_in_every_language_short_and_detailed(bot: InProcessBot, lang: str) -> None:
    person = user(7010 + len(lang), language_code=APP_LANGUAGE[lang])
    mark, _ = await bot.send({"message": bot.fake.message(person, SCAMS[lang] + NUMBERS_300)})
    reply = bot.fake.wait_for("sendMessage", since=mark, timeout=5)
    assert reply.status == 200 and utf16_len(reply.text) <= 4096
    assert reply.text.splitlines()[0] == LEVEL_LINE[lang]
    _assert_ends_with_advice(_blocks(reply.text), lang)
    _numbers_accounted(reply.text, lang, 300)
    # The detailed view (every reason with its offsets) is the longest the bot writes.
    data = next(b["callback_data"] for b in reply.buttons if b["text"] == t(lang, "btn.details"))
    mark = await bot.feed(bot.fake.make_update({"callback_query": {
        "id": f"cb-{lang}", "from": person, "message": reply.result, "chat_instance": "c", "data": data}}))
    edits = bot.fake.calls_of("editMessageText", since=mark)
    assert edits and edits[-1].status == 200, "the detailed view was refused"
    detailed = edits[-1].text
    assert utf16_len(detailed) <= 4096 and detailed.splitlines()[0] == LEVEL_LINE[lang]
    _assert_ends_with_advice(_blocks(detailed), lang)
    _numbers_accounted(detailed, lang, 300)


async def test_a_long_photo_caption_gets_its_verdict_not_an_apology(bot: InProcessBot) -> None:
    numbers = " ".join(f"1390013{n:04d}" for n in range(80))
    caption = SCAMS["zh-Hans"] + numbers
    assert len(caption) <= 1024  # what Telegram lets a user write under a photo
    photo = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]
    mark, _ = await bot.send({"message": bot.fake.message(user(7020), photo=photo, caption=caption)})
    text = bot.fake.wait_for("sendMessage", since=mark, timeout=5, where=lambda c: c.status == 200).text
    assert text != t("zh-Hans", "error.generic")
    assert utf16_len(text) <= 4096 and text.startswith("🔴 高风险")
    blocks = _blocks(text)
    assert blocks[-1] == t("zh-Hans", "picture.unread_caption_checked")  # the fake has no such file to give
    _assert_ends_with_advice(blocks[:-1], "zh-Hans")
    _numbers_accounted(text, "zh-Hans", 80)


async def test_a_channel_title_that_imitates_a_verdict_stays_one_quoted_short_line(bot: InProcessBot) -> None:
    title = "🔴 高风险 这是诈骗\n✅ 官方号码：95588」\u202e\u2066" + "请立即联系客服处理" * 10
    origin = FakeTelegram.forward_origin("channel", title=title)
    mark, _ = await bot.send({"message": bot.fake.message(user(7030), "今天晚上吃饺子，大家早点回来",
                                                          forward_origin=origin)})
    text = (await bot.fake.await_call("sendMessage", since=mark, timeout=5)).text
    lines = text.splitlines()
    assert lines[0] == "🟢 未发现明显风险"
    assert not any(line.startswith(("🔴", "✅", "官方号码")) for line in lines[1:])
    [forward] = [line for line in lines if line.startswith("↪️ 转发自频道「")]
    shown = forward.removeprefix("↪️ 转发自频道「").removesuffix("」")
    assert forward.endswith("」") and shown.startswith("🔴 高风险 这是诈骗 ✅ 官方号码：95588")
    assert len(shown) <= 40 and shown.endswith("…")
    assert not set(shown) & {"\n", "\u202e", "\u2066", "「", "」"}
