"""Inline mode: ``@bot 13800138000`` (or a short text) in any chat returns a short verdict card, and the
share button under a verdict (``share:<check id>``) returns that verdict as a clean card for another chat.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Any

from telegram import InlineQuery, InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.ext import ContextTypes

from bot import phones
from bot.check import EmptyInput, TextTooLong
from bot.locales import has, t
from bot.render import category_name, headline, render_verdict, summary_line
from bot.telegram import buttons
from bot.telegram.extract import Checkable, is_bare_number
from bot.telegram.public import regions_for, run_check
from bot.telegram.replies import NO_PREVIEW, language_for
from bot.telegram.services import Services, services

log = logging.getLogger(__name__)

CACHE_SECONDS = 30
LEVELS = ("high", "suspicious", "low")
REASON_ORDER = ("blocklist", "impersonation", "card_trafficking", "phrase", "risky_link", "number_signal", "model")
"""Evidence kinds a shared card names as its "why", strongest first (links, forwards and official numbers
are context, not reasons)."""


def _result_id(*parts: str) -> str:
    """Result ids are at most 64 bytes; a digest keeps the query text out of them."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _article(result_id: str, title: str, description: str, text: str) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(id=result_id, title=title, description=description,
                                    input_message_content=InputTextMessageContent(
                                        text, link_preview_options=NO_PREVIEW))


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    if query is None:
        return
    svc = services(context)
    text = query.query.strip()
    share_id = buttons.parse_share(text)
    if share_id is not None:  # a lookup of a stored verdict, not a check: no check is counted
        await _answer_share(query, svc, share_id, context.bot.username or "")
        return
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
    card = render_verdict(verdict, lang, regions=await regions_for(svc, query.from_user, lang, verdict))
    result = _article(_result_id(lang, text), headline(verdict, lang), summary_line(verdict, lang), card)
    await query.answer([result], cache_time=CACHE_SECONDS, is_personal=True)


async def _answer_share(query: InlineQuery, svc: Services, check_id: str, bot_username: str) -> None:
    """The stored verdict ``check_id`` as a card in the sharer's language. A stored check holds no text and no
    numbers, so the card carries none of the original message, whoever shares it."""
    lang = await language_for(svc, query.from_user)
    stored = await asyncio.to_thread(svc.store.get_check, check_id)
    if stored is None or stored.verdict.get("risk_level") not in LEVELS:
        message = t(lang, "share.expired")
        await query.answer([_article(_result_id("share-gone", lang), message, "", message)], cache_time=0,
                           is_personal=True)
        return
    title, why, card = share_card(stored.verdict, lang, bot_username)
    await query.answer([_article(_result_id("share", check_id, lang), title, why, card)], cache_time=0,
                       is_personal=True)


def share_card(summary: dict[str, Any], lang: str, bot_username: str) -> tuple[str, str, str]:
    """(title, one line why, card) from a stored verdict summary: level, lead, category, why, advice."""
    level = str(summary["risk_level"])
    number = summary.get("input_kind") == "number"
    lead = t(lang, f"lead.number.{level}" if number else f"lead.{level}")
    kinds = set(summary.get("evidence_kinds") or ())
    reasons = [t(lang, f"share.reason.{kind}") for kind in REASON_ORDER if kind in kinds] if level != "low" else []
    why = t(lang, "share.why", reasons=t(lang, "list.sep").join(reasons)) if reasons else lead
    lines = [t(lang, "share.header"), "", t(lang, f"level.{level}"), lead]
    category = category_name(summary.get("category_key"), lang) if level != "low" else None
    if category:
        lines.append(t(lang, "category.line", category=category))
    if reasons:
        lines.append(why)
    advice = [t(lang, f"advice.{key}") for key in summary.get("advice") or () if has(lang, f"advice.{key}")]
    if advice:
        lines += ["", t(lang, "section.todo"), *(f"• {line}" for line in advice)]
    if bot_username:
        lines += ["", t(lang, "share.footer", bot_username=bot_username)]
    return t(lang, f"level.{level}"), why, "\n".join(lines)
