"""What one moderator can no longer do alone, and how feedback and reports are bounded per user and verdict.

Service level, on SQLite and PostgreSQL (the ``store`` fixture is seeded with the shipped allowlist, so
95566 is 中国银行's with kind ``bank`` and 95588 中国工商银行's).
"""

from __future__ import annotations

import pytest

from bot.moderation import MIN_PREFIX_DIGITS, AwaitingAdmin, NotAllowed, ReportStatus, Review, prefix_digits
from bot.store import NotFound, keyed_hash

from .conftest import ADMIN, MODERATOR, USER

SUMMARY = {"risk_level": "high", "category_key": "fake_customer_service", "evidence_kinds": ["phrase"]}


# --- /allow changes only what is given ---------------------------------------------------------------------

def test_allow_keeps_the_kind_of_owner_and_the_aliases_not_retyped(moderation, store):
    entry, created = moderation.allow(MODERATOR, "95566", "中国银行", ["中行", "BOC", "Bank of China"])
    assert not created
    assert entry.owner_category == "bank"  # impersonation detection for 中国银行 still has its kind
    assert entry.aliases == ["中行", "中国银行", "BOC", "Bank of China"]
    entry, _ = moderation.allow(MODERATOR, "95566", "中国银行", remove_aliases=["Bank of China"])
    assert (entry.owner_category, entry.aliases) == ("bank", ["中行", "中国银行", "BOC"])


def test_a_new_service_number_takes_the_kind_of_the_organisation_it_names(moderation, store):
    entry, created = moderation.allow(MODERATOR, "95567", "中国银行")
    assert created and entry.owner_category == "bank"


# --- changes that wait for an admin ------------------------------------------------------------------------

def test_a_mobile_for_a_bank_waits_for_an_admin_who_confirms_it(moderation, store):
    with pytest.raises(AwaitingAdmin) as held:
        moderation.allow(MODERATOR, "17099998888", "中国工商银行")
    change = held.value.change
    assert (change.kind, change.number, change.reasons) == ("allow", "+8617099998888", (Review.SHAPE,))
    assert store.get_allowlist("+8617099998888") is None  # nothing changed yet
    with pytest.raises(NotAllowed):
        moderation.decide_change(MODERATOR, change.token, confirmed=True)  # a moderator cannot confirm
    _, entry = moderation.decide_change(ADMIN, change.token, confirmed=True)
    assert store.get_allowlist("+8617099998888").owner == entry.owner == "中国工商银行"
    with pytest.raises(NotFound):  # answered once: a second tap (or a second admin) changes nothing
        moderation.decide_change(ADMIN, change.token, confirmed=False)
    actions = [(a.actor, a.action) for a in store.audit_log(limit=3)]
    assert actions == [("tg:1000", "allowlist.add"), ("tg:1000", "approval.confirm"),
                       ("tg:2000", "approval.request")]


def test_a_refused_change_changes_nothing(moderation, store):
    with pytest.raises(AwaitingAdmin) as held:
        moderation.block(MODERATOR, "+861", "other", prefix=True)
    assert held.value.change.reasons == (Review.SHORT_PREFIX,)
    _, entry = moderation.decide_change(ADMIN, held.value.change.token, confirmed=False)
    assert entry is None and store.get_blocklist("+861", prefix=True) is None
    assert store.lookup("+8613800138000") is None
    assert [a.action for a in store.audit_log(limit=2)] == ["approval.refuse", "approval.request"]


def test_reported_or_blocklisted_numbers_wait_for_an_admin(moderation, store):
    reported, listed = "+8613800138000", "+8613900139000"
    moderation.submit_report(USER, reported=f"客服电话 {reported}", number_keys=[reported], verdict=SUMMARY)
    moderation.block(MODERATOR, listed, "other")
    for number, reason in ((reported, Review.REPORTED), (listed, Review.BLOCKLISTED)):
        with pytest.raises(AwaitingAdmin) as held:
            moderation.allow(MODERATOR, number, "某某公司")
        assert reason in held.value.change.reasons
        assert store.get_allowlist(number) is None


def test_admins_make_such_changes_directly(moderation, store):
    entry, _ = moderation.allow(ADMIN, "17099998888", "中国工商银行")
    assert store.get_allowlist("+8617099998888") is not None and entry.aliases == []
    entry, created = moderation.block(ADMIN, "+86170", "card_trafficking", prefix=True)
    assert created and entry.is_prefix


def test_prefix_minimum_counts_digits_after_the_country_code(moderation, store):
    assert MIN_PREFIX_DIGITS == 7
    assert [prefix_digits(k) for k in ("+861", "+86170", "+861709876", "+85512", "+1202")] == [1, 3, 7, 2, 3]
    with pytest.raises(AwaitingAdmin):
        moderation.block(MODERATOR, "+86170987", "other", prefix=True)  # 6 digits
    _, created = moderation.block(MODERATOR, "+861709876", "other", prefix=True)  # 7 digits: alone
    assert created and store.lookup("+8617098765432").number_key == "+861709876"


# --- reports and feedback: one per user and verdict, limited per hour -------------------------------------

def test_one_report_per_user_and_verdict_whichever_way_it_comes(moderation, store):
    text = "您的快递丢失，理赔请联系客服 13766667777"
    first = moderation.submit_report(USER, reported=text, number_keys=["+8613766667777"], verdict=SUMMARY,
                                     keep_text=True, check_id="check-a")
    assert first.status == ReportStatus.STORED
    # The same verdict again, after the message was deleted (no text, no number): still the same verdict.
    again = moderation.submit_report(USER, reported="", verdict=SUMMARY, check_id="check-a")
    assert again.status == ReportStatus.DUPLICATE
    assert len(store.reports_for("+8613766667777")) == 1


def test_reports_of_deleted_messages_count_against_the_hourly_limit(moderation, store):
    answers = [moderation.submit_report(USER, reported="", verdict=SUMMARY, check_id=f"gone-{i}").status
               for i in range(6)]
    assert answers == [ReportStatus.STORED] * 4 + [ReportStatus.RATE_LIMITED] * 2  # reports_per_hour=4
    later = moderation.submit_report(USER, reported="加我微信 13500001111", number_keys=["+8613500001111"],
                                     verdict=SUMMARY, check_id="other")
    assert later.status == ReportStatus.RATE_LIMITED
    assert store.count_reports_since(keyed_hash(USER, "test-secret"), moderation.clock().replace(year=2000)) == 4


def test_feedback_once_per_verdict_and_limited_per_hour(moderation, store):
    results = [moderation.submit_feedback(USER, verdict=SUMMARY, text="全文" * 2000, check_id="same").status
               for _ in range(25)]
    assert results == [ReportStatus.STORED] + [ReportStatus.DUPLICATE] * 24
    more = [moderation.submit_feedback(USER, verdict=SUMMARY, check_id=f"v{i}").status for i in range(5)]
    assert more == [ReportStatus.STORED] * 3 + [ReportStatus.RATE_LIMITED] * 2
    assert len(store.feedback_items(status=None)) == 4
    assert moderation.submit_feedback(USER + 1, verdict=SUMMARY, check_id="same").status == ReportStatus.STORED
