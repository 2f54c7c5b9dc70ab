"""The composition root: builds the ``Application``, registers every handler in one documented order,
and owns the services' lifetime.

Handler order. Group −1 holds one handler: a private message from someone in the middle of an ``/appeal``
is that appeal's next step (``bot.telegram.moderation.on_appeal_step``; the step is read from the database,
so any instance can take it) and goes no further. Before it, group −2 holds a moderator's spreadsheet upload
(answered with how to save it as CSV; anyone else's file goes on). Everything else is in group 0, where the
first handler whose filter matches an update handles it, so the specific ones come before the catch-alls:

1. Public commands — ``/start`` (with deep-link payloads), ``/help``, ``/privacy``, ``/lang``, ``/trends``
   (``bot.telegram.public``).
2. Moderation — commands and buttons for volunteer moderators (``bot.telegram.moderation``, registered
   here through its ``register(application)``). They come before the
   public catch-alls so a moderator's command or reply is never taken for a message to check.
3. Group admin commands — ``/quiet`` — and the bot's own membership changes (greeting a group it joins)
   (``bot.telegram.groups``).
4. Verdict and language buttons — one ``CallbackQueryHandler`` for the ``v:`` and ``lang:`` data this
   module's keyboards make (``bot.telegram.buttons``); moderation buttons use their own prefix above.
5. Inline queries (``bot.telegram.inline``).
6. Messages to check — text, captions, contacts, screenshots (photos and PNG/JPEG/WebP files, read in the OCR
   pool: ``bot.telegram.pictures``), and everything else (stickers, voice, other files) for the
   polite "what I can check" reply; service messages are ignored; an unknown command in a private chat
   gets the help text (``bot.telegram.public``). In private chats, forwarded messages and album pictures are
   first collected for a moment and answered as one conversation (``bot.telegram.conversations``).

Then one error handler: it logs the failure (redacted, no message text) and tells the user politely.

Services (store, checker, rate limiter) are created in ``post_init`` — the model loads in a thread —
and closed in ``post_shutdown``; tests that drive ``process_update`` directly call :func:`start_services`
and :func:`stop_services` themselves, since PTB runs those hooks only under ``run_polling``/``run_webhook``.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeDefault, Update
from telegram.constants import ChatType
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot import phones
from bot.config import MIN_SECRET_BYTES, Settings
from bot.locales import t
from bot.telegram import conversations, groups, health, inline, moderation, public
from bot.telegram.ratelimit import StorageUnavailable
from bot.telegram.replies import language_for, send_text
from bot.telegram.services import SERVICES_KEY, Services

log = logging.getLogger(__name__)

FLOOD_RETRIES = 3
"""How often AIORateLimiter retries a call Telegram answered with 429 (after waiting ``retry_after``)."""
OVERALL_MAX_RATE = 0
"""AIORateLimiter's bot-wide throttle, off: Telegram's ~30 messages/s is a limit on *broadcasts*; replies
to people who wrote first are answered as fast as they come, and a 429 (if Telegram sends one) is waited
out and retried. The per-group throttle (20 messages a minute per group, Telegram's figure) stays on."""
CONNECTION_POOL_SIZE = 16
"""Keep-alive connections for Bot API calls. PTB's default (256) lets a burst of replies open one connection
each, and httpcore then checks every open connection on every request (a syscall or two each): that was
about a tenth of the bot's CPU under load. 16 connections carry 100+ replies/s at Telegram's round trip."""
POOL_TIMEOUT_SECONDS = 10.0
"""How long a reply may wait for a free connection (PTB's default, 1 s, would fail replies in a burst)."""
PURGE_INTERVAL_SECONDS = 3600
MAX_WEBHOOK_BODY_BYTES = 1 << 20
"""Largest webhook request accepted (1 MiB). An update is JSON of one message or button press: a few KB,
tens of KB with a long text and its entities. A larger request is refused from its headers (400, connection
closed) before its body is read, so nobody can make the bot hold megabytes by posting them to its address."""
OCR_PENDING_PER_WORKER = 4
"""Pictures read or waiting per OCR worker; one more is refused at once ("send it again in a minute"). A picture
takes a second or two: four waiting is a few seconds' wait, not a backlog of minutes behind a burst."""
SETTINGS_KEY = "settings"
READY_KEY = "on_ready"
READY_POLL_SECONDS = 0.05
HEALTH_PORT_KEY = "health_port"

# (command, locale key of its description); ``quiet`` is offered in groups only.
PUBLIC_COMMANDS = (("start", "cmd.start"), ("help", "cmd.help"), ("lang", "cmd.lang"), ("region", "cmd.region"),
                   ("privacy", "cmd.privacy"), ("appeal", "cmd.appeal"), ("trends", "cmd.trends"))
GROUP_COMMANDS = (*PUBLIC_COMMANDS, ("quiet", "cmd.quiet"))
# Telegram's language_code for command lists → our language. "" is everyone else.
COMMAND_LANGUAGES = (("", "zh-Hans"), ("zh", "zh-Hans"), ("en", "en"))


def build_application(settings: Settings) -> Application:
    """The bot, ready for ``run_polling``/``run_webhook`` (or ``initialize`` + ``process_update`` in tests)."""
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    if len(settings.secret.encode("utf-8")) < MIN_SECRET_BYTES:  # `fanzha run` says how to make one
        raise ValueError(f"FANZHA_SECRET must be at least {MIN_SECRET_BYTES} bytes")
    application = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        .rate_limiter(AIORateLimiter(overall_max_rate=OVERALL_MAX_RATE, max_retries=FLOOD_RETRIES))
        .connection_pool_size(CONNECTION_POOL_SIZE)
        .pool_timeout(POOL_TIMEOUT_SECONDS)
        .concurrent_updates(True)
        .post_init(start_services)
        .post_stop(conversations.stop)  # answers being written go out while the bot can still send them
        .post_shutdown(stop_services)
        .build()
    )
    application.bot_data[SETTINGS_KEY] = settings
    health.register(application, health.Metrics())
    register_handlers(application)
    application.add_error_handler(on_error)
    return application


