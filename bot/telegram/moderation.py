"""Moderation in Telegram: commands and buttons for volunteer moderators, and the appeal flow for anyone.

Translation only: every rule (roles, thresholds, trust, appeals, expiry) lives in ``bot.moderation``;
every sentence in ``bot.locales`` (keys ``mod.*``). Moderators work from phones, so replies are short and
each action is one command or one button.

Commands (private chat only: moderation data never lands in a group):

- admins: ``/mod add <id>`` (or as a reply), ``/mod remove <id>`` (or as a reply), ``/mod list``;
- moderators: ``/block NUMBER CATEGORY [evidence…] [expires=YYYY-MM-DD]`` (or, replying to a forwarded
  message, ``/block CATEGORY [evidence…]`` for every number in it), ``/unblock NUMBER [reason]``,
  ``/allow NUMBER OWNER [aliases]``, ``/lookup NUMBER``, ``/export``, ``/queue``, ``/feedback``,
  ``/stats``, and a CSV file upload (preview, then Confirm/Cancel);
- anyone: ``/appeal`` (share your own contact, then say why) and ``/cancel``.

Everyone else who tries a moderator command gets a clear refusal. Button data starts with ``m:`` and
stays under Telegram's 64 bytes: ``m:q:<op>:<kind>:<ref>[:<category index>]`` for the queue,
``m:f:<op>:<id>[:<category index>]`` for feedback, ``m:i:<op>:<token>`` for imports.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    MessageOriginUser,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import phones
from bot.categories import CATEGORIES, UnknownCategory, resolve_category
from bot.locales import t
from bot.moderation import (
    AppealProof,
    Moderation,
    NotAllowed,
    QueueItem,
    Role,
    parse_expires,
)
from bot.render import category_name, display_number, localize_data
from bot.store import CsvError, NotFound
from bot.store.csvfiles import format_expiry, split_aliases
from bot.telegram.replies import language_for, send_text
from bot.telegram.services import Services, services

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
MODERATION_KEY = "moderation"
NOTICES_KEY = "moderation_notices"
MAX_CSV_BYTES = 20 * 1024 * 1024  # what the Bot API lets a bot download
IMPORT_TTL = timedelta(hours=1)
PREVIEW_ROWS = 8
PREVIEW_ERRORS = 15
SAMPLE_CHARS = 300
HISTORY_ROWS = 8
SKIPPED_KEY = "moderation_skipped"

_NUMBER_TOKEN = re.compile(r"^[+＋0-9０-９()（）\-.*]+$")
_EXPIRES_TOKEN = re.compile(r"^(?:expires?|exp|到期|过期|過期)[=:：](.*)$", re.IGNORECASE)


# ── services and small helpers ──────────────────────────────────────────────────────────────────────

def moderation_service(context: Context) -> Moderation:
    """The ``Moderation`` service over this process's store (built on first use, after ``post_init``)."""
    bot_data = context.application.bot_data
    service = bot_data.get(MODERATION_KEY)
    svc: Services = services(context)
    if service is None or service.store is not svc.store:
        service = Moderation.from_settings(svc.settings, svc.store)
        bot_data[MODERATION_KEY] = service
    return service


def _cat(key: str | None, lang: str) -> str:
    return category_name(key, lang) or "—"


def _num(key: str) -> str:
    return display_number(key.rstrip("*")) + ("*" if key.endswith("*") else "")


