"""Appeals, open to anyone: share your own contact, say why; moderators decide in the queue."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from telegram import (
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import (
    ApplicationHandlerStop,
)

from bot.locales import t
from bot.moderation import (
    AppealProof,
    Moderation,
    Role,
)
from bot.store import NotFound
from bot.telegram.moderation.common import (
    Context,
    command,
    is_private,
    moderation_service,
    number_label,
    reply,
)
from bot.telegram.moderation.queue import notify_in_background
from bot.telegram.replies import language_for
from bot.telegram.services import Services, services

# ── appeals (anyone) ────────────────────────────────────────────────────────────────────────────────

APPEAL_TTL = timedelta(hours=1)
"""How long an appeal waits between its steps (contact, then reason) before it has to start again."""


def appeal_key(svc: Services, user_id: int) -> str:
    return f"appeal:{svc.user_hash(user_id)}"


def _contact_keyboard(lang: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup([[KeyboardButton(t(lang, "mod.appeal.share_button"), request_contact=True)]],
                               resize_keyboard=True, one_time_keyboard=True)


@command(Role.USER)
async def appeal_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    svc = services(context)
    await asyncio.to_thread(svc.store.put_flow, appeal_key(svc, update.effective_user.id),
                            svc.user_hash(update.effective_user.id), {"stage": "contact"}, ttl=APPEAL_TTL)
    await reply(update, context, t(lang, "mod.appeal.start"), reply_markup=_contact_keyboard(lang))


async def cancel_command(update: Update, context: Context) -> None:
    user = update.effective_user
    if user is None:
        return
    if not is_private(update):
        return  # an appeal is private: a /cancel in a group must neither touch nor announce it
    svc = services(context)
    lang = await language_for(svc, user)
    flow = await asyncio.to_thread(svc.store.take_flow, appeal_key(svc, user.id))
    await reply(update, context, t(lang, "mod.appeal.cancelled" if flow else "mod.cancel.nothing"),
                 reply_markup=ReplyKeyboardRemove())


async def on_appeal_step(update: Update, context: Context) -> None:
    """Handler group −1, before any other: a private message from someone in the middle of an appeal is that
    appeal's next step (and goes no further); for everyone else it falls through to the usual handlers.

    The step is read from the database (``pending_flows``), not from this process: after a restart, or with
    several instances behind one webhook address, the step still reaches whichever instance gets it.
    """
    user = update.effective_user
    if user is None or update.effective_message is None:
        return
    svc = services(context)
    flow = await asyncio.to_thread(svc.store.get_flow, appeal_key(svc, user.id))
    if flow is None:
        return
    if flow.data.get("stage") == "reason":
        await on_appeal_reason(update, context, flow.data)
    else:
        await on_appeal_contact(update, context)
    raise ApplicationHandlerStop


async def on_appeal_contact(update: Update, context: Context) -> None:
    """The shared contact: proved only when Telegram says the contact is the sender themself."""
    message = update.effective_message
    user = update.effective_user
    svc = services(context)
    lang = await language_for(svc, user)
    if message.contact is None:
        await reply(update, context, t(lang, "mod.appeal.need_contact"), reply_markup=_contact_keyboard(lang))
        return
    service = moderation_service(context)
    proof = await asyncio.to_thread(service.check_contact, user.id, message.contact.user_id,
                                    message.contact.phone_number)
    if not proof.own:
        await reply(update, context, t(lang, "mod.appeal.not_own"), reply_markup=_contact_keyboard(lang))
        return
    number = number_label(proof.number_key) if proof.number_key else message.contact.phone_number
    key = appeal_key(svc, user.id)
    if not proof.listed or proof.pending_appeal is not None:
        await asyncio.to_thread(svc.store.take_flow, key)
        await reply(update, context, t(lang, "mod.appeal.not_listed" if not proof.listed else "mod.appeal.pending",
                                        number=number), reply_markup=ReplyKeyboardRemove())
        return
    # Only a proved, listed number moves the appeal on: the reason step trusts what is stored here.
    await asyncio.to_thread(svc.store.put_flow, key, svc.user_hash(user.id),
                            {"stage": "reason", "number_key": proof.number_key}, ttl=APPEAL_TTL)
    await reply(update, context, t(lang, "mod.appeal.ask_reason", number=number), reply_markup=ReplyKeyboardRemove())


async def on_appeal_reason(update: Update, context: Context, step: dict[str, Any]) -> None:
    message = update.effective_message
    user = update.effective_user
    svc = services(context)
    lang = await language_for(svc, user)
    reason = (message.text or message.caption or "").strip()
    if not reason:
        await reply(update, context, t(lang, "mod.appeal.need_reason"))
        return
    if await asyncio.to_thread(svc.store.take_flow, appeal_key(svc, user.id)) is None:
        return  # another instance took this step a moment ago
    proof = AppealProof(own=True, number_key=step["number_key"], listed=True)
    service = moderation_service(context)
    try:
        appeal = await asyncio.to_thread(service.submit_appeal, user.id, proof, reason)
    except (NotFound, ValueError):
        await reply(update, context, t(lang, "mod.appeal.pending", number=number_label(proof.number_key)))
        return
    await reply(update, context, t(lang, "mod.appeal.submitted", id=appeal.id))
    notify_in_background(context, "mod.notify.appeal", id=appeal.id, number=number_label(appeal.number_key))
