"""The fake Bot API itself, driven by a real PTB ``Bot``: what the other tests rely on."""

from __future__ import annotations

import asyncio
import json
import urllib.request

import pytest
from fakes.telegram_api import FakeTelegram, user
from telegram import Bot
from telegram.error import BadRequest, InvalidToken, RetryAfter
from telegram.request import HTTPXRequest

from bot.telegram.logs import RedactingFilter, redact


@pytest.fixture
async def ptb(fake: FakeTelegram):
    bot = Bot(fake.token, base_url=fake.api_url, base_file_url=fake.api_url.replace("/bot", "/file/bot"),
              request=HTTPXRequest(read_timeout=2))
    async with bot:
        yield bot


async def test_get_updates_honours_offset_and_long_poll_timeout(fake: FakeTelegram, ptb: Bot) -> None:
    first = fake.send_text(user(1), "a")
    second = fake.send_text(user(1), "b")
    updates = await ptb.get_updates(offset=first["update_id"], timeout=0)
    assert [u.update_id for u in updates][:2] == [first["update_id"], second["update_id"]]
    # Confirming with offset drops everything below it, as Telegram does.
    updates = await ptb.get_updates(offset=second["update_id"] + 1, timeout=0)
    assert updates == ()
    assert fake.pending_updates() == []
    started = asyncio.get_running_loop().time()
    assert await ptb.get_updates(offset=second["update_id"] + 1, timeout=1) == ()
    assert asyncio.get_running_loop().time() - started >= 0.9


async def test_injected_429_5xx_and_bad_token(fake: FakeTelegram, ptb: Bot) -> None:
    fake.fail_next("sendMessage", "429", retry_after=3)
    with pytest.raises(RetryAfter):
        await ptb.send_message(1, "x")
    fake.fail_next("sendMessage", "5xx", status=503)
    with pytest.raises(Exception, match="Internal Server Error"):
        await ptb.send_message(1, "x")
    assert (await ptb.send_message(1, "ok")).text == "ok"
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await ptb.send_message(1, " ")
    wrong = Bot("1:wrong", base_url=fake.api_url)
    with pytest.raises(InvalidToken):
        await wrong.get_me()


async def test_send_document_multipart_then_get_file_and_download(fake: FakeTelegram, ptb: Bot) -> None:
    sent = await ptb.send_document(77, b"number,category\n+8617012345678,phishing\n", filename="list.csv",
                                   caption="导出")
    call = fake.calls_of("sendDocument")[-1]
    assert call.files["document"].startswith(b"number,category")
    assert sent.document.file_name == "list.csv" and sent.caption == "导出"
    file = await ptb.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == call.files["document"]


async def test_json_bodies_are_accepted_too(fake: FakeTelegram) -> None:
    body = json.dumps({"chat_id": 5, "text": "json body"}).encode()
    request = urllib.request.Request(f"{fake.api_url}{fake.token}/sendMessage", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.load(response)["result"]["text"] == "json body"


def test_log_redaction_masks_numbers_ids_and_token_digits() -> None:
    line = "user 123456789 sent +86 138-0013-8000 via 123456789:AAF; 3 retries on port 8443"
    assert redact(line) == "user 12**** sent 86**** via 12****:AAF; 3 retries on port 8443"
    import logging

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "call %s", ("13800138000",), None)
    RedactingFilter().filter(record)
    assert record.getMessage() == "call 13****"


async def test_listeners_see_every_recorded_call_including_faults(fake: FakeTelegram, ptb: Bot) -> None:
    """The benchmark's simulated users learn of their replies from a listener, not by waking on each call."""
    seen: list[tuple[str, object, str | None]] = []
    fake.add_listener(lambda call: seen.append((call.method, call.params.get("chat_id"), call.fault)))
    fake.fail_next("sendMessage", "5xx", status=503)
    with pytest.raises(Exception, match="Internal Server Error"):
        await ptb.send_message(5, "first")
    await ptb.send_message(5, "second")
    await ptb.get_me()
    assert [(m, c) for m, c, _ in seen] == [("sendMessage", 5), ("sendMessage", 5), ("getMe", None)]
    assert seen[0][2] is not None and seen[1][2] is None
