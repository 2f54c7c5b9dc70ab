"""Blocklist entries on SQLite and PostgreSQL: add, update, remove, expiry, prefixes, audit history."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.categories import UnknownCategory
from bot.phones import InvalidNumber
from bot.store import NotFound
from bot.store.models import utcnow

NUMBER = "+8613800138000"


def test_add_accepts_any_written_form_and_category_name(store):
    entry, created = store.add_blocklist("138-0013-8000", "冒充公检法", actor=42, evidence="自称公安")
    assert created
    assert (entry.number_key, entry.category, entry.added_by, entry.source) == (
        NUMBER, "impersonate_police", "42", "moderator")
    hit = store.lookup(NUMBER)
    assert hit is not None and hit.evidence == "自称公安"
    assert store.get_blocklist("+86 138 0013 8000").id == entry.id


def test_adding_again_updates_the_same_entry(store):
    first, _ = store.add_blocklist(NUMBER, "loan_credit", actor="cli")
    second, created = store.add_blocklist("13800138000", "刷单返利", actor="cli", evidence="new")
    assert not created and second.id == first.id
    assert store.lookup(NUMBER).category == "task_rebate"
    assert [a.action for a in store.history(NUMBER)] == ["blocklist.add", "blocklist.update"]


def test_bad_number_and_unknown_category_are_refused(store):
    with pytest.raises(InvalidNumber):
        store.add_blocklist("12", "other", actor="cli")
    with pytest.raises(UnknownCategory, match="冒充公检法"):
        store.add_blocklist(NUMBER, "no-such-kind", actor="cli")
    assert store.get_blocklist(NUMBER) is None
    assert store.audit_log(actor="cli") == []


def test_remove_keeps_the_entry_in_history(store):
    store.add_blocklist(NUMBER, "other", actor=1)
    removed = store.remove_blocklist("13800138000", actor=2, reason="appeal: number reassigned")
    assert not removed.active and removed.removed_by == "2"
    assert store.lookup(NUMBER) is None
    kept = store.get_blocklist(NUMBER)
    assert kept is not None and kept.removed_reason == "appeal: number reassigned"
    history = store.history(NUMBER)
    assert [(h.action, h.actor) for h in history] == [("blocklist.add", "1"), ("blocklist.remove", "2")]
    assert history[1].before["active"] is True and history[1].after["active"] is False
    with pytest.raises(NotFound):
        store.remove_blocklist(NUMBER, actor=2)


def test_readding_a_removed_number_reactivates_it(store):
    store.add_blocklist(NUMBER, "other", actor=1)
    store.remove_blocklist(NUMBER, actor=1)
    entry, created = store.add_blocklist(NUMBER, "phishing", actor=3)
    assert created and entry.active and entry.removed_reason is None
    assert store.lookup(NUMBER).category == "phishing"
    assert [h.action for h in store.history(NUMBER)] == ["blocklist.add", "blocklist.remove", "blocklist.add"]


def test_expired_entries_stop_matching_but_stay(store):
    now = utcnow()
    store.add_blocklist(NUMBER, "other", actor=1, expires_at=now + timedelta(hours=1))
    assert store.lookup(NUMBER) is not None
    assert store.lookup(NUMBER, now=now + timedelta(hours=2)) is None
    entry = store.get_blocklist(NUMBER)
    assert entry.active and entry.is_expired(now + timedelta(hours=2))
    store.add_blocklist("+8613900139000", "other", actor=1, expires_at=now - timedelta(seconds=1))
    assert store.lookup("+8613900139000") is None
    assert store.get_blocklist("+8613900139000") is not None


def test_prefix_matches_a_whole_segment_and_the_longest_wins(store):
    store.add_blocklist("170", "card_trafficking", actor=1, prefix=True, evidence="MVNO segment")
    store.add_blocklist("+861701234", "fake_investment", actor=1, prefix=True)
    assert store.lookup("+8617000000000").category == "card_trafficking"
    assert store.lookup("+8617012345678").category == "fake_investment"
    assert store.lookup("+8613800138000") is None
    assert store.lookup("95588") is None
    # An exact entry beats any prefix.
    store.add_blocklist("+8617012345678", "romance", actor=1)
    assert store.lookup("+8617012345678").category == "romance"
    # A removed or expired prefix no longer covers its segment.
    store.remove_blocklist("+861701234", actor=1, prefix=True)
    assert store.lookup("+8617012349999").category == "card_trafficking"
    store.add_blocklist("+86170", "card_trafficking", actor=1, prefix=True,
                        expires_at=utcnow() - timedelta(days=1))
    assert store.lookup("+8617000000000") is None
    assert [h.action for h in store.history("+86170", prefix=True)] == ["blocklist.add", "blocklist.update"]


def test_prefix_too_short_is_refused(store):
    with pytest.raises(ValueError, match="too short"):
        store.add_blocklist("+86", "other", actor=1, prefix=True)


def test_short_codes_are_keys_too(store):
    store.add_blocklist("95001", "fake_customer_service", actor=1)
    assert store.lookup("95001").category == "fake_customer_service"


def test_audit_rows_record_actor_before_and_after(store):
    store.add_blocklist(NUMBER, "other", actor="cli", evidence="a")
    store.add_blocklist(NUMBER, "other", actor="cli", evidence="b")
    store.add_blocklist(NUMBER, "other", actor="cli", evidence="b")  # no change: no audit row
    rows = store.audit_log(target=f"blocklist:{NUMBER}")
    assert len(rows) == 2
    newest = rows[0]
    assert (newest.actor, newest.action) == ("cli", "blocklist.update")
    assert (newest.before["evidence"], newest.after["evidence"]) == ("a", "b")
    assert newest.at <= utcnow()


def test_audit_log_is_append_only(store):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    store.add_blocklist(NUMBER, "other", actor=1)
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
    assert store.audit_log()[0].actor == "1"


def test_concurrent_writers_from_threads_all_land(store):
    from concurrent.futures import ThreadPoolExecutor

    numbers = [f"+86139{i:08d}" for i in range(40)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: store.add_blocklist(n, "other", actor="cli"), numbers))
    assert store.count_blocklist() == 40
    assert len(store.audit_log(actor="cli", limit=1000)) == 40


def test_lookup_hit_has_every_column_of_the_entry():
    from dataclasses import fields

    from bot.store.models import BlocklistEntry, BlocklistHit

    assert [f.name for f in fields(BlocklistHit)] == [c.name for c in BlocklistEntry.__table__.columns]


def test_lookups_from_many_threads_while_moderators_write(store):
    """The bot looks numbers up from worker threads; pooled connections must give each its own answer."""
    from concurrent.futures import ThreadPoolExecutor

    listed = [f"+86139{i:08d}" for i in range(40)]
    for number in listed[::2]:
        store.add_blocklist(number, "other", actor="cli", evidence=number)
    store.add_blocklist("+86170", "card_trafficking", actor="cli", prefix=True)

    def look(i: int) -> tuple[str | None, str | None]:
        number = listed[i % len(listed)] if i % 3 else f"+86170{i:08d}"
        if i % 50 == 0:  # a moderator writing at the same time
            store.add_blocklist(listed[1], "other", actor="cli", evidence=listed[1])
        hit = store.lookup(number)
        return number, None if hit is None else hit.number_key + (hit.evidence if not hit.is_prefix else "*")

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(look, range(600)))
    for number, answer in answers:
        if number.startswith("+86170"):
            assert answer == "+86170*"
        elif number == listed[1]:
            assert answer in (None, number + number)  # before or after the concurrent add
        elif listed.index(number) % 2 == 0:
            assert answer == number + number
        else:
            assert answer is None


def test_a_number_covered_by_a_prefix_shows_that_prefix(store):
    """What /lookup and `fanzha blocklist show` show for a number with no entry of its own."""
    store.add_blocklist("+861701234", "fake_investment", actor=1, prefix=True, evidence="segment")
    entry, covered = store.entry_or_covering("17012345678")
    assert covered and entry.number_key == "+861701234" and entry.is_prefix
    store.add_blocklist("17012345678", "card_trafficking", actor=1)
    entry, covered = store.entry_or_covering("17012345678")
    assert not covered and entry.number_key == "+8617012345678"
    assert store.entry_or_covering("13800138000") == (None, False)
