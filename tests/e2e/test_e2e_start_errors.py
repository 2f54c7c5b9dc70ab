"""A ``fanzha run`` that cannot start says what is wrong in ONE line on stderr and exits with 1; the full
traceback only with ``--debug``. The real command in a subprocess, against the fake Bot API."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from e2e_harness import bot_env, free_port
from fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

EXIT_START = 1


def _run(fake: FakeTelegram, workdir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", "run", *args], cwd=workdir,
                          env=bot_env(fake, workdir, **env), capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("env", "says"), [
    ({"FANZHA_RATE_LIMIT_STORAGE": "redis://127.0.0.1:{port}/0"},
     "rate limit storage redis://127.0.0.1:{port}/0 is not reachable (FANZHA_RATE_LIMIT_STORAGE)"),
    ({"FANZHA_DATABASE_URL": "postgres//fanzha:hunter2@db.internal/fanzha"},
     "not a database URL SQLAlchemy can use"),
    ({"FANZHA_DATABASE_URL": "postgresql+psycopg://fanzha:hunter2@127.0.0.1:{port}/fanzha"},
     "cannot open the database postgresql+psycopg://fanzha:***@127.0.0.1:{port}/fanzha"),
    ({"TELEGRAM_BOT_TOKEN": "123456:not-the-bots-token"},
     "Telegram refused the bot token (TELEGRAM_BOT_TOKEN)"),
], ids=["unreachable-redis", "bad-database-url", "unreachable-database", "wrong-token"])
def test_a_failed_start_is_one_line_that_says_what_is_wrong(fake: FakeTelegram, tmp_path: Path,
                                                           env: dict[str, str], says: str) -> None:
    port = str(free_port())  # nothing listens there
    done = _run(fake, tmp_path, **{name: value.format(port=port) for name, value in env.items()})
    assert done.returncode == EXIT_START, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("fanzha run: "), done.stderr
    assert says.format(port=port) in done.stderr
    assert "hunter2" not in done.stderr and "not-the-bots-token" not in done.stderr
    assert done.stdout == ""


def test_with_debug_the_traceback_is_shown(fake: FakeTelegram, tmp_path: Path) -> None:
    done = _run(fake, tmp_path, "--debug", FANZHA_RATE_LIMIT_STORAGE=f"redis://127.0.0.1:{free_port()}/0")
    assert done.returncode == EXIT_START
    assert "Traceback (most recent call last)" in done.stderr and "StorageUnavailable" in done.stderr
