"""The review queue (reported numbers and texts, appeals) and the notices that tell moderators of new work."""

from __future__ import annotations

import asyncio
from typing import Any

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Forbidden

from bot.categories import CATEGORIES
from bot.locales import t
from bot.moderation import (
    Moderation,
    QueueItem,
    Role,
)
from bot.telegram.moderation.common import (
    NOTICES_KEY,
    Context,
    category_label,
    clip,
    command,
    edit_markup,
    edit_text,
    fit,
    log,
    moderation_service,
    number_label,
)
from bot.telegram.moderation.lists import entry_lines, history_lines
from bot.telegram.outcomes import reports_to_tell, tell_reporters
from bot.telegram.replies import send_text
from bot.telegram.services import services

# ── the queue ───────────────────────────────────────────────────────────────────────────────────────

def category_keyboard(prefix: str, lang: str, suggested: str | None, back: str) -> InlineKeyboardMarkup:
    order = sorted(range(len(CATEGORIES)), key=lambda i: CATEGORIES[i].key != suggested)
    buttons = [InlineKeyboardButton(("⭐ " if CATEGORIES[i].key == suggested else "")
                                    + category_label(CATEGORIES[i].key, lang), callback_data=f"{prefix}:{i}")
               for i in order]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([InlineKeyboardButton(t(lang, "mod.btn.back"), callback_data=back)])
    return InlineKeyboardMarkup(rows)


def _item_text(item: QueueItem, lang: str, remaining: int) -> str:
    lines = [t(lang, "mod.queue.title", count=remaining)]
    if item.kind == "appeal":
        appeal = item.appeal
        lines.append(t(lang, "mod.queue.appeal", id=appeal.id, number=number_label(appeal.number_key)))
        lines.append(t(lang, "mod.queue.reason", reason=clip(appeal.reason, 600)))
        lines += entry_lines(item.entry, lang)
        if item.history:
            lines.append(t(lang, "mod.lookup.history"))
            lines += history_lines(item.history, lang)
        return "\n".join(lines)
    if item.kind == "number":
        lines.append(t(lang, "mod.queue.number", number=number_label(item.ref)))
    else:
        lines.append(t(lang, "mod.queue.text"))
        if item.numbers:
            lines.append(t(lang, "mod.queue.text_numbers", numbers=", ".join(number_label(n) for n in item.numbers)))
    lines.append(t(lang, "mod.queue.reporters", reporters=item.reporters, weight=f"{item.weight:.1f}",
                   reports=item.report_count))
    levels = t(lang, "list.sep").join(f"{t(lang, f'level.{lvl}') if lvl in ('high', 'suspicious', 'low') else lvl}"
                                      f" ×{n}" for lvl, n in item.levels.items())
    lines.append(t(lang, "mod.queue.levels", levels=levels))
    if item.suggested_category:
        lines.append(t(lang, "mod.queue.suggested", category=category_label(item.suggested_category, lang)))
    if item.texts:
        lines.append(t(lang, "mod.queue.texts"))
        lines += [f"「{clip(text)}」" for text in item.texts]
    else:
        lines.append(t(lang, "mod.queue.no_texts"))
    if item.kind == "number" and item.entry is not None and item.entry.active:
        lines.append(t(lang, "mod.queue.listed", category=category_label(item.entry.category, lang)))
    return "\n".join(lines)


def _item_keyboard(item: QueueItem, lang: str) -> InlineKeyboardMarkup:
    ref = f"{item.kind}:{item.ref}"
    if item.kind == "appeal":
        first = InlineKeyboardButton(t(lang, "mod.btn.delist"), callback_data=f"m:q:a:{ref}")
        second = InlineKeyboardButton(t(lang, "mod.btn.keep"), callback_data=f"m:q:r:{ref}")
    else:
        first = InlineKeyboardButton(t(lang, "mod.btn.block" if item.kind == "number" else "mod.btn.confirm_fraud"),
                                     callback_data=f"m:q:b:{ref}")
        second = InlineKeyboardButton(t(lang, "mod.btn.reject"), callback_data=f"m:q:r:{ref}")
    skip = InlineKeyboardButton(t(lang, "mod.btn.skip"), callback_data=f"m:q:s:{ref}")
    return InlineKeyboardMarkup([[first, second, skip]])


async def send_next_item(context: Context, chat_id: int, service: Moderation, lang: str, moderator: int) -> None:
    """The first item this moderator has not skipped (their skips are read from the database: any instance
    may take their next tap, and a restart forgets nothing)."""
    skipped = await asyncio.to_thread(service.skipped, moderator)
    items = await asyncio.to_thread(service.queue)
    waiting = [i for i in items if f"{i.kind}:{i.ref}" not in skipped]
    if not waiting:
        key = "mod.queue.all_skipped" if items else "mod.queue.empty"
        await send_text(context, chat_id, t(lang, key, count=len(items)))
        return
    item = await asyncio.to_thread(service.queue_item, waiting[0].kind, waiting[0].ref)
    if item is None:  # decided a moment ago by someone else
        item = waiting[0]
    await send_text(context, chat_id, fit(_item_text(item, lang, len(waiting))),
                    reply_markup=_item_keyboard(item, lang))


@command(Role.MODERATOR)
async def queue_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    moderator = update.effective_user.id
    await asyncio.to_thread(service.clear_skipped, moderator)
    await send_next_item(context, update.effective_chat.id, service, lang, moderator)


