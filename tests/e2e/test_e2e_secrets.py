"""``fanzha run`` has no public default secret: without FANZHA_SECRET (32 bytes or more) it exits 1 with one
line saying how to make one, webhook mode needs its own secret too, and development mode (FANZHA_DEV=1)
generates FANZHA_SECRET once into a 0600 file and reuses it. The real command in a subprocess."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from e2e_harness import BotProcess, bot_env
from fakes.telegram_api import FakeTelegram, user

from bot.store import keyed_hash

pytestmark = pytest.mark.e2e

HOW_TO_MAKE_ONE = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"


def _run(workdir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = bot_env(None, workdir, TELEGRAM_BOT_TOKEN="123456:any-token", **env)
    environment.pop("FANZHA_SECRET")
    if "FANZHA_SECRET" in env:
        environment["FANZHA_SECRET"] = env["FANZHA_SECRET"]
    return subprocess.run([sys.executable, "-m", "bot.cli", "run", *args], cwd=workdir, env=environment,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("secret", [None, "", "short-but-not-empty"], ids=["unset", "empty", "31-bytes-or-less"])
def test_without_a_strong_secret_it_refuses_in_one_line(tmp_path: Path, secret: str | None) -> None:
    done = _run(tmp_path, **({} if secret is None else {"FANZHA_SECRET": secret}))
    assert done.returncode == 1, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("fanzha run: FANZHA_SECRET"), done.stderr
    assert HOW_TO_MAKE_ONE in done.stderr
    assert not (tmp_path / "fanzha.db").exists()  # refused before anything was opened


def test_webhook_mode_needs_a_webhook_secret(tmp_path: Path) -> None:
    done = _run(tmp_path, "--webhook", "--url", "https://bot.example/hook", FANZHA_SECRET="x" * 32)
    assert done.returncode == 1, done.stderr
    assert done.stderr.count("\n") == 1 and "FANZHA_WEBHOOK_SECRET" in done.stderr, done.stderr
    assert HOW_TO_MAKE_ONE in done.stderr


def test_development_mode_generates_a_private_secret_and_keeps_it(fake: FakeTelegram, tmp_path: Path) -> None:
    """Two starts in development mode without FANZHA_SECRET: one generated secret, 0600, used by both (a
    user's stored checks are keyed by the same hash across the restart)."""
    secret_file = tmp_path / "var" / "dev-secret"
    database = tmp_path / "fanzha.db"
    secrets = []
    for start in range(2):
        bot = BotProcess(fake, tmp_path / f"start{start}", FANZHA_DEV="1", FANZHA_DEV_SECRET_FILE=str(secret_file),
                         FANZHA_SECRET="", FANZHA_DATABASE_URL=f"sqlite:///{database}")
        try:
            bot.wait_ready()
            person = user(7300)
            mark = fake.mark()
            fake.send_text(person, "13800138000")
            fake.wait_for("sendMessage", since=mark, timeout=20, chat_id=person["id"])
        finally:
            assert bot.stop() == 0, bot.log()
        assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
        secrets.append(secret_file.read_text().strip())
    assert secrets[0] == secrets[1] and len(secrets[0].encode()) >= 32
    with sqlite3.connect(database) as db:
        owners = [row[0] for row in db.execute("SELECT user_hash FROM stored_checks")]
    assert owners == [keyed_hash(7300, secrets[0])] * 2
