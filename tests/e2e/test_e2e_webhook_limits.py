"""``fanzha run --webhook`` refuses an oversized request from its headers, before reading the body, and goes
on answering normal updates (the real bot process, real HTTP, the fake Bot API)."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from e2e_harness import BotProcess, webhook_process
from fakes.telegram_api import FakeTelegram, user

pytestmark = pytest.mark.e2e

SECRET_TOKEN = "limits-Secret_token"
BIG = 5 * 1024 * 1024


@pytest.fixture(scope="module")
def webhook_bot(fake: FakeTelegram, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BotProcess, str]]:
    with webhook_process(fake, tmp_path_factory.mktemp("webhook-limits"), SECRET_TOKEN) as (bot, base):
        yield bot, f"{base}/telegram/hook"


def _headers(url: str, length: int) -> bytes:
    parsed = urlparse(url)
    return (f"POST {parsed.path} HTTP/1.1\r\nHost: {parsed.netloc}\r\nContent-Type: application/json\r\n"
            f"X-Telegram-Bot-Api-Secret-Token: {SECRET_TOKEN}\r\nContent-Length: {length}\r\n\r\n").encode()


def test_a_request_announcing_5_mb_is_refused_before_its_body_is_sent(webhook_bot: tuple[BotProcess, str]) -> None:
    _bot, url = webhook_bot
    parsed = urlparse(url)
    with socket.create_connection((parsed.hostname, parsed.port), timeout=5) as sock:
        sock.sendall(_headers(url, BIG))  # the headers only: a server that waits for the body never answers
        try:
            answer = sock.recv(1024)
        except TimeoutError:
            pytest.fail("the webhook server waited for a 5 MB body instead of refusing it")
    assert answer == b"" or answer.split(b"\r\n", 1)[0].split()[1] in (b"400", b"413")


def test_a_5_mb_update_with_the_right_secret_is_refused_and_the_bot_goes_on(
        webhook_bot: tuple[BotProcess, str]) -> None:
    bot, url = webhook_bot
    padded, normal = user(6101), user(6102)
    update = bot.fake.make_update({"message": bot.fake.message(padded, "13800138000")})
    body = json.dumps({**update, "padding": "x" * BIG}).encode()
    mark = bot.fake.mark()
    parsed = urlparse(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    try:
        connection.request("POST", parsed.path, body=body, headers={
            "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET_TOKEN})
        status = connection.getresponse().status
    except (ConnectionError, http.client.RemoteDisconnected):
        status = None  # closed while we were still sending: refused too
    finally:
        connection.close()
    assert status in (None, 400, 413)

    update = bot.fake.make_update({"message": bot.fake.message(normal, "13800138000")})
    assert FakeTelegram.post_webhook(url, update, SECRET_TOKEN) == 200
    reply = bot.fake.wait_for("sendMessage", since=mark, timeout=20, chat_id=normal["id"])
    assert "📞 +86 138 0013 8000" in (reply.text or "")
    assert not bot.fake.calls_of("sendMessage", since=mark, chat_id=padded["id"])
