"""A dependency that hangs holds up only the update that waits on it, never the whole bot.

The frozen Redis below is a fake of a failure mode the real server cannot be put in on demand: it accepts
connections, answers the handshake and PING (so the bot starts, as it would against a Redis that froze
later), then never answers a command. The bot is the real Application over the fake Bot API.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import time
from pathlib import Path

import pytest
from fakes.telegram_api import FakeTelegram, user
from tg_harness import running_bot

from bot.telegram import ratelimit

HOLD_SECONDS = 10.0
"""How long the frozen Redis keeps a command unanswered before it drops the connection (so that code which
waits on it with no timeout fails this test instead of hanging it)."""
START = [{"type": "bot_command", "offset": 0, "length": 6}]


def _commands(buffer: bytes) -> tuple[list[list[bytes]], bytes]:
    """Complete RESP commands (arrays of bulk strings) at the front of ``buffer``, and the rest."""
    commands = []
    while buffer.startswith(b"*"):
        head, sep, rest = buffer.partition(b"\r\n")
        if not sep:
            break
        parts: list[bytes] = []
        for _ in range(int(head[1:])):
            size_line, sep, rest = rest.partition(b"\r\n")
            if not sep or len(rest) < int(size_line[1:]) + 2:
                return commands, buffer
            size = int(size_line[1:])
            parts.append(rest[:size])
            rest = rest[size + 2:]
        commands.append(parts)
        buffer = rest
    return commands, buffer


class FrozenRedis:
    """A Redis that answers PING and CLIENT, and holds every other command (``stuck``) unanswered.

    ``gave_up`` is set when the client closes a connection whose command is still held (its timeout);
    ``dropped`` when the server closes it after ``HOLD_SECONDS``. ``held`` counts the commands held.
    """

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.uri = f"redis://127.0.0.1:{self.server.getsockname()[1]}/0"
        self.stuck, self.gave_up, self.dropped = threading.Event(), threading.Event(), threading.Event()
        self.held = 0

    def __enter__(self) -> FrozenRedis:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.close()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                connection, _ = self.server.accept()
                threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        buffer = b""
        with connection, contextlib.suppress(OSError):
            while data := connection.recv(65536):
                commands, buffer = _commands(buffer + data)
                for command in commands:
                    name = command[0].upper()
                    if name in (b"PING", b"CLIENT"):
                        connection.sendall(b"+PONG\r\n" if name == b"PING" else b"+OK\r\n")
                        continue
                    self.held += 1
                    self.stuck.set()
                    connection.settimeout(HOLD_SECONDS)
                    try:
                        while connection.recv(65536):
                            pass
                        self.gave_up.set()
                    except TimeoutError:
                        self.dropped.set()
                    return


@pytest.mark.timeout(90)
async def test_a_frozen_redis_delays_no_other_user_and_the_check_goes_through(
        fake: FakeTelegram, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    # Slack for a busy test machine: the other user must be answered while the check still waits.
    monkeypatch.setattr(ratelimit, "STORAGE_TIMEOUT_SECONDS", 3.0, raising=False)
    asker, other = user(7101), user(7102)
    with FrozenRedis() as redis_server, caplog.at_level(logging.WARNING, logger="bot.telegram.ratelimit"):
        async with running_bot(fake, tmp_path, rate_limit_storage=redis_server.uri) as bot:
            mark = fake.mark()
            checking = asyncio.create_task(bot.send({"message": fake.message(asker, "请拨打 13800138000")}))
            assert await asyncio.to_thread(redis_server.stuck.wait, 15), "the check never reached Redis"

            await asyncio.wait_for(bot.send({"message": fake.message(other, "/start", entities=START)}), 30)
            welcome = fake.wait_for("sendMessage", since=mark, chat_id=other["id"], timeout=5)
            assert not (redis_server.gave_up.is_set() or redis_server.dropped.is_set()), (
                "another user's /start was answered only after the frozen Redis let go of the check")
            assert "反诈" in (welcome.text or "")

            # The check itself is let through once its Redis call times out: the user gets a verdict.
            await asyncio.wait_for(checking, 30)
            verdict = fake.wait_for("sendMessage", since=mark, chat_id=asker["id"], timeout=5)
            assert redis_server.gave_up.is_set() and not redis_server.dropped.is_set()
            assert "138 0013 8000" in (verdict.text or "")

            # Right after, Redis is left alone for a while: the next check is answered without waiting.
            mark = fake.mark()
            started = time.monotonic()
            await asyncio.wait_for(bot.send({"message": fake.message(asker, "请拨打 13800138000")}), 30)
            fake.wait_for("sendMessage", since=mark, chat_id=asker["id"], timeout=5)
            assert redis_server.held == 1 and time.monotonic() - started < 2.0
    assert [r.getMessage() for r in caplog.records if r.name == "bot.telegram.ratelimit"] == [
        "rate limit storage unavailable (TimeoutError); letting checks through"]