def _date(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d") if moment else "—"


def _clip(text: str, limit: int = SAMPLE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fit(text: str) -> str:
    """Within Telegram's 4096 characters (history and samples are already short; this is the last guard)."""
    return text if len(text) <= 4000 else text[:3999] + "…"


def _is_private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


async def _reply(update: Update, context: Context, text: str, **kwargs: Any) -> Message:
    message = update.effective_message
    return await send_text(context, update.effective_chat.id, _fit(text),
                           reply_to=message.message_id if message else None, **kwargs)


Handler = Callable[[Update, Context, Moderation, str], Awaitable[None]]


def _command(needed: Role) -> Callable[[Handler], Callable[[Update, Context], Awaitable[None]]]:
    """Private chat and role checks first, with a clear refusal; then the handler with service and language."""

    def decorate(handler: Handler) -> Callable[[Update, Context], Awaitable[None]]:
        @wraps(handler)
        async def run(update: Update, context: Context) -> None:
            user = update.effective_user
            if user is None or update.effective_message is None:
                return
            lang = await language_for(services(context), user)
            if not _is_private(update):
                await _reply(update, context, t(lang, "mod.private_only"))
                return
            service = moderation_service(context)
            role = await asyncio.to_thread(service.role, user.id)
            allowed = role == Role.ADMIN or (needed == Role.MODERATOR and role == Role.MODERATOR) \
                or needed == Role.USER
            if not allowed:
                await _reply(update, context, t(lang, "mod.admins_only" if needed == Role.ADMIN
                                                else "mod.moderators_only"))
                return
            try:
                await handler(update, context, service, lang)
            except NotAllowed:
                await _reply(update, context, t(lang, "mod.moderators_only"))

        return run

    return decorate


def _category_list(lang: str) -> str:
    return t(lang, "list.sep").join(_cat(c.key, lang) for c in CATEGORIES)


def _split_number(tokens: list[str]) -> tuple[str | None, list[str]]:
    """(the number written at the start of ``tokens``, the rest). A number may be written with spaces."""
    count = 0
    while count < len(tokens) and _NUMBER_TOKEN.match(tokens[count]):
        count += 1
    if count == 0:
        return None, tokens
    return "".join(tokens[:count]), tokens[count:]


def _split_expires(tokens: list[str]) -> tuple[str | None, list[str]]:
    value = None
    rest = []
    for token in tokens:
        found = _EXPIRES_TOKEN.match(token)
        if found:
            value = found.group(1)
        else:
            rest.append(token)
    return value, rest


def _number_key(raw: str) -> tuple[str, bool]:
    """(store key, is prefix) of a typed number; raises ``InvalidNumber``/``ValueError``."""
    from bot.store import Store

    key, match = Store.blocklist_key(raw)
    return key, match == "prefix"


def _bad_number(lang: str, raw: str, exc: Exception) -> str:
    return t(lang, "mod.bad_number", number=raw, reason=localize_data(str(exc), lang))


def _expiry_note(entry: Any, lang: str) -> str:
    if entry.expires_at is None:
        return ""
    day = format_expiry(entry.expires_at)
    return t(lang, "mod.expired_note" if entry.is_expired() else "mod.expires_note", date=day)


# ── /mod ────────────────────────────────────────────────────────────────────────────────────────────

def _target_user(update: Update, args: list[str]) -> int | None:
    """The user id in the command, or the author of the message it replies to (or of a forwarded one)."""
    if args:
        try:
            return int(args[0])
        except ValueError:
            return None
    replied = update.effective_message.reply_to_message
    if replied is None:
        return None
    if isinstance(replied.forward_origin, MessageOriginUser):
        return replied.forward_origin.sender_user.id
    if replied.from_user is not None and not replied.from_user.is_bot:
        return replied.from_user.id
    return None


@_command(Role.ADMIN)
async def mod_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    args = list(context.args or [])
    action = args[0].lower() if args else ""
    admin_id = update.effective_user.id
    if action == "list":
        listed = await asyncio.to_thread(service.moderators, admin_id)
        lines = [t(lang, "mod.list.title", count=len(listed))]
        lines += [t(lang, "mod.list.admin" if role == Role.ADMIN else "mod.list.moderator", id=uid)
                  for uid, role in listed]
        await _reply(update, context, "\n".join(lines))
        return
    if action not in ("add", "remove"):
        await _reply(update, context, t(lang, "mod.mod.usage"))
        return
    target = _target_user(update, args[1:])
    if target is None:
        await _reply(update, context, t(lang, "mod.mod.usage"))
        return
    if action == "add":
        added = await asyncio.to_thread(service.add_moderator, admin_id, target)
        await _reply(update, context, t(lang, "mod.mod.added" if added else "mod.mod.already", id=target))
        return
    try:
        removed = await asyncio.to_thread(service.remove_moderator, admin_id, target)
    except ValueError:
        await _reply(update, context, t(lang, "mod.mod.is_admin", id=target))
        return
    await _reply(update, context, t(lang, "mod.mod.removed" if removed else "mod.mod.not_moderator", id=target))


# ── blocklist commands ──────────────────────────────────────────────────────────────────────────────

@_command(Role.MODERATOR)
async def block_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    tokens = list(context.args or [])
    expires_raw, tokens = _split_expires(tokens)
    replied = update.effective_message.reply_to_message
    raw_number, rest = _split_number(tokens)
    numbers: list[str]
    if raw_number is None and replied is not None:
        source_text = replied.text or replied.caption or ""
        if replied.contact is not None:
            source_text = replied.contact.phone_number
        facts = phones.find_numbers(source_text) if source_text else []
        numbers = list(dict.fromkeys(f.e164 for f in facts if f.e164 and f.type != "invalid"))
        if not numbers:
            await _reply(update, context, t(lang, "mod.block.no_numbers"))
            return
    elif raw_number is None:
        await _reply(update, context, t(lang, "mod.block.usage", categories=_category_list(lang)))
        return
    else:
        numbers = [raw_number]
    if not rest:
        await _reply(update, context, t(lang, "mod.block.usage", categories=_category_list(lang)))
        return
    try:
        category = resolve_category(rest[0])
    except UnknownCategory:
        await _reply(update, context, t(lang, "mod.unknown_category", name=rest[0], categories=_category_list(lang)))
        return
    evidence = " ".join(rest[1:])
    expires_at = None
    if expires_raw is not None:
        try:
            expires_at = parse_expires(expires_raw)
        except ValueError:
            await _reply(update, context, t(lang, "mod.bad_date", value=expires_raw))
            return
    lines = []
    for number in numbers:
        try:
            key, prefix = _number_key(number)
            entry, created = await asyncio.to_thread(
                service.block, update.effective_user.id, key, category.key, evidence=evidence,
                expires_at=expires_at, prefix=prefix)
        except (phones.InvalidNumber, ValueError) as exc:
            lines.append(_bad_number(lang, number, exc))
            continue
        shown = _num(entry.number_key + ("*" if entry.is_prefix else ""))
        lines.append(t(lang, "mod.block.added" if created else "mod.block.updated", number=shown,
                       category=_cat(entry.category, lang)) + _expiry_note(entry, lang))
    await _reply(update, context, "\n".join(lines))


@_command(Role.MODERATOR)
async def unblock_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    raw_number, rest = _split_number(list(context.args or []))
    if raw_number is None:
        await _reply(update, context, t(lang, "mod.unblock.usage"))
        return
    try:
        key, prefix = _number_key(raw_number)
        shown = _num(key + ("*" if prefix else ""))
        await asyncio.to_thread(service.unblock, update.effective_user.id, key + ("*" if prefix else ""),
                                " ".join(rest))
    except (phones.InvalidNumber, ValueError) as exc:
        await _reply(update, context, _bad_number(lang, raw_number, exc))
        return
    except NotFound:
        await _reply(update, context, t(lang, "mod.unblock.not_listed", number=shown))
        return
    await _reply(update, context, t(lang, "mod.unblock.done", number=shown))


@_command(Role.MODERATOR)
async def allow_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    raw_number, rest = _split_number(list(context.args or []))
    if raw_number is None or not rest:
        await _reply(update, context, t(lang, "mod.allow.usage"))
        return
    owner = rest[0]
    aliases = split_aliases("|".join(re.split(r"[|,，、]", " ".join(rest[1:]).replace(" ", "|"))))
    try:
        entry, created = await asyncio.to_thread(service.allow, update.effective_user.id, raw_number, owner, aliases)
    except (phones.InvalidNumber, ValueError) as exc:
        await _reply(update, context, _bad_number(lang, raw_number, exc))
        return
    svc = services(context)
    await asyncio.to_thread(svc.checker.refresh_lists)
    names = t(lang, "list.sep").join(entry.aliases) or "—"
    await _reply(update, context, t(lang, "mod.allow.added" if created else "mod.allow.updated",
                                    number=_num(entry.number_key), owner=entry.owner, aliases=names))


def _history_lines(history: list[Any], lang: str) -> list[str]:
    lines = []
    for row in history[-HISTORY_ROWS:]:
        action = t(lang, f"mod.action.{row.action}") if row.action.startswith("blocklist.") else row.action
        after = row.after or {}
        detail = ""
        if row.action == "blocklist.remove" and after.get("removed_reason"):
            detail = f"（{after['removed_reason']}）" if lang != "en" else f" ({after['removed_reason']})"
        elif after.get("category") and row.action != "blocklist.remove":
            detail = f" {_cat(after['category'], lang)}"
        lines.append(t(lang, "mod.history.row", date=_date(row.at), action=action, actor=row.actor) + detail)
    return lines


def _entry_lines(entry: Any, lang: str) -> list[str]:
    if entry is None:
        return [t(lang, "mod.lookup.not_listed")]
    if not entry.active:
        state = t(lang, "mod.lookup.removed", date=_date(entry.removed_at), reason=entry.removed_reason or "—")
    elif entry.is_expired():
        state = t(lang, "mod.lookup.expired", date=format_expiry(entry.expires_at))
    else:
        state = t(lang, "mod.lookup.listed")
    lines = [state, t(lang, "mod.lookup.entry", category=_cat(entry.category, lang),
                      source=t(lang, f"mod.source.{entry.source}"), date=_date(entry.created_at),
                      expires=format_expiry(entry.expires_at) or "—")]
    if entry.evidence:
        lines.append(t(lang, "mod.lookup.evidence", evidence=_clip(entry.evidence)))
    return lines


@_command(Role.MODERATOR)
async def lookup_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    raw_number, _rest = _split_number(list(context.args or []))
    if raw_number is None:
        await _reply(update, context, t(lang, "mod.lookup.usage"))
        return
    try:
        key, prefix = _number_key(raw_number)
    except (phones.InvalidNumber, ValueError) as exc:
        await _reply(update, context, _bad_number(lang, raw_number, exc))
        return
    store = service.store
    written = key + ("*" if prefix else "")

    def gather() -> tuple[Any, bool, Any, dict[str, int], list[Any]]:
        entry, covered = store.entry_or_covering(written)
        official = None if prefix else store.get_allowlist(key)
        history_of = entry.number_key + "*" if covered else written
        return entry, covered, official, service.report_counts(key), store.history(history_of)

    entry, covered, official, counts, history = await asyncio.to_thread(gather)
    lines = [t(lang, "mod.lookup.title", number=_num(written))]
    if covered:
        lines.append(t(lang, "mod.lookup.covered", prefix=_num(entry.number_key + "*")))
    lines += _entry_lines(entry, lang)
    if official is not None:
        lines.append(t(lang, "mod.lookup.official", owner=localize_data(official.owner, lang)))
    lines.append(t(lang, "mod.lookup.reports", **counts))
    if history:
        lines.append(t(lang, "mod.lookup.history"))
        lines += _history_lines(history, lang)
    await _reply(update, context, "\n".join(lines))


@_command(Role.MODERATOR)
async def export_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    store = service.store
    data, count = await asyncio.to_thread(lambda: (store.export_blocklist_csv().encode("utf-8"),
                                                   store.count_blocklist()))
    today = datetime.now(UTC).strftime("%Y%m%d")
    await context.bot.send_document(update.effective_chat.id, document=data,
                                    filename=f"fanzha-blocklist-{today}.csv",
                                    caption=t(lang, "mod.export.caption", count=count))


# ── CSV import: preview, then confirm ───────────────────────────────────────────────────────────────

def _csv_kind(data: bytes) -> str:
    """Which list a file is for, by its header (an ``owner`` column means the allowlist)."""
    first = data[:2048].decode("utf-8", errors="ignore").lstrip("\ufeff").splitlines()
    header = [c.strip().lower() for c in first[0].split(",")] if first else []
    return "allowlist" if "owner" in header else "blocklist"


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
    number = _num(row.number_key + ("*" if getattr(row, "match", "exact") == "prefix" else ""))
    if kind == "allowlist":
        old = f"{current['owner']} → " if current and current.get("owner") != row.owner else ""
        return f"{mark} {number} {old}{row.owner}"
    old = ""
    if current and current.get("category") != row.category:
        old = f"{_cat(current.get('category'), lang)} → "
    expires = f" ⏳{format_expiry(row.expires_at)}" if row.expires_at else ""
    return f"{mark} {number} {old}{_cat(row.category, lang)}{expires}"


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
        await _reply(update, context, t(lang, "input.unsupported", kind=t(lang, "kind.document")))
        return
    document = message.document
    name = document.file_name or "file.csv"
    if (document.file_size or 0) > MAX_CSV_BYTES:
        await _reply(update, context, t(lang, "mod.import.too_big", mb=MAX_CSV_BYTES // (1024 * 1024)))
        return
    telegram_file = await context.bot.get_file(document.file_id)
    data = bytes(await telegram_file.download_as_bytearray())
    kind = _csv_kind(data)
    store = service.store
    try:
        preview = await asyncio.to_thread(
            store.preview_allowlist_csv if kind == "allowlist" else store.preview_blocklist_csv, data)
        errors = preview.errors
    except CsvError as exc:
        preview, errors = None, exc.errors
    if errors:
        lines = [t(lang, "mod.import.errors", name=name, count=len(errors))]
        lines += [t(lang, "mod.import.error_line", line=e.line, reason=localize_data(e.reason, lang))
                  for e in errors[:PREVIEW_ERRORS]]
        if len(errors) > PREVIEW_ERRORS:
            lines.append(t(lang, "mod.import.more_errors", count=len(errors) - PREVIEW_ERRORS))
        lines.append(t(lang, "mod.import.fix"))
        await _reply(update, context, "\n".join(lines))
        return
    if not preview.to_add and not preview.to_update:
        await _reply(update, context, t(lang, "mod.import.nothing", name=name, same=preview.unchanged))
        return
    token = secrets.token_urlsafe(6)
    # The file waits in the database (pending_flows) for the confirm tap, which any instance may receive.
    await asyncio.to_thread(svc.store.put_flow, f"import:{token}", svc.user_hash(user.id),
                            {"kind": kind, "name": name}, ttl=IMPORT_TTL, blob=data)
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton(t(lang, "mod.btn.confirm_import"), callback_data=f"m:i:y:{token}"),
        InlineKeyboardButton(t(lang, "mod.btn.cancel"), callback_data=f"m:i:n:{token}"),
    ]])
    await _reply(update, context, _preview_text(preview, kind, name, lang), reply_markup=keyboard)


async def _import_button(query: Any, context: Context, service: Moderation, lang: str, op: str, token: str) -> None:
    svc = services(context)
    # Taken in one statement: a double tap, or taps reaching two instances, apply the file once.
    pending = await asyncio.to_thread(svc.store.take_flow, f"import:{token}", svc.user_hash(query.from_user.id))
    if pending is None:
        await query.answer(t(lang, "mod.import.expired"), show_alert=True)
        await _edit(query, t(lang, "mod.import.expired"))
        return
    kind, name = pending.data["kind"], pending.data["name"]
    if op == "n":
        await query.answer()
        await _edit(query, t(lang, "mod.import.cancelled", name=name))
        return
    actor = f"tg:{query.from_user.id}"
    store = service.store
    apply = store.import_allowlist_csv if kind == "allowlist" else store.import_blocklist_csv
    try:
        result = await asyncio.to_thread(apply, pending.blob or b"", actor=actor)
    except CsvError as exc:  # unreachable unless the file changed meaning; nothing was written
        await query.answer()
        await _edit(query, t(lang, "mod.import.errors", name=name, count=len(exc.errors)))
        return
    if kind == "allowlist":
        await asyncio.to_thread(svc.checker.refresh_lists)
    await query.answer()
    await _edit(query, t(lang, "mod.import.done", name=name, add=result.added, update=result.updated,
                         same=result.unchanged))


# ── the queue ───────────────────────────────────────────────────────────────────────────────────────

def _category_keyboard(prefix: str, lang: str, suggested: str | None, back: str) -> InlineKeyboardMarkup:
    order = sorted(range(len(CATEGORIES)), key=lambda i: CATEGORIES[i].key != suggested)
    buttons = [InlineKeyboardButton(("⭐ " if CATEGORIES[i].key == suggested else "") + _cat(CATEGORIES[i].key, lang),
                                    callback_data=f"{prefix}:{i}") for i in order]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([InlineKeyboardButton(t(lang, "mod.btn.back"), callback_data=back)])
    return InlineKeyboardMarkup(rows)


def _item_text(item: QueueItem, lang: str, remaining: int) -> str:
    lines = [t(lang, "mod.queue.title", count=remaining)]
    if item.kind == "appeal":
        appeal = item.appeal
        lines.append(t(lang, "mod.queue.appeal", id=appeal.id, number=_num(appeal.number_key)))
        lines.append(t(lang, "mod.queue.reason", reason=_clip(appeal.reason, 600)))
        lines += _entry_lines(item.entry, lang)
        if item.history:
            lines.append(t(lang, "mod.lookup.history"))
            lines += _history_lines(item.history, lang)
        return "\n".join(lines)
    if item.kind == "number":
        lines.append(t(lang, "mod.queue.number", number=_num(item.ref)))
    else:
        lines.append(t(lang, "mod.queue.text"))
        if item.numbers:
            lines.append(t(lang, "mod.queue.text_numbers", numbers=", ".join(_num(n) for n in item.numbers)))
    lines.append(t(lang, "mod.queue.reporters", reporters=item.reporters, weight=f"{item.weight:.1f}",
                   reports=item.report_count))
    levels = t(lang, "list.sep").join(f"{t(lang, f'level.{lvl}') if lvl in ('high', 'suspicious', 'low') else lvl}"
                                      f" ×{n}" for lvl, n in item.levels.items())
    lines.append(t(lang, "mod.queue.levels", levels=levels))
    if item.suggested_category:
        lines.append(t(lang, "mod.queue.suggested", category=_cat(item.suggested_category, lang)))
    if item.texts:
        lines.append(t(lang, "mod.queue.texts"))
        lines += [f"「{_clip(text)}」" for text in item.texts]
    else:
        lines.append(t(lang, "mod.queue.no_texts"))
    if item.kind == "number" and item.entry is not None and item.entry.active:
        lines.append(t(lang, "mod.queue.listed", category=_cat(item.entry.category, lang)))
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


async def _send_next_item(context: Context, chat_id: int, service: Moderation, lang: str) -> None:
    skipped: set[str] = context.user_data.setdefault(SKIPPED_KEY, set())
    items = await asyncio.to_thread(service.queue)
    waiting = [i for i in items if f"{i.kind}:{i.ref}" not in skipped]
    if not waiting:
        key = "mod.queue.all_skipped" if items else "mod.queue.empty"
        await send_text(context, chat_id, t(lang, key, count=len(items)))
        return
    item = await asyncio.to_thread(service.queue_item, waiting[0].kind, waiting[0].ref)
    if item is None:  # decided a moment ago by someone else
        item = waiting[0]
    await send_text(context, chat_id, _fit(_item_text(item, lang, len(waiting))),
                    reply_markup=_item_keyboard(item, lang))


@_command(Role.MODERATOR)
async def queue_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    context.user_data[SKIPPED_KEY] = set()
    await _send_next_item(context, update.effective_chat.id, service, lang)


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


async def _tell_appellant(context: Context, appeal: Any) -> None:
    svc = services(context)
    stored = await asyncio.to_thread(svc.store.get_language, svc.user_hash(appeal.appellant_chat_id))
    lang = stored or "zh-Hans"
    key = "mod.appeal.accepted" if appeal.status == "accepted" else "mod.appeal.rejected"
    try:
        await send_text(context, appeal.appellant_chat_id, t(lang, key, number=_num(appeal.number_key)))
    except (BadRequest, Forbidden) as exc:  # they blocked the bot or deleted the chat
        log.info("appellant of appeal %s not reachable: %s", appeal.id, type(exc).__name__)


async def _queue_button(query: Any, context: Context, service: Moderation, lang: str, parts: list[str]) -> None:
    op, kind, ref = parts[2], parts[3], parts[4]
    moderator = query.from_user.id
    chat_id = query.message.chat.id
    if op == "s":
        context.user_data.setdefault(SKIPPED_KEY, set()).add(f"{kind}:{ref}")
        await query.answer(t(lang, "mod.queue.skipped"))
        await _edit(query, query.message.text + "\n\n" + t(lang, "mod.queue.skipped"))
        await _send_next_item(context, chat_id, service, lang)
        return
    item = await asyncio.to_thread(service.queue_item, kind, ref)
    if item is None:
        await query.answer(t(lang, "mod.queue.gone"), show_alert=True)
        await _edit(query, query.message.text + "\n\n" + t(lang, "mod.queue.gone"))
        await _send_next_item(context, chat_id, service, lang)
        return
    if op == "b":  # pick a category
        await query.answer()
        await _edit_markup(query, _category_keyboard(f"m:q:c:{kind}:{ref}", lang, item.suggested_category,
                                                     back=f"m:q:k:{kind}:{ref}"))
        return
    if op == "k":  # back from the category picker
        await query.answer()
        await _edit_markup(query, _item_keyboard(item, lang))
        return
    if kind == "appeal":
        appeal = await asyncio.to_thread(service.decide_appeal, moderator, int(ref), accepted=op == "a")
        outcome = t(lang, "mod.queue.appeal_accepted" if op == "a" else "mod.queue.appeal_rejected",
                    number=_num(appeal.number_key))
        await _tell_appellant(context, appeal)
    elif op == "c":
        category = CATEGORIES[int(parts[5])].key
        if kind == "number":
            _entry, decided = await asyncio.to_thread(service.block_reported, moderator, ref, category)
            outcome = t(lang, "mod.queue.blocked", number=_num(ref), category=_cat(category, lang), reports=decided)
        else:
            decided = await asyncio.to_thread(service.decide_text, moderator, int(ref), accepted=True,
                                              category=category)
            outcome = t(lang, "mod.queue.confirmed", category=_cat(category, lang), reports=decided)
    elif op == "r":
        if kind == "number":
            decided = await asyncio.to_thread(service.reject_reported, moderator, ref)
        else:
            decided = await asyncio.to_thread(service.decide_text, moderator, int(ref), accepted=False)
        outcome = t(lang, "mod.queue.rejected", reports=decided)
    else:
        await query.answer(t(lang, "callback.unknown"))
        return
    await query.answer(outcome)
    await _edit(query, query.message.text + "\n\n" + outcome)
    await _send_next_item(context, chat_id, service, lang)


# ── the feedback queue ──────────────────────────────────────────────────────────────────────────────

def _feedback_text(item: Any, lang: str, remaining: int) -> str:
    verdict = item.verdict or {}
    level = verdict.get("risk_level")
    said = t(lang, f"level.{level}") if level in ("high", "suspicious", "low") else "?"
    if verdict.get("category_key"):
        said += f" · {_cat(verdict['category_key'], lang)}"
    lines = [t(lang, "mod.feedback.title", count=remaining, id=item.id), t(lang, "mod.feedback.verdict", verdict=said)]
    lines.append(f"「{_clip(item.text)}」" if item.text else t(lang, "mod.queue.no_texts"))
    if item.comment:
        lines.append(t(lang, "mod.feedback.comment", comment=_clip(item.comment)))
    return "\n".join(lines)


def _feedback_keyboard(item_id: int, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(t(lang, "mod.btn.fb_legit"), callback_data=f"m:f:l:{item_id}"),
         InlineKeyboardButton(t(lang, "mod.btn.fb_fraud"), callback_data=f"m:f:k:{item_id}")],
        [InlineKeyboardButton(t(lang, "mod.btn.fb_right"), callback_data=f"m:f:r:{item_id}"),
         InlineKeyboardButton(t(lang, "mod.btn.skip"), callback_data=f"m:f:s:{item_id}")],
    ])