def serve(settings: Settings, *, webhook_url: str | None = None, listen: str = "127.0.0.1", port: int = 8443,
          secret_token: str | None = None, url_path: str = "", on_ready: Callable[[], None] | None = None,
          health_port: int | None = None) -> None:
    """Run the bot until stopped: long polling, or a webhook server when ``webhook_url`` is given.

    ``on_ready`` is called once the bot is up: services started, updates being received. A failed start
    raises; :func:`start_error` words the exception in one line. ``/healthz``, ``/readyz`` and ``/metrics``
    (``bot.telegram.health``) are served beside the webhook, or in polling mode on ``listen:health_port``
    when that is given.
    """
    application = build_application(settings)
    application.bot_data[READY_KEY] = on_ready
    if webhook_url:
        health.configure_webhook_server(application, max_body_size=MAX_WEBHOOK_BODY_BYTES)
        application.run_webhook(listen=listen, port=port, url_path=url_path, webhook_url=webhook_url,
                                secret_token=secret_token, allowed_updates=Update.ALL_TYPES,
                                drop_pending_updates=False)
    else:
        if health_port is not None:
            application.bot_data[HEALTH_PORT_KEY] = (listen, health_port)
        application.run_polling(allowed_updates=Update.ALL_TYPES)


def register_handlers(application: Application) -> None:
    """Every handler, in the order documented at the top of this module."""
    # 1. Public commands.
    application.add_handler(CommandHandler("start", public.start_command))
    application.add_handler(CommandHandler("help", public.help_command))
    application.add_handler(CommandHandler("privacy", public.privacy_command))
    application.add_handler(CommandHandler("lang", public.lang_command))
    application.add_handler(CommandHandler("region", public.region_command))
    application.add_handler(CommandHandler("trends", public.trends_command, filters=filters.UpdateType.MESSAGE))
    # 2. Moderation: its commands, buttons and appeal steps.
    moderation.register(application)
    # 3. Group admin commands.
    application.add_handler(CommandHandler("quiet", groups.quiet_command, filters=filters.UpdateType.MESSAGE))
    application.add_handler(ChatMemberHandler(groups.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    # 4. Verdict and language buttons.
    application.add_handler(CallbackQueryHandler(public.on_button, pattern=r"^(v|lang):"))
    # 5. Inline mode.
    application.add_handler(InlineQueryHandler(inline.on_inline_query))
    # 6. Messages to check (new messages only; not edits, channel posts or service messages). An
    #    unknown command in a private chat gets the help text.
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND & filters.ChatType.PRIVATE,
                                           public.help_command))
    application.add_handler(MessageHandler(
        filters.UpdateType.MESSAGE & ~filters.StatusUpdate.ALL & ~filters.COMMAND, public.on_message))
    # Buttons of ours that no handler took (e.g. data from an older version) still get an answer.
    application.add_handler(CallbackQueryHandler(public.on_button))