async def notify_moderators(context: Context, key: str, **values: Any) -> int:
    """Tell every admin and moderator of a new queue item, each in their /lang language (default zh-Hans).

    Why: without it the queue only moves when someone thinks to send /queue. Returns how many were reached;
    one who never opened a chat with the bot, or blocked it, is skipped with a log line.
    """
    svc = services(context)
    ids = await asyncio.to_thread(moderation_service(context).notified_ids)
    reached = 0
    for chat_id in ids:
        lang = await svc.stored_language(chat_id) or "zh-Hans"
        try:
            await send_text(context, chat_id, t(lang, key, **values))
        except (BadRequest, Forbidden) as exc:
            log.info("moderator chat not reachable for %s: %s", key, type(exc).__name__)
        else:
            reached += 1
    return reached


def notify_in_background(context: Context, key: str, **values: Any) -> None:
    """``notify_moderators`` without making the user who caused it wait (errors reach the error handler)."""
    context.application.create_task(notify_moderators(context, key, **values), name=f"notify {key}")


REPORT_NOTICES = RateLimitItemPerMinute(1, 10)
"""At most one "new reports" message per 10 minutes (per instance): a scam wave can bring dozens of numbers
into the queue within minutes, and volunteers should get one ping that says how many wait, not dozens."""


def notify_new_reports(context: Context, number: str, waiting: int) -> bool:
    """Tell moderators that ``number`` entered the queue (``waiting`` reports in it), unless they were told
    less than 10 minutes ago; the next message then carries the grown count. True when a message goes out."""
    limiter = context.application.bot_data.setdefault(NOTICES_KEY, MovingWindowRateLimiter(MemoryStorage()))
    if not limiter.hit(REPORT_NOTICES, "reports"):
        return False
    notify_in_background(context, "mod.notify.report", number=number, count=waiting)
    return True


async def tell_appellant(context: Context, appeal: Any) -> None:
    svc = services(context)
    stored = await asyncio.to_thread(svc.store.get_language, svc.user_hash(appeal.appellant_chat_id))
    lang = stored or "zh-Hans"
    key = "mod.appeal.accepted" if appeal.status == "accepted" else "mod.appeal.rejected"
    try:
        await send_text(context, appeal.appellant_chat_id, t(lang, key, number=number_label(appeal.number_key)))
    except (BadRequest, Forbidden) as exc:  # they blocked the bot or deleted the chat
        log.info("appellant of appeal %s not reachable: %s", appeal.id, type(exc).__name__)


async def queue_button(query: Any, context: Context, service: Moderation, lang: str, parts: list[str]) -> None:
    op, kind, ref = parts[2], parts[3], parts[4]
    moderator = query.from_user.id
    chat_id = query.message.chat.id
    if op == "s":
        await asyncio.to_thread(service.skip, moderator, f"{kind}:{ref}")
        await query.answer(t(lang, "mod.queue.skipped"))
        await edit_text(query, query.message.text + "\n\n" + t(lang, "mod.queue.skipped"))
        await send_next_item(context, chat_id, service, lang, moderator)
        return
    item = await asyncio.to_thread(service.queue_item, kind, ref)
    if item is None:
        await query.answer(t(lang, "mod.queue.gone"), show_alert=True)
        await edit_text(query, query.message.text + "\n\n" + t(lang, "mod.queue.gone"))
        await send_next_item(context, chat_id, service, lang, moderator)
        return
    if op == "b":  # pick a category
        await query.answer()
        await edit_markup(query, category_keyboard(f"m:q:c:{kind}:{ref}", lang, item.suggested_category,
                                                     back=f"m:q:k:{kind}:{ref}"))
        return
    if op == "k":  # back from the category picker
        await query.answer()
        await edit_markup(query, _item_keyboard(item, lang))
        return
    if kind == "appeal":
        appeal = await asyncio.to_thread(service.decide_appeal, moderator, int(ref), accepted=op == "a")
        outcome = t(lang, "mod.queue.appeal_accepted" if op == "a" else "mod.queue.appeal_rejected",
                    number=number_label(appeal.number_key))
        await tell_appellant(context, appeal)
    elif op == "c":
        category = CATEGORIES[int(parts[5])].key
        waiting = await reports_to_tell(context, kind, ref)
        if kind == "number":
            _entry, decided = await asyncio.to_thread(service.block_reported, moderator, ref, category)
            outcome = t(lang, "mod.queue.blocked", number=number_label(ref), category=category_label(category, lang),
                        reports=decided)
        else:
            decided = await asyncio.to_thread(service.decide_text, moderator, int(ref), accepted=True,
                                              category=category)
            outcome = t(lang, "mod.queue.confirmed", category=category_label(category, lang), reports=decided)
        tell_reporters(context, waiting if decided else [], accepted=True, kind=kind, ref=ref, category=category)
    elif op == "r":
        waiting = await reports_to_tell(context, kind, ref)
        if kind == "number":
            decided = await asyncio.to_thread(service.reject_reported, moderator, ref)
        else:
            decided = await asyncio.to_thread(service.decide_text, moderator, int(ref), accepted=False)
        outcome = t(lang, "mod.queue.rejected", reports=decided)
        tell_reporters(context, waiting if decided else [], accepted=False, kind=kind, ref=ref)
    else:
        await query.answer(t(lang, "callback.unknown"))
        return
    await query.answer(outcome)
    await edit_text(query, query.message.text + "\n\n" + outcome)
    await send_next_item(context, chat_id, service, lang, moderator)
