"""The real ``fanzha run`` (long polling) against the fake Bot API: what users see, end to end."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from e2e_harness import BotProcess
from fakes.telegram_api import Call, FakeTelegram, entity, group_chat, user

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[1] / "fixtures" / "screenshots"

BOT_ENV = {"FANZHA_CHECKS_PER_MINUTE": "6", "FANZHA_LOG_LEVEL": "DEBUG"}

SCAM = "您好，我是公安局的，您的账户涉嫌洗钱，请把钱转到安全账户，并告诉我验证码，联系 17012345678"
SCAM_HANT = "您好，我是公安局的，您的帳戶涉嫌洗錢，請把錢轉到安全帳戶，並告訴我驗證碼"
BLAND = "晚上一起吃饭吗？我六点下班"
GROUP = group_chat(-1005550001111, "小区业主群")
# Words that must never reach the log (they are only ever in messages).
SECRET_WORDS = ("安全账户", "六点下班", "帳戶涉嫌", "Dinner at six")


def ask(bot: BotProcess, enqueue: Any, *args: Any, chat_id: int | None = None, **kwargs: Any) -> Call:
    mark = bot.fake.mark()
    update = enqueue(*args, **kwargs)
    chat = chat_id if chat_id is not None else update["message"]["chat"]["id"]
    return bot.fake.wait_for("sendMessage", since=mark, timeout=20, chat_id=chat)


@pytest.mark.parametrize(("kind", "shown"), [
    ("user", "↪️ 转发自用户「王经理」"),
    ("hidden_user", "↪️ 转发自隐藏了身份的用户「王经理」"),
    ("chat", "↪️ 转发自群组「通知频道」"),
    ("channel", "↪️ 转发自频道「通知频道」"),
])
def test_forward_of_every_origin(polling_bot: BotProcess, kind: str, shown: str) -> None:
    reply = ask(polling_bot, polling_bot.fake.forwarded, user(5001), SCAM, kind)
    assert reply.text.startswith("🔴 高风险") and shown in reply.text


def test_forwarded_users_id_is_never_stored(polling_bot: BotProcess) -> None:
    ask(polling_bot, polling_bot.fake.forwarded, user(5002), SCAM, "user",
        origin_user=user(987654321, "骗子", language_code=None))
    assert b"987654321" not in polling_bot.database_bytes()


def test_plain_numbers_and_several_numbers(polling_bot: BotProcess) -> None:
    reply = ask(polling_bot, polling_bot.fake.send_text, user(5003), "+86 138 0013 8000")
    assert "📞 +86 138 0013 8000" in reply.text and "这个号码" in reply.text
    reply = ask(polling_bot, polling_bot.fake.send_text, user(5003), "工行客服 95588，还有人让我打 17012345678")
    assert "📞 95588" in reply.text and "📞 +86 170 1234 5678" in reply.text


def test_shared_contact(polling_bot: BotProcess) -> None:
    reply = ask(polling_bot, polling_bot.fake.contact, user(5004), "+8617012345678")
    assert "📞 +86 170 1234 5678" in reply.text


def test_screenshot_of_a_scam_chat_is_read_and_judged(polling_bot: BotProcess) -> None:
    screenshot = (SCREENSHOTS / "wechat_safe_account_dark.png").read_bytes()
    mark = polling_bot.fake.mark()
    polling_bot.fake.photo(user(5005), image=screenshot)
    reply = polling_bot.fake.wait_for("sendMessage", since=mark, timeout=120, chat_id=user(5005)["id"])
    assert reply.text.startswith("🔴")
    assert "我从图片里读出的文字" in reply.text and "安全账户" in reply.text
    downloads = [c for c in polling_bot.fake.calls[mark:] if c.method == "getFile"]
    assert len(downloads) == 1  # one size chosen and fetched, not every size Telegram offers


def test_photo_caption_is_checked_when_the_picture_cannot_be_fetched(polling_bot: BotProcess) -> None:
    reply = ask(polling_bot, polling_bot.fake.photo, user(5090), SCAM)
    assert reply.text.startswith("🔴") and "只检查了图片的文字说明" in reply.text


def test_traditional_text_gets_a_traditional_reply(polling_bot: BotProcess) -> None:
    reply = ask(polling_bot, polling_bot.fake.send_text, user(5006), SCAM_HANT)
    assert reply.text.startswith("🔴 高風險") and "為什麼" in reply.text


def test_english_user(polling_bot: BotProcess) -> None:
    reply = ask(polling_bot, polling_bot.fake.send_text, user(5007, language_code="en"), "Dinner at six tonight?")
    assert reply.text.startswith("🟢 No clear warning signs") and "cannot prove" in reply.text


def _tap(bot: BotProcess, person: dict[str, Any], bot_message: dict[str, Any], label: str) -> int:
    current = bot.fake.sent_message(bot_message["chat"]["id"], bot_message["message_id"])
    data = next(b["callback_data"] for row in current["reply_markup"]["inline_keyboard"] for b in row
                if b["text"] == label)
    mark = bot.fake.mark()
    bot.fake.click(person, current, data)
    return mark


def test_report_with_and_without_text(polling_bot: BotProcess) -> None:
    fake = polling_bot.fake
    for person, label in ((user(5008), "🚩 举报（附原文）"), (user(5009), "🚩 举报（不附原文）")):
        verdict = ask(polling_bot, fake.send_text, person, SCAM).result
        mark = _tap(polling_bot, person, verdict, "🚩 举报")
        assert "要不要附上原文" in fake.wait_for("answerCallbackQuery", since=mark, timeout=20).params["text"]
        fake.wait_for("editMessageReplyMarkup", since=mark, timeout=20)
        mark = _tap(polling_bot, person, verdict, label)
        assert "已收到你的举报" in fake.wait_for("answerCallbackQuery", since=mark, timeout=20).params["text"]
        fake.wait_for("editMessageReplyMarkup", since=mark, timeout=20)
    rows = polling_bot.rows("SELECT number_key, text FROM reports ORDER BY id")
    assert rows == [("+8617012345678", SCAM), ("+8617012345678", None)]


def test_wrong_verdict_and_details(polling_bot: BotProcess) -> None:
    fake, person = polling_bot.fake, user(5010)
    verdict = ask(polling_bot, fake.send_text, person, SCAM).result
    mark = _tap(polling_bot, person, verdict, "🤔 判断有误")
    fake.wait_for("editMessageReplyMarkup", since=mark, timeout=20)
    mark = _tap(polling_bot, person, verdict, "提交（不附原文）")
    assert "谢谢" in fake.wait_for("answerCallbackQuery", since=mark, timeout=20).params["text"]
    fake.wait_for("editMessageReplyMarkup", since=mark, timeout=20)
    assert polling_bot.rows("SELECT text, verdict LIKE '%high%' FROM feedback") == [(None, 1)]
    mark = _tap(polling_bot, person, verdict, "📋 详情")
    edit = fake.wait_for("editMessageText", since=mark, timeout=20)
    assert re.search(r"「安全账户」（第 \d+–\d+ 字）", edit.text)
    fake.wait_for("answerCallbackQuery", since=mark, timeout=20)


def test_inline_mode(polling_bot: BotProcess) -> None:
    mark = polling_bot.fake.mark()
    polling_bot.fake.inline(user(5011), "13800138000")
    [result] = polling_bot.fake.wait_for("answerInlineQuery", since=mark, timeout=20).params["results"]
    assert result["type"] == "article" and result["title"].startswith("🟢")
    assert "+86 138 0013 8000" in result["input_message_content"]["message_text"]


def test_group_quiet_mode(polling_bot: BotProcess) -> None:
    fake = polling_bot.fake
    mark = fake.mark()
    fake.send_text(user(5012), BLAND, chat=GROUP)
    # Silence is the behaviour: wait a bounded time for a reply that must not come.
    fake.assert_silent("sendMessage", since=mark, within=3.0, chat_id=GROUP["id"])
    reply = ask(polling_bot, fake.send_text, user(5012), SCAM, chat=GROUP)
    assert reply.text.startswith("⚠️ 提醒大家") and "🔴 高风险" in reply.text
    text, entities = fake.mention_text(BLAND)
    reply = ask(polling_bot, fake.send_text, user(5013), text, chat=GROUP, entities=entities)
    assert reply.text.startswith("🟢")


def test_oversized_and_unsupported_messages(polling_bot: BotProcess) -> None:
    fake, person = polling_bot.fake, user(5014)
    assert "太长了" in ask(polling_bot, fake.send_text, person, "您好" * 2600).text
    assert "（表情贴纸）我还看不了" in ask(polling_bot, fake.media, person, "sticker").text
    assert "（语音）我还看不了" in ask(polling_bot, fake.media, person, "voice").text
    assert "（文件）我还看不了" in ask(polling_bot, fake.media, person, "document").text
    assert "图片没能从 Telegram 取下来" in ask(polling_bot, fake.photo, person).text


def test_rate_limit(polling_bot: BotProcess) -> None:
    fake, person = polling_bot.fake, user(5015)
    for _ in range(6):
        assert ask(polling_bot, fake.send_text, person, BLAND).text.startswith("🟢")
    assert ask(polling_bot, fake.send_text, person, BLAND).text.startswith("你检查得太快了，每分钟最多 6 次")


def test_429_on_send_is_retried_and_the_reply_arrives(polling_bot: BotProcess) -> None:
    fake = polling_bot.fake
    fake.fail_next("sendMessage", "429", retry_after=1)
    reply = ask(polling_bot, fake.send_text, user(5016), SCAM)
    assert reply.text.startswith("🔴")
    assert fake.calls_of("sendMessage", chat_id=5016)[0].fault == "429"


def test_5xx_on_send_is_survived(polling_bot: BotProcess) -> None:
    fake = polling_bot.fake
    fake.fail_next("sendMessage", "5xx", status=502)
    reply = ask(polling_bot, fake.send_text, user(5017), SCAM)
    assert reply.text.startswith("🔴")
    assert [c.fault for c in fake.calls_of("sendMessage", chat_id=5017)] == ["5xx", None]


def test_5xx_and_timeout_on_polling_are_survived(polling_bot: BotProcess) -> None:
    fake = polling_bot.fake
    fake.fail_next("getUpdates", "5xx", status=500)
    reply = ask(polling_bot, fake.send_text, user(5018), BLAND)
    assert reply.text.startswith("🟢")


def test_phone_entity_after_emoji(polling_bot: BotProcess) -> None:
    text = "🙏🙏 退款请联系客服 17012345678"
    reply = ask(polling_bot, polling_bot.fake.send_text, user(5019), text,
                entities=[entity(text, "17012345678", "phone_number")])
    assert "📞 +86 170 1234 5678" in reply.text


def test_privacy_no_text_in_database_and_no_numbers_or_text_in_logs(polling_bot: BotProcess) -> None:
    data = polling_bot.database_bytes()
    assert BLAND.encode() not in data and SCAM_HANT.encode() not in data  # never reported
    rc = polling_bot.stop()
    assert rc == 0
    log = polling_bot.log()
    assert "fanzha bot ready" in log
    for number in ("17012345678", "13800138000", "8613800138000", "0013 8000", "95588"):
        assert number not in log
    assert not re.search(r"\d{7,}", log)
    for words in SECRET_WORDS:
        assert words not in log
    assert FakeTelegram().token.split(":")[1] not in log  # httpx's URL logging (with the token) is off
