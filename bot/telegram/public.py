"""Handlers for the public: commands, checks of messages/numbers/contacts, and the verdict buttons.

Each handler translates: update → checker arguments (``bot.telegram.extract``), ``Verdict`` → words
(``bot.render``) + buttons (``bot.telegram.buttons``). No fraud logic here. Store calls are synchronous
SQLAlchemy, so they run in worker threads; the checker keeps its CPU work off the event loop itself.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Chat, Message, Update
from telegram.constants import ChatType, MessageLimit
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import phones
from bot.check import MAX_TEXT_CHARS, EmptyInput, TextTooLong
from bot.locales import has, t
from bot.moderation import ReportStatus
from bot.ocr import OcrResult, PictureError
from bot.policy import picture_level
from bot.region import AUTO, choose_regions, normalize_region
from bot.render import category_name, display_number, picture_notes, render_verdict
from bot.store.community import Trends
from bot.telegram import buttons, conversations, groups, pictures
from bot.telegram.extract import Checkable, caption_only, what_to_check
from bot.telegram.moderation import help_section, moderation_service, notify_new_reports
from bot.telegram.outcomes import NOTIFY_TTL, remember_reporter
from bot.telegram.replies import NO_PREVIEW, language_for, send_text
from bot.telegram.services import Services, services
from bot.verdict import RiskLevel, Verdict, VerdictSummary

log = logging.getLogger(__name__)

TEXT_LIMIT = min(MAX_TEXT_CHARS, MessageLimit.MAX_TEXT_LENGTH)
"""Longest input checked: what Telegram can deliver in one message, within the checker's limit."""
STORED_CHECK_TTL = timedelta(days=2)
"""How long a verdict summary is kept for its buttons (said in /privacy)."""
MAX_REPORTED_NUMBERS = 5
TRENDS_WINDOW = timedelta(days=7)
"""What ``/trends`` calls "this week": the last seven days, so Monday's figures are not near zero."""
DEEP_LINKS = {"check": "start.check", "report": "start.report"}
"""``t.me/<bot>?start=<payload>`` payloads and what ``/start`` says for them; any other payload gets the
plain greeting (a link from an old campaign must not end in silence)."""

PICTURE_KEY = "picture"
"""Marks a stored check whose text was read from a picture."""

Context = ContextTypes.DEFAULT_TYPE


# ── small helpers ───────────────────────────────────────────────────────────────────────────────────

def _is_group(chat: Chat | None) -> bool:
    return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


def verdict_summary(verdict: Verdict, lang: str) -> dict[str, Any]:
    """What a stored check keeps for its buttons: the verdict's gist (``VerdictSummary``), its advice keys
    (for a shared card) and the reader's language, never the text or the numbers."""
    return {**VerdictSummary.of(verdict).to_json(), "advice": [str(a) for a in verdict.advice], "lang": lang}


def _store_check(svc: Services, verdict: Verdict, lang: str, user_id: int, *, picture: bool = False) -> str:
    """Keep the verdict's gist for its buttons, with whom it was given to (a keyed hash): the buttons act
    for that user only. ``picture``: the text was read from the message's picture (not its caption alone), so
    "Details" reads it again."""
    summary = verdict_summary(verdict, lang) | ({PICTURE_KEY: True} if picture else {})
    return svc.store.save_check(summary, ttl=STORED_CHECK_TTL, user_hash=svc.user_hash(user_id),
                                count_as=(str(verdict.risk_level), verdict.category_key))


async def run_check(svc: Services, checkable: Checkable) -> Verdict:
    """The checker call for a text or a number (raises the checker's input errors)."""
    if checkable.kind == "number":
        raw = checkable.text or ""
        return await svc.checker.check_number(phones.contact_number(raw) if checkable.contact else raw)
    return await svc.checker.check_text(checkable.text or "", checkable.hints)


async def regions_for(svc: Services, user: Any, lang: str, verdict: Verdict) -> tuple[str, ...]:
    """Whose hotlines the reader gets: their /region, else a guess (``bot.region.choose_regions``)."""
    stored = await svc.stored_region(user.id) if user is not None else None
    return choose_regions(stored, lang, app_language=getattr(user, "language_code", None),
                          number_regions=[n.region for n in verdict.numbers])


