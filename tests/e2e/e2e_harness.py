"""The real ``fanzha run`` in a subprocess, pointed at the fake Bot API server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fakes.telegram_api import FakeTelegram

REPO_ROOT = Path(__file__).resolve().parents[2]
SECRET = "e2e-test-secret-of-at-least-32-bytes"
"""FANZHA_SECRET of every bot process here: ``fanzha run`` refuses one shorter than 32 bytes."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_listening(port: int, timeout: float = 30.0) -> None:
    """Until something accepts connections on 127.0.0.1:``port`` (a webhook-mode bot's server)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port}")


def bot_env(fake: FakeTelegram | None, workdir: Path, **extra: str) -> dict[str, str]:
    """A clean environment: nothing from the caller's TELEGRAM_*/FANZHA_* settings leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "FANZHA_"))}
    env.update({
        "FANZHA_DATABASE_URL": f"sqlite:///{workdir / 'fanzha.db'}",
        "FANZHA_SECRET": SECRET,
        "FANZHA_USE_MODEL": "0",
        "PYTHONUNBUFFERED": "1",
    })
    if fake is not None:
        env["TELEGRAM_BOT_TOKEN"] = fake.token
        env["FANZHA_TELEGRAM_API_URL"] = fake.api_url
    env.update(extra)
    return env


class BotProcess:
    """``python -m bot.cli run …`` started in ``workdir`` (not the repository: any directory works)."""

    def __init__(self, fake: FakeTelegram, workdir: Path, args: tuple[str, ...] = (), **env: str) -> None:
        self.fake = fake
        self.workdir = workdir
        self.log_path = workdir / "bot.log"
        self.db_path = workdir / "fanzha.db"
        self.database_url = env.get("FANZHA_DATABASE_URL", f"sqlite:///{self.db_path}")
        workdir.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        self.mark = fake.mark()  # calls from here on are this process's
        self.proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "run", *args], cwd=workdir,
                                     env=bot_env(fake, workdir, **env), stdout=self._log, stderr=subprocess.STDOUT)

    def wait_ready(self, method: str = "getUpdates", timeout: float = 120.0) -> None:
        """Until the bot polls (or, in webhook mode, registers its webhook)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"bot exited with {self.proc.returncode}:\n{self.log()}")
            try:
                self.fake.wait_for(method, since=self.mark, timeout=0.5)
                return
            except TimeoutError:
                continue
        raise TimeoutError(f"bot not ready after {timeout}s:\n{self.log()}")

    def stop(self, timeout: float = 30.0) -> int:
        """SIGINT (what Ctrl-C sends): PTB shuts down cleanly and runs post_shutdown."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            self.fake.release_long_polls()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()
        return self.proc.returncode

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def database_bytes(self) -> bytes:
        return b"".join(p.read_bytes() for p in self.workdir.glob("fanzha.db*"))

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        import sqlite3

        with sqlite3.connect(self.db_path, timeout=30) as db:
            return db.execute(sql, params).fetchall()


@contextmanager
def webhook_process(fake: FakeTelegram, workdir: Path, secret_token: str) -> Iterator[tuple[BotProcess, str]]:
    """``fanzha run --webhook`` on a free loopback port, registered and listening; yields (process, base URL).
    The webhook path is ``/telegram/hook`` under the base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    bot = BotProcess(fake, workdir, ("--webhook", "--listen", "127.0.0.1", "--port", str(port),
                                     "--url", f"{base}/telegram/hook", "--secret-token", secret_token))
    try:
        bot.wait_ready("setWebhook")
        wait_listening(port)
        yield bot, base
    finally:
        bot.stop()
