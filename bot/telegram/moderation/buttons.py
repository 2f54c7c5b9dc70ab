"""The one handler for every ``m:`` button: data check, role check, then the queue, feedback or import action."""

from __future__ import annotations

import asyncio

from telegram import (
    Update,
)

from bot.categories import CATEGORIES
from bot.locales import t
from bot.moderation import Role
from bot.store import NotFound
from bot.telegram.moderation.approvals import approval_button
from bot.telegram.moderation.common import VALID_DATA, Context, moderation_service
from bot.telegram.moderation.feedback import feedback_button
from bot.telegram.moderation.imports import import_button
from bot.telegram.moderation.queue import queue_button
from bot.telegram.replies import language_for
from bot.telegram.services import services


async def on_moderation_button(update: Update, context: Context) -> None:
    """Every ``m:`` button: role check, then the queue, feedback, import or change-request action; always
    answered."""
    query = update.callback_query
    if query is None:
        return
    lang = await language_for(services(context), query.from_user)
    data = query.data or ""
    if not VALID_DATA.match(data) or (data.split(":")[2] == "c" and not category_index_ok(data)):
        await query.answer(t(lang, "callback.unknown"))
        return
    service = moderation_service(context)
    parts = data.split(":")
    if parts[1] == "a":  # a change waiting for an admin: only admins answer it
        if await asyncio.to_thread(service.role, query.from_user.id) != Role.ADMIN:
            await query.answer(t(lang, "mod.admins_only"), show_alert=True)
            return
        await approval_button(query, context, service, lang, parts[2], parts[3])
        return
    if not await asyncio.to_thread(service.is_moderator, query.from_user.id):
        await query.answer(t(lang, "mod.moderators_only"), show_alert=True)
        return
    try:
        if parts[1] == "q":
            await queue_button(query, context, service, lang, parts)
        elif parts[1] == "f":
            await feedback_button(query, context, service, lang, parts)
        else:
            await import_button(query, context, service, lang, parts[2], parts[3])
    except NotFound:
        await query.answer(t(lang, "mod.queue.gone"), show_alert=True)


def category_index_ok(data: str) -> bool:
    try:
        return 0 <= int(data.rsplit(":", 1)[1]) < len(CATEGORIES)
    except ValueError:
        return False


