"""Groups: stay quiet unless addressed, or unless a message is high risk (Cofacts-style), per group.

In a group the bot answers a message when it is mentioned (``@bot``), when someone replies to the bot,
or when the group's admins turned quiet mode off (``/quiet off``); otherwise it checks silently and
speaks only for a ``high`` verdict. Mentioning the bot in a reply to another message checks *that*
message. Admin rights are asked from Telegram (``getChatMember``) at the moment of the change.

Added to a group, the bot says once how it works there and how admins switch quiet mode
(:func:`on_my_chat_member`). Stickers, voice messages and other things it cannot read get no reply in a
group, whatever the mode (``bot.telegram.public``).

A group's checks come from the group's own budget per minute (:func:`spend_budget`), never from the
poster's private limit.

Note for operators: a bot in privacy mode (BotFather's default) only receives commands, mentions and
replies in groups; to see high-risk messages unprompted it needs privacy mode off or admin rights.
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Bot, ChatMember, Message, MessageEntity, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import ContextTypes

from bot.locales import t
from bot.telegram.replies import language_for, send_text
from bot.telegram.services import Services, services

MODE_ANSWER = "answer"
MODE_HIGH_ONLY = "high_only"

_ADMIN_STATUSES = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR})
_PRESENT_STATUSES = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER})


def _mentions_bot(message: Message, bot: Bot) -> bool:
    username = (bot.username or "").lower()
    for source in (message.parse_entities(), message.parse_caption_entities()):
        for ent, text in source.items():
            if ent.type == MessageEntity.MENTION and text.lower() == f"@{username}":
                return True
            if ent.type == MessageEntity.TEXT_MENTION and ent.user is not None and ent.user.id == bot.id:
                return True
    return False


def _replies_to_bot(message: Message, bot: Bot) -> bool:
    replied = message.reply_to_message
    return replied is not None and replied.from_user is not None and replied.from_user.id == bot.id


def is_addressed(message: Message, bot: Bot) -> bool:
    """Mentioned or replied to: the sender is talking to the bot."""
    return _mentions_bot(message, bot) or _replies_to_bot(message, bot)


def message_to_check(message: Message, bot: Bot) -> Message:
    """``@bot`` written in reply to someone's message asks about that message; otherwise the message."""
    replied = message.reply_to_message
    if replied is not None and _mentions_bot(message, bot) and not _replies_to_bot(message, bot):
        return replied
    return message


async def decide_mode(message: Message, context: ContextTypes.DEFAULT_TYPE) -> str:
    """``MODE_ANSWER`` when addressed or quiet mode is off, else ``MODE_HIGH_ONLY``."""
    if is_addressed(message, context.bot):
        return MODE_ANSWER
    svc = services(context)
    quiet = await asyncio.to_thread(svc.store.group_quiet, message.chat_id)
    return MODE_HIGH_ONLY if quiet else MODE_ANSWER


async def spend_budget(svc: Services, chat_id: int, lang: str) -> tuple[bool, str | None]:
    """Count one check against the group's own budget (``group_checks_per_minute``): (allowed, the notice
    to give when it is not — once a minute per group, else None).

    Never the poster's private quota: someone who used up their own checks in private must not make the bot
    blind to the scam they then post in a group, and chatting in groups must not lock anyone out of checking
    in private. A busy group gets one notice a minute (group ids never collide with user ids)."""
    limit = svc.settings.group_checks_per_minute
    if await svc.limiter.allow_group(chat_id, limit):
        return True, None
    notify = await svc.limiter.should_notify(chat_id)
    return False, (t(lang, "group.rate_limited", limit=limit) if notify else None)


async def _is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True  # an anonymous admin posts as the group itself
    if user is None:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in _ADMIN_STATUSES


async def quiet_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/quiet`` (status), ``/quiet on``, ``/quiet off`` — the last two for group admins only."""
    svc = services(context)
    chat, message = update.effective_chat, update.effective_message
    lang = await language_for(svc, update.effective_user)
    reply_to = message.message_id if message else None
    if chat is None or chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        await send_text(context, chat.id, t(lang, "group.only_in_groups"), reply_to=reply_to)
        return
    arg = (context.args or [""])[0].lower()
    if arg not in ("on", "off"):
        quiet = await asyncio.to_thread(svc.store.group_quiet, chat.id)
        state = t(lang, "group.state_on" if quiet else "group.state_off")
        await send_text(context, chat.id, t(lang, "group.quiet_status", state=state), reply_to=reply_to)
        return
    if not await _is_admin(update, context):
        await send_text(context, chat.id, t(lang, "group.admins_only"), reply_to=reply_to)
        return
    quiet = arg == "on"
    actor: Any = f"tg-admin:{svc.user_hash(update.effective_user.id)[:16]}" if update.effective_user else "admin"
    await asyncio.to_thread(svc.store.set_group_quiet, chat.id, quiet, actor=actor)
    await send_text(context, chat.id, t(lang, "group.quiet_on" if quiet else "group.quiet_off"), reply_to=reply_to)


def _present(member: ChatMember) -> bool:
    """In the group (a restricted member too, while still a member)."""
    return member.status in _PRESENT_STATUSES or (
        member.status == ChatMemberStatus.RESTRICTED and bool(getattr(member, "is_member", False)))


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot's own membership changed: greet a group once when the bot joins it (not when it is merely
    promoted or restricted), in the language of whoever added it."""
    change = update.my_chat_member
    if change is None or change.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return
    if _present(change.old_chat_member) or not _present(change.new_chat_member):
        return
    lang = await language_for(services(context), change.from_user)
    await send_text(context, change.chat.id, t(lang, "group.welcome"))
