"""Inline mode: ``@bot 13800138000`` (or a short text) in any chat returns a short verdict card."""

from __future__ import annotations

import hashlib
import logging

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.ext import ContextTypes

from bot import phones
from bot.check import EmptyInput, TextTooLong
from bot.locales import t
from bot.render import headline, render_verdict, summary_line
from bot.telegram.extract import Checkable, is_bare_number
from bot.telegram.public import run_check
from bot.telegram.replies import language_for
from bot.telegram.services import services

log = logging.getLogger(__name__)

CACHE_SECONDS = 30


def _result_id(*parts: str) -> str:
    """Result ids are at most 64 bytes; a digest keeps the query text out of them."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _article(result_id: str, title: str, description: str, text: str) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(id=result_id, title=title, description=description,
                                    input_message_content=InputTextMessageContent(text))


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    if query is None:
        return
    svc = services(context)
    text = query.query.strip()
    lang = await language_for(svc, query.from_user, text or None)
    if not text:
        result = _article(_result_id("prompt", lang), t(lang, "inline.prompt_title"),
                          t(lang, "inline.prompt_text"), t(lang, "inline.prompt_text"))
        await query.answer([result], cache_time=CACHE_SECONDS, is_personal=True)
        return
    if not await svc.limiter.allow(query.from_user.id):
        message = t(lang, "rate_limited", limit=svc.limiter.checks_per_minute)
        await query.answer([_article(_result_id("limit", lang), message, "", message)], cache_time=0,
                           is_personal=True)
        return
    number = is_bare_number(text)
    checkable = Checkable("number", number) if number else Checkable("text", text)
    try:
        verdict = await run_check(svc, checkable)
    except (TextTooLong, EmptyInput):
        message = t(lang, "inline.too_long")
        await query.answer([_article(_result_id("long", lang), message, "", message)], cache_time=0)
        return
    except phones.InvalidNumber:
        message = t(lang, "input.bad_number")
        await query.answer([_article(_result_id("bad", lang), message, "", message)], cache_time=0)
        return
    card = render_verdict(verdict, lang)
    result = _article(_result_id(lang, text), headline(verdict, lang), summary_line(verdict, lang), card)
    await query.answer([result], cache_time=CACHE_SECONDS, is_personal=True)
