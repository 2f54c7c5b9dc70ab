"""The "wrong verdict" feedback queue."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)

from bot.categories import CATEGORIES
from bot.locales import t
from bot.moderation import (
    Moderation,
    Role,
)
from bot.store import NotFound
from bot.telegram.moderation.common import (
    Context,
    category_label,
    clip,
    command,
    edit_markup,
    edit_text,
    fit,
)
from bot.telegram.moderation.queue import category_keyboard
from bot.telegram.replies import send_text

# ── the feedback queue ──────────────────────────────────────────────────────────────────────────────

def _feedback_text(item: Any, lang: str, remaining: int) -> str:
    verdict = item.verdict or {}
    level = verdict.get("risk_level")
    said = t(lang, f"level.{level}") if level in ("high", "suspicious", "low") else "?"
    if verdict.get("category_key"):
        said += f" · {category_label(verdict['category_key'], lang)}"
    lines = [t(lang, "mod.feedback.title", count=remaining, id=item.id), t(lang, "mod.feedback.verdict", verdict=said)]
    lines.append(f"「{clip(item.text)}」" if item.text else t(lang, "mod.queue.no_texts"))
    if item.comment:
        lines.append(t(lang, "mod.feedback.comment", comment=clip(item.comment)))
    return "\n".join(lines)


def _feedback_keyboard(item_id: int, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(t(lang, "mod.btn.fb_legit"), callback_data=f"m:f:l:{item_id}"),
         InlineKeyboardButton(t(lang, "mod.btn.fb_fraud"), callback_data=f"m:f:k:{item_id}")],
        [InlineKeyboardButton(t(lang, "mod.btn.fb_right"), callback_data=f"m:f:r:{item_id}"),
         InlineKeyboardButton(t(lang, "mod.btn.skip"), callback_data=f"m:f:s:{item_id}")],
    ])


async def send_next_feedback(context: Context, chat_id: int, service: Moderation, lang: str, moderator: int) -> None:
    skipped = await asyncio.to_thread(service.skipped, moderator, "feedback")
    items = await asyncio.to_thread(service.feedback_queue)
    waiting = [i for i in items if f"feedback:{i.id}" not in skipped]
    if not waiting:
        await send_text(context, chat_id, t(lang, "mod.feedback.all_skipped" if items else "mod.feedback.empty",
                                            count=len(items)))
        return
    item = waiting[0]
    await send_text(context, chat_id, fit(_feedback_text(item, lang, len(waiting))),
                    reply_markup=_feedback_keyboard(item.id, lang))


@command(Role.MODERATOR)
async def feedback_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    moderator = update.effective_user.id
    await asyncio.to_thread(service.clear_skipped, moderator, "feedback")
    await send_next_feedback(context, update.effective_chat.id, service, lang, moderator)


async def feedback_button(query: Any, context: Context, service: Moderation, lang: str, parts: list[str]) -> None:
    op, item_id = parts[2], int(parts[3])
    chat_id = query.message.chat.id
    moderator = query.from_user.id
    if op == "s":
        await asyncio.to_thread(service.skip, moderator, f"feedback:{item_id}", "feedback")
        await query.answer(t(lang, "mod.queue.skipped"))
        await edit_text(query, query.message.text + "\n\n" + t(lang, "mod.queue.skipped"))
        await send_next_feedback(context, chat_id, service, lang, moderator)
        return
    if op == "k":
        await query.answer()
        await edit_markup(query, category_keyboard(f"m:f:c:{item_id}", lang, None, back=f"m:f:b:{item_id}"))
        return
    if op == "b":
        await query.answer()
        await edit_markup(query, _feedback_keyboard(item_id, lang))
        return
    accepted = op in ("l", "c")
    label = "legit" if op == "l" else CATEGORIES[int(parts[4])].key if op == "c" else None
    try:
        await asyncio.to_thread(service.review_feedback, query.from_user.id, item_id, accepted=accepted, label=label)
    except (NotFound, ValueError):
        await query.answer(t(lang, "mod.queue.gone"), show_alert=True)
        await edit_text(query, query.message.text + "\n\n" + t(lang, "mod.queue.gone"))
        await send_next_feedback(context, chat_id, service, lang, moderator)
        return
    if op == "l":
        outcome = t(lang, "mod.feedback.legit")
    elif op == "c":
        outcome = t(lang, "mod.feedback.fraud", category=category_label(label, lang))
    else:
        outcome = t(lang, "mod.feedback.right")
    await query.answer(outcome)
    await edit_text(query, query.message.text + "\n\n" + outcome)
    await send_next_feedback(context, chat_id, service, lang, moderator)