def render_reply(verdict: Verdict, lang: str, checkable: Checkable, *, detailed: bool = False,
                 prefix: str | None = None, regions: tuple[str, ...] = (), picture: OcrResult | None = None) -> str:
    """The verdict with its group alert and photo note, fitted to Telegram's limit as a whole. ``picture``: the
    text was read from a picture (the note quotes what was read; an unsure reading is judged by
    ``bot.policy.picture_level``)."""
    if picture is not None:
        outcome = picture_level(verdict.risk_level, unsure=picture.unsure)
        return render_verdict(picture_verdict(verdict, picture), lang, detailed=detailed, prefix=prefix,
                              notes=picture_notes(picture.text, lang, unsure=picture.unsure), regions=regions,
                              could_not_tell=outcome.could_not_tell)
    note = checkable.note or ("photo_note" if checkable.from_caption else None)
    notes = [t(lang, note)] if note else []
    return render_verdict(verdict, lang, detailed=detailed, prefix=prefix, notes=notes, regions=regions)


def picture_verdict(verdict: Verdict, picture: OcrResult | None) -> Verdict:
    """``verdict`` at the level ``bot.policy.picture_level`` gives a check of text read from ``picture``."""
    if picture is None:
        return verdict
    level = picture_level(verdict.risk_level, unsure=picture.unsure).level
    return verdict if level == verdict.risk_level else dataclasses.replace(verdict, risk_level=level)


def reply_keyboard(check_id: str, lang: str, verdict: Verdict, picture: OcrResult | None, **shown: bool) -> Any:
    """The verdict's buttons. A "could not tell" reading offers no share button: the shared card is made from
    the stored level alone and would pass on the low level's reassurance the reply itself does not give."""
    markup = buttons.verdict_keyboard(check_id, lang, **shown)
    if picture is None or not picture_level(verdict.risk_level, unsure=picture.unsure).could_not_tell:
        return markup
    rows = [row for row in markup.inline_keyboard if not any(b.switch_inline_query is not None for b in row)]
    return type(markup)(rows)


def _picture_or_caption(context: Context, message: Message, checkable: Checkable, *, group: bool) -> Checkable:
    """An image ``checkable`` as it is checked: read (private chats; groups only when the bot is addressed,
    never every photo posted), or by its caption alone (pictures off; a group photo nobody asked about)."""
    if checkable.kind != "image":
        return checkable
    if not pictures.pictures_enabled(context):
        return caption_only(checkable)
    if group and not groups.is_addressed(message, context.bot):
        return caption_only(checkable, "picture.caption_only")
    return checkable


# ── commands ────────────────────────────────────────────────────────────────────────────────────────

async def start_command(update: Update, context: Context) -> None:
    """``/start``, or a deep link's ``/start <payload>`` (:data:`DEEP_LINKS`)."""
    lang = await language_for(services(context), update.effective_user)
    payload = context.args[0].lower() if context.args else ""
    await send_text(context, update.effective_chat.id, t(lang, DEEP_LINKS.get(payload, "start")))


async def help_command(update: Update, context: Context) -> None:
    lang = await language_for(services(context), update.effective_user)
    text = t(lang, "help", bot_username=context.bot.username)
    section = await help_section(update, context, lang)  # moderators and admins only, in private
    await send_text(context, update.effective_chat.id, text + "\n\n" + section if section else text)


async def privacy_command(update: Update, context: Context) -> None:
    lang = await language_for(services(context), update.effective_user)
    text = t(lang, "privacy", check_days=STORED_CHECK_TTL.days) + "\n\n" + t(lang, "privacy.notify",
                                                                             days=NOTIFY_TTL.days)
    await send_text(context, update.effective_chat.id, text)


async def trends_command(update: Update, context: Context) -> None:
    """This week's most reported scam types and how many numbers were reported and blocked: counts only."""
    svc = services(context)
    lang = await language_for(svc, update.effective_user)
    trends = await asyncio.to_thread(svc.store.trends, datetime.now(UTC) - TRENDS_WINDOW)
    await send_text(context, update.effective_chat.id, render_trends(trends, lang))


