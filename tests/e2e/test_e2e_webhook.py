"""``fanzha run --webhook``: updates POSTed with the secret header are answered, others refused; and
``fanzha run`` without a token stops at once with exit code 2."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_harness import BotProcess, bot_env, free_port, wait_listening, webhook_process
from fakes.telegram_api import FakeTelegram, user

pytestmark = pytest.mark.e2e

SECRET_TOKEN = "s3cret-Token_for-e2e"
SCAM = "【顺丰快递】您的快递丢失，理赔请添加客服微信并提供银行卡号和验证码，联系 17012345678"


@pytest.fixture(scope="module")
def webhook_bot(fake: FakeTelegram, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BotProcess, str]]:
    with webhook_process(fake, tmp_path_factory.mktemp("webhook"), SECRET_TOKEN) as (bot, base):
        yield bot, f"{base}/telegram/hook"



def test_webhook_is_registered_with_the_secret(webhook_bot: tuple[BotProcess, str]) -> None:
    bot, url = webhook_bot
    registered = bot.fake.wait_for("setWebhook", timeout=5)
    assert registered.params["url"] == url
    assert registered.params["secret_token"] == SECRET_TOKEN


def test_update_with_the_secret_header_is_answered(webhook_bot: tuple[BotProcess, str]) -> None:
    bot, url = webhook_bot
    person = user(6001)
    update = bot.fake.make_update({"message": bot.fake.message(person, SCAM)})
    mark = bot.fake.mark()
    assert FakeTelegram.post_webhook(url, update, SECRET_TOKEN) == 200
    reply = bot.fake.wait_for("sendMessage", since=mark, timeout=20, chat_id=person["id"])
    assert reply.text.startswith("🔴 高风险")


@pytest.mark.parametrize("secret", ["wrong-secret", None])
def test_update_with_a_wrong_or_missing_secret_is_refused(webhook_bot: tuple[BotProcess, str],
                                                          secret: str | None) -> None:
    bot, url = webhook_bot
    person = user(6002)
    update = bot.fake.make_update({"message": bot.fake.message(person, SCAM)})
    mark = bot.fake.mark()
    assert FakeTelegram.post_webhook(url, update, secret) == 403
    bot.fake.assert_silent("sendMessage", since=mark, within=2.0, chat_id=person["id"])


def test_without_a_secret_development_mode_generates_one(fake: FakeTelegram, tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    mark = fake.mark()
    bot = BotProcess(fake, tmp_path, ("--webhook", "--port", str(port), "--url", url), FANZHA_DEV="1")
    try:
        bot.wait_ready("setWebhook")
        generated = fake.calls_of("setWebhook", since=mark)[-1].params["secret_token"]
        assert len(generated) >= 32
        wait_listening(port)
        person = user(6003)
        update = fake.make_update({"message": fake.message(person, "13800138000")})
        mark = fake.mark()
        assert FakeTelegram.post_webhook(url, update, generated) == 200
        assert "📞 +86 138 0013 8000" in fake.wait_for("sendMessage", since=mark, timeout=20,
                                                        chat_id=person["id"]).text
        assert generated not in bot.log()
    finally:
        rc = bot.stop()
        assert rc == 0, bot.log()


def test_without_token_it_stops_at_once_with_exit_2_saying_what_to_set(tmp_path: Path) -> None:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path, env=bot_env(None, tmp_path),
                          capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - started
    assert done.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in done.stderr and "@BotFather" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "fanzha.db").exists()  # nothing was opened or created
    assert elapsed < 10, elapsed
