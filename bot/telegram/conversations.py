"""Forwarded bursts and albums: collected for a moment, then answered with ONE verdict on the conversation.

People forward several messages of one chat at once, or send an album of screenshots; Telegram delivers each
as its own update, a few to a few hundred milliseconds apart. Answered one by one, a scam script gets four
verdicts, and the message that asks for the transfer may come back green. So in private chats a forwarded
message, or a message of an album (``media_group_id``), is not answered at once: it is kept, and once
``Settings.conversation_window_seconds`` pass without another such message from the same user, the burst is
checked as one text (``bot.conversation``), and the one reply answers the message that carries the danger.
A burst of one is answered exactly as that message alone always was (``public.on_message``), after the window.

What is decided here:

* Collected: in a private chat, messages with ``forward_origin`` or ``media_group_id``. A typed message, a
  command or a bare number is answered at once as before; it neither joins an open burst (it is the user's own
  words, not the conversation) nor closes it (the burst is answered within the window anyway). Groups keep
  their behaviour: each message on its own, as ``bot.telegram.groups`` decides.
* Where: each message is a row of ``pending_flows`` (``conv:<user>:<message id>``, the message as Telegram
  sent it), so any instance can answer the burst and a restart loses none. Rows live ``BURST_TTL`` at most.
* Who answers: every instance that took a message of the burst wakes when the window has passed since the
  newest message it took, and claims the burst with one statement that takes every row, but only while no row
  is younger than the window (``Store.take_flows``): of two instances one gets the rows, and none answers while
  a newer message is still on its way. A sweep (at start, then every ``SWEEP_SECONDS``) wakes for bursts
  nobody here is waiting for: those a stopped or crashed instance left behind.
* Cost: a burst is one check against the user's limit and one model call; at most ``bot.conversation.
  MAX_MESSAGES`` of its last messages are joined, and the reply says when some were left out.
* Album pictures are read (``bot.telegram.pictures``), their text joined in album order; a picture that
  cannot be read is skipped and the reply says how many were read.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from telegram import Message, Update, User
from telegram.constants import ChatType
from telegram.ext import Application, CallbackContext, ContextTypes

from bot.check import MAX_TEXT_CHARS, CheckHints, EmptyInput
from bot.conversation import ConversationVerdict, check_conversation
from bot.locales import t
from bot.ocr import PictureError
from bot.policy import picture_level
from bot.region import choose_regions
from bot.render import conversation_note, render_verdict
from bot.store.models import utcnow
from bot.telegram import buttons, pictures
from bot.telegram.extract import caption_only, what_to_check
from bot.telegram.replies import language_for, send_text
from bot.telegram.services import SERVICES_KEY, Services
from bot.verdict import VerdictSummary

log = logging.getLogger(__name__)

COLLECTOR_KEY = "conversations"
FLOW_PREFIX = "conv:"
BURST_TTL = timedelta(minutes=15)
"""How long a collected message waits at most for its answer (a long outage): later, an answer to it would
come out of the blue, and the message's text is not kept longer than that."""
SWEEP_SECONDS = 15.0
"""How often an instance looks for bursts nobody is waiting for (another instance stopped mid-window)."""
STOP_WAIT_SECONDS = 10.0
"""At shutdown, how long answers being written may take to go out before they are cancelled."""
STORED_CHECK_TTL = timedelta(days=2)
"""As ``public.STORED_CHECK_TTL`` (said in /privacy): how long a verdict's gist is kept for its buttons."""
_USER_KEY_CHARS = 48
"""Of the user's keyed hash, the part in a row's key (``pending_flows.key`` holds 80 characters)."""

Context = ContextTypes.DEFAULT_TYPE
Replay = Callable[[Update, Context], Awaitable[None]]
_REPLAYING: ContextVar[bool] = ContextVar("fanzha_conversation_replay", default=False)
"""Set while a burst of one goes through ``public.on_message``: that message is answered, not collected."""


def collects(update: Update, context: Context) -> bool:
    """Whether ``update`` is a message to collect (see the module docstring) rather than answer now."""
    message, chat = update.effective_message, update.effective_chat
    if _REPLAYING.get() or message is None or chat is None or update.effective_user is None:
        return False
    if chat.type != ChatType.PRIVATE or COLLECTOR_KEY not in context.application.bot_data:
        return False
    return message.forward_origin is not None or message.media_group_id is not None


async def collect(update: Update, context: Context) -> None:
    """Keep the message with its burst; it is answered when the window has passed (``collects`` said yes)."""
    collector: Collector = context.application.bot_data[COLLECTOR_KEY]
    await collector.collect(update.effective_message, update.effective_user)  # type: ignore[arg-type]


def start(application: Application, replay: Replay) -> Collector:
    """Collect from now on (the services are up): sweep for bursts left waiting, now and every ``SWEEP_SECONDS``.
    ``replay`` answers a single message as it always was (``public.on_message``)."""
    svc: Services = application.bot_data[SERVICES_KEY]
    collector = Collector(application, replay, svc.settings.conversation_window_seconds)
    application.bot_data[COLLECTOR_KEY] = collector
    collector.sweeper = asyncio.create_task(collector.sweep_forever())
    return collector


