"""``fanzha run``: the Telegram bot, by long polling or (``--webhook``) behind a web server.

The token is checked first, before anything heavy is imported, so a missing token fails in a fraction of
a second with a message that says what to set.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from urllib.parse import urlparse

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
    parser.add_argument("--listen", default="127.0.0.1", help="address the webhook server binds (webhook mode)")
    parser.add_argument("--port", type=int, default=8443, help="port the webhook server binds (webhook mode)")
    parser.add_argument("--url", help="public HTTPS URL Telegram posts updates to (webhook mode); its path "
                                      "is also the path the local server listens on")
    parser.add_argument("--secret-token",
                        help="secret Telegram sends in X-Telegram-Bot-Api-Secret-Token (default: "
                             "FANZHA_WEBHOOK_SECRET, else a random one generated at start-up)")
    parser.set_defaults(func=run)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_CONFIG


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from bot.config import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        return _fail(f"fanzha run: bad setting: {exc}")
    if not (settings.telegram_bot_token or "").strip():
        return _fail(NO_TOKEN_MESSAGE)
    if args.webhook and not args.url:
        return _fail("fanzha run: --webhook needs --url (the public HTTPS address Telegram posts to).")
    secret = None
    if args.webhook:
        secret = args.secret_token or settings.webhook_secret or secrets.token_urlsafe(32)
        if not all(c.isalnum() or c in "_-" for c in secret) or not 1 <= len(secret) <= 256:
            return _fail("fanzha run: the webhook secret token may use only A-Z, a-z, 0-9, _ and - "
                         "(1 to 256 characters).")

    from bot.telegram.logs import configure_logging

    configure_logging(settings.log_level)

    from bot.telegram.app import serve

    if args.webhook:
        serve(settings, webhook_url=args.url, listen=args.listen, port=args.port, secret_token=secret,
              url_path=urlparse(args.url).path.lstrip("/"))
    else:
        serve(settings)
    return 0
