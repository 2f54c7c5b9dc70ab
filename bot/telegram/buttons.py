"""Inline keyboards and their callback data.

Telegram limits callback data to 64 bytes, so a button carries an action and the short id of a stored
check (``bot.store.Store.save_check``), never the verdict or the text: ``v:<action>:<check id>`` for the
buttons under a verdict and ``lang:<code>`` for the language picker. The share button is no callback: it
opens inline mode in a chat the user picks with ``share:<check id>`` (:func:`share_query`) as the query.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.locales import LANGUAGES, t

MAX_CALLBACK_BYTES = 64

# Actions under a verdict.
REPORT = "rp"              # 举报: ask for consent to keep the text
REPORT_WITH_TEXT = "rt"
REPORT_NO_TEXT = "rn"
WRONG = "fb"               # 判断有误: ask for consent, then store feedback
WRONG_WITH_TEXT = "ft"
WRONG_NO_TEXT = "fn"
DETAILS = "dt"             # 详情: the full evidence list
CANCEL = "cx"              # back to the verdict's buttons
NOTIFY = "nt"              # after a report: tell me what the moderators decide
VERDICT_ACTIONS = frozenset({REPORT, REPORT_WITH_TEXT, REPORT_NO_TEXT, WRONG, WRONG_WITH_TEXT, WRONG_NO_TEXT,
                             DETAILS, CANCEL, NOTIFY})
SHARE_PREFIX = "share:"
MAX_INLINE_QUERY_CHARS = 256


@dataclass(frozen=True)
class Callback:
    """Parsed callback data: ``scope`` is ``"v"`` (verdict buttons) or ``"lang"``."""

    scope: str
    action: str
    arg: str


def _data(*parts: str) -> str:
    data = ":".join(parts)
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def verdict_data(action: str, check_id: str) -> str:
    return _data("v", action, check_id)


def share_query(check_id: str) -> str:
    """The inline query the share button starts: the stored check's short id, never the verdict's words."""
    query = SHARE_PREFIX + check_id
    if len(query) > MAX_INLINE_QUERY_CHARS:
        raise ValueError(f"inline query over {MAX_INLINE_QUERY_CHARS} characters: {query!r}")
    return query


def parse_share(query: str) -> str | None:
    """The check id of a share query, or None for any other inline query."""
    text = query.strip()
    if not text.startswith(SHARE_PREFIX) or len(text) > MAX_INLINE_QUERY_CHARS:
        return None
    check_id = text[len(SHARE_PREFIX):]
    return check_id if check_id and all(c.isalnum() or c in "-_" for c in check_id) else None


def language_data(lang: str) -> str:
    return _data("lang", lang)


def parse_callback(data: str | None) -> Callback | None:
    """The parsed callback, or None for data this bot did not make (old or foreign buttons)."""
    if not data:
        return None
    parts = data.split(":")
    if len(parts) == 3 and parts[0] == "v" and parts[1] in VERDICT_ACTIONS and parts[2]:
        return Callback("v", parts[1], parts[2])
    if len(parts) == 2 and parts[0] == "lang" and parts[1] in LANGUAGES:
        return Callback("lang", parts[1], parts[1])
    return None


def verdict_keyboard(check_id: str, lang: str, *, report: bool = True, wrong: bool = True,
                     details: bool = True, notify: bool = False) -> InlineKeyboardMarkup:
    """举报 / 判断有误 / 详情 under a verdict, and a share button below; a button is left out once it has been
    used. ``notify`` offers "tell me the outcome" (right after a report: the reporter's choice, default no)."""
    row = []
    if report:
        row.append(InlineKeyboardButton(t(lang, "btn.report"), callback_data=verdict_data(REPORT, check_id)))
    if wrong:
        row.append(InlineKeyboardButton(t(lang, "btn.wrong"), callback_data=verdict_data(WRONG, check_id)))
    if details:
        row.append(InlineKeyboardButton(t(lang, "btn.details"), callback_data=verdict_data(DETAILS, check_id)))
    rows = [row] if row else []
    if notify:
        rows.append([InlineKeyboardButton(t(lang, "btn.notify"), callback_data=verdict_data(NOTIFY, check_id))])
    rows.append([InlineKeyboardButton(t(lang, "btn.share"), switch_inline_query=share_query(check_id))])
    return InlineKeyboardMarkup(rows)


def consent_keyboard(kind: str, check_id: str, lang: str, *, with_text: bool = True) -> InlineKeyboardMarkup:
    """The consent step for a report (``kind="report"``) or feedback (``"feedback"``): with or without
    the message text. ``with_text=False`` offers only "without": the one tapping is not the message's
    author, and only the author can agree to keep its text."""
    with_data, without_data = ((REPORT_WITH_TEXT, REPORT_NO_TEXT) if kind == "report"
                               else (WRONG_WITH_TEXT, WRONG_NO_TEXT))
    choices = [InlineKeyboardButton(t(lang, f"btn.{kind}_without_text"),
                                    callback_data=verdict_data(without_data, check_id))]
    if with_text:
        choices.insert(0, InlineKeyboardButton(t(lang, f"btn.{kind}_with_text"),
                                               callback_data=verdict_data(with_data, check_id)))
    return InlineKeyboardMarkup([
        choices, [InlineKeyboardButton(t(lang, "btn.cancel"), callback_data=verdict_data(CANCEL, check_id))]])


def language_keyboard() -> InlineKeyboardMarkup:
    """简体中文 / 繁體中文 / English, each named in its own script."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(t(lang, f"lang.name.{lang}"),
                                                       callback_data=language_data(lang))
                                  for lang in LANGUAGES]])
