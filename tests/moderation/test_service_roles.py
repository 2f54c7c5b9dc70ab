"""Who may do what in moderation, and who hears of new queue items, as moderators and admins meet it.

On the ``service`` fixture (SQLite, one template database copied per test): these tests judge
``bot/moderation.py``'s mutants, so they stay fast.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.moderation import Moderation, NotAllowed, ReportStatus, Role, actor_of
from bot.store import keyed_hash

from .conftest import ADMIN, MODERATOR, USER

NUMBER = "+8613800138000"


@pytest.mark.parametrize(("who", "needed", "allowed"), [
    (None, Role.USER, True),
    (None, Role.MODERATOR, False),
    (USER, Role.USER, True),
    (USER, Role.MODERATOR, False),
    (USER, Role.ADMIN, False),
    (MODERATOR, Role.USER, True),
    (MODERATOR, Role.MODERATOR, True),
    (MODERATOR, Role.ADMIN, False),
    (ADMIN, Role.USER, True),
    (ADMIN, Role.MODERATOR, True),
    (ADMIN, Role.ADMIN, True),
])
def test_each_role_may_do_what_it_and_the_roles_below_it_may(service, who, needed, allowed):
    if allowed:
        service.require(who, needed)
    else:
        with pytest.raises(NotAllowed) as refused:
            service.require(who, needed)
        assert refused.value.needed == needed
        assert str(refused.value) == f"needs role {needed}"  # what the log shows if a refusal escapes a handler


def test_roles_as_the_bot_sees_them(service):
    assert [service.role(i) for i in (None, USER, MODERATOR, ADMIN)] == [
        Role.USER, Role.USER, Role.MODERATOR, Role.ADMIN]
    assert [service.is_moderator(i) for i in (None, USER, MODERATOR, ADMIN)] == [False, False, True, True]


def test_admin_ids_written_as_text_still_make_admins(sqlite_store):
    service = Moderation(sqlite_store, admin_ids=["1000", 1001], secret="s")
    assert service.role(ADMIN) == Role.ADMIN and service.role(1001) == Role.ADMIN


def test_only_an_admin_adds_a_moderator_and_the_audit_names_them(service, sqlite_store):
    with pytest.raises(NotAllowed) as refused:
        service.add_moderator(MODERATOR, USER)
    assert refused.value.needed == Role.ADMIN
    assert service.role(USER) == Role.USER
    assert service.add_moderator(ADMIN, USER) is True
    assert service.role(USER) == Role.MODERATOR
    assert service.add_moderator(ADMIN, USER) is False  # already one
    [audit] = sqlite_store.audit_log(target=f"moderator:{USER}")
    assert (audit.actor, audit.action) == (actor_of(ADMIN), "moderator.add")


def test_an_admin_is_not_made_a_moderator_too(service, sqlite_store):
    assert service.add_moderator(ADMIN, ADMIN) is False
    assert sqlite_store.audit_log(target=f"moderator:{ADMIN}") == []
    assert service.moderators(ADMIN) == [(ADMIN, Role.ADMIN), (MODERATOR, Role.MODERATOR)]


def test_only_an_admin_removes_a_moderator_and_admins_cannot_be_removed(service, sqlite_store):
    with pytest.raises(NotAllowed) as refused:
        service.remove_moderator(MODERATOR, MODERATOR)
    assert refused.value.needed == Role.ADMIN
    assert service.is_moderator(MODERATOR)
    with pytest.raises(ValueError):
        service.remove_moderator(ADMIN, ADMIN)
    assert service.role(ADMIN) == Role.ADMIN
    assert service.remove_moderator(ADMIN, MODERATOR) is True
    assert service.role(MODERATOR) == Role.USER
    assert service.remove_moderator(ADMIN, MODERATOR) is False
    last = sqlite_store.audit_log(target=f"moderator:{MODERATOR}")[0]
    assert (last.actor, last.action) == ("tg:1000", "moderator.remove")


def test_the_moderator_list_shows_admins_in_order_first_and_each_person_once(sqlite_store):
    service = Moderation(sqlite_store, admin_ids=[1002, ADMIN], secret="s")
    service.add_moderator(ADMIN, 7)
    service.add_moderator(ADMIN, 5)
    sqlite_store.add_moderator(1002, actor="cli")  # an admin also in the moderators table
    assert service.moderators(1002) == [(ADMIN, Role.ADMIN), (1002, Role.ADMIN), (7, Role.MODERATOR),
                                        (5, Role.MODERATOR)]
    with pytest.raises(NotAllowed) as refused:
        service.moderators(7)
    assert refused.value.needed == Role.ADMIN


def test_new_queue_items_are_told_to_admins_in_order_then_to_moderators(sqlite_store):
    service = Moderation(sqlite_store, admin_ids=[1002, ADMIN], secret="s")
    service.add_moderator(ADMIN, 7)
    sqlite_store.add_moderator(1002, actor="cli")
    assert service.notified_ids() == [ADMIN, 1002, 7]


def test_threshold_and_hourly_limit_must_be_at_least_one(sqlite_store):
    for threshold, per_hour in ((0, 1), (1, 0), (-1, 5), (5, -1)):
        with pytest.raises(ValueError) as refused:  # what the operator reads when the bot will not start
            Moderation(sqlite_store, admin_ids=[], secret="s", report_threshold=threshold, reports_per_hour=per_hour)
        assert str(refused.value) == "report_threshold and reports_per_hour must be at least 1"
    lone = Moderation(sqlite_store, admin_ids=[], secret="s", report_threshold=1, reports_per_hour=1)
    first = lone.submit_report(1, reported=f"客服 {NUMBER}", number_keys=[NUMBER])
    assert first.queued_numbers == (NUMBER,)  # one reporter is enough when K = 1
    second = lone.submit_report(1, reported="客服 13900139000", number_keys=["+8613900139000"])
    assert (second.status, second.limit) == (ReportStatus.RATE_LIMITED, 1)


def test_defaults_are_three_reporters_and_ten_reports_an_hour(sqlite_store):
    service = Moderation(sqlite_store, admin_ids=[], secret="s")
    statuses = [service.submit_report(USER, reported=f"n{i}", number_keys=[f"+86138001380{i:02d}"]).status
                for i in range(11)]
    assert statuses == [ReportStatus.STORED] * 10 + [ReportStatus.RATE_LIMITED]
    for user in (1, 2):
        service.submit_report(user, reported="x", number_keys=["+8613800138000"])
    assert [i.ref for i in service.queue()] == ["+8613800138000"]  # the user plus 1 and 2: three


def test_the_service_is_built_from_the_settings(sqlite_store):
    settings = SimpleNamespace(admin_ids=[ADMIN], secret="from-settings", report_threshold=2, reports_per_hour=1)
    service = Moderation.from_settings(settings, sqlite_store)
    assert service.role(ADMIN) == Role.ADMIN
    assert service.reporter_hash(USER) == keyed_hash(USER, "from-settings")
    service.submit_report(1, reported="x", number_keys=[NUMBER])
    second = service.submit_report(2, reported="x", number_keys=[NUMBER])
    assert second.newly_queued == (NUMBER,)  # K = 2
    assert service.submit_report(2, reported="y", number_keys=["+8613900139000"]).status \
        == ReportStatus.RATE_LIMITED