def render_trends(trends: Trends, lang: str) -> str:
    lines = [t(lang, "trends.title")]
    if trends.top_categories:
        lines.append(t(lang, "trends.top"))
        lines += [t(lang, "trends.item", rank=rank, category=category_name(key, lang) or key, count=count)
                  for rank, (key, count) in enumerate(trends.top_categories, 1)]
    elif not trends.numbers_reported:
        lines.append(t(lang, "trends.none"))
    lines.append(t(lang, "trends.numbers", reported=trends.numbers_reported, blocked=trends.numbers_blocked))
    lines.append(t(lang, "trends.footer"))
    return "\n".join(lines)


async def lang_command(update: Update, context: Context) -> None:
    lang = await language_for(services(context), update.effective_user)
    await send_text(context, update.effective_chat.id, t(lang, "lang.prompt"),
                    reply_markup=buttons.language_keyboard())


async def region_command(update: Update, context: Context) -> None:
    """``/region mainland|hk|tw|mo|auto`` keeps where the user lives (for the hotlines); bare, it says how."""
    svc = services(context)
    user = update.effective_user
    lang = await language_for(svc, user)
    chosen = normalize_region(context.args[0]) if context.args else None
    if user is None or chosen is None:
        stored = await svc.stored_region(user.id) if user is not None else None
        current = t(lang, f"region.name.{stored}") if stored else t(lang, "region.auto")
        await send_text(context, update.effective_chat.id, t(lang, "region.prompt", current=current))
        return
    await svc.set_region(user.id, None if chosen == AUTO else chosen)
    reply = t(lang, "region.set_auto") if chosen == AUTO else t(
        lang, "region.set", region=t(lang, f"region.name.{chosen}"))
    await send_text(context, update.effective_chat.id, reply)


# ── checks ──────────────────────────────────────────────────────────────────────────────────────────

