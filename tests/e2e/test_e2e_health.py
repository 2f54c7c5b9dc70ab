"""``/healthz``, ``/readyz`` and ``/metrics`` over real HTTP from the real ``fanzha run``: beside the webhook on
its port, and in polling mode on ``--health-port``. Readiness turns 503 (saying what failed) when the
database goes away under the running bot, on SQLite and on PostgreSQL; the counters move with real updates."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_harness import BotProcess, free_port, wait_listening, webhook_process
from fakes.telegram_api import FakeTelegram, user
from pgdb import PG_ADMIN_DSN, new_pg_database
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.e2e

SECRET_TOKEN = "health-Secret_token"
SCAM = "【顺丰快递】您的快递丢失，理赔请添加客服微信并提供银行卡号和验证码，联系 17012345678"


def get(url: str) -> tuple[int, bytes, str]:
    """Status, body and content type of a GET (4xx/5xx included)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers.get("Content-Type", "")


def ready(base: str) -> tuple[int, dict[str, Any]]:
    status, body, _ = get(f"{base}/readyz")
    return status, json.loads(body)


def sample(base: str, name: str, **labels: str) -> float:
    """One sample's value from ``/metrics`` (0 when it is not there)."""
    status, body, _ = get(f"{base}/metrics")
    assert status == 200
    for family in text_string_to_metric_families(body.decode()):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0


@pytest.fixture(scope="module")
def webhook_bot(fake: FakeTelegram, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BotProcess, str, str]]:
    with webhook_process(fake, tmp_path_factory.mktemp("health"), SECRET_TOKEN) as (bot, base):
        yield bot, base, f"{base}/telegram/hook"


def test_webhook_port_answers_healthz_and_readyz(webhook_bot: tuple[BotProcess, str, str]) -> None:
    _, base, _ = webhook_bot
    status, body, content_type = get(f"{base}/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    assert content_type.startswith("application/json")
    status, report = ready(base)
    assert status == 200, report
    assert report["checks"] == {"database": "ok", "migrations": "ok", "model": "off", "redis": "not configured"}


def test_other_paths_are_still_the_webhooks(webhook_bot: tuple[BotProcess, str, str]) -> None:
    bot, base, hook = webhook_bot
    assert get(f"{base}/nothing-here")[0] == 404
    update = bot.fake.make_update({"message": bot.fake.message(user(7100), SCAM)})
    assert FakeTelegram.post_webhook(hook, update, "wrong-secret") == 403


def test_metrics_counters_move_with_real_updates(webhook_bot: tuple[BotProcess, str, str]) -> None:
    bot, base, hook = webhook_bot
    status, body, content_type = get(f"{base}/metrics")
    assert status == 200 and content_type.startswith("text/plain")
    for name in ("fanzha_updates_total", "fanzha_checks_total", "fanzha_check_stage_seconds_bucket",
                 "fanzha_model_batch_size_bucket", "fanzha_model_queue_depth", "fanzha_rate_limit_refusals_total",
                 "fanzha_reports_filed_total", "fanzha_appeals_filed_total", "fanzha_db_pool_connections"):
        assert name in body.decode(), name
    messages = sample(base, "fanzha_updates_total", kind="message")
    high = sample(base, "fanzha_checks_total", level="high")
    rules = sample(base, "fanzha_check_stage_seconds_count", stage="rules")

    person = user(7101)
    mark = bot.fake.mark()
    assert FakeTelegram.post_webhook(hook, bot.fake.make_update({"message": bot.fake.message(person, SCAM)}),
                                     SECRET_TOKEN) == 200
    reply = bot.fake.wait_for("sendMessage", since=mark, timeout=20, chat_id=person["id"])
    assert reply.text.startswith("🔴 高风险")

    assert sample(base, "fanzha_updates_total", kind="message") == messages + 1
    assert sample(base, "fanzha_checks_total", level="high") == high + 1
    assert sample(base, "fanzha_check_stage_seconds_count", stage="rules") == rules + 1


def test_readyz_is_503_saying_the_database_while_the_sqlite_file_is_gone(
        webhook_bot: tuple[BotProcess, str, str]) -> None:
    bot, base, _ = webhook_bot
    moved = bot.db_path.with_name("elsewhere.db")
    bot.db_path.rename(moved)
    try:
        status, report = ready(base)
        assert status == 503, report
        assert report["status"] == "not ready"
        assert report["checks"]["database"].startswith("unreachable")
        assert "database" in report["failed"]
        assert get(f"{base}/healthz")[0] == 200  # alive all the same: no restart for a database outage
    finally:
        moved.rename(bot.db_path)
    assert ready(base)[0] == 200


@pytest.mark.postgres
def test_polling_health_port_and_a_postgresql_database_dropped_under_the_bot(fake: FakeTelegram,
                                                                            tmp_path: Path) -> None:
    import psycopg

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with new_pg_database() as url:
        bot = BotProcess(fake, tmp_path, ("--health-port", str(port)), FANZHA_DATABASE_URL=url)
        try:
            bot.wait_ready()
            wait_listening(port)
            assert get(f"{base}/healthz")[0] == 200
            status, report = ready(base)
            assert status == 200, report
            person = user(7200)
            before = sample(base, "fanzha_updates_total", kind="message")
            mark = bot.fake.mark()
            bot.fake.send_text(person, "13800138000")
            bot.fake.wait_for("sendMessage", since=mark, timeout=20, chat_id=person["id"])
            assert sample(base, "fanzha_updates_total", kind="message") == before + 1

            name = url.rsplit("/", 1)[1]
            with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5) as admin:
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            status, report = ready(base)
            assert status == 503, report
            assert report["checks"]["database"].startswith("unreachable")
            assert get(f"{base}/healthz")[0] == 200
        finally:
            bot.stop()

