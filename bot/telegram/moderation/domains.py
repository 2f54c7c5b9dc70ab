"""/blockdomain and /unblockdomain: the list of known scam sites, kept by moderators like the number list.

``/blockdomain example.com 钓鱼链接 evidence…`` lists a domain (any link or host is read down to its key:
``https://www.example.com/x`` → ``example.com``); ``/unblockdomain example.com [reason]`` takes it off.
Each change is audited with the moderator as actor (``tg:<id>``). Official domains, shorteners and shared
platforms are refused with the reason: listing them would call a bank's site or every t.cn link a scam site.
"""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.categories import UnknownCategory, resolve_category
from bot.locales import t
from bot.moderation import Moderation, Role, actor_of
from bot.render import localize_data
from bot.store import NotFound
from bot.telegram.moderation.common import Context, category_label, category_list, command, reply
from bot.urls import BadDomain, domain_key


def refusal(lang: str, exc: BadDomain) -> str:
    """Why a domain cannot go on the list, in ``lang``."""
    return t(lang, f"csv.error.domain_{exc.reason}", domain=exc.domain,
             owner=localize_data(exc.owner or "", lang))


@command(Role.MODERATOR)
async def blockdomain_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    args = list(context.args or [])
    if len(args) < 2:
        await reply(update, context, t(lang, "mod.blockdomain.usage", categories=category_list(lang)))
        return
    raw, category_name, evidence = args[0], args[1], " ".join(args[2:])
    try:
        category = resolve_category(category_name)
    except UnknownCategory:
        await reply(update, context, t(lang, "mod.unknown_category", name=category_name,
                                       categories=category_list(lang)))
        return
    try:
        entry, created = await asyncio.to_thread(
            service.store.add_domain, raw, category.key, actor=actor_of(update.effective_user.id),
            evidence=evidence, source="moderator")
    except BadDomain as exc:
        await reply(update, context, "❌ " + refusal(lang, exc))
        return
    await reply(update, context, t(lang, "mod.blockdomain.added" if created else "mod.blockdomain.updated",
                                   domain=entry.domain, category=category_label(entry.category, lang)))


@command(Role.MODERATOR)
async def unblockdomain_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    args = list(context.args or [])
    if not args:
        await reply(update, context, t(lang, "mod.unblockdomain.usage"))
        return
    raw, reason = args[0], " ".join(args[1:])
    try:
        shown = domain_key(raw)
    except BadDomain as exc:
        shown = exc.domain
    try:
        await asyncio.to_thread(service.store.remove_domain, raw, actor=actor_of(update.effective_user.id),
                                reason=reason)
    except NotFound:
        await reply(update, context, t(lang, "mod.unblockdomain.not_listed", domain=shown))
        return
    await reply(update, context, t(lang, "mod.unblockdomain.done", domain=shown))