async def start_services(application: Application) -> None:
    """post_init: the health server (polling mode, when asked: it answers /healthz while the model loads),
    open the store, build the checker (the model loads in a thread), publish commands."""
    from bot.store import Store, keyed_hash

    settings: Settings = application.bot_data[SETTINGS_KEY]
    if HEALTH_PORT_KEY in application.bot_data:
        await health.start_health_server(application, *application.bot_data.pop(HEALTH_PORT_KEY))
    store = await asyncio.to_thread(Store.open, settings.database_url)
    try:
        # Before the model loads, so a wrong Redis address fails in a second, not after the model.
        limiter = await asyncio.to_thread(health.MeteredRateLimiter.from_uri, settings.checks_per_minute,
                                          settings.rate_limit_storage,
                                          key=functools.partial(keyed_hash, secret=settings.secret))
        checker = await asyncio.to_thread(health.MeteredChecker.from_settings, settings, store)
        await asyncio.to_thread(phones.warm_up)  # number descriptions: loaded now, not in a user's first check
        ocr = _ocr_pool(settings)
    except Exception:
        await asyncio.to_thread(store.close)
        raise
    moderation_service = health.MeteredModeration.from_settings(settings, store)
    health.attach_metrics(application, checker, limiter, moderation_service)
    if ocr is not None:  # reading time per picture, reported by the pool after each reading
        ocr.on_read = application.bot_data[health.METRICS_KEY].ocr_seconds.observe
    svc = Services(settings=settings, store=store, checker=checker, limiter=limiter,
                   moderation=moderation_service, ocr=ocr)
    application.bot_data[SERVICES_KEY] = svc
    svc.background.append(asyncio.create_task(_purge_expired_checks(svc)))
    conversations.start(application, replay=public.on_message)  # forwarded bursts, albums; sweeps left-over ones
    await _publish_commands(application)
    await _publish_descriptions(application)
    log.info("fanzha bot ready as @%s (model %s)", application.bot.username,
             "on" if settings.use_model else "off")
    on_ready = application.bot_data.pop(READY_KEY, None)
    if on_ready is not None:
        svc.background.append(asyncio.create_task(_call_when_running(application, on_ready)))


def _ocr_pool(settings: Settings) -> Any:
    """The pool that reads screenshots (``bot.ocr.pool``), or None when pictures are off (FANZHA_OCR_WORKERS=0).
    Its workers start with the first picture, not with the bot."""
    if settings.ocr_workers <= 0:
        return None
    from bot.ocr.pool import OcrPool

    return OcrPool(workers=settings.ocr_workers, max_pending=OCR_PENDING_PER_WORKER * settings.ocr_workers,
                   threads=settings.ocr_threads)


async def _call_when_running(application: Application, on_ready: Callable[[], None]) -> None:
    """``on_ready()`` once PTB has started receiving updates (after this hook, it still has to bind the
    webhook port or start polling, and either may fail); PTB offers no hook for that moment."""
    while not application.running:
        await asyncio.sleep(READY_POLL_SECONDS)
    on_ready()


def start_error(exc: BaseException, settings: Settings) -> str:
    """Why the bot could not start, in one line that names the setting to look at (never the token or a
    password). What ``fanzha run`` prints instead of a traceback."""
    from bot.store.engine import DatabaseUnavailable

    if isinstance(exc, InvalidToken):
        return "Telegram refused the bot token (TELEGRAM_BOT_TOKEN): check it with @BotFather."
    if isinstance(exc, NetworkError):
        host = urlsplit(settings.telegram_api_url).netloc or settings.telegram_api_url
        return f"cannot reach the Telegram Bot API at {host} (FANZHA_TELEGRAM_API_URL): {exc.message}"
    if isinstance(exc, TelegramError):
        return f"Telegram refused to start the bot: {exc.message}"
    if isinstance(exc, DatabaseUnavailable):
        return f"{exc} (FANZHA_DATABASE_URL)"
    if isinstance(exc, StorageUnavailable):
        return f"{exc} (FANZHA_RATE_LIMIT_STORAGE)"
    if isinstance(exc, OSError) and exc.errno in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES) \
            and not exc.filename:
        return f"cannot listen for webhook updates: {exc.strerror} (--listen / --port)"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


