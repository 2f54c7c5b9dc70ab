"""What to check in a Telegram message: text, caption, a contact's number, a picture, or nothing checkable.

Pure translation from PTB objects to the checker's arguments (text + ``CheckHints``); no I/O. Entity
texts come from PTB's ``parse_entities``/``parse_caption_entities``, which handle Telegram's UTF-16
offsets. A forwarded user's id is read nowhere: only the kind of origin and a display name go on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import (
    Message,
    MessageEntity,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
)

from bot.check import CheckHints
from bot.render import neutral_title

# Message attributes that carry something the bot cannot read, in the order they are looked for.
_MEDIA_KINDS = ("sticker", "voice", "audio", "video_note", "video", "animation", "document", "photo",
                "location", "venue", "poll", "dice", "game", "story")
IMAGE_MIME_TYPES = frozenset({"image/png", "image/jpeg", "image/webp"})
"""Files sent "as a file" that are read as pictures: what phones save screenshots as. Other image types
(HEIC, TIFF, …) are not decoded and get the file reply."""
_NUMBER_NOISE = re.compile(r"[\s\-–—.,，。:：;；()（）\[\]【】+#*/\\|~_]*")


@dataclass(frozen=True)
class Checkable:
    """``kind`` is ``"text"``, ``"number"`` (a contact or a message that is just a number), ``"image"`` (a
    photo, or a PNG/JPEG/WebP sent as a file: ``media`` is ``"photo"`` or ``"document"``, ``text`` its caption
    without ``@bot``, if any, with the caption's ``hints``), ``"empty"`` or ``"unsupported"`` (then ``media``
    names what it was). ``contact``: the number is a shared contact card's, written by the app
    (``bot.phones.parse_contact_number``). ``note``: the locale key of a note the reply ends with, when the
    check is not of everything the message holds (a picture's caption checked without the picture)."""

    kind: str
    text: str | None = None
    hints: CheckHints | None = None
    from_caption: bool = False
    media: str | None = None
    contact: bool = False
    note: str | None = None


def forward_hints(message: Message) -> tuple[str | None, str | None]:
    """(origin kind, display title) of a forwarded message; ``(None, None)`` if not forwarded.

    The title is chosen by whoever made the channel or account, so it is neutralised here, where it enters
    the bot (one short line, no control or direction characters: ``bot.render.neutral_title``)."""
    origin = message.forward_origin
    if isinstance(origin, MessageOriginChannel):
        return "channel", neutral_title(origin.chat.title)
    if isinstance(origin, MessageOriginChat):
        return "chat", neutral_title(origin.sender_chat.title)
    if isinstance(origin, MessageOriginHiddenUser):
        return "hidden_user", neutral_title(origin.sender_user_name)
    if isinstance(origin, MessageOriginUser):
        return "user", neutral_title(origin.sender_user.full_name)  # the name only: the id is never passed on
    return None, None


def _entity_hints(message: Message, *, caption: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    types = [MessageEntity.PHONE_NUMBER, MessageEntity.URL, MessageEntity.TEXT_LINK]
    entities = message.parse_caption_entities(types) if caption else message.parse_entities(types)
    phones: list[str] = []
    urls: list[str] = []
    for ent, text in entities.items():
        if ent.type == MessageEntity.PHONE_NUMBER:
            phones.append(text)
        elif ent.type == MessageEntity.URL:
            urls.append(text)
        elif ent.url:
            urls.append(ent.url)
    return tuple(phones), tuple(urls)


def strip_mention(text: str, bot_username: str | None) -> str:
    """The text without ``@bot`` (people write it to address the bot in groups)."""
    if not bot_username:
        return text
    return re.sub(rf"@{re.escape(bot_username)}\b", " ", text, flags=re.IGNORECASE).strip()


def is_bare_number(text: str) -> str | None:
    """The number if ``text`` is nothing but one phone number (in any written form), else None."""
    from bot import phones

    stripped = text.strip()
    if not stripped or len(stripped) > 40:
        return None
    found = phones.find_numbers(stripped)
    if len(found) != 1:
        return None
    rest = stripped[: found[0].start] + stripped[found[0].end :]
    return found[0].raw if _NUMBER_NOISE.fullmatch(rest) else None


def image_media(message: Message) -> str | None:
    """``"photo"`` or ``"document"`` when ``message`` carries a picture the bot can read, else None."""
    if message.photo:
        return "photo"
    document = message.document
    if document is not None and (document.mime_type or "").lower() in IMAGE_MIME_TYPES:
        return "document"
    return None


def caption_only(checkable: Checkable, note: str = "photo_note") -> Checkable:
    """A picture checked by its caption alone (pictures off, or a group that did not ask for the picture):
    the caption as text, the reply ending with ``note``; a picture without a caption is unsupported."""
    if checkable.kind != "image":
        return checkable
    if not checkable.text:
        return Checkable("unsupported", media=checkable.media)
    return Checkable("text", checkable.text, checkable.hints, from_caption=True, media=checkable.media, note=note)


def what_to_check(message: Message, *, bot_username: str | None = None) -> Checkable:
    """Decide what the bot checks in ``message``."""
    origin, title = forward_hints(message)
    if message.contact is not None:
        return Checkable("number", message.contact.phone_number, contact=True)
    media = image_media(message)
    if media is not None:
        caption = strip_mention(message.caption, bot_username).strip() if message.caption else ""
        phones, urls = _entity_hints(message, caption=True) if caption else ((), ())
        hints = CheckHints(phone_entities=phones, url_entities=urls, forward_origin=origin, forward_title=title)
        return Checkable("image", caption or None, hints, from_caption=bool(caption), media=media)
    caption = message.text is None and message.caption is not None
    raw = message.text if message.text is not None else message.caption
    if raw is not None:
        text = strip_mention(raw, bot_username)
        if not text.strip():
            return Checkable("empty")
        number = is_bare_number(text) if origin is None else None
        if number is not None and not caption:
            return Checkable("number", number)
        phones, urls = _entity_hints(message, caption=caption)
        hints = CheckHints(phone_entities=phones, url_entities=urls, forward_origin=origin, forward_title=title)
        return Checkable("text", text, hints, from_caption=caption)
    for kind in _MEDIA_KINDS:
        if getattr(message, kind, None):
            return Checkable("unsupported", media=kind)
    return Checkable("unsupported", media="other")
