"""What the adapter passes to the checker, read from PTB objects (UTF-16 entity offsets included)."""

from __future__ import annotations

from fakes.telegram_api import FakeTelegram, entity, user
from telegram import Bot, Message

from bot.telegram.buttons import consent_keyboard, language_keyboard, parse_callback, verdict_keyboard
from bot.telegram.extract import is_bare_number, what_to_check
from bot.telegram.ratelimit import CheckRateLimiter

BOT = Bot("123:abc")


def _message(**fields) -> Message:
    body = {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "from": user(1), **fields}
    return Message.de_json(body, BOT)


def test_entities_after_emoji_are_read_at_their_utf16_offsets() -> None:
    text = "😀😀 客服 17012345678 详见 http://a.example/x"
    msg = _message(text=text, entities=[entity(text, "17012345678", "phone_number"),
                                        entity(text, "http://a.example/x", "url")])
    checkable = what_to_check(msg)
    assert checkable.kind == "text"
    assert checkable.hints.phone_entities == ("17012345678",)
    assert checkable.hints.url_entities == ("http://a.example/x",)


def test_forward_origin_gives_kind_and_name_never_the_id() -> None:
    for kind, title in (("channel", "通知频道"), ("chat", "通知频道"), ("hidden_user", "王经理"), ("user", "王经理")):
        msg = _message(text="你好", forward_origin=FakeTelegram.forward_origin(kind))
        hints = what_to_check(msg).hints
        assert (hints.forward_origin, hints.forward_title) == (kind, title)
        assert "555000111" not in repr(hints)


def test_caption_contact_and_media() -> None:
    photo = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
    assert what_to_check(_message(photo=photo, caption="加微信领补贴")).from_caption
    assert what_to_check(_message(photo=photo)).media == "photo"
    contact = what_to_check(_message(contact={"phone_number": "+8613800138000", "first_name": "a"}))
    assert (contact.kind, contact.text) == ("number", "+8613800138000")
    assert what_to_check(_message(text="@fanzha_test_bot"), bot_username="fanzha_test_bot").kind == "empty"


def test_bare_number_detection() -> None:
    assert is_bare_number(" 138-0013-8000 ") == "138-0013-8000"
    assert is_bare_number("+86 (170) 1234 5678。") is not None
    assert is_bare_number("请拨打 13800138000") is None
    assert is_bare_number("13800138000 95588") is None


def test_keyboards_fit_callback_limit_and_parse_back() -> None:
    check_id = "x" * 16
    for markup in (verdict_keyboard(check_id, "zh-Hant"), consent_keyboard("report", check_id, "en"),
                   consent_keyboard("feedback", check_id, "zh-Hans"), language_keyboard()):
        for row in markup.inline_keyboard:
            for button in (b for b in row if b.switch_inline_query is None):  # share opens inline mode
                assert len(button.callback_data.encode()) <= 64
                assert parse_callback(button.callback_data) is not None
    assert parse_callback("v:rp:") is None and parse_callback("lang:fr") is None and parse_callback(None) is None


async def test_rate_limiter_counts_per_user_and_notifies_once() -> None:
    limiter = CheckRateLimiter(2)
    assert [await limiter.allow(1) for _ in range(3)] == [True, True, False]
    assert await limiter.allow(2)
    assert await limiter.should_notify(1) and not await limiter.should_notify(1)
