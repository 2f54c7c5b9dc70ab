"""What every moderation handler shares: the service, role checks, replies, argument parsing, labels."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any

from telegram import (
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatType, MessageLimit
from telegram.error import BadRequest
from telegram.ext import (
    ContextTypes,
)

from bot.categories import CATEGORIES
from bot.locales import t
from bot.moderation import (
    Moderation,
    NotAllowed,
    Role,
)
from bot.render import category_name, display_number, fit_message, localize_data
from bot.store.csvfiles import BadValue, format_expiry
from bot.telegram.replies import language_for, send_text
from bot.telegram.services import Services, services

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
MODERATION_KEY = "moderation"
NOTICES_KEY = "moderation_notices"
MAX_CSV_BYTES = 20 * 1024 * 1024  # what the Bot API lets a bot download
IMPORT_TTL = timedelta(hours=1)
PREVIEW_ROWS = 8
PREVIEW_ERRORS = 15
SAMPLE_CHARS = 300
HISTORY_ROWS = 8

_NUMBER_TOKEN = re.compile(r"^[+＋0-9０-９()（）\-.*]+$")
_EXPIRES_TOKEN = re.compile(r"^(?:expires?|exp|到期|过期|過期)[=:：](.*)$", re.IGNORECASE)


# ── services and small helpers ──────────────────────────────────────────────────────────────────────

def moderation_service(context: Context) -> Moderation:
    """The ``Moderation`` service, built once with the other services in ``post_init``."""
    svc: Services = services(context)
    if svc.moderation is None:  # services made by hand (tests) without one
        svc.moderation = Moderation.from_settings(svc.settings, svc.store)
    return svc.moderation


def category_label(key: str | None, lang: str) -> str:
    return category_name(key, lang) or "—"


def number_label(key: str) -> str:
    return display_number(key.rstrip("*")) + ("*" if key.endswith("*") else "")


def date_label(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d") if moment else "—"


def clip(text: str, limit: int = SAMPLE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fit(text: str) -> str:
    """Within Telegram's message limit, counted as Telegram counts (history and samples are already short;
    this is the last guard)."""
    return fit_message(text, MessageLimit.MAX_TEXT_LENGTH)


def is_private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


async def reply(update: Update, context: Context, text: str, **kwargs: Any) -> Message:
    message = update.effective_message
    return await send_text(context, update.effective_chat.id, fit(text),
                           reply_to=message.message_id if message else None, **kwargs)


Handler = Callable[[Update, Context, Moderation, str], Awaitable[None]]


def command(needed: Role) -> Callable[[Handler], Callable[[Update, Context], Awaitable[None]]]:
    """Private chat and role checks first, with a clear refusal; then the handler with service and language."""

    def decorate(handler: Handler) -> Callable[[Update, Context], Awaitable[None]]:
        @wraps(handler)
        async def run(update: Update, context: Context) -> None:
            user = update.effective_user
            if user is None or update.message is None:
                return  # an edited message is not a new command: editing an old /block must not run it again
            lang = await language_for(services(context), user)
            if not is_private(update):
                await reply(update, context, t(lang, "mod.private_only"))
                return
            service = moderation_service(context)
            role = await asyncio.to_thread(service.role, user.id)
            allowed = role == Role.ADMIN or (needed == Role.MODERATOR and role == Role.MODERATOR) \
                or needed == Role.USER
            if not allowed:
                await reply(update, context, t(lang, "mod.admins_only" if needed == Role.ADMIN
                                                else "mod.moderators_only"))
                return
            try:
                await handler(update, context, service, lang)
            except NotAllowed:
                await reply(update, context, t(lang, "mod.moderators_only"))

        return run

    return decorate


def category_list(lang: str) -> str:
    return t(lang, "list.sep").join(category_label(c.key, lang) for c in CATEGORIES)


def split_number(tokens: list[str]) -> tuple[str | None, list[str]]:
    """(the number written at the start of ``tokens``, the rest). A number may be written with spaces."""
    count = 0
    while count < len(tokens) and _NUMBER_TOKEN.match(tokens[count]):
        count += 1
    if count == 0:
        return None, tokens
    return "".join(tokens[:count]), tokens[count:]


def split_expires(tokens: list[str]) -> tuple[str | None, list[str]]:
    value = None
    rest = []
    for token in tokens:
        found = _EXPIRES_TOKEN.match(token)
        if found:
            value = found.group(1)
        else:
            rest.append(token)
    return value, rest


def number_key_of(raw: str) -> tuple[str, bool]:
    """(store key, is prefix) of a typed number; raises ``InvalidNumber``/``ValueError``."""
    from bot.store import Store

    key, match = Store.blocklist_key(raw)
    return key, match == "prefix"


def bad_number(lang: str, raw: str, exc: Exception) -> str:
    """Why a number or prefix cannot be used, in the moderator's language (the store's ``BadValue`` names its
    sentence; an English ``str()`` inside a Chinese reply is what moderators saw before)."""
    if isinstance(exc, BadValue):
        reason = t(lang, f"csv.error.{exc.key}", **exc.params)
    else:
        reason = str(exc)
    return t(lang, "mod.bad_number", number=raw, reason=localize_data(reason, lang))


def expiry_note(entry: Any, lang: str) -> str:
    if entry.expires_at is None:
        return ""
    day = format_expiry(entry.expires_at)
    return t(lang, "mod.expired_note" if entry.is_expired() else "mod.expires_note", date=day)


# ── editing the message a button belongs to ─────────────────────────────────────────────────────────

async def edit_text(query: Any, text: str) -> None:
    try:
        await query.edit_message_text(fit(text))
    except BadRequest as exc:  # "message is not modified" after a double tap
        log.info("moderation message not edited: %s", exc.message)


async def edit_markup(query: Any, markup: InlineKeyboardMarkup) -> None:
    try:
        await query.edit_message_reply_markup(markup)
    except BadRequest as exc:
        log.info("moderation keyboard not edited: %s", exc.message)


VALID_DATA = re.compile(r"^m:(?:q:[bckras]:(?:number|text|appeal):[^:]+(?::\d{1,2})?|f:[lkbcrs]:\d+(?::\d{1,2})?"
                         r"|i:[yn]:[\w-]+|a:[yn]:[\w-]+)$")


