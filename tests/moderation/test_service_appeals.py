"""Appeals and the review of "wrong verdict" feedback, as the owner of a number and a moderator meet them.

On the ``service`` fixture (SQLite, one template database copied per test): these tests judge
``bot/moderation.py``'s mutants.
"""

from __future__ import annotations

import pytest

from bot.categories import UnknownCategory
from bot.moderation import AppealProof, NotAllowed, parse_expires
from bot.store import NotFound

from .conftest import MODERATOR, USER

NUMBER = "+8613800138000"
US_NUMBER = "+12025550123"


# --- a shared contact as proof ----------------------------------------------------------------------------

@pytest.mark.parametrize(("shared", "key"), [
    ("8613800138000", NUMBER),        # Telegram's contacts come without the "+"
    ("+86 138 0013 8000", NUMBER),
    ("008613800138000", NUMBER),      # an international prefix instead of the "+"
    ("12025550123", US_NUMBER),       # a US owner's number, read with its country code
    ("12025550100", "+12025550100"),  # ... also when it ends in zeros
    ("0447911123456", "+447911123456"),  # zeros before the country code, however many, are a dialling prefix
    ("13800138000", NUMBER),          # a mainland number without the country code
    ("010 6666 8888", "+861066668888"),  # a landline written with its trunk 0: not a country code
])
def test_a_shared_contact_is_read_as_the_number_it_is(service, shared, key):
    service.block(MODERATOR, key, "other")
    proof = service.check_contact(USER, USER, shared)
    assert proof == AppealProof(own=True, number_key=key, listed=True, pending_appeal=None)


def test_only_the_senders_own_contact_proves_anything(service):
    service.block(MODERATOR, NUMBER, "other")
    assert service.check_contact(USER, None, "8613800138000").own is False
    assert service.check_contact(USER, USER + 1, "8613800138000").own is False
    assert service.check_contact(USER, USER, "8613800138000").own is True
    with pytest.raises(NotAllowed):
        service.submit_appeal(USER, service.check_contact(USER, USER + 1, "8613800138000"), "我的号码")


def test_a_contact_that_is_no_number_proves_nothing(service):
    assert service.check_contact(USER, USER, "not a number") == AppealProof(own=True, number_key=None, listed=False)
    assert service.check_contact(USER, 1, "12") == AppealProof(own=False, number_key=None, listed=False)


def test_an_unlisted_removed_or_unknown_number_cannot_be_appealed(service):
    unlisted = service.check_contact(USER, USER, "8613900139000")
    assert unlisted.own and unlisted.number_key == "+8613900139000" and not unlisted.listed
    service.block(MODERATOR, NUMBER, "other")
    service.unblock(MODERATOR, NUMBER)
    removed = service.check_contact(USER, USER, "8613800138000")
    assert not removed.listed
    for proof in (unlisted, removed, AppealProof(own=True, number_key=None, listed=True)):
        with pytest.raises(NotFound):
            service.submit_appeal(USER, proof, "请删除")


def test_an_expired_entry_can_still_be_appealed(service):
    service.block(MODERATOR, NUMBER, "other", expires_at=parse_expires("2020-01-01"))
    proof = service.check_contact(USER, USER, "8613800138000")
    assert proof.listed
    assert service.submit_appeal(USER, proof, "号码已换人使用").number_key == NUMBER


def test_an_appeal_keeps_the_reason_trimmed_to_2000_characters_and_the_chat_to_answer(service, sqlite_store):
    service.block(MODERATOR, NUMBER, "other")
    proof = service.check_contact(USER, USER, "8613800138000")
    for blank in ("", "  \n "):
        with pytest.raises(ValueError):
            service.submit_appeal(USER, proof, blank)
    appeal = service.submit_appeal(USER, proof, "  " + "冤" * 2500 + "  ")
    assert (appeal.number_key, appeal.appellant_chat_id, appeal.reason, appeal.status) == (
        NUMBER, USER, "冤" * 2000, "pending")
    service.block(MODERATOR, US_NUMBER, "other")
    short = service.submit_appeal(USER, service.check_contact(USER, USER, "12025550123"), " my number\n")
    assert short.reason == "my number"


