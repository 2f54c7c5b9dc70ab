"""Screenshots sent to the bot: which file to fetch, fetching it within the limits, reading it in the OCR pool.

People, older people above all, send a screenshot of the SMS or the chat instead of forwarding it. The text
read from it is checked like a forwarded text (``bot.telegram.public``); this module gets that text:

* which file: of a photo's sizes the smallest whose longer side is at least :data:`PHOTO_LONG_SIDE` pixels
  (enough for the recogniser; a bigger one only costs time), else the largest; a PNG/JPEG/WebP sent as a file
  as it is;
* the size limit (``bot.ocr.MAX_IMAGE_BYTES``) is kept from the sizes Telegram states, before anything is
  downloaded (the message's ``file_size``, then ``getFile``'s), and again on the bytes;
* the reading happens in the OCR pool's worker process (``bot.ocr.pool``), never on the event loop; the pool
  holds a bounded queue, so a burst of pictures gets :class:`~bot.ocr.pool.OcrBusy`, not a growing backlog.

Every failure is a :class:`~bot.ocr.PictureError` whose ``reason`` :func:`error_text` turns into a polite reply:
``too_large``, ``not_an_image``, ``no_text``, ``busy`` (:class:`~bot.ocr.pool.OcrBusy`: refused before the
download), ``failed`` (:class:`~bot.ocr.pool.OcrFailed`, the reading process died), ``download_failed``
(:class:`PictureUnavailable`, Telegram's ``getFile`` or the download failed) and ``off`` (:class:`PicturesOff`,
``FANZHA_OCR_WORKERS=0``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from telegram import Message, PhotoSize
from telegram.error import BadRequest, TelegramError

from bot.locales import t
from bot.ocr import MAX_IMAGE_BYTES, OcrResult, PictureError
from bot.telegram.extract import Checkable, image_media
from bot.telegram.services import services

if TYPE_CHECKING:
    from telegram.ext import CallbackContext

    from bot.ocr.pool import OcrPool

log = logging.getLogger(__name__)

PHOTO_LONG_SIDE = 1280
"""A photo size whose longer side reaches this is read rather than a larger one: phone screenshots are sent
at 1280 px on their longer side by default, and the recogniser reads chat-sized text well from it."""
TELEGRAM_FILE_TOO_BIG = "file is too big"
"""What ``getFile`` says (in a Bad Request) for a file over the Bot API's 20 MB download limit."""


class PictureUnavailable(PictureError):
    """Telegram did not give the file (``getFile`` or the download failed): ``reason`` ``"download_failed"``."""

    def __init__(self, detail: str = "") -> None:
        super().__init__("download_failed", detail)


class PicturesOff(PictureError):
    """Reading pictures is switched off (``FANZHA_OCR_WORKERS=0``): ``reason`` ``"off"``."""

    def __init__(self) -> None:
        super().__init__("off")


@dataclass(frozen=True)
class PictureFile:
    """The file to fetch: its id and the size Telegram states (None when it states none)."""

    file_id: str
    file_size: int | None


def choose_photo(sizes: tuple[PhotoSize, ...] | list[PhotoSize]) -> PhotoSize:
    """Of a photo's sizes, the smallest whose longer side is at least ``PHOTO_LONG_SIDE``, else the largest."""
    def long_side(size: PhotoSize) -> int:
        return max(size.width, size.height)

    big_enough = [s for s in sizes if long_side(s) >= PHOTO_LONG_SIDE]
    if big_enough:
        return min(big_enough, key=lambda s: (long_side(s), s.file_size or 0))
    return max(sizes, key=lambda s: (long_side(s), s.file_size or 0))


def choose_file(message: Message) -> PictureFile | None:
    """The file to read in ``message``: a photo's chosen size or an image document; None if it holds neither."""
    media = image_media(message)
    if media == "photo":
        size = choose_photo(message.photo)
        return PictureFile(size.file_id, size.file_size)
    if media == "document" and message.document is not None:
        return PictureFile(message.document.file_id, message.document.file_size)
    return None


