"""A failed database write never puts what the user wrote (a report's text, an appeal's reason) into the log.

On the real PostgreSQL, where such failures quote values: SQLAlchemy puts the statement's parameters into its
exception, and PostgreSQL's own DETAIL line quotes the failing row.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, StatementError

from bot.store import Store
from bot.telegram.logs import configure_logging

pytestmark = pytest.mark.postgres

SECRET = "王先生让我转账到安全账户 暗号 ZX-SECRET"  # no long digit run: the number masking cannot hide it
REPORTER = "r" * 64


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[Store]:
    opened = Store.open(pg_url, allowlist_seed=None)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def bot_log() -> Iterator[io.StringIO]:
    """What ``fanzha run`` writes to stderr (its logging set-up), restored afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    libraries = {name: logging.getLogger(name).level for name in ("httpx", "httpcore", "telegram", "apscheduler")}
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)
    try:
        yield stream
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
        for name, value in libraries.items():
            logging.getLogger(name).setLevel(value)


def _log_failure(exc: BaseException) -> None:
    """As the bot's error handler logs a failed update (``bot.telegram.app.on_error``)."""
    logging.getLogger("bot.telegram.app").error("update %s failed: %s", 1, type(exc).__name__, exc_info=exc)


def test_a_report_text_with_a_nul_byte_fails_to_save_and_stays_out_of_the_log(
        pg_store: Store, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR), pytest.raises(StatementError) as failure:
        try:
            pg_store.add_report(REPORTER, text=f"{SECRET}\x00", number_key="+8613800138000")
        except StatementError as exc:
            _log_failure(exc)
            raise
    assert "NUL" in str(failure.value)  # the reason is still there for whoever reads the log
    assert caplog.records and SECRET not in caplog.text
    assert all(SECRET not in record.getMessage() for record in caplog.records)
    assert pg_store.reports_for("+8613800138000") == []


def test_the_bot_log_drops_the_failing_row_postgresql_quotes(pg_store: Store, bot_log: io.StringIO) -> None:
    # A write the reports table's CHECK refuses: PostgreSQL's DETAIL line quotes the whole row, text included.
    with pytest.raises(DBAPIError) as failure, pg_store.engine.begin() as connection:
        connection.execute(text("INSERT INTO reports (reporter_hash, text, verdict, status, created_at) "
                                "VALUES (:who, :text, '{}', 'bogus', now())"), {"who": REPORTER, "text": SECRET})
    assert SECRET in str(failure.value)  # what the filter has to catch
    _log_failure(failure.value)
    written = bot_log.getvalue()
    assert "CheckViolation" in written and "ck_reports_status" in written
    assert SECRET not in written
