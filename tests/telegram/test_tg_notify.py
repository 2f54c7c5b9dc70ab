"""Moderator notifications for new reports are throttled: one message per 10 minutes, with the count."""

from __future__ import annotations

from types import SimpleNamespace

from bot.telegram.moderation import notify_new_reports


class _Application:
    """Just what ``notify_new_reports`` touches of PTB's Application: bot_data and create_task."""

    def __init__(self) -> None:
        self.bot_data: dict = {}
        self.scheduled: list[str] = []

    def create_task(self, coroutine, name: str | None = None):
        coroutine.close()  # not run here: the message itself is tested end to end (test_moderation_e2e)
        self.scheduled.append(name or "")


def test_a_wave_of_new_numbers_gives_one_message_then_quiet_for_ten_minutes() -> None:
    context = SimpleNamespace(application=_Application())
    sent = [notify_new_reports(context, f"+86 137 0000 00{i:02d}", waiting=i + 1) for i in range(30)]
    assert sent == [True] + [False] * 29
    assert context.application.scheduled == ["notify mod.notify.report"]
