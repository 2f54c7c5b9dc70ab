"""A moderator's spreadsheet (Excel, WPS, Numbers…) upload: they are told to save it as CSV.

The handler runs in its own group before every other one and stops the update only for moderators, so
for everyone else the file goes on to the public handlers exactly as before (the polite "can't read
files" reply, or a check of its caption).
"""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import ApplicationHandlerStop, filters

from bot.locales import t
from bot.telegram.moderation.common import Context, moderation_service, reply
from bot.telegram.replies import language_for
from bot.telegram.services import services

SPREADSHEET_EXTENSIONS = ("xlsx", "xlsm", "xls", "et", "ods", "numbers")
"""Excel, Excel with macros, old Excel, WPS (what many moderators in China use), LibreOffice, Apple Numbers."""
SPREADSHEET_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     "application/vnd.ms-excel", "application/vnd.oasis.opendocument.spreadsheet")

SPREADSHEET_FILTER = filters.Document.FileExtension(SPREADSHEET_EXTENSIONS[0])
for _extension in SPREADSHEET_EXTENSIONS[1:]:
    SPREADSHEET_FILTER = SPREADSHEET_FILTER | filters.Document.FileExtension(_extension)
for _mime in SPREADSHEET_TYPES:
    SPREADSHEET_FILTER = SPREADSHEET_FILTER | filters.Document.MimeType(_mime)


async def on_spreadsheet(update: Update, context: Context) -> None:
    """A moderator meant to import a list, and the import reads CSV only: say how to get one."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.document is None:
        return
    if not await asyncio.to_thread(moderation_service(context).is_moderator, user.id):
        return  # the public handlers answer it
    lang = await language_for(services(context), user)
    await reply(update, context, t(lang, "mod.import.spreadsheet", name=message.document.file_name or "—"))
    raise ApplicationHandlerStop