def pictures_enabled(context: CallbackContext[Any, Any, Any, Any]) -> bool:
    """Whether this bot reads pictures (``FANZHA_OCR_WORKERS`` above 0)."""
    return services(context).ocr is not None


def pool_busy(context: CallbackContext[Any, Any, Any, Any]) -> bool:
    """A picture sent now would be refused (the OCR pool's queue is full): said before a check is counted."""
    pool = services(context).ocr
    return pool is not None and pool.busy


def _refuse_if_busy(pool: OcrPool) -> None:
    if pool.busy:
        from bot.ocr.pool import OcrBusy

        raise OcrBusy(pool.pending)


def _refuse_if_large(size: int | None) -> None:
    if size is not None and size > MAX_IMAGE_BYTES:
        raise PictureError("too_large", f"{size} bytes")


async def download(context: CallbackContext[Any, Any, Any, Any], picture: PictureFile) -> bytes:
    """The file's bytes, refused (``too_large``) from the sizes Telegram states before it is downloaded."""
    _refuse_if_large(picture.file_size)
    try:
        telegram_file = await context.bot.get_file(picture.file_id)
    except BadRequest as exc:
        if TELEGRAM_FILE_TOO_BIG in exc.message.lower():
            raise PictureError("too_large", exc.message) from exc
        raise PictureUnavailable(exc.message) from exc
    except TelegramError as exc:
        raise PictureUnavailable(type(exc).__name__) from exc
    _refuse_if_large(telegram_file.file_size)
    try:
        data = bytes(await telegram_file.download_as_bytearray())
    except TelegramError as exc:
        raise PictureUnavailable(type(exc).__name__) from exc
    _refuse_if_large(len(data))
    return data


async def read_picture(context: CallbackContext[Any, Any, Any, Any], message: Message) -> OcrResult:
    """The text in ``message``'s picture, read in the OCR pool.

    Raises :class:`~bot.ocr.PictureError` (``too_large``, ``not_an_image``, ``no_text``), its subclasses
    :class:`~bot.ocr.pool.OcrBusy` (the pool's queue is full: nothing was downloaded), :class:`PictureUnavailable`
    and :class:`PicturesOff`. Counting the reading against a rate limit is the caller's business."""
    pool = services(context).ocr
    if pool is None:
        raise PicturesOff
    picture = choose_file(message)
    if picture is None:
        raise PictureError("not_an_image", "no photo or image document")
    _refuse_if_busy(pool)  # before the download: a burst of pictures is not fetched only to be refused
    data = await download(context, picture)
    result = await pool.read(data)  # OcrBusy too, when others took the last places during the download
    if not result.text.strip():
        raise PictureError("no_text")
    return result


async def read_checkable(context: CallbackContext[Any, Any, Any, Any], message: Message,
                         checkable: Checkable, text_limit: int) -> tuple[Checkable, OcrResult]:
    """The text check an image ``checkable`` becomes: its caption, then the text read from ``message``'s
    picture (cut to ``text_limit`` characters: a screenshot is checked, never refused as too long); and the
    reading itself (for the reply's note and the unsure policy)."""
    result = await read_picture(context, message)
    text = "\n\n".join(part for part in (checkable.text, result.text.strip()) if part)[:text_limit]
    return replace(checkable, kind="text", text=text), result


def error_text(lang: str, error: PictureError) -> str:
    """The polite reply to a picture that could not be read, in ``lang``."""
    reason = error.reason
    if reason == "too_large":
        return t(lang, "picture.too_large", limit=MAX_IMAGE_BYTES // (1024 * 1024))
    if reason in ("not_an_image", "no_text", "busy", "failed", "download_failed"):
        return t(lang, f"picture.{reason}")
    return t(lang, "input.unsupported", kind=t(lang, "kind.photo"))  # "off": what a bot without pictures says