async def _send_next_feedback(context: Context, chat_id: int, service: Moderation, lang: str) -> None:
    skipped: set[str] = context.user_data.setdefault(SKIPPED_KEY, set())
    items = await asyncio.to_thread(service.feedback_queue)
    waiting = [i for i in items if f"feedback:{i.id}" not in skipped]
    if not waiting:
        await send_text(context, chat_id, t(lang, "mod.feedback.all_skipped" if items else "mod.feedback.empty",
                                            count=len(items)))
        return
    item = waiting[0]
    await send_text(context, chat_id, _fit(_feedback_text(item, lang, len(waiting))),
                    reply_markup=_feedback_keyboard(item.id, lang))


@_command(Role.MODERATOR)
async def feedback_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    skipped: set[str] = context.user_data.setdefault(SKIPPED_KEY, set())
    skipped.difference_update({s for s in skipped if s.startswith("feedback:")})
    await _send_next_feedback(context, update.effective_chat.id, service, lang)


async def _feedback_button(query: Any, context: Context, service: Moderation, lang: str, parts: list[str]) -> None:
    op, item_id = parts[2], int(parts[3])
    chat_id = query.message.chat.id
    if op == "s":
        context.user_data.setdefault(SKIPPED_KEY, set()).add(f"feedback:{item_id}")
        await query.answer(t(lang, "mod.queue.skipped"))
        await _edit(query, query.message.text + "\n\n" + t(lang, "mod.queue.skipped"))
        await _send_next_feedback(context, chat_id, service, lang)
        return
    if op == "k":
        await query.answer()
        await _edit_markup(query, _category_keyboard(f"m:f:c:{item_id}", lang, None, back=f"m:f:b:{item_id}"))
        return
    if op == "b":
        await query.answer()
        await _edit_markup(query, _feedback_keyboard(item_id, lang))
        return
    accepted = op in ("l", "c")
    label = "legit" if op == "l" else CATEGORIES[int(parts[4])].key if op == "c" else None
    try:
        await asyncio.to_thread(service.review_feedback, query.from_user.id, item_id, accepted=accepted, label=label)
    except (NotFound, ValueError):
        await query.answer(t(lang, "mod.queue.gone"), show_alert=True)
        await _edit(query, query.message.text + "\n\n" + t(lang, "mod.queue.gone"))
        await _send_next_feedback(context, chat_id, service, lang)
        return
    if op == "l":
        outcome = t(lang, "mod.feedback.legit")
    elif op == "c":
        outcome = t(lang, "mod.feedback.fraud", category=_cat(label, lang))
    else:
        outcome = t(lang, "mod.feedback.right")
    await query.answer(outcome)
    await _edit(query, query.message.text + "\n\n" + outcome)
    await _send_next_feedback(context, chat_id, service, lang)


