"""Pending flows (an appeal between steps, an import awaiting confirmation) on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from bot.store.models import PendingFlow, utcnow


def test_a_flow_is_kept_replaced_and_taken_once(store):
    store.put_flow("appeal:u1", "u1", {"stage": "contact"}, ttl=timedelta(minutes=30))
    assert store.get_flow("appeal:u1").data == {"stage": "contact"}
    store.put_flow("appeal:u1", "u1", {"stage": "reason", "number_key": "+8613511112222"},
                   ttl=timedelta(minutes=30))
    assert store.get_flow("appeal:u1").data["stage"] == "reason"  # the next step replaces the first
    taken = store.take_flow("appeal:u1")
    assert (taken.owner_hash, taken.data["number_key"]) == ("u1", "+8613511112222")
    assert store.take_flow("appeal:u1") is None and store.get_flow("appeal:u1") is None


def test_an_import_keeps_its_file_and_only_its_owner_can_take_it(store):
    data = b"number,category\n+8613800138000,phishing\n" + bytes(range(256))
    store.put_flow("import:tok", "moderator-1", {"kind": "blocklist", "name": "a.csv"}, ttl=timedelta(hours=1),
                   blob=data)
    assert store.get_flow("import:tok").blob is None  # reading the step does not load the file
    assert store.take_flow("import:tok", owner_hash="moderator-2") is None
    assert store.take_flow("import:tok", owner_hash="moderator-1").blob == data


def test_expired_flows_are_invisible_and_purged(store):
    store.put_flow("appeal:old", "u2", {"stage": "reason"}, ttl=timedelta(minutes=30))
    store.put_flow("appeal:new", "u3", {"stage": "reason"}, ttl=timedelta(minutes=30))
    with store._write() as session:
        session.execute(update(PendingFlow).where(PendingFlow.key == "appeal:old")
                        .values(expires_at=utcnow() - timedelta(seconds=1)))
    assert store.get_flow("appeal:old") is None and store.take_flow("appeal:old") is None
    assert store.purge_expired_flows() == 1
    assert store.get_flow("appeal:new") is not None
