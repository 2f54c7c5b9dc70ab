"""A moderator's CSV upload: a preview of what it would change, then Confirm or Cancel (kept in the database)."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)

from bot.locales import t
from bot.moderation import (
    Moderation,
)
from bot.render import localize_data
from bot.store import CsvError
from bot.store.csvfiles import format_expiry, header_names, read_text
from bot.telegram.moderation.common import (
    IMPORT_TTL,
    MAX_CSV_BYTES,
    PREVIEW_ERRORS,
    PREVIEW_ROWS,
    Context,
    category_label,
    edit_text,
    moderation_service,
    number_label,
    reply,
)
from bot.telegram.replies import language_for
from bot.telegram.services import services

# ── CSV import: preview, then confirm ───────────────────────────────────────────────────────────────

_PREVIEW = {"blocklist": lambda store: store.preview_blocklist_csv,
            "allowlist": lambda store: store.preview_allowlist_csv,
            "domains": lambda store: store.preview_domains_csv}
_IMPORT = {"blocklist": lambda store: store.import_blocklist_csv,
           "allowlist": lambda store: store.import_allowlist_csv,
           "domains": lambda store: store.import_domains_csv}


def csv_kind(source: str | bytes) -> str:
    """Which list a file is for, by its header (a ``domain`` column means the domain blocklist, an ``owner``
    column the allowlist)."""
    try:
        text = source if isinstance(source, str) else read_text(source)
    except CsvError:  # not text: the blocklist's import says what is wrong
        return "blocklist"
    names = header_names(text)
    if "domain" in names:
        return "domains"
    return "allowlist" if "owner" in names else "blocklist"


def _preview_text(preview: Any, kind: str, name: str, lang: str) -> str:
    lines = [t(lang, f"mod.import.preview.{kind}", name=name, add=len(preview.to_add),
               update=len(preview.to_update), same=preview.unchanged)]
    shown = 0
    for row in preview.to_add[:PREVIEW_ROWS]:
        lines.append(_preview_row("+", row, None, kind, lang))
        shown += 1
    for row, current in preview.to_update[: max(0, PREVIEW_ROWS - shown)]:
        lines.append(_preview_row("~", row, current, kind, lang))
        shown += 1
    hidden = len(preview.to_add) + len(preview.to_update) - shown
    if hidden > 0:
        lines.append(t(lang, "mod.import.more", count=hidden))
    lines.append(t(lang, "mod.import.ask"))
    return "\n".join(lines)


def _preview_row(mark: str, row: Any, current: dict[str, Any] | None, kind: str, lang: str) -> str:
    if kind == "domains":
        old = ""
        if current and current.get("category") != row.category:
            old = f"{category_label(current.get('category'), lang)} → "
        return f"{mark} {row.domain} {old}{category_label(row.category, lang)}"
    number = number_label(row.number_key + ("*" if getattr(row, "match", "exact") == "prefix" else ""))
    if kind == "allowlist":
        old = f"{current['owner']} → " if current and current.get("owner") != row.owner else ""
        return f"{mark} {number} {old}{row.owner}"
    old = ""
    if current and current.get("category") != row.category:
        old = f"{category_label(current.get('category'), lang)} → "
    expires = f" ⏳{format_expiry(row.expires_at)}" if row.expires_at else ""
    return f"{mark} {number} {old}{category_label(row.category, lang)}{expires}"


async def on_csv_document(update: Update, context: Context) -> None:
    """A CSV file in a private chat: a moderator gets a preview; anyone else the usual "can't read files"."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.document is None:
        return
    svc = services(context)
    lang = await language_for(svc, user)
    service = moderation_service(context)
    if not await asyncio.to_thread(service.is_moderator, user.id):
        await reply(update, context, t(lang, "input.unsupported", kind=t(lang, "kind.document")))
        return
    document = message.document
    name = document.file_name or "file.csv"
    if (document.file_size or 0) > MAX_CSV_BYTES:
        await reply(update, context, t(lang, "mod.import.too_big", mb=MAX_CSV_BYTES // (1024 * 1024)))
        return
    telegram_file = await context.bot.get_file(document.file_id)
    data = bytes(await telegram_file.download_as_bytearray())
    store = service.store
    try:
        # Decoded once here (GBK, UTF-16 …: see bot.store.csvfiles) to tell the list by its header.
        text = await asyncio.to_thread(read_text, data)
        kind = csv_kind(text)
        preview = await asyncio.to_thread(
            _PREVIEW[kind](store), text)
        errors = preview.errors
    except CsvError as exc:
        preview, errors = None, exc.errors
    if errors:
        lines = [t(lang, "mod.import.errors", name=name, count=len(errors))]
        # localize_data: the values quoted from the file and the category names may be in Simplified script.
        lines += [localize_data(e.text(lang), lang) for e in errors[:PREVIEW_ERRORS]]
        if len(errors) > PREVIEW_ERRORS:
            lines.append(t(lang, "mod.import.more_errors", count=len(errors) - PREVIEW_ERRORS))
        lines.append(t(lang, "mod.import.fix"))
        await reply(update, context, "\n".join(lines))
        return
    if not preview.to_add and not preview.to_update:
        await reply(update, context, t(lang, "mod.import.nothing", name=name, same=preview.unchanged))
        return
    rows = [*preview.to_add, *(row for row, _ in preview.to_update)]
    held = await asyncio.to_thread(service.import_reviews, user.id, kind, rows)
    if held:
        await reply(update, context, _held_text(held, name, lang))
        return
    token = secrets.token_urlsafe(6)
    # The file waits in the database (pending_flows) for the confirm tap, which any instance may receive.
    await asyncio.to_thread(svc.store.put_flow, f"import:{token}", svc.user_hash(user.id),
                            {"kind": kind, "name": name}, ttl=IMPORT_TTL, blob=data)
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton(t(lang, "mod.btn.confirm_import"), callback_data=f"m:i:y:{token}"),
        InlineKeyboardButton(t(lang, "mod.btn.cancel"), callback_data=f"m:i:n:{token}"),
    ]])
    await reply(update, context, _preview_text(preview, kind, name, lang), reply_markup=keyboard)