# ── buttons ─────────────────────────────────────────────────────────────────────────────────────────

async def _edit(query: Any, text: str) -> None:
    try:
        await query.edit_message_text(_fit(text))
    except BadRequest as exc:  # "message is not modified" after a double tap
        log.info("moderation message not edited: %s", exc.message)


async def _edit_markup(query: Any, markup: InlineKeyboardMarkup) -> None:
    try:
        await query.edit_message_reply_markup(markup)
    except BadRequest as exc:
        log.info("moderation keyboard not edited: %s", exc.message)


_VALID_DATA = re.compile(r"^m:(?:q:[bckras]:(?:number|text|appeal):[^:]+(?::\d{1,2})?|f:[lkbcrs]:\d+(?::\d{1,2})?"
                         r"|i:[yn]:[\w-]+)$")


async def on_moderation_button(update: Update, context: Context) -> None:
    """Every ``m:`` button: role check, then the queue, feedback or import action; always answered."""
    query = update.callback_query
    if query is None:
        return
    lang = await language_for(services(context), query.from_user)
    data = query.data or ""
    if not _VALID_DATA.match(data) or (data.split(":")[2] == "c" and not _category_index_ok(data)):
        await query.answer(t(lang, "callback.unknown"))
        return
    service = moderation_service(context)
    if not await asyncio.to_thread(service.is_moderator, query.from_user.id):
        await query.answer(t(lang, "mod.moderators_only"), show_alert=True)
        return
    parts = data.split(":")
    try:
        if parts[1] == "q":
            await _queue_button(query, context, service, lang, parts)
        elif parts[1] == "f":
            await _feedback_button(query, context, service, lang, parts)
        else:
            await _import_button(query, context, service, lang, parts[2], parts[3])
    except NotFound:
        await query.answer(t(lang, "mod.queue.gone"), show_alert=True)


