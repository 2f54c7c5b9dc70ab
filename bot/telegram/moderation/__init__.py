"""Moderation in Telegram: commands and buttons for volunteer moderators, and the appeal flow for anyone.

Translation only: every rule (roles, thresholds, trust, appeals, expiry) lives in ``bot.moderation``;
every sentence in ``bot.locales`` (keys ``mod.*``). Moderators work from phones, so replies are short and
each action is one command or one button.

Commands (private chat only: moderation data never lands in a group):

- admins: ``/mod add <id>`` (or as a reply), ``/mod remove <id>`` (or as a reply), ``/mod list``; a new
  moderator is welcomed and gets their own command menu, which ``/mod remove`` takes away (``team``);
- moderators: ``/block NUMBER CATEGORY [evidence…] [expires=YYYY-MM-DD]`` (or, replying to a forwarded
  message, ``/block CATEGORY [evidence…]`` for every number in it), ``/unblock NUMBER [reason]``,
  ``/allow NUMBER OWNER [aliases]``, ``/lookup NUMBER``, ``/export``, ``/queue``, ``/feedback``,
  ``/stats``, a CSV file upload (preview, then Confirm/Cancel), and a spreadsheet upload (told to save it
  as CSV); ``/help`` has a section for them (``help_section``);
- anyone: ``/appeal`` (share your own contact, then say why), ``/cancel`` and ``/id`` (their own id, or in
  reply to a message its sender's, unless a forward hides the account).

Everyone else who tries a moderator command gets a clear refusal. Button data starts with ``m:`` and
stays under Telegram's 64 bytes: ``m:q:<op>:<kind>:<ref>[:<category index>]`` for the queue,
``m:f:<op>:<id>[:<category index>]`` for feedback, ``m:i:<op>:<token>`` for imports, ``m:a:<y|n>:<token>``
for a change waiting for an admin (``approvals``). Edited messages never run a command.
"""

from __future__ import annotations

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.telegram.moderation.appeals import appeal_command, cancel_command, on_appeal_step
from bot.telegram.moderation.buttons import on_moderation_button
from bot.telegram.moderation.common import (
    moderation_service,
    number_key_of,
    split_expires,
    split_number,
)
from bot.telegram.moderation.domains import blockdomain_command, unblockdomain_command
from bot.telegram.moderation.feedback import feedback_command
from bot.telegram.moderation.imports import csv_kind, on_csv_document
from bot.telegram.moderation.lists import (
    allow_command,
    block_command,
    export_command,
    lookup_command,
    stats_command,
    unblock_command,
)
from bot.telegram.moderation.queue import notify_moderators, notify_new_reports, queue_command
from bot.telegram.moderation.spreadsheets import SPREADSHEET_FILTER, on_spreadsheet
from bot.telegram.moderation.team import (
    help_section,
    id_command,
    mod_command,
    publish_team_menus,
    use_menus,
)

__all__ = ["csv_kind", "help_section", "moderation_service", "notify_moderators", "notify_new_reports",
           "number_key_of", "publish_team_menus", "register", "split_expires", "split_number", "use_menus"]


# ── registration ────────────────────────────────────────────────────────────────────────────────────

MODERATOR_COMMANDS = ("block", "unblock", "allow", "lookup", "export", "queue", "feedback", "stats")
SPREADSHEET_GROUP = -2
"""Before the appeal steps (−1) and everything else (0): a moderator's spreadsheet stops there; anyone
else's goes on untouched."""


def register_moderation(application: Application) -> None:
    """Add the moderation handlers (the composition root calls this between public commands and catch-alls).

    The appeal step handler runs in group −1, before every other handler, and stops the update only for users
    in the middle of an appeal, so for everyone else a contact or a text is still checked by the public
    handlers. A spreadsheet handler runs before it (group −2) and likewise stops only moderators' files.
    """
    new = filters.UpdateType.MESSAGE  # edited messages never run a command or take an appeal step
    application.add_handler(MessageHandler(new & filters.ChatType.PRIVATE & SPREADSHEET_FILTER, on_spreadsheet),
                            group=SPREADSHEET_GROUP)
    application.add_handler(MessageHandler(new & filters.ChatType.PRIVATE & ~filters.COMMAND, on_appeal_step),
                            group=-1)
    application.add_handler(CommandHandler("cancel", cancel_command, filters=new))
    application.add_handler(CommandHandler("appeal", appeal_command, filters=new))
    application.add_handler(CommandHandler("mod", mod_command, filters=new))
    application.add_handler(CommandHandler("id", id_command, filters=new))
    handlers = {"block": block_command, "unblock": unblock_command, "allow": allow_command,
                "lookup": lookup_command, "export": export_command, "queue": queue_command,
                "feedback": feedback_command, "stats": stats_command}
    for name in MODERATOR_COMMANDS:
        application.add_handler(CommandHandler(name, handlers[name], filters=new))
    application.add_handler(CommandHandler("blockdomain", blockdomain_command, filters=new))
    application.add_handler(CommandHandler("unblockdomain", unblockdomain_command, filters=new))
    application.add_handler(MessageHandler(
        new & filters.ChatType.PRIVATE
        & (filters.Document.FileExtension("csv") | filters.Document.MimeType("text/csv")),
        on_csv_document))
    application.add_handler(CallbackQueryHandler(on_moderation_button, pattern=r"^m:"))


register = register_moderation
"""The name ``bot.telegram.app`` looks for."""