async def stop(application: Application) -> None:
    """Stop collecting: answers being written go out (for ``STOP_WAIT_SECONDS`` at most); bursts still in their
    window stay in the database for the next start or another instance."""
    collector: Collector | None = application.bot_data.pop(COLLECTOR_KEY, None)
    if collector is not None:
        await collector.stop()


def burst_prefix(user_hash: str) -> str:
    return f"{FLOW_PREFIX}{user_hash[:_USER_KEY_CHARS]}:"


def kept_message(message: Message) -> dict[str, Any]:
    """The message as it waits in the database: what checking and answering it needs, and no more. The
    sender's id stays (the answer goes to that chat) but not their username; a forwarded message's original
    sender keeps the name the verdict shows, never their id (as ``bot.telegram.extract`` passes on none)."""
    data = message.to_dict()
    sender = data.get("from") or {}
    data["from"] = {k: sender[k] for k in ("id", "is_bot", "first_name", "language_code") if k in sender}
    data["chat"] = {k: data["chat"][k] for k in ("id", "type") if k in data["chat"]}
    origin = data.get("forward_origin") or {}
    if isinstance(origin.get("sender_user"), dict):
        original = origin["sender_user"]
        origin["sender_user"] = {"id": 0, "is_bot": bool(original.get("is_bot")),
                                 **{k: original[k] for k in ("first_name", "last_name") if k in original}}
    return data


def _without_details_pointer(body: str, lang: str) -> str:
    """The reply without the short card's "N more reasons, tap Details" line: this reply has no Details button
    (``render_verdict`` offers no switch for that line, so it is taken out here)."""
    pointers = {t(lang, "more_evidence", count=count) for count in range(1, 100)}
    return "\n".join(line for line in body.split("\n") if line not in pointers)


def _put_back(store: Any, flows: list[Any]) -> None:
    for flow in flows:
        store.put_flow(flow.key, flow.owner_hash, flow.data, ttl=BURST_TTL)


