"""Report intake and "wrong verdict" feedback as a reporter meets them: what is stored (and what never is), when
a report is "already reported", the hourly limit, and what the reporter is told about the queue.

On the ``service`` fixture (SQLite, one template database copied per test; 3 reporters make an item, 4 reports
an hour): these tests judge ``bot/moderation.py``'s mutants.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.moderation import MAX_NUMBERS_PER_REPORT, ReportResult, ReportStatus, reporter_weight
from bot.store import keyed_hash
from bot.store.models import utcnow

from .conftest import ADMIN, MODERATOR, USER

NUMBER = "+8613800138000"
OTHER = "+8613900139000"
THIRD = "+8613700137000"
VERDICT = {"risk_level": "high", "category_key": "phishing", "evidence": [{"kind": "phrase"}, {"kind": "url"}],
           "text": "never kept", "numbers": [NUMBER]}
FACTS = {"risk_level": "high", "category_key": "phishing", "evidence_kinds": ["phrase", "url"]}
PRIZE = "恭喜您获得积分兑换，点击链接领取"


def _number(service, user: int, number: str = NUMBER, **kwargs) -> ReportResult:
    return service.submit_report(user, reported=f"客服 {number}", number_keys=[number], verdict=VERDICT, **kwargs)


# --- what is stored --------------------------------------------------------------------------------------

def test_a_report_keeps_the_verdicts_gist_a_keyed_reporter_and_the_text_only_with_consent(service, sqlite_store):
    result = _number(service, USER, keep_text=True, check_id="c1")
    assert (result.status, result.stored, result.limit) == (ReportStatus.STORED, 1, 4)
    _number(service, USER + 1)
    first, second = sqlite_store.reports_for(NUMBER)
    assert first.reporter_hash == keyed_hash(USER, "test-secret")
    assert (first.text, second.text) == (f"客服 {NUMBER}", None)
    assert first.verdict == FACTS and second.verdict == FACTS
    assert (first.check_id, second.check_id) == ("c1", None)
    assert first.text_fingerprint == second.text_fingerprint == service.fingerprint(f"客服 {NUMBER}")


def test_a_report_without_a_verdict_keeps_an_unknown_level(service, sqlite_store):
    service.submit_report(USER, reported="客服", number_keys=[NUMBER])
    [row] = sqlite_store.reports_for(NUMBER)
    assert row.verdict == {"risk_level": "unknown", "category_key": None, "evidence_kinds": []}


def test_a_number_typed_alone_is_fingerprinted_as_that_number(service, sqlite_store):
    service.submit_report(USER, reported="", number_keys=[NUMBER, OTHER], verdict=VERDICT)
    rows = sqlite_store.reports_for(NUMBER) + sqlite_store.reports_for(OTHER)
    assert {r.text_fingerprint for r in rows} == {service.fingerprint(f"{NUMBER} {OTHER}")}
    assert [r.text for r in rows] == [None, None]


def test_the_fingerprint_ignores_script_and_spacing_and_is_keyed(service, sqlite_store):
    assert service.fingerprint(PRIZE) == service.fingerprint("  恭喜您獲得積分兌換，點擊鏈接領取 ")
    assert service.fingerprint("a  b") == service.fingerprint("a b") != service.fingerprint("ab")
    assert service.fingerprint(" call  me\tnow ") == keyed_hash("text:call me now", "test-secret")
    assert service.fingerprint("3000") != service.reporter_hash(3000)  # a text is never taken for a person


def test_at_most_five_numbers_of_a_message_are_reported_each_once(service, sqlite_store):
    numbers = [f"+86138001380{i:02d}" for i in range(7)]
    result = service.submit_report(USER, reported=" ".join(numbers), number_keys=[numbers[1], *numbers])
    assert (result.status, result.stored) == (ReportStatus.STORED, MAX_NUMBERS_PER_REPORT)
    assert [len(sqlite_store.reports_for(n)) for n in numbers] == [1, 1, 1, 1, 1, 0, 0]


# --- nothing to report, already reported ---------------------------------------------------------------------

def test_nothing_to_report_is_said_so(service, sqlite_store):
    for reported, verdict, check_id in (("", None, None), ("  \n", VERDICT, None), ("", None, "c1"), ("", {}, "c1")):
        result = service.submit_report(USER, reported=reported, verdict=verdict, check_id=check_id)
        assert (result.status, result.stored, result.limit) == (ReportStatus.EMPTY, 0, 0)
    assert service.reports_in_window(service.reporter_hash(USER)) == 0


def test_a_deleted_messages_report_keeps_only_its_verdict(service, sqlite_store):
    result = service.submit_report(USER, reported="", verdict=VERDICT, check_id="gone")
    assert (result.status, result.stored, result.limit, result.queued_numbers) == (ReportStatus.STORED, 1, 4, ())
    assert service.reports_in_window(service.reporter_hash(USER)) == 1
    [row], _ = sqlite_store.pending_reports_with_trust()
    assert (row.number_key, row.text, row.text_fingerprint, row.check_id, row.verdict) == (
        None, None, None, "gone", FACTS)
    [audit] = [a for a in sqlite_store.audit_log() if a.action == "report.add"]
    assert audit.after == {"number_key": None, "with_text": False}
    again = service.submit_report(USER, reported="", verdict=VERDICT, check_id="gone")
    assert (again.status, again.limit) == (ReportStatus.DUPLICATE, 4)


def test_deleted_messages_count_against_the_hourly_limit(service):
    statuses = [service.submit_report(USER, reported="", verdict=VERDICT, check_id=f"g{i}") for i in range(5)]
    assert [s.status for s in statuses] == [ReportStatus.STORED] * 4 + [ReportStatus.RATE_LIMITED]
    assert (statuses[-1].limit, statuses[-1].stored) == (4, 0)


def test_the_same_number_again_is_already_reported_until_it_is_decided(service):
    assert _number(service, USER).status == ReportStatus.STORED
    again = service.submit_report(USER, reported="另一条 13800138000", number_keys=[NUMBER])
    assert (again.status, again.stored, again.limit) == (ReportStatus.DUPLICATE, 0, 4)
    for user in (1, 2):
        _number(service, user)
    service.reject_reported(MODERATOR, NUMBER)
    assert _number(service, USER).status == ReportStatus.STORED


def test_a_second_number_in_a_message_is_reported_alone(service, sqlite_store):
    _number(service, USER)
    both = service.submit_report(USER, reported=f"{NUMBER} {OTHER}", number_keys=[NUMBER, OTHER])
    assert (both.status, both.stored) == (ReportStatus.STORED, 1)
    assert [len(sqlite_store.reports_for(n)) for n in (NUMBER, OTHER)] == [1, 1]


def test_the_same_text_again_is_already_reported_but_a_new_text_is_not(service):
    assert service.submit_report(USER, reported=PRIZE).status == ReportStatus.STORED
    assert service.submit_report(USER, reported=f" {PRIZE}").status == ReportStatus.DUPLICATE
    assert service.submit_report(USER, reported="您的快递丢失，双倍赔偿").status == ReportStatus.STORED
    assert service.submit_report(USER + 1, reported=PRIZE).status == ReportStatus.STORED


def test_a_text_reported_with_its_number_is_no_duplicate_of_the_text_alone(service):
    assert service.submit_report(USER, reported=PRIZE, number_keys=[NUMBER]).status == ReportStatus.STORED
    assert service.submit_report(USER, reported=PRIZE).status == ReportStatus.STORED


def test_one_report_per_verdict_whatever_it_carries(service, sqlite_store):
    assert _number(service, USER, check_id="c1").status == ReportStatus.STORED
    for reported, numbers in ((PRIZE, []), ("", []), ("客服 13900139000", [OTHER])):
        result = service.submit_report(USER, reported=reported, number_keys=numbers, verdict=VERDICT, check_id="c1")
        assert (result.status, result.limit) == (ReportStatus.DUPLICATE, 4)
    assert sqlite_store.reports_for(OTHER) == []
    assert _number(service, USER + 1, check_id="c1").status == ReportStatus.STORED  # someone else's report


# --- the hourly limit ---------------------------------------------------------------------------------------

def test_the_limit_counts_distinct_reports_in_a_sliding_hour(service, clock):
    numbers = [f"+86138001380{i:02d}" for i in range(6)]
    results = [service.submit_report(USER, reported=f"客服 {n}", number_keys=[n]) for n in numbers[:5]]
    assert [r.status for r in results] == [ReportStatus.STORED] * 4 + [ReportStatus.RATE_LIMITED]
    assert (results[-1].limit, results[-1].stored) == (4, 0)
    assert service.reports_in_window(service.reporter_hash(USER)) == 4
    clock.now = utcnow() + timedelta(minutes=59)
    assert service.reports_in_window(service.reporter_hash(USER)) == 4
    assert service.submit_report(USER, reported="x", number_keys=[numbers[5]]).status == ReportStatus.RATE_LIMITED
    clock.now = utcnow() + timedelta(minutes=61)
    assert service.reports_in_window(service.reporter_hash(USER)) == 0
    assert service.submit_report(USER, reported="x", number_keys=[numbers[5]]).status == ReportStatus.STORED


def test_a_message_with_several_numbers_counts_once(service):
    result = service.submit_report(USER, reported=f"{NUMBER} {OTHER}", number_keys=[NUMBER, OTHER])
    assert result.stored == 2
    assert service.reports_in_window(service.reporter_hash(USER)) == 1


def test_a_duplicate_is_said_to_be_one_even_at_the_limit(service):
    for i in range(4):
        service.submit_report(USER, reported=f"n{i}", number_keys=[f"+86138001380{i:02d}"], check_id=f"c{i}")
    assert service.submit_report(USER, reported="n0", number_keys=["+8613800138000"]).status \
        == ReportStatus.DUPLICATE
    assert service.submit_report(USER, reported="new", number_keys=[OTHER], check_id="c1").status \
        == ReportStatus.DUPLICATE


# --- what the reporter is told ------------------------------------------------------------------------------

def test_the_report_that_completes_an_item_says_so_once(service):
    first = _number(service, 1)
    assert (first.queued_numbers, first.newly_queued, first.reports_queued) == ((), (), 0)
    _number(service, 2)
    third = service.submit_report(3, reported=f"{NUMBER} {OTHER}", number_keys=[NUMBER, OTHER], verdict=VERDICT)
    assert (third.queued_numbers, third.newly_queued, third.reports_queued) == ((NUMBER,), (NUMBER,), 1)
    fourth = service.submit_report(4, reported=f"{OTHER} {NUMBER}", number_keys=[OTHER, NUMBER], verdict=VERDICT)
    assert (fourth.queued_numbers, fourth.newly_queued, fourth.reports_queued) == ((NUMBER,), (), 1)
    fifth = _number(service, 5, number=OTHER)
    assert (fifth.queued_numbers, fifth.newly_queued, fifth.reports_queued) == ((OTHER,), (OTHER,), 2)


def test_texts_in_the_queue_count_in_what_the_reporter_is_told_and_appeals_do_not(service):
    service.block(MODERATOR, THIRD, "other")
    service.submit_appeal(USER, service.check_contact(USER, USER, THIRD), "我的号码")
    for user in (1, 2, 3):
        result = service.submit_report(user, reported=PRIZE)
    assert (result.queued_numbers, result.newly_queued, result.reports_queued) == ((), (), 1)


def test_a_new_number_is_not_news_when_it_was_queued_already(service):
    for user in (1, 2, 3):
        _number(service, user)
    service.block(ADMIN, "+8613900139000", "other")
    later = service.submit_report(4, reported=f"{NUMBER} {OTHER}", number_keys=[NUMBER, OTHER], verdict=VERDICT)
    assert (later.queued_numbers, later.newly_queued) == ((NUMBER,), ())


# --- weights --------------------------------------------------------------------------------------------

def test_a_reporters_weight_follows_their_accepted_and_rejected_reports(service):
    assert [reporter_weight(a, r) for a, r in ((0, 0), (1, 0), (0, 1), (10, 0), (0, 10))] == pytest.approx(
        [1 / 2, 2 / 3, 1 / 3, 11 / 12, 1 / 12])
    hashed = service.reporter_hash(1)
    assert service.weight_of(hashed) == 0.5  # someone new
    for user in (1, 2, 3):
        _number(service, user)
    service.block_reported(MODERATOR, NUMBER, "other")
    assert service.weight_of(hashed) == pytest.approx(2 / 3)
    for user in (1, 2, 3):
        _number(service, user, number=OTHER)
    service.reject_reported(MODERATOR, OTHER)
    assert service.weight_of(hashed) == pytest.approx(2 / 4)
    for user in (1, 2, 3):
        _number(service, user, number=THIRD)
    service.reject_reported(MODERATOR, THIRD)
    assert service.weight_of(hashed) == pytest.approx(2 / 5)


# --- "wrong verdict" feedback ---------------------------------------------------------------------------

def test_feedback_keeps_the_verdicts_gist_the_users_hash_and_what_they_consented_to(service, sqlite_store):
    result = service.submit_feedback(USER, verdict=VERDICT, text="您的快递已签收", comment="是真快递", check_id="c1")
    assert (result.status, result.limit) == (ReportStatus.STORED, 4)
    item = result.item
    assert (item.user_hash, item.text, item.comment, item.check_id, item.verdict) == (
        keyed_hash(USER, "test-secret"), "您的快递已签收", "是真快递", "c1", FACTS)
    assert [f.id for f in service.feedback_queue()] == [item.id]


def test_feedback_once_per_verdict_and_at_most_the_limit_an_hour(service, clock):
    first = service.submit_feedback(USER, verdict=VERDICT, check_id="same")
    again = service.submit_feedback(USER, verdict=VERDICT, check_id="same")
    assert (first.status, again.status, again.item, again.limit) == (
        ReportStatus.STORED, ReportStatus.DUPLICATE, None, 4)
    assert service.submit_feedback(USER + 1, verdict=VERDICT, check_id="same").status == ReportStatus.STORED
    more = [service.submit_feedback(USER, verdict=VERDICT, check_id=f"v{i}") for i in range(4)]
    assert [m.status for m in more] == [ReportStatus.STORED] * 3 + [ReportStatus.RATE_LIMITED]
    assert (more[-1].item, more[-1].limit) == (None, 4)
    assert service.submit_feedback(USER, verdict=VERDICT, check_id="same").status == ReportStatus.DUPLICATE
    assert service.submit_feedback(USER, verdict=VERDICT).status == ReportStatus.RATE_LIMITED  # no verdict id
    clock.now = utcnow() + timedelta(minutes=59)
    assert service.submit_feedback(USER, verdict=VERDICT, check_id="later").status == ReportStatus.RATE_LIMITED
    clock.now = utcnow() + timedelta(minutes=61)
    assert service.submit_feedback(USER, verdict=VERDICT, check_id="later").status == ReportStatus.STORED


def test_feedback_without_a_verdict_id_may_come_again(service):
    assert [service.submit_feedback(USER, verdict=VERDICT).status for _ in range(2)] == [ReportStatus.STORED] * 2


def test_feedback_racing_another_instance_is_a_duplicate(service, sqlite_store, monkeypatch):
    """Two instances answering one double tap: the database's unique index stops the second row."""
    service.submit_feedback(USER, verdict=VERDICT, check_id="tap")
    asked = sqlite_store.has_feedback_on
    calls: list[str] = []

    def first_check_misses(user_hash: str | None, check_id: str) -> bool:
        """The other instance's row lands between this one's check and its insert."""
        calls.append(check_id)
        return len(calls) > 1 and asked(user_hash, check_id)

    monkeypatch.setattr(sqlite_store, "has_feedback_on", first_check_misses)
    raced = service.submit_feedback(USER, verdict=VERDICT, check_id="tap")
    assert (raced.status, raced.item, raced.limit) == (ReportStatus.DUPLICATE, None, 4)
    assert len(sqlite_store.feedback_items(status=None)) == 1 and len(calls) == 2