def _category_index_ok(data: str) -> bool:
    try:
        return 0 <= int(data.rsplit(":", 1)[1]) < len(CATEGORIES)
    except ValueError:
        return False


# ── /stats ──────────────────────────────────────────────────────────────────────────────────────────

@_command(Role.MODERATOR)
async def stats_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    stats = await asyncio.to_thread(service.stats, update.effective_user.id)
    sep = t(lang, "list.sep")
    days = " · ".join(f"{day.strftime('%m-%d')} {n}" for day, n in stats.checks_per_day)
    levels = sep.join(f"{t(lang, f'level.{lvl}')} {stats.levels.get(lvl, 0)}" for lvl in ("high", "suspicious", "low"))
    top = sep.join(f"{_cat(key, lang)} {n}" for key, n in stats.top_categories) or "—"
    lines = [
        t(lang, "mod.stats.title", days=len(stats.checks_per_day), since=stats.since.isoformat()),
        t(lang, "mod.stats.checks", total=stats.checks_total),
        days,
        t(lang, "mod.stats.levels", levels=levels),
        t(lang, "mod.stats.categories", categories=top),
        t(lang, "mod.stats.queue", ready=stats.queue_ready, waiting=stats.queue_waiting,
          feedback=stats.feedback_pending, appeals=stats.appeals_pending),
        t(lang, "mod.stats.handled", accepted=stats.reports_accepted, rejected=stats.reports_rejected),
        t(lang, "mod.stats.blocklist", count=stats.blocklist_size),
    ]
    await _reply(update, context, "\n".join(lines))


