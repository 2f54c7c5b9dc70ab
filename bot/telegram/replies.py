"""Replying: the reader's language, and ``sendMessage`` that survives a transient failure."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import LinkPreviewOptions, Message, ReplyParameters, User
from telegram.constants import MessageLimit
from telegram.error import BadRequest, Forbidden, NetworkError
from telegram.ext import ContextTypes

from bot.language import pick_language
from bot.render import fit_message
from bot.telegram.services import Services

log = logging.getLogger(__name__)

SEND_ATTEMPTS = 3
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
"""Every message the bot sends goes without a link preview: a verdict quotes the links it warns about, and
Telegram would otherwise turn a quoted scam domain into a tappable card with the scam site's own picture."""


async def language_for(svc: Services, user: User | None, text: str | None = None) -> str:
    """The user's stored choice (``/lang``), else a guess from their app language and their text."""
    if user is None:
        return pick_language(None, text)
    stored = await svc.stored_language(user.id)
    return stored or pick_language(user.language_code, text)


async def send_text(context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str, *, reply_to: int | None = None,
                    reply_markup: Any = None) -> Message:
    """``sendMessage`` that survives a transient network error or 5xx (Telegram's 429 is retried by the
    AIORateLimiter). Plain text: nothing a user wrote can break a parse mode; no link preview (``NO_PREVIEW``).

    Text over Telegram's limit is cut, never refused: a verdict arrives already fitted (``bot.render.
    fit_blocks`` keeps its level and advice), and any other text is better cut short than not sent."""
    text = fit_message(text, MessageLimit.MAX_TEXT_LENGTH)
    params = ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) if reply_to else None
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            return await context.bot.send_message(chat_id, text, reply_parameters=params,
                                                  reply_markup=reply_markup, link_preview_options=NO_PREVIEW)
        except (BadRequest, Forbidden):
            raise
        except NetworkError as exc:  # includes TimedOut and 5xx answers
            if attempt == SEND_ATTEMPTS:
                raise
            log.warning("sendMessage attempt %d failed (%s); retrying", attempt, type(exc).__name__)
            await asyncio.sleep(0.3 * attempt)
    raise AssertionError("unreachable")