def test_one_waiting_appeal_per_number(service):
    service.block(MODERATOR, NUMBER, "other")
    service.block(MODERATOR, US_NUMBER, "other")
    other = service.submit_appeal(USER + 1, service.check_contact(USER + 1, USER + 1, "12025550123"), "mine")
    proof = service.check_contact(USER, USER, "8613800138000")
    assert proof.pending_appeal is None  # another number's appeal does not count
    first = service.submit_appeal(USER, proof, "我是个人用户")
    again = service.check_contact(USER, USER, "8613800138000")
    assert again.pending_appeal == first.id
    with pytest.raises(ValueError):
        service.submit_appeal(USER, again, "再说一遍")
    assert service.check_contact(USER + 1, USER + 1, "12025550123").pending_appeal == other.id


def test_a_rejected_appeal_leaves_the_entry_and_allows_another(service, sqlite_store):
    service.block(MODERATOR, NUMBER, "other")
    first = service.submit_appeal(USER, service.check_contact(USER, USER, "8613800138000"), "我的号码")
    with pytest.raises(NotAllowed):
        service.decide_appeal(USER, first.id, accepted=False)
    rejected = service.decide_appeal(MODERATOR, first.id, accepted=False, note="多人举报属实")
    assert (rejected.status, rejected.decided_by, rejected.decision_note) == ("rejected", "tg:2000", "多人举报属实")
    assert sqlite_store.lookup(NUMBER) is not None
    proof = service.check_contact(USER, USER, "8613800138000")
    assert proof.listed and proof.pending_appeal is None
    assert service.submit_appeal(USER, proof, "补充材料").id != first.id


def test_an_accepted_appeal_delists_the_number_and_leaves_the_queue(service, sqlite_store):
    service.block(MODERATOR, NUMBER, "loan_credit")
    appeal = service.submit_appeal(USER, service.check_contact(USER, USER, "8613800138000"), "我的号码")
    detail = service.queue_item("appeal", str(appeal.id))
    assert (detail.kind, detail.ref, detail.appeal.id, detail.first_at) == (
        "appeal", str(appeal.id), appeal.id, appeal.created_at)
    assert detail.entry.category == "loan_credit" and [h.action for h in detail.history] == ["blocklist.add"]
    accepted = service.decide_appeal(MODERATOR, appeal.id, accepted=True)
    assert (accepted.status, accepted.decision_note) == ("accepted", "")
    assert sqlite_store.lookup(NUMBER) is None
    assert service.queue() == [] and service.queue_item("appeal", str(appeal.id)) is None
    assert service.queue_item("appeal", "999999") is None


# --- reviewing feedback ----------------------------------------------------------------------------------

def _feedback(service, user: int = USER, **verdict):
    return service.submit_feedback(user, verdict={"risk_level": "high", **verdict}, text="您的快递已签收").item


def test_accepted_feedback_is_labelled_with_a_category_key_or_legit(service, sqlite_store):
    legit, fraud = _feedback(service), _feedback(service, USER + 1)
    reviewed = service.review_feedback(MODERATOR, legit.id, accepted=True, label="legit")
    assert (reviewed.status, reviewed.label, reviewed.reviewed_by) == ("accepted", "legit", "tg:2000")
    reviewed = service.review_feedback(MODERATOR, fraud.id, accepted=True, label="钓鱼链接")
    assert (reviewed.status, reviewed.label) == ("accepted", "phishing")
    assert service.feedback_queue() == []
    audit = sqlite_store.audit_log(target=f"feedback:{fraud.id}")[0]
    assert (audit.actor, audit.after) == ("tg:2000", {"status": "accepted", "label": "phishing"})


def test_accepting_feedback_needs_a_known_label(service):
    item = _feedback(service)
    with pytest.raises(ValueError):
        service.review_feedback(MODERATOR, item.id, accepted=True)
    with pytest.raises(UnknownCategory):
        service.review_feedback(MODERATOR, item.id, accepted=True, label="不存在")
    assert [f.id for f in service.feedback_queue()] == [item.id]


def test_rejected_feedback_needs_no_label(service):
    item = _feedback(service)
    reviewed = service.review_feedback(MODERATOR, item.id, accepted=False)
    assert (reviewed.status, reviewed.label) == ("rejected", None)


def test_feedback_is_reviewed_once_by_a_moderator(service):
    item = _feedback(service)
    with pytest.raises(NotAllowed):
        service.review_feedback(USER, item.id, accepted=False)
    with pytest.raises(NotFound):
        service.review_feedback(MODERATOR, 999999, accepted=False)
    service.review_feedback(MODERATOR, item.id, accepted=False)
    with pytest.raises(ValueError):
        service.review_feedback(MODERATOR, item.id, accepted=True, label="legit")
    assert service.feedback_queue() == []
