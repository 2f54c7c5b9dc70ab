"""The team: ``/mod`` (admins), ``/id`` (anyone), the welcome a new moderator gets, the moderators' section
of ``/help``, and each moderator's own command menu.

A moderator's menu is set for their private chat alone (``BotCommandScopeChat``): Telegram shows a chat's
own list instead of the default one, so moderators see their commands and nobody else does. It holds the
public commands too (the chat's list replaces the default one, it is not added to it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    Message,
    MessageOriginHiddenUser,
    MessageOriginUser,
    Update,
)
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application

from bot.locales import t
from bot.moderation import Moderation, Role
from bot.telegram.moderation.common import Context, command, is_private, log, moderation_service, reply
from bot.telegram.replies import language_for, send_text
from bot.telegram.services import SERVICES_KEY, Services, services

Commands = Sequence[tuple[str, str]]
"""(command, locale key of its description), as the composition root lists the public commands."""

MODERATOR_MENU: Commands = (
    ("queue", "cmd.queue"), ("feedback", "cmd.feedback"), ("lookup", "cmd.lookup"), ("block", "cmd.block"),
    ("unblock", "cmd.unblock"), ("blockdomain", "cmd.blockdomain"), ("unblockdomain", "cmd.unblockdomain"),
    ("allow", "cmd.allow"), ("export", "cmd.export"), ("stats", "cmd.stats"), ("id", "cmd.id"))
ADMIN_MENU: Commands = (*MODERATOR_MENU, ("mod", "cmd.mod"))
MENUS_KEY = "command_menus"


@dataclass(frozen=True)
class Menus:
    """What the composition root publishes for everyone, which a moderator's own menu starts from."""

    public: Commands
    languages: Sequence[tuple[str, str]]  # (Telegram language_code, our language); "" is everyone else


def use_menus(application: Application, public: Commands, languages: Sequence[tuple[str, str]]) -> None:
    """Called by the composition root with the public command list, before any moderator's menu is set."""
    application.bot_data[MENUS_KEY] = Menus(tuple(public), tuple(languages))


def _menus(bot_data: dict) -> Menus:
    return bot_data.get(MENUS_KEY) or Menus((), (("", "zh-Hans"),))


async def set_moderator_menu(bot: Bot, bot_data: dict, chat_id: int, role: Role) -> bool:
    """Give one admin or moderator their menu, in every language the public menu has. False when Telegram
    refused (someone who never opened a chat with the bot): the bot works without it."""
    menus = _menus(bot_data)
    extra = ADMIN_MENU if role == Role.ADMIN else MODERATOR_MENU
    for code, lang in menus.languages:
        listed = [BotCommand(name, t(lang, key)) for name, key in (*menus.public, *extra)]
        try:
            await bot.set_my_commands(listed, scope=BotCommandScopeChat(chat_id), language_code=code or None)
        except TelegramError as exc:
            log.info("moderator menu not set (%s): %s", code or "default", exc)
            return False
    return True


async def drop_moderator_menu(bot: Bot, bot_data: dict, chat_id: int) -> None:
    """Back to the public menu: delete the chat's own lists."""
    for code, _lang in _menus(bot_data).languages:
        try:
            await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id), language_code=code or None)
        except TelegramError as exc:
            log.info("moderator menu not deleted (%s): %s", code or "default", exc)


async def publish_team_menus(application: Application) -> int:
    """At start-up: every admin's and moderator's menu (they may have been added while the bot was down, or
    the words may have changed). Returns how many were set."""
    svc: Services = application.bot_data[SERVICES_KEY]
    service = svc.moderation or Moderation.from_settings(svc.settings, svc.store)
    ids = await asyncio.to_thread(service.notified_ids)
    done = 0
    for chat_id in ids:
        role = Role.ADMIN if chat_id in service.admin_ids else Role.MODERATOR
        done += await set_moderator_menu(application.bot, application.bot_data, chat_id, role)
    return done


# ── whose message is it ─────────────────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class Sender:
    """Who wrote a message, as far as Telegram tells: a user id, an account hidden by its owner's forwarding
    privacy setting, or nobody (a channel, a group, a bot)."""

    user_id: int | None = None
    hidden: bool = False


def sender_of(message: Message) -> Sender:
    """The person who wrote ``message``: the original author of a forward, never the one who forwarded it."""
    origin = message.forward_origin
    if isinstance(origin, MessageOriginUser):
        return Sender(None if origin.sender_user.is_bot else origin.sender_user.id)
    if isinstance(origin, MessageOriginHiddenUser):
        return Sender(hidden=True)
    if origin is not None:  # forwarded from a channel or a group
        return Sender()
    if message.from_user is not None and not message.from_user.is_bot and message.sender_chat is None:
        return Sender(message.from_user.id)
    return Sender()