# ── appeals (anyone) ────────────────────────────────────────────────────────────────────────────────

APPEAL_TTL = timedelta(hours=1)
"""How long an appeal waits between its steps (contact, then reason) before it has to start again."""


def _appeal_key(svc: Services, user_id: int) -> str:
    return f"appeal:{svc.user_hash(user_id)}"


def _contact_keyboard(lang: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup([[KeyboardButton(t(lang, "mod.appeal.share_button"), request_contact=True)]],
                               resize_keyboard=True, one_time_keyboard=True)


@_command(Role.USER)
async def appeal_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    svc = services(context)
    await asyncio.to_thread(svc.store.put_flow, _appeal_key(svc, update.effective_user.id),
                            svc.user_hash(update.effective_user.id), {"stage": "contact"}, ttl=APPEAL_TTL)
    await _reply(update, context, t(lang, "mod.appeal.start"), reply_markup=_contact_keyboard(lang))


async def cancel_command(update: Update, context: Context) -> None:
    user = update.effective_user
    if user is None:
        return
    svc = services(context)
    lang = await language_for(svc, user)
    flow = await asyncio.to_thread(svc.store.take_flow, _appeal_key(svc, user.id))
    await _reply(update, context, t(lang, "mod.appeal.cancelled" if flow else "mod.cancel.nothing"),
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
    flow = await asyncio.to_thread(svc.store.get_flow, _appeal_key(svc, user.id))
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
        await _reply(update, context, t(lang, "mod.appeal.need_contact"), reply_markup=_contact_keyboard(lang))
        return
    service = moderation_service(context)
    proof = await asyncio.to_thread(service.check_contact, user.id, message.contact.user_id,
                                    message.contact.phone_number)
    if not proof.own:
        await _reply(update, context, t(lang, "mod.appeal.not_own"), reply_markup=_contact_keyboard(lang))
        return
    number = _num(proof.number_key) if proof.number_key else message.contact.phone_number
    key = _appeal_key(svc, user.id)
    if not proof.listed or proof.pending_appeal is not None:
        await asyncio.to_thread(svc.store.take_flow, key)
        await _reply(update, context, t(lang, "mod.appeal.not_listed" if not proof.listed else "mod.appeal.pending",
                                        number=number), reply_markup=ReplyKeyboardRemove())
        return
    # Only a proved, listed number moves the appeal on: the reason step trusts what is stored here.
    await asyncio.to_thread(svc.store.put_flow, key, svc.user_hash(user.id),
                            {"stage": "reason", "number_key": proof.number_key}, ttl=APPEAL_TTL)
    await _reply(update, context, t(lang, "mod.appeal.ask_reason", number=number), reply_markup=ReplyKeyboardRemove())


async def on_appeal_reason(update: Update, context: Context, step: dict[str, Any]) -> None:
    message = update.effective_message
    user = update.effective_user
    svc = services(context)
    lang = await language_for(svc, user)
    reason = (message.text or message.caption or "").strip()
    if not reason:
        await _reply(update, context, t(lang, "mod.appeal.need_reason"))
        return
    if await asyncio.to_thread(svc.store.take_flow, _appeal_key(svc, user.id)) is None:
        return  # another instance took this step a moment ago
    proof = AppealProof(own=True, number_key=step["number_key"], listed=True)
    service = moderation_service(context)
    try:
        appeal = await asyncio.to_thread(service.submit_appeal, user.id, proof, reason)
    except (NotFound, ValueError):
        await _reply(update, context, t(lang, "mod.appeal.pending", number=_num(proof.number_key)))
        return
    await _reply(update, context, t(lang, "mod.appeal.submitted", id=appeal.id))
    notify_in_background(context, "mod.notify.appeal", id=appeal.id, number=_num(appeal.number_key))


# ── registration ────────────────────────────────────────────────────────────────────────────────────

MODERATOR_COMMANDS = ("block", "unblock", "allow", "lookup", "export", "queue", "feedback", "stats")


def register_moderation(application: Application) -> None:
    """Add the moderation handlers (the composition root calls this between public commands and catch-alls).

    The appeal step handler runs in group −1, before every other handler, and stops the update only for users
    in the middle of an appeal, so for everyone else a contact or a text is still checked by the public
    handlers.
    """
    application.add_handler(MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND, on_appeal_step), group=-1)
    application.add_handler(CommandHandler("cancel", cancel_command))
    application.add_handler(CommandHandler("appeal", appeal_command))
    application.add_handler(CommandHandler("mod", mod_command))
    handlers = {"block": block_command, "unblock": unblock_command, "allow": allow_command,
                "lookup": lookup_command, "export": export_command, "queue": queue_command,
                "feedback": feedback_command, "stats": stats_command}
    for name in MODERATOR_COMMANDS:
        application.add_handler(CommandHandler(name, handlers[name]))
    application.add_handler(MessageHandler(
        filters.ChatType.PRIVATE & (filters.Document.FileExtension("csv") | filters.Document.MimeType("text/csv")),
        on_csv_document))
    application.add_handler(CallbackQueryHandler(on_moderation_button, pattern=r"^m:"))


register = register_moderation
"""The name ``bot.telegram.app`` looks for."""