async def on_message(update: Update, context: Context) -> None:
    """Any message that is not a command: check it and answer (in groups: only when it should)."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    if conversations.collects(update, context):  # a forward or an album's picture: answered with its burst
        await conversations.collect(update, context)
        return
    svc = services(context)
    mode = groups.MODE_ANSWER
    target = message
    if _is_group(update.effective_chat):
        mode = await groups.decide_mode(message, context)
        target = groups.message_to_check(message, context.bot)
    checkable = _picture_or_caption(context, message, what_to_check(target, bot_username=context.bot.username),
                                    group=_is_group(update.effective_chat))
    lang = await language_for(svc, user, checkable.text)
    only_high = mode == groups.MODE_HIGH_ONLY

    async def say(text: str) -> None:
        if not only_high:
            await send_text(context, message.chat_id, text, reply_to=message.message_id)

    if checkable.kind == "unsupported":
        if _is_group(update.effective_chat) and target is message:
            return  # a sticker or a voice message in a group: nothing to check, and nobody asked
        kind_key = f"kind.{checkable.media}" if has(lang, f"kind.{checkable.media}") else "kind.other"
        what = "input.unsupported_pictures" if pictures.pictures_enabled(context) else "input.unsupported"
        await say(t(lang, what, kind=t(lang, kind_key)))
        return
    if checkable.kind == "empty":
        await say(t(lang, "input.empty"))
        return
    if checkable.kind == "text" and len(checkable.text or "") > TEXT_LIMIT:
        await say(t(lang, "input.too_long", length=len(checkable.text or ""), limit=TEXT_LIMIT))
        return
    if _is_group(update.effective_chat) and await _point_to_earlier_answer(context, svc, message, target, lang):
        return
    if checkable.kind == "image" and pictures.pool_busy(context):  # refused before it costs a check
        await say(t(lang, "picture.busy"))
        return
    if _is_group(update.effective_chat):  # a group spends its own budget, never the poster's quota
        allowed, notice = await groups.spend_budget(svc, message.chat_id, lang)
        if not allowed:
            if notice:
                await say(notice)
            return
    elif not await svc.limiter.allow(user.id):
        if await svc.limiter.should_notify(user.id):
            await say(t(lang, "rate_limited", limit=svc.limiter.checks_per_minute))
        return
    picture: OcrResult | None = None
    if checkable.kind == "image":  # counted above like any check: reading is the costly part
        try:
            checkable, picture = await pictures.read_checkable(context, target, checkable, TEXT_LIMIT)
        except PictureError as exc:
            _log_picture_error(exc)
            with_caption = caption_only(checkable, "picture.unread_caption_checked")
            if with_caption.kind != "text":  # nothing else to check: say why the picture was not read
                await say(pictures.error_text(lang, exc))
                return
            checkable = with_caption  # the caption still gets its verdict, saying the picture was not read
        else:
            lang = await language_for(svc, user, checkable.text)
    try:
        verdict = await run_check(svc, checkable)
    except TextTooLong:
        await say(t(lang, "input.too_long", length=len(checkable.text or ""), limit=TEXT_LIMIT))
        return
    except EmptyInput:
        await say(t(lang, "input.empty"))
        return
    except phones.InvalidNumber:
        await say(t(lang, "input.bad_number"))
        return
    verdict = picture_verdict(verdict, picture)
    if only_high and verdict.risk_level != RiskLevel.HIGH:
        await asyncio.to_thread(svc.store.record_check, str(verdict.risk_level), verdict.category_key)
        return
    check_id = await asyncio.to_thread(_store_check, svc, verdict, lang, user.id, picture=picture is not None)
    body = render_reply(verdict, lang, checkable, prefix=t(lang, "group.alert") if only_high else None,
                        regions=await regions_for(svc, user, lang, verdict), picture=picture)
    sent = await send_text(context, message.chat_id, body, reply_to=target.message_id,
                           reply_markup=reply_keyboard(check_id, lang, verdict, picture))
    if _is_group(update.effective_chat):
        await asyncio.to_thread(svc.store.put_flow, _answered_key(message.chat_id, target.message_id),
                                svc.user_hash(message.chat_id), {"reply": sent.message_id}, ttl=STORED_CHECK_TTL)


def _log_picture_error(exc: PictureError) -> None:
    """Telegram not giving a file is worth a warning (it may be Telegram, or us); the rest is what people send."""
    if isinstance(exc, pictures.PictureUnavailable):
        log.warning("picture not fetched from Telegram: %s", exc)
    else:
        log.info("picture not read: %s", exc.reason)


def _answered_key(chat_id: int, message_id: int) -> str:
    return f"answered:{chat_id}:{message_id}"


async def _point_to_earlier_answer(context: Context, svc: Services, message: Message, target: Message,
                                   lang: str) -> bool:
    """A group message the bot already gave a verdict on (its alert, then someone asks "@bot is this true?"
    in reply) gets no second verdict: the one who asked is pointed to the first. True when so answered.

    Kept in ``pending_flows`` (as long as the verdict's buttons), so any instance knows."""
    if target is message:
        return False
    earlier = await asyncio.to_thread(svc.store.get_flow, _answered_key(message.chat_id, target.message_id))
    if earlier is None:
        return False
    await send_text(context, message.chat_id, t(lang, "group.already_answered"),
                    reply_to=int(earlier.data.get("reply") or message.message_id))
    return True


# ── buttons ─────────────────────────────────────────────────────────────────────────────────────────

async def on_button(update: Update, context: Context) -> None:
    """Every button press ends in exactly one ``answerCallbackQuery``."""
    query = update.callback_query
    if query is None:
        return
    svc = services(context)
    callback = buttons.parse_callback(query.data)
    if callback is None:
        lang = await language_for(svc, query.from_user)
        await query.answer(t(lang, "callback.unknown"))
        return
    if callback.scope == "lang":
        await _choose_language(query, svc, callback.arg)
        return
    stored = await asyncio.to_thread(svc.store.get_check, callback.arg)
    if stored is None:
        lang = await language_for(svc, query.from_user)
        await query.answer(t(lang, "check.expired"), show_alert=True)
        return
    if stored.user_hash is not None and stored.user_hash != svc.user_hash(query.from_user.id):
        # Someone else's verdict (in a group): its buttons would file reports in that user's name.
        await query.answer(t(await language_for(svc, query.from_user), "verdict.not_yours"))
        return
    lang = stored.verdict.get("lang") or await language_for(svc, query.from_user)
    action, check_id = callback.action, callback.arg
    if action in (buttons.REPORT, buttons.WRONG):
        kind = "report" if action == buttons.REPORT else "feedback"
        own = _is_author(_original(query), query.from_user.id)
        await query.answer(t(lang, f"consent.{kind}" if own else f"consent.{kind}_others"), show_alert=True)
        await _edit_markup(query, buttons.consent_keyboard(kind, check_id, lang, with_text=own))
    elif action == buttons.NOTIFY:
        await _ask_for_outcome(query, svc, lang, check_id)
    elif action == buttons.CANCEL:
        await query.answer(t(lang, "cancelled"))
        await _edit_markup(query, buttons.verdict_keyboard(check_id, lang))
    elif action in (buttons.REPORT_WITH_TEXT, buttons.REPORT_NO_TEXT):
        await _submit_report(query, context, svc, stored.verdict, lang,
                             with_text=action == buttons.REPORT_WITH_TEXT, check_id=check_id)
    elif action in (buttons.WRONG_WITH_TEXT, buttons.WRONG_NO_TEXT):
        await _submit_feedback(query, context, svc, stored.verdict, lang,
                               with_text=action == buttons.WRONG_WITH_TEXT, check_id=check_id)
    else:  # DETAILS
        await _show_details(query, context, svc, lang, check_id, picture=bool(stored.verdict.get(PICTURE_KEY)))


async def _edit_markup(query: Any, markup: Any) -> None:
    try:
        await query.edit_message_reply_markup(markup)
    except BadRequest as exc:  # "message is not modified" after a double tap
        log.info("keyboard not changed: %s", exc.message)


async def _choose_language(query: Any, svc: Services, lang: str) -> None:
    await svc.set_language(query.from_user.id, lang)
    await query.answer(t(lang, "lang.set"))
    try:
        await query.edit_message_text(t(lang, "lang.set"))
    except BadRequest as exc:
        log.info("language message not changed: %s", exc.message)


def _original(query: Any) -> Message | None:
    """The user's message the verdict answered (Telegram sends it along with the bot's message)."""
    return query.message.reply_to_message if query.message is not None else None


def _is_author(original: Message | None, user_id: int) -> bool:
    """Whether ``user_id`` sent (or forwarded) the message: only they may agree to keep its text."""
    return original is not None and original.from_user is not None and original.from_user.id == user_id \
        and original.sender_chat is None


def _reported_material(original: Message | None, bot_username: str | None) -> tuple[str | None, list[str]]:
    """(text, number keys) of the original message, read now from Telegram, not from our database."""
    if original is None:
        return None, []
    checkable = what_to_check(original, bot_username=bot_username)
    if checkable.kind == "number":
        try:
            return None, [phones.number_key(checkable.text or "")]
        except phones.InvalidNumber:
            return None, []
    if checkable.kind != "text" or not checkable.text:
        return None, []
    keys = [f.e164 for f in phones.find_numbers(checkable.text) if f.e164]
    return checkable.text, list(dict.fromkeys(keys))[:MAX_REPORTED_NUMBERS]


async def _submit_report(query: Any, context: Context, svc: Services, summary: dict[str, Any], lang: str, *,
                         with_text: bool, check_id: str) -> None:
    original = _original(query)
    text, numbers = _reported_material(original, context.bot.username)
    with_text = with_text and bool(text) and _is_author(original, query.from_user.id)
    # Rate limit, duplicates and trust are the moderation service's rules (bot.moderation).
    result = await asyncio.to_thread(moderation_service(context).submit_report, query.from_user.id,
                                     reported=text or " ".join(numbers), number_keys=numbers, verdict=summary,
                                     keep_text=with_text, check_id=check_id)
    if result.status == ReportStatus.RATE_LIMITED:
        await query.answer(t(lang, "report.limit"), show_alert=True)
        return
    if result.status == ReportStatus.DUPLICATE:
        await query.answer(t(lang, "mod.report.duplicate"), show_alert=True)
        await _edit_markup(query, buttons.verdict_keyboard(check_id, lang, report=False))
        return
    for key in result.newly_queued:  # this report brought the number into the review queue
        notify_new_reports(context, display_number(key), result.reports_queued)
    if original is None:
        done = t(lang, "report.original_gone")
    else:
        done = t(lang, "report.done_with_text" if with_text else "report.done")
    await query.answer(done, show_alert=True)
    # Only a report with something to review is ever decided: only then is there an outcome to tell.
    await _edit_markup(query, buttons.verdict_keyboard(check_id, lang, report=False, notify=bool(text or numbers)))


async def _ask_for_outcome(query: Any, svc: Services, lang: str, check_id: str) -> None:
    """The reporter asked to be told the decision: keep their chat id until then (``bot.telegram.outcomes``)."""
    reporter = svc.user_hash(query.from_user.id)
    if not await asyncio.to_thread(svc.store.has_reported_check, reporter, check_id):
        await query.answer(t(lang, "callback.unknown"))
        return
    await remember_reporter(svc, query.from_user.id, check_id, lang)
    await query.answer(t(lang, "notify.on"), show_alert=True)
    await _edit_markup(query, buttons.verdict_keyboard(check_id, lang, report=False))


async def _submit_feedback(query: Any, context: Context, svc: Services, summary: dict[str, Any], lang: str, *,
                           with_text: bool, check_id: str) -> None:
    original = _original(query)
    text, _numbers = _reported_material(original, context.bot.username)
    keep = with_text and _is_author(original, query.from_user.id)
    result = await asyncio.to_thread(moderation_service(context).submit_feedback, query.from_user.id,
                                     verdict=summary, text=text if keep else None, check_id=check_id)
    if result.status == ReportStatus.RATE_LIMITED:
        await query.answer(t(lang, "feedback.limit"), show_alert=True)
        return
    key = "feedback.duplicate" if result.status == ReportStatus.DUPLICATE else "feedback.done"
    await query.answer(t(lang, key), show_alert=True)
    await _edit_markup(query, buttons.verdict_keyboard(check_id, lang, wrong=False))


async def _show_details(query: Any, context: Context, svc: Services, lang: str, check_id: str, *,
                        picture: bool = False) -> None:
    """Edit the verdict into the full evidence list, re-checking the original (only the verdict's gist is
    stored, never its evidence, which quotes the text): so the tap is a check, counted like one. A verdict on a
    picture (``picture``) reads it again, its text not being kept either: the same one check, refused up front
    when the OCR pool is full; a verdict on a picture's caption alone checks the caption again."""
    original = _original(query)
    checkable = what_to_check(original, bot_username=context.bot.username) if original else None
    if checkable is not None and checkable.kind == "image" and not (picture and pictures.pictures_enabled(context)):
        checkable = caption_only(checkable, "picture.caption_only" if pictures.pictures_enabled(context)
                                 else "photo_note")
    if checkable is None or checkable.kind not in ("text", "number", "image"):
        await query.answer(t(lang, "details.unavailable"), show_alert=True)
        return
    if checkable.kind == "image" and pictures.pool_busy(context):
        await query.answer(t(lang, "picture.busy"), show_alert=True)
        return
    if not await svc.limiter.allow(query.from_user.id):
        await query.answer(t(lang, "rate_limited", limit=svc.limiter.checks_per_minute), show_alert=True)
        return
    await query.answer()  # now: a reading takes seconds, and a tap's answer cannot wait long
    reading: OcrResult | None = None
    if checkable.kind == "image" and original is not None:
        try:
            checkable, reading = await pictures.read_checkable(context, original, checkable, TEXT_LIMIT)
        except PictureError as exc:  # the same picture was read a moment ago: rare, and the verdict stays
            _log_picture_error(exc)
            return
    try:
        verdict = await run_check(svc, checkable)
    except (TextTooLong, EmptyInput, phones.InvalidNumber):
        return
    try:
        regions = await regions_for(svc, query.from_user, lang, verdict)
        await query.edit_message_text(render_reply(verdict, lang, checkable, detailed=True, regions=regions,
                                                   picture=reading),
                                      link_preview_options=NO_PREVIEW,
                                      reply_markup=reply_keyboard(check_id, lang, verdict, reading,
                                                                   details=False))
    except BadRequest as exc:
        log.info("details not shown: %s", exc.message)
