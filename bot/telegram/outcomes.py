"""Closing the loop with reporters: one message when the moderators decide what they reported.

A reporter is stored as a keyed hash, which cannot be messaged. To tell them, the bot needs their chat id, so
it keeps one only when they ask for it (the 🔔 button after a report; default: no) and only until the
decision: a pending flow ``notify:<check id>`` owned by their hash, with their chat id and language, taken
(DELETE … RETURNING, so once, whichever instance decides) when the report is decided, or dropped when its
time runs out. The moderation queue reads whom a decision concerns before taking it
(:func:`reports_to_tell`) and hands them to :func:`tell_reporters` after.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from telegram.error import BadRequest, Forbidden
from telegram.ext import ContextTypes

from bot.locales import t
from bot.render import category_name, display_number
from bot.telegram.replies import send_text
from bot.telegram.services import Services, services

log = logging.getLogger(__name__)

NOTIFY_PREFIX = "notify:"
NOTIFY_TTL = timedelta(days=30)
"""How long a reporter's chat id may wait for the decision (said in /privacy); a report still undecided by
then is not followed up."""

Context = ContextTypes.DEFAULT_TYPE


def notify_key(check_id: str) -> str:
    return NOTIFY_PREFIX + check_id


async def remember_reporter(svc: Services, user_id: int, check_id: str, lang: str) -> None:
    """Keep the reporter's chat id (their private chat: the id of the user) until the decision."""
    await asyncio.to_thread(svc.store.put_flow, notify_key(check_id), svc.user_hash(user_id),
                            {"chat_id": user_id, "lang": lang}, ttl=NOTIFY_TTL)


async def reports_to_tell(context: Context, kind: str, ref: str) -> list[tuple[str, str]]:
    """(reporter hash, check id) of the pending reports a decision on the queue item ``kind:ref`` will decide."""
    store = services(context).store
    if kind == "number":
        return await asyncio.to_thread(store.report_checks, number_key=ref)
    if kind == "text":
        return await asyncio.to_thread(store.report_checks, report_id=int(ref))
    return []


def tell_reporters(context: Context, waiting: list[tuple[str, str]], *, accepted: bool, kind: str, ref: str,
                   category: str | None = None) -> None:
    """Tell the reporters among ``waiting`` who asked for it, in the background (the moderator goes on)."""
    if waiting:
        context.application.create_task(_tell(context, waiting, accepted=accepted, kind=kind, ref=ref,
                                              category=category), name="tell reporters")


async def _tell(context: Context, waiting: list[tuple[str, str]], *, accepted: bool, kind: str, ref: str,
                category: str | None) -> int:
    svc = services(context)
    told = 0
    for reporter_hash, check_id in waiting:
        flow = await asyncio.to_thread(svc.store.take_flow, notify_key(check_id), reporter_hash)
        if flow is None:  # did not ask, already told (another number of the same report), or expired
            continue
        lang = str(flow.data.get("lang") or "zh-Hans")
        text = _outcome(lang, accepted=accepted, kind=kind, ref=ref, category=category)
        try:
            await send_text(context, int(flow.data["chat_id"]), text)
        except (BadRequest, Forbidden) as exc:  # they blocked the bot or never opened a private chat
            log.info("reporter not reachable for an outcome: %s", type(exc).__name__)
        else:
            told += 1
    return told


def _outcome(lang: str, *, accepted: bool, kind: str, ref: str, category: str | None) -> str:
    if not accepted:
        return t(lang, "outcome.rejected")
    if kind == "number":
        return t(lang, "outcome.accepted_number", number=display_number(ref))
    return t(lang, "outcome.accepted_text", category=category_name(category, lang) or t(lang, "cat.other"))


__all__ = ["NOTIFY_TTL", "notify_key", "remember_reporter", "reports_to_tell", "tell_reporters"]
