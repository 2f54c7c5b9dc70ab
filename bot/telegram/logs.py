"""Logging for the bot process: phone numbers (and any long digit run) masked, no message text.

Handlers never log message text; this module makes sure the libraries don't either: httpx logs every
request URL (which contains the bot token) at INFO, and PTB logs whole updates at DEBUG, so both are held
at WARNING/INFO whatever level is configured. The filter masks digit runs as a last line of defence, and
drops the parts of a database error that quote the values written (a report's text, an appeal's reason):
the store's engines already leave the parameters out (``hide_parameters``), but PostgreSQL's own DETAIL and
CONTEXT lines ("Failing row contains (…)") would still carry them.
"""

from __future__ import annotations

import logging
import re
from logging.handlers import MemoryHandler

# Seven or more digits, possibly with the separators people put inside numbers: phone numbers, user
# ids, the numeric half of a bot token. Short numbers (counts, ports, status codes) stay readable.
_DIGIT_RUN = re.compile(r"\+?\d(?:[\d\-. ()]*\d){6,}")


# Lines of a database error that quote written values: SQLAlchemy's "[parameters: …]" and PostgreSQL's
# "DETAIL: Failing row contains (…)" / "Key (…)=(…)" and "CONTEXT: COPY …, column text: …".
_DATABASE_VALUES = re.compile(r"^(?:\[parameters: .*|(DETAIL|CONTEXT): .*)$", re.MULTILINE)


def _hide_values(match: re.Match[str]) -> str:
    return f"{match.group(1)}: (hidden)" if match.group(1) else "[parameters hidden]"


def redact(text: str) -> str:
    """``text`` with every run of seven or more digits replaced by its first two digits and ``*``, and
    database error lines that quote written values replaced by a placeholder."""
    text = _DATABASE_VALUES.sub(_hide_values, text)
    return _DIGIT_RUN.sub(lambda m: m.group(0).lstrip("+")[:2] + "****", text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and traceback text) with :func:`redact` before any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def configure_logging(level: str = "INFO", stream: object | None = None) -> logging.Handler:
    """Root logging to stderr with the redacting filter on the handler (so it sees every logger); returns
    that handler."""
    handler = logging.StreamHandler(stream)  # type: ignore[arg-type]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    numeric = root.level
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(numeric, logging.WARNING))
    logging.getLogger("telegram").setLevel(max(numeric, logging.INFO))
    logging.getLogger("apscheduler").setLevel(max(numeric, logging.WARNING))
    return handler


class HeldLog:
    """Log records held back while the bot starts, so that a failed start shows only the one line that says
    what is wrong (``fanzha run``), not the migrations' progress and a library's traceback before it.

    ``release()`` (the bot is up) writes them out and lets later records through; ``discard()`` (the start
    failed) drops them. Either way the root logger writes to ``handler`` again. Past ``capacity`` records
    are written out at once: a start that logs that much is not quiet anyway.
    """

    def __init__(self, handler: logging.Handler, capacity: int = 1000) -> None:
        self._handler = handler
        self._memory = MemoryHandler(capacity, flushLevel=logging.CRITICAL + 1, target=handler, flushOnClose=False)
        logging.getLogger().handlers[:] = [self._memory]

    def release(self) -> None:
        with self._memory.lock:  # type: ignore[union-attr]
            self._memory.flush()
            logging.getLogger().handlers[:] = [self._handler]

    def discard(self) -> None:
        with self._memory.lock:  # type: ignore[union-attr]
            self._memory.buffer.clear()
            logging.getLogger().handlers[:] = [self._handler]
