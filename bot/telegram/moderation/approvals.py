"""Changes that wait for an admin: the request each admin gets (confirm / refuse) and what the buttons do.

The rule of which changes wait lives in ``bot.moderation`` (``AwaitingAdmin``); the request itself is kept
in the database, so any instance can take the admin's tap, and only the first tap of two decides.
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden

from bot.locales import t
from bot.moderation import MIN_PREFIX_DIGITS, Moderation, PendingChange, actor_of
from bot.store import NotFound
from bot.telegram.moderation.common import (
    Context,
    category_label,
    edit_text,
    log,
    moderation_service,
    number_label,
)
from bot.telegram.replies import send_text
from bot.telegram.services import services


def reasons_text(change: PendingChange, lang: str) -> str:
    return t(lang, "list.sep").join(t(lang, f"mod.review.reason.{r}", min=MIN_PREFIX_DIGITS) for r in change.reasons)


def request_text(change: PendingChange, lang: str) -> str:
    details = change.details
    values: dict[str, Any] = {"actor": actor_of(change.requested_by), "number": number_label(change.number),
                              "reasons": reasons_text(change, lang)}
    if change.kind == "allow":
        return t(lang, "mod.review.request.allow", owner=details["owner"],
                 aliases=t(lang, "list.sep").join(details.get("aliases") or []) or "—", **values)
    return t(lang, "mod.review.request.block", category=category_label(details.get("category"), lang), **values)


def request_keyboard(change: PendingChange, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t(lang, "mod.btn.review_confirm"), callback_data=f"m:a:y:{change.token}"),
        InlineKeyboardButton(t(lang, "mod.btn.review_refuse"), callback_data=f"m:a:n:{change.token}"),
    ]])


async def send_request(context: Context, change: PendingChange) -> int:
    """Send the request to every admin, each in their language. Returns how many were reached."""
    svc = services(context)
    reached = 0
    for admin_id in sorted(moderation_service(context).admin_ids):
        lang = await svc.stored_language(admin_id) or "zh-Hans"
        try:
            await send_text(context, admin_id, request_text(change, lang), reply_markup=request_keyboard(change, lang))
        except (BadRequest, Forbidden) as exc:
            log.info("admin chat not reachable for a change request: %s", type(exc).__name__)
        else:
            reached += 1
    return reached


async def held_reply(context: Context, change: PendingChange, lang: str) -> str:
    """Ask the admins, then give the moderator's answer for a change that now waits (there are few admins,
    and the moderator's reply should not claim the admins were asked before they were)."""
    await send_request(context, change)
    return t(lang, "mod.review.sent", number=number_label(change.number), reasons=reasons_text(change, lang))


async def approval_button(query: Any, context: Context, service: Moderation, lang: str, op: str, token: str) -> None:
    """``m:a:y:<token>`` confirms, ``m:a:n:<token>`` refuses (admins only: checked by the caller)."""
    confirmed = op == "y"
    try:
        change, _entry = await asyncio.to_thread(service.decide_change, query.from_user.id, token,
                                                 confirmed=confirmed)
    except NotFound:
        await query.answer(t(lang, "mod.queue.gone"), show_alert=True)
        await edit_text(query, (query.message.text or "") + "\n\n" + t(lang, "mod.queue.gone"))
        return
    shown = number_label(change.number)
    if change.kind == "allow" and confirmed:
        await asyncio.to_thread(services(context).checker.refresh_lists)
    outcome = t(lang, "mod.review.confirmed" if confirmed else "mod.review.refused", number=shown)
    await query.answer(outcome)
    await edit_text(query, (query.message.text or "") + "\n\n" + outcome)
    svc = services(context)
    told_lang = await svc.stored_language(change.requested_by) or "zh-Hans"
    try:
        await send_text(context, change.requested_by,
                        t(told_lang, "mod.review.told_confirmed" if confirmed else "mod.review.told_refused",
                          number=shown))
    except (BadRequest, Forbidden) as exc:
        log.info("moderator not reachable for a change outcome: %s", type(exc).__name__)