# ── /id ─────────────────────────────────────────────────────────────────────────────────────────────

async def id_command(update: Update, context: Context) -> None:
    """Anyone's own id, or the sender's of the message replied to: what an admin needs for ``/mod add``."""
    user, message = update.effective_user, update.message
    if user is None or message is None:
        return
    lang = await language_for(services(context), user)
    if not is_private(update):
        await reply(update, context, t(lang, "mod.id.private_only"))
        return
    replied = message.reply_to_message
    if replied is None:
        await reply(update, context, t(lang, "mod.id.own", id=user.id))
        return
    sender = sender_of(replied)
    if sender.hidden:
        await reply(update, context, t(lang, "mod.id.hidden"))
    elif sender.user_id is None:
        await reply(update, context, t(lang, "mod.id.not_person"))
    else:
        await reply(update, context, t(lang, "mod.id.sender", id=sender.user_id))


# ── /mod ────────────────────────────────────────────────────────────────────────────────────────────

@command(Role.ADMIN)
async def mod_command(update: Update, context: Context, service: Moderation, lang: str) -> None:
    args = list(context.args or [])
    action = args[0].lower() if args else ""
    admin_id = update.effective_user.id
    if action == "list":
        listed = await asyncio.to_thread(service.moderators, admin_id)
        lines = [t(lang, "mod.list.title", count=len(listed))]
        lines += [t(lang, "mod.list.admin" if role == Role.ADMIN else "mod.list.moderator", id=uid)
                  for uid, role in listed]
        await reply(update, context, "\n".join(lines))
        return
    if action not in ("add", "remove"):
        await reply(update, context, t(lang, "mod.mod.usage"))
        return
    if args[1:]:
        try:
            target = int(args[1])
        except ValueError:
            await reply(update, context, t(lang, "mod.mod.usage"))
            return
    else:
        replied = update.effective_message.reply_to_message
        if replied is None:
            await reply(update, context, t(lang, "mod.mod.usage"))
            return
        sender = sender_of(replied)
        if sender.hidden or sender.user_id is None:
            await reply(update, context, t(lang, "mod.mod.hidden" if sender.hidden else "mod.mod.not_person"))
            return
        target = sender.user_id
    if action == "add":
        added = await asyncio.to_thread(service.add_moderator, admin_id, target)
        answer = t(lang, "mod.mod.added" if added else "mod.mod.already", id=target)
        if not await welcome(context, service, target):
            answer += "\n" + t(lang, "mod.mod.welcome_unreachable", id=target)
        await reply(update, context, answer)
        return
    try:
        removed = await asyncio.to_thread(service.remove_moderator, admin_id, target)
    except ValueError:
        await reply(update, context, t(lang, "mod.mod.is_admin", id=target))
        return
    if removed:
        await drop_moderator_menu(context.bot, context.bot_data, target)
    await reply(update, context, t(lang, "mod.mod.removed" if removed else "mod.mod.not_moderator", id=target))


async def welcome(context: Context, service: Moderation, user_id: int) -> bool:
    """Tell a new moderator what they can do now, in their /lang language if they chose one, and give them
    their menu. Sent again on a repeated ``/mod add``: that is how an admin retries after the new moderator
    first opened a chat with the bot. False when they cannot be reached."""
    lang = await services(context).stored_language(user_id) or "zh-Hans"
    try:
        await send_text(context, user_id, t(lang, "mod.welcome"))
    except (BadRequest, Forbidden) as exc:  # never wrote to the bot, or blocked it
        log.info("new moderator not reachable: %s", type(exc).__name__)
        return False
    role = await asyncio.to_thread(service.role, user_id)
    await set_moderator_menu(context.bot, context.bot_data, user_id, role)
    return True


# ── /help ───────────────────────────────────────────────────────────────────────────────────────────

async def help_section(update: Update, context: Context, lang: str) -> str | None:
    """The moderators' part of ``/help`` (and the admins' lines), for them only and in private only: in a
    group it would tell everyone who the moderators are."""
    user = update.effective_user
    if user is None or not is_private(update):
        return None
    role = await asyncio.to_thread(moderation_service(context).role, user.id)
    if role == Role.USER:
        return None
    section = t(lang, "mod.help.moderator")
    return section + "\n\n" + t(lang, "mod.help.admin") if role == Role.ADMIN else section