def _held_text(held: list[tuple[int, str, tuple[Any, ...]]], name: str, lang: str) -> str:
    """Why a moderator's file waits for an admin: each row that one moderator may not change alone."""
    from bot.moderation import MIN_PREFIX_DIGITS

    lines = [t(lang, "mod.import.needs_admin", name=name, count=len(held))]
    for line, number, reasons in held[:PREVIEW_ERRORS]:
        why = t(lang, "list.sep").join(t(lang, f"mod.review.reason.{r}", min=MIN_PREFIX_DIGITS) for r in reasons)
        lines.append(t(lang, "mod.import.held_line", line=line, number=number, reasons=why))
    if len(held) > PREVIEW_ERRORS:
        lines.append(t(lang, "mod.import.more_errors", count=len(held) - PREVIEW_ERRORS))
    lines.append(t(lang, "mod.import.needs_admin_fix"))
    return "\n".join(lines)


async def import_button(query: Any, context: Context, service: Moderation, lang: str, op: str, token: str) -> None:
    svc = services(context)
    # Taken in one statement: a double tap, or taps reaching two instances, apply the file once.
    pending = await asyncio.to_thread(svc.store.take_flow, f"import:{token}", svc.user_hash(query.from_user.id))
    if pending is None:
        await query.answer(t(lang, "mod.import.expired"), show_alert=True)
        await edit_text(query, t(lang, "mod.import.expired"))
        return
    kind, name = pending.data["kind"], pending.data["name"]
    if op == "n":
        await query.answer()
        await edit_text(query, t(lang, "mod.import.cancelled", name=name))
        return
    actor = f"tg:{query.from_user.id}"
    store = service.store
    apply = _IMPORT[kind](store)
    try:
        result = await asyncio.to_thread(apply, pending.blob or b"", actor=actor)
    except CsvError as exc:  # unreachable unless the file changed meaning; nothing was written
        await query.answer()
        await edit_text(query, t(lang, "mod.import.errors", name=name, count=len(exc.errors)))
        return
    if kind == "allowlist":
        await asyncio.to_thread(svc.checker.refresh_lists)
    await query.answer()
    await edit_text(query, t(lang, "mod.import.done", name=name, add=result.added, update=result.updated,
                         same=result.unchanged))
