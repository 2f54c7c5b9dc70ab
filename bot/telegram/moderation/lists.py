"""/block, /unblock, /allow, /lookup, /export and /stats: the lists, one command each (the team: ``team``)."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from typing import Any

from telegram import (
    Update,
)

from bot import phones
from bot.categories import UnknownCategory, resolve_category
from bot.locales import t
from bot.moderation import (
    AwaitingAdmin,
    Moderation,
    Role,
    parse_expires,
)
from bot.render import localize_data
from bot.store import NotFound
from bot.store.csvfiles import format_expiry, split_aliases
from bot.telegram.moderation.approvals import held_reply
from bot.telegram.moderation.common import (
    HISTORY_ROWS,
    Context,
    bad_number,
    category_label,
    category_list,
    clip,
    command,
    date_label,
    expiry_note,
    number_key_of,
    number_label,
    reply,
    split_expires,
    split_number,
)
from bot.telegram.services import services

# ── blocklist commands ──────────────────────────────────────────────────────────────────────────────

@command(Role.MODERATOR)
async def block_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    tokens = list(context.args or [])
    expires_raw, tokens = split_expires(tokens)
    replied = update.effective_message.reply_to_message
    raw_number, rest = split_number(tokens)
    numbers: list[str]
    if raw_number is None and replied is not None:
        source_text = replied.text or replied.caption or ""
        if replied.contact is not None:
            source_text = replied.contact.phone_number
        facts = phones.find_numbers(source_text) if source_text else []
        numbers = list(dict.fromkeys(f.e164 for f in facts if f.e164 and f.type != "invalid"))
        if not numbers:
            await reply(update, context, t(lang, "mod.block.no_numbers"))
            return
    elif raw_number is None:
        await reply(update, context, t(lang, "mod.block.usage", categories=category_list(lang)))
        return
    else:
        numbers = [raw_number]
    if not rest:
        await reply(update, context, t(lang, "mod.block.usage", categories=category_list(lang)))
        return
    try:
        category = resolve_category(rest[0])
    except UnknownCategory:
        await reply(update, context, t(lang, "mod.unknown_category", name=rest[0], categories=category_list(lang)))
        return
    evidence = " ".join(rest[1:])
    expires_at = None
    if expires_raw is not None:
        try:
            expires_at = parse_expires(expires_raw)
        except ValueError:
            await reply(update, context, t(lang, "mod.bad_date", value=expires_raw))
            return
    lines = []
    for number in numbers:
        try:
            key, prefix = number_key_of(number)
            entry, created = await asyncio.to_thread(
                service.block, update.effective_user.id, key, category.key, evidence=evidence,
                expires_at=expires_at, prefix=prefix)
        except AwaitingAdmin as wait:
            lines.append(await held_reply(context, wait.change, lang))
            continue
        except (phones.InvalidNumber, ValueError) as exc:
            lines.append(bad_number(lang, number, exc))
            continue
        shown = number_label(entry.number_key + ("*" if entry.is_prefix else ""))
        lines.append(t(lang, "mod.block.added" if created else "mod.block.updated", number=shown,
                       category=category_label(entry.category, lang)) + expiry_note(entry, lang))
    await reply(update, context, "\n".join(lines))


@command(Role.MODERATOR)
async def unblock_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    raw_number, rest = split_number(list(context.args or []))
    if raw_number is None:
        await reply(update, context, t(lang, "mod.unblock.usage"))
        return
    try:
        key, prefix = number_key_of(raw_number)
        shown = number_label(key + ("*" if prefix else ""))
        await asyncio.to_thread(service.unblock, update.effective_user.id, key + ("*" if prefix else ""),
                                " ".join(rest))
    except (phones.InvalidNumber, ValueError) as exc:
        await reply(update, context, bad_number(lang, raw_number, exc))
        return
    except NotFound:
        await reply(update, context, t(lang, "mod.unblock.not_listed", number=shown))
        return
    await reply(update, context, t(lang, "mod.unblock.done", number=shown))


@command(Role.MODERATOR)
async def allow_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    raw_number, rest = split_number(list(context.args or []))
    if raw_number is None or not rest:
        await reply(update, context, t(lang, "mod.allow.usage") + "\n" + t(lang, "mod.allow.remove_hint"))
        return
    owner = rest[0]
    names = split_aliases("|".join(re.split(r"[|,，、]", " ".join(rest[1:]).replace(" ", "|"))))
    aliases = [n for n in names if not n.startswith("-")]
    removed = [n[1:] for n in names if n.startswith("-") and n[1:]]
    try:
        entry, created = await asyncio.to_thread(service.allow, update.effective_user.id, raw_number, owner,
                                                 aliases, remove_aliases=removed)
    except AwaitingAdmin as wait:
        await reply(update, context, await held_reply(context, wait.change, lang))
        return
    except (phones.InvalidNumber, ValueError) as exc:
        await reply(update, context, bad_number(lang, raw_number, exc))
        return
    svc = services(context)
    await asyncio.to_thread(svc.checker.refresh_lists)
    names = t(lang, "list.sep").join(entry.aliases) or "—"
    await reply(update, context, t(lang, "mod.allow.added" if created else "mod.allow.updated",
                                    number=number_label(entry.number_key), owner=entry.owner, aliases=names))


def history_lines(history: list[Any], lang: str) -> list[str]:
    lines = []
    for row in history[-HISTORY_ROWS:]:
        action = t(lang, f"mod.action.{row.action}") if row.action.startswith("blocklist.") else row.action
        after = row.after or {}
        detail = ""
        if row.action == "blocklist.remove" and after.get("removed_reason"):
            detail = f"（{after['removed_reason']}）" if lang != "en" else f" ({after['removed_reason']})"
        elif after.get("category") and row.action != "blocklist.remove":
            detail = f" {category_label(after['category'], lang)}"
        lines.append(t(lang, "mod.history.row", date=date_label(row.at), action=action, actor=row.actor) + detail)
    return lines


def entry_lines(entry: Any, lang: str) -> list[str]:
    if entry is None:
        return [t(lang, "mod.lookup.not_listed")]
    if not entry.active:
        state = t(lang, "mod.lookup.removed", date=date_label(entry.removed_at), reason=entry.removed_reason or "—")
    elif entry.is_expired():
        state = t(lang, "mod.lookup.expired", date=format_expiry(entry.expires_at))
    else:
        state = t(lang, "mod.lookup.listed")
    lines = [state, t(lang, "mod.lookup.entry", category=category_label(entry.category, lang),
                      source=t(lang, f"mod.source.{entry.source}"), date=date_label(entry.created_at),
                      expires=format_expiry(entry.expires_at) or "—")]
    if entry.evidence:
        lines.append(t(lang, "mod.lookup.evidence", evidence=clip(entry.evidence)))
    return lines


@command(Role.MODERATOR)
async def lookup_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    raw_number, _rest = split_number(list(context.args or []))
    if raw_number is None:
        await reply(update, context, t(lang, "mod.lookup.usage"))
        return
    try:
        key, prefix = number_key_of(raw_number)
    except (phones.InvalidNumber, ValueError) as exc:
        await reply(update, context, bad_number(lang, raw_number, exc))
        return
    store = service.store
    written = key + ("*" if prefix else "")

    def gather() -> tuple[Any, bool, Any, dict[str, int], list[Any]]:
        entry, covered = store.entry_or_covering(written)
        official = None if prefix else store.get_allowlist(key)
        history_of = entry.number_key + "*" if covered else written
        return entry, covered, official, service.report_counts(key), store.history(history_of)

    entry, covered, official, counts, history = await asyncio.to_thread(gather)
    lines = [t(lang, "mod.lookup.title", number=number_label(written))]
    if covered:
        lines.append(t(lang, "mod.lookup.covered", prefix=number_label(entry.number_key + "*")))
    lines += entry_lines(entry, lang)
    if official is not None:
        lines.append(t(lang, "mod.lookup.official", owner=localize_data(official.owner, lang)))
    lines.append(t(lang, "mod.lookup.reports", **counts))
    if history:
        lines.append(t(lang, "mod.lookup.history"))
        lines += history_lines(history, lang)
    await reply(update, context, "\n".join(lines))


@command(Role.MODERATOR)
async def export_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    """``/export`` sends the number blocklist; ``/export domains`` the domain blocklist."""
    store = service.store
    domains = bool(context.args) and context.args[0].lower() in ("domains", "domain", "域名", "網域")
    # With a BOM: Excel on Windows reads a CSV without one as GBK and shows the Chinese garbled.
    if domains:
        data, count = await asyncio.to_thread(lambda: (store.export_domains_csv().encode("utf-8-sig"),
                                                       store.count_domains()))
    else:
        data, count = await asyncio.to_thread(lambda: (store.export_blocklist_csv().encode("utf-8-sig"),
                                                       store.count_blocklist()))
    today = datetime.now(UTC).strftime("%Y%m%d")
    await context.bot.send_document(update.effective_chat.id, document=data,
                                    filename=f"fanzha-{'domains' if domains else 'blocklist'}-{today}.csv",
                                    caption=t(lang, "mod.export.caption_domains" if domains else "mod.export.caption",
                                              count=count))


# ── /stats ──────────────────────────────────────────────────────────────────────────────────────────

@command(Role.MODERATOR)
async def stats_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    stats = await asyncio.to_thread(service.stats, update.effective_user.id)
    sep = t(lang, "list.sep")
    days = " · ".join(f"{day.strftime('%m-%d')} {n}" for day, n in stats.checks_per_day)
    levels = sep.join(f"{t(lang, f'level.{lvl}')} {stats.levels.get(lvl, 0)}" for lvl in ("high", "suspicious", "low"))
    top = sep.join(f"{category_label(key, lang)} {n}" for key, n in stats.top_categories) or "—"
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
    await reply(update, context, "\n".join(lines))