class Collector:
    """One instance's part: the rows it writes, the wake-ups it waits for, the answers it writes."""

    def __init__(self, application: Application, replay: Replay, window: float) -> None:
        self.app = application
        self.replay = replay
        self.window = window
        self.wakeups: dict[str, asyncio.TimerHandle] = {}
        self.answering: set[asyncio.Task[None]] = set()
        self.sweeper: asyncio.Task[None] | None = None

    @property
    def svc(self) -> Services:
        return self.app.bot_data[SERVICES_KEY]

    async def collect(self, message: Message, user: User) -> None:
        owner = self.svc.user_hash(user.id)
        prefix = burst_prefix(owner)
        await asyncio.to_thread(self.svc.store.put_flow, f"{prefix}{message.message_id:012d}", owner,
                                {"message": kept_message(message)}, ttl=BURST_TTL)
        self._wake(prefix, self.window)  # the window restarts with each message

    def _wake(self, prefix: str, delay: float) -> None:
        earlier = self.wakeups.pop(prefix, None)
        if earlier is not None:
            earlier.cancel()
        self.wakeups[prefix] = asyncio.get_running_loop().call_later(delay, self._answer_soon, prefix)

    def _answer_soon(self, prefix: str) -> None:
        self.wakeups.pop(prefix, None)
        task = asyncio.get_running_loop().create_task(self._claim_and_answer(prefix))
        self.answering.add(task)
        task.add_done_callback(self.answering.discard)

    async def _claim_and_answer(self, prefix: str) -> None:
        store = self.svc.store
        settled = utcnow() + BURST_TTL - timedelta(seconds=self.window)
        try:
            flows = await asyncio.to_thread(store.take_flows, prefix, unless_expiring_after=settled)
        except Exception as exc:  # the database: the sweep tries again
            log.warning("could not claim a burst of forwarded messages: %s", type(exc).__name__)
            return
        if not flows:
            return  # a newer message is on its way (its wake-up answers), or another instance answered
        try:
            messages = [Message.de_json(flow.data["message"], self.app.bot) for flow in flows]
        except Exception as exc:  # a row this version cannot read (written by another): dropped, not retried
            log.error("a collected message could not be read back: %s", type(exc).__name__)  # never its text
            return
        update = Update(update_id=0, message=messages[0])
        sending = asyncio.Event()  # set once the answer may have gone out: from then on it is never put back
        try:
            if len(messages) == 1:
                sending.set()
                _REPLAYING.set(True)  # this task's own context: the message goes to the handler, not back here
                await self.replay(update, CallbackContext.from_update(update, self.app))
            else:
                await self._answer_conversation(messages, sending)
        except asyncio.CancelledError:
            if not sending.is_set():  # stopped while checking: the burst goes back for the next start
                await asyncio.to_thread(_put_back, store, flows)
            raise
        except Exception as exc:  # the error handler logs it and apologises, as for any update
            await self.app.process_error(update, exc)

    async def _answer_conversation(self, messages: list[Message], sending: asyncio.Event) -> None:
        svc = self.svc
        first = messages[0]
        user = first.from_user
        if user is None:
            return
        context = CallbackContext.from_update(Update(update_id=0, message=first), self.app)
        lang = await language_for(svc, user, next((m.text or m.caption for m in messages if m.text or m.caption),
                                                  None))
        if not await svc.limiter.allow(user.id):  # the burst is one check
            if await svc.limiter.should_notify(user.id):
                await send_text(context, first.chat_id, t(lang, "rate_limited", limit=svc.limiter.checks_per_minute),
                                reply_to=messages[-1].message_id)
            return
        texts, hints, read, unsure, shown = await self._texts(context, messages)
        try:
            result = await check_conversation(svc.checker, texts, hints)
        except EmptyInput:
            await send_text(context, first.chat_id, t(lang, "conv.nothing"), reply_to=first.message_id)
            return
        lang = await language_for(svc, user, "\n".join(text for text in texts if text))
        await self._reply(context, messages, result, lang, user, sending, pictures_shown=shown,
                          pictures_read=read, unsure=unsure)

    async def _texts(self, context: Context, messages: list[Message],
                     ) -> tuple[list[str | None], list[CheckHints | None], int, bool, int]:
        """Each message's text to check (None: nothing to check in it) and hints; of the pictures, how many were
        read, whether any reading was unsure, and how many there were."""
        texts: list[str | None] = []
        hints: list[CheckHints | None] = []
        read = shown = 0
        unsure = False
        can_read = pictures.pictures_enabled(context)
        for message in messages:
            checkable = what_to_check(message, bot_username=context.bot.username)
            if checkable.kind == "image":
                shown += 1
                if can_read:
                    try:
                        checkable, reading = await pictures.read_checkable(context, message, checkable,
                                                                           MAX_TEXT_CHARS)
                    except PictureError as exc:
                        log.info("album picture not read: %s", exc.reason)
                        checkable = caption_only(checkable)
                    else:
                        read += 1
                        unsure = unsure or reading.unsure
                else:
                    checkable = caption_only(checkable)
            ok = checkable.kind in ("text", "number") and bool(checkable.text)
            texts.append(checkable.text if ok else None)
            hints.append(checkable.hints if ok else None)
        return texts, hints, read, unsure, shown

    async def _reply(self, context: Context, messages: list[Message], result: ConversationVerdict, lang: str,
                     user: User, sending: asyncio.Event, *, pictures_shown: int, pictures_read: int,
                     unsure: bool) -> None:
        svc = self.svc
        verdict = result.verdict
        could_not_tell = picture_level(verdict.risk_level, unsure=unsure).could_not_tell if pictures_read else False
        summary = {**VerdictSummary.of(verdict).to_json(), "advice": [str(a) for a in verdict.advice], "lang": lang}
        check_id = await asyncio.to_thread(svc.store.save_check, summary, ttl=STORED_CHECK_TTL,
                                           user_hash=svc.user_hash(user.id),
                                           count_as=(str(verdict.risk_level), verdict.category_key))
        stored_region = await svc.stored_region(user.id)
        regions = choose_regions(stored_region, lang, app_language=user.language_code,
                                 number_regions=[n.region for n in verdict.numbers])
        note = conversation_note(result, lang, pictures=pictures_shown, pictures_read=pictures_read)
        body = _without_details_pointer(render_verdict(verdict, lang, prefix=note, regions=regions,
                                                       could_not_tell=could_not_tell), lang)
        target = messages[result.dangerous] if result.dangerous is not None else messages[0]
        # No "Details": it re-checks the message replied to, alone, which is not the conversation's verdict.
        markup = buttons.verdict_keyboard(check_id, lang, details=False)
        if could_not_tell:  # as for one picture: no share card, which would pass on the low level's reassurance
            markup = type(markup)([row for row in markup.inline_keyboard
                                   if not any(b.switch_inline_query is not None for b in row)])
        sending.set()
        await send_text(context, target.chat_id, body, reply_to=target.message_id, reply_markup=markup)

    async def sweep(self) -> None:
        """Wake for every burst in the database nobody here waits for, when its window has passed."""
        expiries = await asyncio.to_thread(self.svc.store.flow_expiries, FLOW_PREFIX)
        newest: dict[str, Any] = {}
        for key, expires in expiries.items():
            prefix = key.rsplit(":", 1)[0] + ":"
            newest[prefix] = max(expires, newest.get(prefix, expires))
        now = utcnow()
        for prefix, expires in newest.items():
            if prefix not in self.wakeups:
                due = (expires - BURST_TTL - now).total_seconds() + self.window
                self._wake(prefix, max(0.0, due))

    async def sweep_forever(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception as exc:
                log.warning("sweeping for unanswered forwarded messages failed: %s", type(exc).__name__)
            await asyncio.sleep(SWEEP_SECONDS)

    async def stop(self) -> None:
        for handle in self.wakeups.values():
            handle.cancel()
        self.wakeups.clear()
        if self.sweeper is not None:
            self.sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.sweeper
        if self.answering:
            _, late = await asyncio.wait(set(self.answering), timeout=STOP_WAIT_SECONDS)
            for task in late:
                task.cancel()
