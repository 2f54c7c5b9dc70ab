"""The moderation service on SQLite and PostgreSQL: roles, report threshold, rate limit, trust, audit,
appeals, expiry, feedback and stats. Uses the real store (``store`` fixture runs each test on both)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.moderation import NotAllowed, ReportStatus, Role, parse_expires, reporter_weight
from bot.store import NotFound, keyed_hash
from bot.store.models import utcnow

from .conftest import ADMIN, MODERATOR, USER

NUMBER = "+8613800138000"
OTHER = "+8613900139000"
VERDICT = {"risk_level": "high", "category_key": "impersonate_police", "evidence": [{"kind": "phrase"}]}


def report(moderation, user: int, number: str | None = NUMBER, text: str = "你涉嫌洗钱，请联系 13800138000",
           keep: bool = False):
    return moderation.submit_report(user, reported=text, number_keys=[number] if number else [],
                                    verdict=VERDICT, keep_text=keep)


# --- roles -----------------------------------------------------------------------------------------------

def test_admins_are_moderators_and_only_admins_manage_moderators(moderation, store):
    assert moderation.role(ADMIN) == Role.ADMIN and moderation.is_moderator(ADMIN)
    assert moderation.role(MODERATOR) == Role.MODERATOR
    assert moderation.role(USER) == Role.USER and not moderation.is_moderator(USER)
    with pytest.raises(NotAllowed):
        moderation.add_moderator(MODERATOR, USER)
    with pytest.raises(NotAllowed):
        moderation.block(USER, NUMBER, "other")
    assert moderation.add_moderator(ADMIN, USER) is True
    assert moderation.add_moderator(ADMIN, USER) is False
    assert [(uid, role) for uid, role in moderation.moderators(ADMIN)] == [
        (ADMIN, Role.ADMIN), (MODERATOR, Role.MODERATOR), (USER, Role.MODERATOR)]
    assert moderation.remove_moderator(ADMIN, USER) is True
    assert not moderation.is_moderator(USER)
    with pytest.raises(ValueError, match="FANZHA_ADMIN_IDS"):
        moderation.remove_moderator(ADMIN, ADMIN)
    actions = [(a.actor, a.action, a.target) for a in store.audit_log(target=f"moderator:{USER}")]
    assert actions == [("tg:1000", "moderator.remove", "moderator:3000"),
                       ("tg:1000", "moderator.add", "moderator:3000")]


# --- reports: threshold, duplicates, rate limit ----------------------------------------------------------

def test_a_number_reaches_the_queue_only_with_k_distinct_reporters(moderation, store):
    assert report(moderation, 1).status == ReportStatus.STORED
    assert report(moderation, 1).status == ReportStatus.DUPLICATE  # same reporter again: no new weight
    assert report(moderation, 2).queued_numbers == ()
    assert moderation.queue() == []
    third = report(moderation, 3)
    assert third.status == ReportStatus.STORED and third.queued_numbers == (NUMBER,)
    assert third.newly_queued == (NUMBER,) and third.reports_queued == 1  # moderators are told now ...
    fourth = report(moderation, 4)
    assert fourth.queued_numbers == (NUMBER,) and fourth.newly_queued == ()  # ... and only once
    assert moderation.notified_ids() == [ADMIN, MODERATOR]
    [item] = moderation.queue()
    assert (item.kind, item.ref, item.reporters, item.report_count) == ("number", NUMBER, 4, 4)
    assert item.suggested_category == "impersonate_police"
    # Reports never block anything by themselves.
    assert store.lookup(NUMBER) is None and store.get_blocklist(NUMBER) is None


def test_reporters_are_stored_as_keyed_hashes_and_text_only_with_consent(moderation, store):
    report(moderation, 7, keep=False)
    report(moderation, 8, keep=True)
    rows = store.reports_for(NUMBER)
    assert [r.reporter_hash for r in rows] == [keyed_hash(7, "test-secret"), keyed_hash(8, "test-secret")]
    assert [r.text is not None for r in rows] == [False, True]
    assert rows[0].text_fingerprint == rows[1].text_fingerprint


def test_rate_limit_counts_distinct_reports_in_a_sliding_hour(moderation, clock):
    numbers = [f"+861380013800{i}" for i in range(6)]
    results = [moderation.submit_report(USER, reported=f"call {n}", number_keys=[n]) for n in numbers[:5]]
    assert [r.status for r in results] == [ReportStatus.STORED] * 4 + [ReportStatus.RATE_LIMITED]
    assert results[-1].limit == 4
    clock.now = utcnow() + timedelta(minutes=61)
    assert moderation.submit_report(USER, reported="call", number_keys=[numbers[5]]).status == ReportStatus.STORED


def test_a_message_with_several_numbers_counts_once_and_queues_each_number(moderation):
    text = "客服 13800138000 或 13900139000"
    for user in (1, 2, 3):
        result = moderation.submit_report(user, reported=text, number_keys=[NUMBER, OTHER], verdict=VERDICT)
        assert result.stored == 2
    assert moderation.reports_in_window(moderation.reporter_hash(1)) == 1
    assert sorted(i.ref for i in moderation.queue()) == [NUMBER, OTHER]


def test_texts_without_numbers_group_across_scripts(moderation, store):
    moderation.submit_report(1, reported="恭喜您获得积分兑换，点击链接领取", keep_text=True)
    moderation.submit_report(2, reported="恭喜您獲得積分兌換，點擊鏈接領取")  # Traditional, same message
    moderation.submit_report(3, reported="恭喜您获得积分兑换，点击链接领取 ")
    [item] = moderation.queue()
    assert item.kind == "text" and item.reporters == 3
    assert item.texts == ["恭喜您获得积分兑换，点击链接领取"]
    assert moderation.decide_text(MODERATOR, int(item.ref), accepted=True, category="钓鱼链接") == 3
    assert moderation.queue() == []
    assert store.reporter_trust(moderation.reporter_hash(2)).accepted_count == 1
    [audit] = store.audit_log(target=f"reports:text:{item.ref}")
    assert (audit.actor, audit.action, audit.after["category"]) == ("tg:2000", "reports.accept", "phishing")


# --- decisions and trust ---------------------------------------------------------------------------------

def test_blocking_from_the_queue_adds_the_entry_accepts_reports_and_audits(moderation, store):
    for user in (1, 2, 3):
        report(moderation, user)
    entry, decided = moderation.block_reported(MODERATOR, NUMBER, "冒充公检法")
    assert decided == 3
    assert (entry.source, entry.reporter_count, entry.added_by) == ("reports", 3, "tg:2000")
    assert store.lookup(NUMBER).category == "impersonate_police"
    assert moderation.queue() == []
    assert store.reporter_trust(moderation.reporter_hash(1)).accepted_count == 1
    assert moderation.weight_of(moderation.reporter_hash(1)) == pytest.approx(2 / 3)
    assert {(a.actor, a.action) for a in store.audit_log(actor="tg:2000")} == {
        ("tg:2000", "blocklist.add"), ("tg:2000", "reports.accept")}
    with pytest.raises(NotFound):
        moderation.block_reported(MODERATOR, NUMBER, "other")


def test_rejected_reporters_weigh_less_and_need_more_company(moderation, store):
    assert reporter_weight(0, 0) == 0.5 and reporter_weight(0, 1) == pytest.approx(1 / 3)
    for user in (1, 2, 3):
        report(moderation, user)
    assert moderation.reject_reported(MODERATOR, NUMBER) == 3
    assert store.reporter_trust(moderation.reporter_hash(1)).rejected_count == 1
    assert store.lookup(NUMBER) is None
    # The same three report another number: 3 reporters, but weight 3 × 1/3 = 1.0 < K/2 = 1.5.
    for user in (1, 2, 3):
        report(moderation, user, number=OTHER, text="另一条 13900139000")
    assert moderation.queue() == []
    report(moderation, 4, number=OTHER, text="另一条 13900139000")  # a newcomer adds 0.5 → 1.5
    [item] = moderation.queue()
    assert (item.ref, item.reporters, item.weight) == (OTHER, 4, 1.5)
    [audit] = store.audit_log(target=f"reports:{NUMBER}")
    assert (audit.action, audit.before, audit.after["status"]) == ("reports.reject", {"pending": 3}, "rejected")


def test_a_user_cannot_decide_queue_items(moderation):
    for user in (1, 2, 3):
        report(moderation, user)
    with pytest.raises(NotAllowed):
        moderation.block_reported(USER, NUMBER, "other")
    with pytest.raises(NotAllowed):
        moderation.reject_reported(USER, NUMBER)
    assert len(moderation.queue()) == 1


# --- appeals ---------------------------------------------------------------------------------------------

def test_appeal_needs_the_senders_own_contact_and_delists_when_accepted(moderation, store):
    moderation.block(MODERATOR, NUMBER, "loan_credit", evidence="贷款广告")
    someone_else = moderation.check_contact(USER, 999, "8613800138000")
    assert not someone_else.own and someone_else.listed
    with pytest.raises(NotAllowed):
        moderation.submit_appeal(USER, someone_else, "这是我的号码")
    proof = moderation.check_contact(USER, USER, "8613800138000")
    assert proof.own and proof.number_key == NUMBER and proof.listed
    appeal = moderation.submit_appeal(USER, proof, "我是个人用户，从没发过贷款广告")
    with pytest.raises(ValueError, match="already waiting"):
        moderation.submit_appeal(USER, moderation.check_contact(USER, USER, "+86 138 0013 8000"), "again")
    [first, *_] = moderation.queue()
    assert (first.kind, first.ref) == ("appeal", str(appeal.id))
    detail = moderation.queue_item("appeal", str(appeal.id))
    assert detail.entry.category == "loan_credit" and [h.action for h in detail.history] == ["blocklist.add"]
    with pytest.raises(NotAllowed):
        moderation.decide_appeal(USER, appeal.id, accepted=True)
    decided = moderation.decide_appeal(MODERATOR, appeal.id, accepted=True, note="个人号码")
    assert decided.status == "accepted" and decided.appellant_chat_id == USER
    assert store.lookup(NUMBER) is None
    assert [h.action for h in store.history(NUMBER)] == ["blocklist.add", "blocklist.remove"]
    assert store.audit_log(target=f"appeal:{appeal.id}")[0].actor == "tg:2000"
    assert moderation.queue() == []


def test_appeal_of_an_unlisted_number_is_refused(moderation):
    proof = moderation.check_contact(USER, USER, "8613900139000")
    assert proof.own and not proof.listed
    with pytest.raises(NotFound):
        moderation.submit_appeal(USER, proof, "请删除")


# --- expiry ----------------------------------------------------------------------------------------------

def test_expired_entries_stop_matching_but_stay_in_history(moderation, store):
    moderation.block(MODERATOR, NUMBER, "other", expires_at=parse_expires("2020-01-01"))
    assert store.lookup(NUMBER) is None
    entry = store.get_blocklist(NUMBER)
    assert entry.active and entry.is_expired()
    assert store.history(NUMBER)[0].after["expires_at"].startswith("2020-01-01T16:00")
    future = (utcnow() + timedelta(days=30)).date().isoformat()
    moderation.block(MODERATOR, NUMBER, "other", expires_at=parse_expires(future))
    assert store.lookup(NUMBER) is not None
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_expires("next week")


# --- feedback and stats ----------------------------------------------------------------------------------

def test_feedback_review_labels_items_once(moderation, store):
    item = moderation.submit_feedback(USER, verdict={"risk_level": "high", "category_key": "phishing"},
                                      text="您的快递已签收").item
    assert [f.id for f in moderation.feedback_queue()] == [item.id]
    with pytest.raises(NotAllowed):
        moderation.review_feedback(USER, item.id, accepted=True, label="legit")
    reviewed = moderation.review_feedback(MODERATOR, item.id, accepted=True, label="legit")
    assert (reviewed.status, reviewed.label) == ("accepted", "legit")
    assert moderation.feedback_queue() == []
    with pytest.raises(ValueError, match="already"):
        moderation.review_feedback(MODERATOR, item.id, accepted=False)
    assert store.audit_log(target=f"feedback:{item.id}")[0].actor == "tg:2000"


def test_stats_aggregate_counts_without_personal_data(moderation, store):
    for level, category in [("high", "phishing"), ("high", "phishing"), ("low", None), ("suspicious", "romance")]:
        store.record_check(level, category)
    for user in (1, 2, 3):
        report(moderation, user)
    report(moderation, 4, number=OTHER)
    moderation.block_reported(MODERATOR, NUMBER, "other")
    stats = moderation.stats(MODERATOR)
    assert stats.checks_total == 4 and stats.checks_per_day[-1][1] == 4 and len(stats.checks_per_day) == 7
    assert stats.levels == {"high": 2, "low": 1, "suspicious": 1}
    assert stats.top_categories[0] == ("phishing", 2)
    assert (stats.queue_ready, stats.queue_waiting) == (0, 1)
    assert (stats.reports_accepted, stats.reports_rejected, stats.blocklist_size) == (3, 0, 1)
    with pytest.raises(NotAllowed):
        moderation.stats(USER)
