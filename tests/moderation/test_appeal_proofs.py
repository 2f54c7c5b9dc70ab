"""Appeals as the owner of a number meets them: which numbers a shared contact proves, which entries can be
appealed (removed ones cannot, expired ones can), one waiting appeal per number, and what a moderator's
decision does to an entry that changed meanwhile."""

from __future__ import annotations

import pytest

from bot.moderation import NotAllowed, parse_expires
from bot.store import NotFound

from .conftest import MODERATOR, USER

NUMBER = "+8613800138000"
US_NUMBER = "+12025550123"


@pytest.mark.parametrize(("shared", "key"), [
    ("8613800138000", NUMBER),       # Telegram's contacts come without the "+"
    ("+86 138 0013 8000", NUMBER),
    ("008613800138000", NUMBER),
    ("12025550123", US_NUMBER),      # a US owner's number: read with its country code, not as a local one
    ("12025550100", "+12025550100"),  # ... also when it ends in zeros
    ("13800138000", NUMBER),         # a mainland number written without the country code
])
def test_a_shared_contact_is_read_as_the_number_it_is(moderation, shared, key):
    moderation.block(MODERATOR, key, "other")
    proof = moderation.check_contact(USER, USER, shared)
    assert (proof.own, proof.number_key, proof.listed, proof.pending_appeal) == (True, key, True, None)


def test_a_contact_that_is_no_number_proves_nothing(moderation):
    proof = moderation.check_contact(USER, USER, "not a number")
    assert (proof.number_key, proof.listed) == (None, False)
    with pytest.raises(NotFound):
        moderation.submit_appeal(USER, proof, "这是我的号码")


def test_only_the_senders_own_contact_is_proof(moderation):
    moderation.block(MODERATOR, NUMBER, "other")
    assert not moderation.check_contact(USER, None, "8613800138000").own  # a contact of nobody on Telegram
    assert not moderation.check_contact(USER, USER + 1, "8613800138000").own


def test_a_removed_entry_cannot_be_appealed(moderation):
    moderation.block(MODERATOR, NUMBER, "other")
    moderation.unblock(MODERATOR, NUMBER, reason="误报")
    proof = moderation.check_contact(USER, USER, "8613800138000")
    assert proof.own and not proof.listed
    with pytest.raises(NotFound):
        moderation.submit_appeal(USER, proof, "请删除我的号码")


def test_an_expired_entry_can_still_be_appealed(moderation):
    moderation.block(MODERATOR, NUMBER, "other", expires_at=parse_expires("2020-01-01"))
    proof = moderation.check_contact(USER, USER, "8613800138000")
    assert proof.listed
    assert moderation.submit_appeal(USER, proof, "号码已换人使用").number_key == NUMBER


def test_one_waiting_appeal_per_number_and_a_new_one_after_a_decision(moderation):
    moderation.block(MODERATOR, NUMBER, "other")
    moderation.block(MODERATOR, US_NUMBER, "other")
    other = moderation.submit_appeal(USER + 1, moderation.check_contact(USER + 1, USER + 1, "12025550123"), "mine")
    proof = moderation.check_contact(USER, USER, "8613800138000")
    assert proof.pending_appeal is None  # another number's appeal does not count
    first = moderation.submit_appeal(USER, proof, "我是个人用户")
    assert moderation.check_contact(USER, USER, "8613800138000").pending_appeal == first.id
    assert moderation.check_contact(USER + 1, USER + 1, "12025550123").pending_appeal == other.id
    rejected = moderation.decide_appeal(MODERATOR, first.id, accepted=False, note="多人举报属实")
    assert rejected.status == "rejected"
    proof = moderation.check_contact(USER, USER, "8613800138000")
    assert proof.listed and proof.pending_appeal is None  # a rejected appeal leaves the entry and allows another
    assert moderation.submit_appeal(USER, proof, "补充材料").id != first.id


def test_an_appeal_needs_a_reason_and_keeps_at_most_2000_characters_of_it(moderation):
    moderation.block(MODERATOR, NUMBER, "other")
    proof = moderation.check_contact(USER, USER, "8613800138000")
    with pytest.raises(ValueError, match="reason"):
        moderation.submit_appeal(USER, proof, "   ")
    appeal = moderation.submit_appeal(USER, proof, "  " + "冤" * 2500 + "  ")
    assert appeal.reason == "冤" * 2000
    with pytest.raises(NotAllowed):
        moderation.submit_appeal(USER, moderation.check_contact(USER, USER + 1, "8613800138000"), "not mine")


def test_accepting_an_appeal_of_an_entry_removed_meanwhile_just_closes_it(moderation, store):
    moderation.block(MODERATOR, NUMBER, "other")
    appeal = moderation.submit_appeal(USER, moderation.check_contact(USER, USER, "8613800138000"), "我的号码")
    moderation.unblock(MODERATOR, NUMBER, reason="已核实")
    assert moderation.queue_item("appeal", str(appeal.id)).entry.active is False  # the moderator sees it is off
    assert moderation.decide_appeal(MODERATOR, appeal.id, accepted=True).status == "accepted"
    assert store.lookup(NUMBER) is None
    assert [h.action for h in store.history(NUMBER)] == ["blocklist.add", "blocklist.remove"]
    assert moderation.queue() == [] and moderation.queue_item("appeal", str(appeal.id)) is None
