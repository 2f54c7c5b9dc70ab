"""``fanzha run``: the Telegram bot, by long polling or (``--webhook``) behind a web server.

The token and the secrets are checked first, before anything heavy is imported, so a missing one fails in
a fraction of a second with a message that says what to set (FANZHA_SECRET and, in webhook mode, the webhook
secret have no usable default: development mode, FANZHA_DEV=1, generates them). Any other failed start (a
token Telegram refuses, a database or Redis that cannot be reached, a port in use) prints one line that
says what is wrong and exits with ``EXIT_START``: the log of the start is held back until the bot is up
and dropped if it never is. With ``--debug`` (or ``FANZHA_DEBUG=1``) the log is written as it comes and the
traceback is shown.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any
from urllib.parse import urlparse

EXIT_START = 1
EXIT_CONFIG = 2

NO_TOKEN_MESSAGE = """\
fanzha run: TELEGRAM_BOT_TOKEN is not set.

Create a bot with @BotFather in Telegram, then start fanzha with its token, for example:

    TELEGRAM_BOT_TOKEN=123456789:AAExampleTokenFromBotFather fanzha run

(or put TELEGRAM_BOT_TOKEN=... in a .env file in the directory you start it from).
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run", help="run the Telegram bot (long polling; --webhook for webhook mode)",
        description="Run the public Telegram bot. Needs TELEGRAM_BOT_TOKEN.")
    parser.add_argument("--webhook", action="store_true",
                        help="receive updates by webhook instead of long polling")
    parser.add_argument("--listen", default="127.0.0.1", help="address the webhook (or --health-port) server binds")
    parser.add_argument("--port", type=int, default=8443, help="port the webhook server binds (webhook mode)")
    parser.add_argument("--url", help="public HTTPS URL Telegram posts updates to (webhook mode); its path "
                                      "is also the path the local server listens on")
    parser.add_argument("--secret-token",
                        help="secret Telegram sends in X-Telegram-Bot-Api-Secret-Token (default: "
                             "FANZHA_WEBHOOK_SECRET; required unless FANZHA_DEV=1, which generates one)")
    parser.add_argument("--health-port", type=int, default=None,
                        help="polling mode: serve /healthz, /readyz and /metrics on this port (off by default; "
                             "in webhook mode they are on the webhook port)")
    parser.add_argument("--debug", action="store_true",
                        help="on a failed start show the full traceback and log, not one line "
                             "(also FANZHA_DEBUG=1)")
    parser.set_defaults(func=run)


def _fail(message: str, code: int = EXIT_CONFIG) -> int:
    print(message, file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from bot.config import SecretMissing, Settings, with_secrets

    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
                             for error in exc.errors())
        return _fail(f"fanzha run: bad setting: {problems}")
    if not (settings.telegram_bot_token or "").strip():
        return _fail(NO_TOKEN_MESSAGE)
    if args.webhook and not args.url:
        return _fail("fanzha run: --webhook needs --url (the public HTTPS address Telegram posts to).")
    if args.webhook:
        given = args.secret_token or settings.webhook_secret
        if given is not None and (not all(c.isalnum() or c in "_-" for c in given) or not 1 <= len(given) <= 256):
            return _fail("fanzha run: the webhook secret token may use only A-Z, a-z, 0-9, _ and - "
                         "(1 to 256 characters).")
        settings = settings.model_copy(update={"webhook_secret": given})
    try:
        settings = with_secrets(settings, webhook=args.webhook)
    except SecretMissing as exc:
        return _fail(f"fanzha run: {exc}", EXIT_START)

    from bot.telegram.logs import HeldLog, configure_logging

    debug = args.debug or settings.debug
    handler = configure_logging(settings.log_level)
    held = None if debug else HeldLog(handler)

    from bot.telegram.app import serve, start_error

    webhook: dict[str, Any] = {"health_port": args.health_port}
    if args.webhook:
        webhook = {"webhook_url": args.url, "listen": args.listen, "port": args.port,
                   "secret_token": settings.webhook_secret, "url_path": urlparse(args.url).path.lstrip("/")}
    try:
        serve(settings, on_ready=held.release if held else None, **webhook)
    except Exception as exc:
        if held is None:
            raise
        held.discard()
        return _fail(f"fanzha run: {start_error(exc, settings)}", EXIT_START)
    if held is not None:
        held.release()  # stopped before it was up (Ctrl-C during the start): show what happened
    return 0
