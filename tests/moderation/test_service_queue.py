"""The review queue as a moderator meets it: what an item shows, in what order items come, when reports make an
item, skipping, what each decision records, and the statistics.

On the ``service`` fixture (SQLite, one template database copied per test; K = 3 reporters): these tests
judge ``bot/moderation.py``'s mutants.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.categories import UnknownCategory
from bot.moderation import SKIP_TTL, Moderation, NotAllowed, QueueItem, Stats, reporter_weight
from bot.store import NotFound

from .conftest import ADMIN, MODERATOR, USER

NUMBER = "+8613800138000"
OTHER = "+8613900139000"
THIRD = "+8613700137000"
PRIZE = "恭喜您获得积分兑换，点击链接领取"


def _report(service, user: int, number: str | None, text: str = "", *, level: str = "high",
            category: str | None = "phishing", keep: bool = True) -> None:
    service.submit_report(user, reported=text or f"客服 {number}", number_keys=[number] if number else [],
                          verdict={"risk_level": level, "category_key": category}, keep_text=keep)


def _trusted(service, users: tuple[int, ...], number: str = THIRD) -> None:
    """Each of ``users`` gets one accepted report (weight 2/3)."""
    for user in users:
        _report(service, user, number)
    service.block_reported(MODERATOR, number, "other")


# --- what an item shows -----------------------------------------------------------------------------------

def test_a_number_item_shows_its_reports_newest_texts_levels_and_usual_category(service):
    _report(service, 1, NUMBER, "第一条", level="high", category="phishing")
    _report(service, 2, NUMBER, "第二条", level="suspicious", category="loan_credit")
    _report(service, 3, NUMBER, "第二条", level="high", category="loan_credit")
    _report(service, 4, NUMBER, "第三条", level="high", category=None)
    _report(service, 5, NUMBER, "第四条", level="low", category=None)
    _report(service, 6, NUMBER, "不给看", level="low", category=None, keep=False)
    [item] = service.queue()
    assert (item.kind, item.ref, item.reporters, item.report_count, item.weight) == ("number", NUMBER, 6, 6, 3.0)
    assert item.texts == ["第四条", "第三条", "第二条"]
    assert item.levels == {"high": 3, "suspicious": 1, "low": 2}
    assert item.suggested_category == "loan_credit"
    assert item.first_at is not None and item.first_at <= datetime.now(UTC)
    assert (item.entry, item.appeal, item.history, item.numbers) == (None, None, [], [])


def test_an_item_without_a_category_suggests_none_and_a_stored_verdictless_report_is_unknown(service, sqlite_store):
    for user in (1, 2):
        _report(service, user, NUMBER, category=None)
    sqlite_store.add_report(service.reporter_hash(3), number_key=NUMBER, text_fingerprint="f")  # no verdict
    [item] = service.queue()
    assert item.suggested_category is None
    assert item.levels == {"high": 2, "unknown": 1}


def test_a_text_item_is_referred_to_by_its_first_report_and_lists_the_numbers_sent_with_it(service, sqlite_store):
    text = "您的快递丢失，双倍赔偿，联系 13800138000 或 13900139000"
    for user in (1, 2, 3):
        _report(service, user, None, text)
    service.submit_report(4, reported=text, number_keys=[OTHER, NUMBER])
    [text_item] = [i for i in service.queue() if i.kind == "text"]
    reports, _ = sqlite_store.pending_reports_with_trust()
    first_report = min(r.id for r in reports if r.number_key is None)
    assert text_item.ref == str(first_report) and text_item.reporters == 3
    detail = service.queue_item("text", text_item.ref)
    assert detail.numbers == [NUMBER, OTHER] and detail.entry is None and detail.history == []
    assert detail.texts == [text]


def test_an_item_is_shown_on_request_while_waiting_and_not_once_decided(service):
    _report(service, 1, NUMBER)
    waiting = service.queue_item("number", NUMBER)
    assert waiting is not None and waiting.reporters == 1 and waiting.numbers == []
    assert service.queue() == []
    assert service.queue_item("number", OTHER) is None
    assert service.queue_item("text", NUMBER) is None  # the kind must match too
    assert service.queue_item("text", "999999") is None
    service.reject_reported(MODERATOR, NUMBER)
    assert service.queue_item("number", NUMBER) is None


def test_a_number_item_shows_its_entry_and_its_history(service):
    service.block(MODERATOR, NUMBER, "other", evidence="旧记录")
    service.unblock(MODERATOR, NUMBER, reason="误报")
    for user in (1, 2, 3):
        _report(service, user, NUMBER)
    detail = service.queue_item("number", NUMBER)
    assert (detail.entry.evidence, detail.entry.active) == ("旧记录", False)
    assert [h.action for h in detail.history] == ["blocklist.add", "blocklist.remove"]


def test_a_deleted_messages_report_is_no_item(service, sqlite_store):
    for user in (1, 2, 3):
        service.submit_report(user, reported="", verdict={"risk_level": "high"}, check_id="gone")
    for user in (4, 5, 6):
        _report(service, user, None, PRIZE)
    [item] = service.queue()
    assert (item.kind, item.reporters, item.texts) == ("text", 3, [PRIZE])


# --- when reports make an item -----------------------------------------------------------------------------

def test_three_newcomers_make_an_item_two_do_not(service):
    for user in (1, 2):
        _report(service, user, NUMBER)
    assert service.queue() == []
    _report(service, 3, NUMBER)
    [item] = service.queue()
    assert (item.reporters, item.weight) == (3, 1.5) and service.is_ready(item)


def test_distrusted_reporters_need_company(service):
    for user in (1, 2, 3):
        _report(service, user, THIRD)
    service.reject_reported(MODERATOR, THIRD)
    for user in (1, 2, 3):
        _report(service, user, NUMBER)
    assert service.queue() == []  # 3 × 1/3 = 1.0 < 1.5
    assert service.queue_item("number", NUMBER).weight == 1.0
    _report(service, 4, NUMBER)
    [item] = service.queue()
    assert (item.reporters, item.weight) == (4, 1.5)


def test_the_threshold_rule_counts_reporters_and_their_weight(sqlite_store):
    service = Moderation(sqlite_store, admin_ids=[ADMIN], secret="s", report_threshold=4)
    ready = [QueueItem("number", "x", reporters=r, weight=w) for r, w in ((4, 2.0), (5, 2.5), (4, 1.9999999999))]
    assert [service.is_ready(i) for i in ready] == [True, True, True]
    not_ready = [QueueItem("number", "x", reporters=r, weight=w) for r, w in ((3, 2.0), (4, 1.99), (3, 3.0))]
    assert [service.is_ready(i) for i in not_ready] == [False, False, False]


def test_the_weight_is_rounded_to_three_decimals(service):
    for user in (1, 2, 3):
        _report(service, user, THIRD)
    service.reject_reported(MODERATOR, THIRD)
    _report(service, 1, NUMBER)
    assert service.queue_item("number", NUMBER).weight == 0.333
    _trusted(service, (2,), number=OTHER)
    _report(service, 2, NUMBER)
    assert service.queue_item("number", NUMBER).weight == round(1 / 3 + reporter_weight(1, 1), 3)


# --- order ----------------------------------------------------------------------------------------------

def test_appeals_come_first_then_numbers_by_reporters_then_texts(service):
    for user in (1, 2, 3):
        _report(service, user, None, PRIZE)
    for user in (1, 2, 3):
        _report(service, user, OTHER)
    for user in (4, 5, 6, 7):
        _report(service, user, NUMBER)
    for user in (4, 5, 6, 7, 8):
        _report(service, user, None, "另一条短信，点击链接")
    service.block(MODERATOR, THIRD, "other")
    appeal = service.submit_appeal(USER, service.check_contact(USER, USER, THIRD), "我的号码")
    queue = service.queue()
    assert [(i.kind, i.ref) for i in queue[:3]] == [("appeal", str(appeal.id)), ("number", NUMBER),
                                                     ("number", OTHER)]
    assert [(i.kind, i.reporters) for i in queue[3:]] == [("text", 5), ("text", 3)]
    assert queue[0].appeal.id == appeal.id and queue[0].first_at == appeal.created_at
    assert [i.kind for i in service.queue(include_appeals=False)] == ["number", "number", "text", "text"]


def test_among_equally_reported_numbers_the_more_trusted_come_first(service):
    _trusted(service, (1, 2, 3))
    for user in (4, 5, 6):
        _report(service, user, OTHER)
    for user in (1, 2, 3):
        _report(service, user, NUMBER)
    assert [i.ref for i in service.queue()] == [NUMBER, OTHER]


def test_among_equal_numbers_the_oldest_comes_first(service):
    for user in (1, 2, 3):
        _report(service, user, OTHER)
    for user in (4, 5, 6):
        _report(service, user, NUMBER)
    assert [i.ref for i in service.queue()] == [OTHER, NUMBER]


# --- decisions ------------------------------------------------------------------------------------------

def test_blocking_from_the_queue_records_the_reporters_and_accepts_their_reports(service, sqlite_store):
    for user in (1, 2, 3, 4):
        _report(service, user, NUMBER)
    _report(service, 5, OTHER)
    entry, decided = service.block_reported(MODERATOR, NUMBER, "贷款")
    assert decided == 4
    assert (entry.number_key, entry.source, entry.evidence, entry.reporter_count, entry.category, entry.added_by) == (
        NUMBER, "reports", "4 reporters", 4, "loan_credit", "tg:2000")
    assert sqlite_store.lookup(NUMBER).category == "loan_credit"
    assert service.report_counts(NUMBER) == {"pending": 0, "accepted": 4, "rejected": 0, "reporters": 4}
    assert service.report_counts(OTHER) == {"pending": 1, "accepted": 0, "rejected": 0, "reporters": 1}
    [audit] = sqlite_store.audit_log(target=f"reports:{NUMBER}")
    assert (audit.actor, audit.action) == ("tg:2000", "reports.accept")
    with pytest.raises(NotFound):
        service.block_reported(MODERATOR, NUMBER, "贷款")


def test_reporters_count_once_each_whatever_they_reported_before(service, sqlite_store):
    for user in (1, 2, 3):
        _report(service, user, NUMBER)
    service.reject_reported(MODERATOR, NUMBER)
    for user in (1, 4):
        _report(service, user, NUMBER)
    assert service.report_counts(NUMBER) == {"pending": 2, "accepted": 0, "rejected": 3, "reporters": 4}
    entry, decided = service.block_reported(ADMIN, NUMBER, "other")
    assert (decided, entry.reporter_count, entry.evidence, entry.added_by) == (2, 4, "4 reporters", "tg:1000")


def test_a_blocked_number_needs_a_known_category_and_a_moderator(service, sqlite_store):
    for user in (1, 2, 3):
        _report(service, user, NUMBER)
    with pytest.raises(UnknownCategory):
        service.block_reported(MODERATOR, NUMBER, "没有这个类别")
    with pytest.raises(NotAllowed):
        service.block_reported(USER, NUMBER, "other")
    with pytest.raises(NotAllowed):
        service.reject_reported(USER, NUMBER)
    assert sqlite_store.get_blocklist(NUMBER) is None and len(service.queue()) == 1


def test_rejecting_lowers_trust_and_blocks_nothing(service, sqlite_store):
    for user in (1, 2, 3):
        _report(service, user, NUMBER)
    assert service.reject_reported(MODERATOR, NUMBER) == 3
    assert service.reject_reported(MODERATOR, NUMBER) == 0
    assert sqlite_store.lookup(NUMBER) is None
    assert sqlite_store.reporter_trust(service.reporter_hash(1)).rejected_count == 1
    [audit] = sqlite_store.audit_log(target=f"reports:{NUMBER}")
    assert (audit.actor, audit.action) == ("tg:2000", "reports.reject")


def test_a_text_is_accepted_with_its_category_or_rejected_without_one(service, sqlite_store):
    for user in (1, 2, 3):
        _report(service, user, None, PRIZE)
    [item] = service.queue()
    with pytest.raises(NotAllowed):
        service.decide_text(USER, int(item.ref), accepted=True, category="phishing")
    assert service.decide_text(MODERATOR, int(item.ref), accepted=True, category="钓鱼链接") == 3
    [audit] = sqlite_store.audit_log(target=f"reports:text:{item.ref}")
    assert (audit.actor, audit.action, audit.after["category"]) == ("tg:2000", "reports.accept", "phishing")
    for user in (4, 5, 6):
        _report(service, user, None, "另一条短信，点击链接")
    [other] = service.queue()
    assert service.decide_text(MODERATOR, int(other.ref), accepted=False, category="phishing") == 3
    [audit] = sqlite_store.audit_log(target=f"reports:text:{other.ref}")
    assert (audit.action, audit.after["category"]) == ("reports.reject", None)
    for user in (7, 8, 9):
        _report(service, user, None, "第三条短信")
    [third] = service.queue()
    assert service.decide_text(MODERATOR, int(third.ref), accepted=True) == 3
    assert sqlite_store.audit_log(target=f"reports:text:{third.ref}")[0].after["category"] is None


# --- skips ---------------------------------------------------------------------------------------------

def test_skips_are_each_moderators_own_per_queue_and_outlive_the_service(service, sqlite_store):
    assert service.skip(MODERATOR, "number:+8613800138000") == {"number:+8613800138000"}
    assert service.skip(MODERATOR, "text:12") == {"number:+8613800138000", "text:12"}
    assert service.skip(MODERATOR, "feedback:3", "feedback") == {"feedback:3"}
    restarted = Moderation(sqlite_store, admin_ids=[ADMIN], secret="test-secret")
    assert restarted.skipped(MODERATOR) == {"number:+8613800138000", "text:12"}
    assert restarted.skipped(MODERATOR, "feedback") == {"feedback:3"}
    assert restarted.skipped(ADMIN) == set()
    flow = sqlite_store.get_flow(f"skip:review:{service.reporter_hash(MODERATOR)}")
    assert flow.data == {"items": ["number:+8613800138000", "text:12"]}
    assert flow.owner_hash == service.reporter_hash(MODERATOR)


def test_skips_last_a_day(service, sqlite_store):
    before = datetime.now(UTC)
    service.skip(MODERATOR, "text:12")
    [expiry] = sqlite_store.flow_expiries("skip:").values()
    assert timedelta(days=1) == SKIP_TTL
    assert before + SKIP_TTL <= expiry <= datetime.now(UTC) + SKIP_TTL


def test_opening_a_queue_again_shows_what_was_skipped_there(service):
    service.skip(MODERATOR, "text:12")
    service.skip(MODERATOR, "feedback:3", "feedback")
    service.skip(ADMIN, "text:12")
    service.clear_skipped(MODERATOR)
    assert service.skipped(MODERATOR) == set()
    assert service.skipped(MODERATOR, "feedback") == {"feedback:3"}
    assert service.skipped(ADMIN) == {"text:12"}
    service.clear_skipped(MODERATOR, "feedback")
    assert service.skipped(MODERATOR, "feedback") == set()


def test_only_moderators_skip_and_only_in_the_two_queues(service):
    for call in (lambda: service.skip(USER, "text:1"), lambda: service.skipped(USER),
                 lambda: service.clear_skipped(USER)):
        with pytest.raises(NotAllowed):
            call()
    for call in (lambda: service.skip(MODERATOR, "text:1", "appeals"), lambda: service.skipped(MODERATOR, "x"),
                 lambda: service.clear_skipped(MODERATOR, "Review")):
        with pytest.raises(ValueError):
            call()


# --- statistics ---------------------------------------------------------------------------------------

def test_stats_count_checks_per_day_level_and_category_over_the_last_days(service, sqlite_store, clock):
    clock.now = datetime(2030, 5, 10, 23, 30, tzinfo=UTC)
    for day, level, category in [(date(2030, 5, 10), "high", "phishing"), (date(2030, 5, 10), "high", "phishing"),
                                 (date(2030, 5, 10), "low", None), (date(2030, 5, 9), "high", "romance"),
                                 (date(2030, 5, 9), "low", "phishing"), (date(2030, 5, 4), "suspicious", "romance"),
                                 (date(2030, 5, 3), "high", "loan_credit")]:
        sqlite_store.record_check(level, category, day=day)
    stats = service.stats(MODERATOR)
    assert stats.since == date(2030, 5, 4)
    assert stats.checks_per_day == [(date(2030, 5, 4), 1), (date(2030, 5, 5), 0), (date(2030, 5, 6), 0),
                                    (date(2030, 5, 7), 0), (date(2030, 5, 8), 0), (date(2030, 5, 9), 2),
                                    (date(2030, 5, 10), 3)]
    assert stats.checks_total == 6  # the 3rd is eight days back
    assert stats.levels == {"high": 3, "low": 2, "suspicious": 1}
    assert stats.top_categories == [("phishing", 3), ("romance", 2)]
    short = service.stats(MODERATOR, days=2)
    assert short.since == date(2030, 5, 9)
    assert short.checks_per_day == [(date(2030, 5, 9), 2), (date(2030, 5, 10), 3)]


def test_stats_days_are_utc_days_whatever_the_servers_time_zone(service, sqlite_store, clock):
    """Checks are counted per UTC day; a server set to Beijing time must not start "today" at 16:00 UTC."""
    clock.now = datetime(2030, 5, 10, 20, 0, tzinfo=UTC)  # already the 11th in Beijing
    sqlite_store.record_check("high", "phishing", day=date(2030, 5, 10))
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Shanghai"
    time.tzset()
    try:
        stats = service.stats(MODERATOR, days=1)
    finally:
        if saved is None:
            os.environ.pop("TZ")
        else:
            os.environ["TZ"] = saved
        time.tzset()
    assert stats.checks_per_day == [(date(2030, 5, 10), 1)]


def test_stats_show_at_most_five_categories_most_frequent_first(service, sqlite_store):
    for count, category in enumerate(["phishing", "romance", "loan_credit", "task_rebate", "game_trading",
                                      "other"], start=1):
        for _ in range(count):
            sqlite_store.record_check("high", category)
    assert service.stats(MODERATOR).top_categories == [
        ("other", 6), ("game_trading", 5), ("task_rebate", 4), ("loan_credit", 3), ("romance", 2)]


def test_stats_count_each_queue(service, sqlite_store):
    for user in (1, 2, 3):
        _report(service, user, NUMBER)
    for user in (1, 2, 3):
        _report(service, user, None, PRIZE)
    _report(service, 1, OTHER)
    _report(service, 2, THIRD)
    service.submit_feedback(USER, verdict={"risk_level": "high"}, check_id="c1")
    service.submit_feedback(USER, verdict={"risk_level": "high"}, check_id="c2")
    service.block(MODERATOR, "+8613600136000", "other")
    service.submit_appeal(USER, service.check_contact(USER, USER, "8613600136000"), "我的号码")
    stats = service.stats(ADMIN)
    assert (stats.queue_ready, stats.queue_waiting) == (2, 2)
    assert (stats.feedback_pending, stats.appeals_pending, stats.blocklist_size) == (2, 1, 1)
    assert (stats.reports_accepted, stats.reports_rejected) == (0, 0)
    service.block_reported(MODERATOR, NUMBER, "other")
    for user in (1, 2, 3):
        _report(service, user, "+8613500135000")
    service.reject_reported(MODERATOR, "+8613500135000")
    service.reject_reported(MODERATOR, OTHER)
    stats = service.stats(MODERATOR)
    assert (stats.reports_accepted, stats.reports_rejected, stats.blocklist_size) == (3, 4, 2)
    assert (stats.queue_ready, stats.queue_waiting) == (0, 2)  # the text's reporters now weigh 0.4 + 0.5 + 0.5
    with pytest.raises(NotAllowed):
        service.stats(USER)


def test_stats_total_adds_up_the_days():
    stats = Stats(since=date(2030, 1, 1), checks_per_day=[(date(2030, 1, 1), 2), (date(2030, 1, 2), 5)],
                  levels={}, top_categories=[], queue_ready=0, queue_waiting=0, feedback_pending=0,
                  appeals_pending=0, reports_accepted=0, reports_rejected=0, blocklist_size=0)
    assert stats.checks_total == 7