async def stop_services(application: Application) -> None:
    """post_shutdown: stop the health server, background work, close the checker and the store."""
    await health.stop_health_server(application)
    await conversations.stop(application)  # done already by post_stop under run_polling/run_webhook
    svc: Services | None = application.bot_data.pop(SERVICES_KEY, None)
    if svc is None:
        return
    for task in svc.background:
        task.cancel()
    for task in svc.background:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    svc.checker.close()
    svc.limiter.close()
    if svc.ocr is not None:
        await asyncio.to_thread(svc.ocr.close)
    await asyncio.to_thread(svc.store.close)


async def _purge_expired_checks(svc: Services) -> None:
    """Delete verdict summaries past their time (what /privacy promises) and abandoned flows, hourly."""
    while True:
        try:
            removed = await asyncio.to_thread(svc.store.purge_expired_checks)
            if removed:
                log.info("purged %d expired stored checks", removed)
            removed = await asyncio.to_thread(svc.store.purge_expired_flows)
            if removed:
                log.info("purged %d expired appeal steps and import previews", removed)
        except Exception:
            log.exception("purging expired checks failed")
        await asyncio.sleep(PURGE_INTERVAL_SECONDS)


async def _publish_commands(application: Application) -> None:
    """setMyCommands per language, for private chats and for groups (with /quiet); then each admin's and
    moderator's own menu (their private chat's list: public commands and theirs), in the background: that is
    a few calls per moderator, and the bot answers without them."""
    bot = application.bot
    moderation.use_menus(application, PUBLIC_COMMANDS, COMMAND_LANGUAGES)
    for code, lang in COMMAND_LANGUAGES:
        for scope, commands in ((BotCommandScopeDefault(), PUBLIC_COMMANDS),
                                (BotCommandScopeAllGroupChats(), GROUP_COMMANDS)):
            listed = [BotCommand(name, t(lang, key)) for name, key in commands]
            try:
                await bot.set_my_commands(listed, scope=scope, language_code=code or None)
            except TelegramError as exc:  # the bot works without its command menu
                log.warning("setMyCommands (%s) failed: %s", code or "default", exc)
    svc: Services = application.bot_data[SERVICES_KEY]
    svc.background.append(asyncio.create_task(_publish_team_menus(application)))


async def _publish_team_menus(application: Application) -> None:
    try:
        count = await moderation.publish_team_menus(application)
    except Exception:  # the database went away at start-up: the menus come with the next start or /mod add
        log.exception("moderators' command menus not published")
        return
    log.info("command menus set for %d admins and moderators", count)


async def _publish_descriptions(application: Application) -> None:
    """setMyDescription (the empty chat's "What can this bot do?") and setMyShortDescription (profile and
    share card) per language, so a newcomer knows what the bot is for before the first message."""
    bot = application.bot
    for code, lang in COMMAND_LANGUAGES:
        for method, key in ((bot.set_my_description, "bot.description"),
                            (bot.set_my_short_description, "bot.short_description")):
            try:
                await method(t(lang, key), language_code=code or None)
            except TelegramError as exc:  # the bot works without them
                log.warning("%s (%s) failed: %s", key, code or "default", exc)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log what failed (type and update id only: no message text) and apologise to the user."""
    error = context.error
    if not isinstance(update, Update):
        if isinstance(error, NetworkError):  # polling hiccup: PTB retries by itself
            log.warning("network error while talking to Telegram (%s); retrying", type(error).__name__)
        else:
            log.error("error outside an update: %s", type(error).__name__, exc_info=error)
        return
    log.error("update %s failed: %s", update.update_id, type(error).__name__, exc_info=error)
    lang = "zh-Hans"
    try:
        svc: Services | None = context.application.bot_data.get(SERVICES_KEY)
        if svc is not None:
            lang = await language_for(svc, update.effective_user)
    except Exception:  # the store may be what failed
        log.warning("no language for the error reply")
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(t(lang, "error.generic"), show_alert=True)
        elif update.inline_query is not None:
            pass  # an unanswered inline query simply shows no results
        elif update.effective_message is not None and _should_apologise(update, context):
            await send_text(context, update.effective_message.chat_id, t(lang, "error.generic"),
                                   reply_to=update.effective_message.message_id)
    except Exception as exc:  # nothing more can be done; never raise from the error handler
        log.warning("could not tell the user about the error: %s", type(exc).__name__)


def _should_apologise(update: Update, context: Any) -> bool:
    """In groups only when the bot was addressed: an error must not make a quiet bot talk."""
    chat = update.effective_chat
    if chat is None or chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return True
    return groups.is_addressed(update.effective_message, context.bot)
