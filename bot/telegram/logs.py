"""Logging for the bot process: phone numbers (and any long digit run) masked, no message text.

Handlers never log message text; this module makes sure the libraries don't either: httpx logs every
request URL (which contains the bot token) at INFO, and PTB logs whole updates at DEBUG, so both are held
at WARNING/INFO whatever level is configured. The filter masks digit runs as a last line of defence.
"""

from __future__ import annotations

import logging
import re

# Seven or more digits, possibly with the separators people put inside numbers: phone numbers, user
# ids, the numeric half of a bot token. Short numbers (counts, ports, status codes) stay readable.
_DIGIT_RUN = re.compile(r"\+?\d(?:[\d\-. ()]*\d){6,}")


def redact(text: str) -> str:
    """``text`` with every run of seven or more digits replaced by its first two digits and ``*``."""
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


def configure_logging(level: str = "INFO", stream: object | None = None) -> None:
    """Root logging to stderr with the redacting filter on the handler (so it sees every logger)."""
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
