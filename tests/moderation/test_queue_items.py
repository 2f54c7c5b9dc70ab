"""What a moderator sees of a queue item and in what order items come: sample texts, verdict levels, the
suggested category, numbers reported with a text; who is told; what a decision records; the statistics."""

from __future__ import annotations

import pytest

from bot.moderation import Moderation, reporter_weight
from bot.store import NotFound

from .conftest import ADMIN, MODERATOR, USER

NUMBER = "+8613800138000"
OTHER = "+8613900139000"


def _report(moderation, user: int, number: str | None, text: str, *, level: str = "high",
            category: str | None = "phishing", keep: bool = True):
    verdict = {"risk_level": level, "category_key": category}
    return moderation.submit_report(user, reported=text, number_keys=[number] if number else [], verdict=verdict,
                                    keep_text=keep)


def test_a_number_item_shows_the_newest_three_distinct_texts_levels_and_the_usual_category(moderation):
    _report(moderation, 1, NUMBER, "第一条 13800138000", level="high", category="phishing")
    _report(moderation, 2, NUMBER, "第二条 13800138000", level="suspicious", category="loan_credit")
    _report(moderation, 3, NUMBER, "第二条 13800138000", level="high", category="loan_credit")
    _report(moderation, 4, NUMBER, "第三条 13800138000", level="high", category=None)
    _report(moderation, 5, NUMBER, "第四条 13800138000", level="low", category=None, keep=False)
    [item] = moderation.queue()
    assert item.texts == ["第三条 13800138000", "第二条 13800138000", "第一条 13800138000"]
    assert item.levels == {"high": 3, "suspicious": 1, "low": 1}
    assert item.suggested_category == "loan_credit"
    assert (item.reporters, item.report_count, item.weight) == (5, 5, 2.5)
    assert item.first_at is not None


def test_an_item_without_any_category_suggests_none(moderation):
    for user in (1, 2, 3):
        _report(moderation, user, NUMBER, "来电 13800138000", category=None)
    assert moderation.queue()[0].suggested_category is None


def test_numbers_come_first_then_the_most_reported(moderation):
    for user in (1, 2, 3):
        _report(moderation, user, None, "恭喜您获得积分兑换，点击链接领取")
    for user in (1, 2, 3):
        _report(moderation, user, OTHER, "客服 13900139000")
    for user in (4, 5, 6, 7):
        _report(moderation, user, NUMBER, "客服 13800138000")
    assert [(i.kind, i.ref) for i in moderation.queue()][:2] == [("number", NUMBER), ("number", OTHER)]
    assert moderation.queue()[2].kind == "text"


def test_among_equally_reported_numbers_the_more_trusted_reporters_come_first(moderation, store):
    for user in (1, 2, 3):
        _report(moderation, user, "+8613700137000", "客服 13700137000")
    moderation.block_reported(MODERATOR, "+8613700137000", "phishing")  # 1, 2 and 3 are now trusted more
    for user in (4, 5, 6):
        _report(moderation, user, OTHER, "客服 13900139000")
    for user in (1, 2, 3):
        _report(moderation, user, NUMBER, "客服 13800138000")
    queue = moderation.queue()
    assert [i.ref for i in queue] == [NUMBER, OTHER]
    assert queue[0].weight == pytest.approx(3 * reporter_weight(1, 0), abs=1e-3)


def test_among_equal_numbers_the_oldest_comes_first(moderation):
    for user in (1, 2, 3):
        _report(moderation, user, OTHER, "客服 13900139000")
    for user in (4, 5, 6):
        _report(moderation, user, NUMBER, "客服 13800138000")
    assert [i.ref for i in moderation.queue()] == [OTHER, NUMBER]


def test_a_text_item_lists_the_numbers_reported_with_that_text(moderation):
    text = "您的快递丢失，双倍赔偿，联系 13800138000 或 13900139000"
    for user in (1, 2, 3):
        _report(moderation, user, None, text)
    moderation.submit_report(4, reported=text, number_keys=[NUMBER, OTHER], verdict={"risk_level": "high"})
    [text_item] = [i for i in moderation.queue() if i.kind == "text"]
    detail = moderation.queue_item("text", text_item.ref)
    assert detail.numbers == [NUMBER, OTHER] and detail.reporters == 3
    assert moderation.queue_item("text", "999999") is None
    assert moderation.queue_item("number", NUMBER) is not None  # one reporter: waiting, still shown on request


def test_a_number_item_shows_its_entry_and_history(moderation):
    moderation.block(MODERATOR, NUMBER, "other")
    moderation.unblock(MODERATOR, NUMBER)
    for user in (1, 2, 3):
        _report(moderation, user, NUMBER, "客服 13800138000")
    detail = moderation.queue_item("number", NUMBER)
    assert detail.entry is not None and detail.entry.active is False
    assert [h.action for h in detail.history] == ["blocklist.add", "blocklist.remove"]
    assert detail.numbers == []


def test_the_threshold_needs_enough_reporters_and_enough_weight(store, clock):
    moderation = Moderation(store, admin_ids=[ADMIN], secret="s", report_threshold=2, clock=clock)
    _report(moderation, 1, NUMBER, "客服 13800138000")
    assert moderation.queue() == []  # one reporter of two
    _report(moderation, 2, NUMBER, "客服 13800138000")
    [item] = moderation.queue()
    assert (item.reporters, item.weight) == (2, 1.0)  # two newcomers weigh exactly K/2: enough
    with pytest.raises(ValueError):
        Moderation(store, admin_ids=[ADMIN], secret="s", report_threshold=0)
    with pytest.raises(ValueError):
        Moderation(store, admin_ids=[ADMIN], secret="s", reports_per_hour=0)


def test_admins_are_told_first_then_moderators_each_once(moderation):
    moderation.add_moderator(ADMIN, USER)
    service = Moderation(moderation.store, admin_ids=[ADMIN, 10], secret="test-secret")
    service.store.add_moderator(ADMIN, actor="cli")  # an admin also listed as moderator is told once
    assert service.notified_ids() == [10, ADMIN, MODERATOR, USER]


def test_blocking_from_the_queue_records_how_many_reported_it(moderation, store):
    for user in (1, 2, 3, 4):
        _report(moderation, user, NUMBER, "客服 13800138000")
    assert moderation.report_counts(NUMBER) == {"pending": 4, "accepted": 0, "rejected": 0, "reporters": 4}
    entry, decided = moderation.block_reported(MODERATOR, NUMBER, "贷款")
    assert (entry.evidence, entry.reporter_count, entry.category, decided) == ("4 reporters", 4, "loan_credit", 4)
    assert moderation.report_counts(NUMBER) == {"pending": 0, "accepted": 4, "rejected": 0, "reporters": 4}
    with pytest.raises(NotFound):
        moderation.block_reported(MODERATOR, NUMBER, "贷款")


def test_a_rejected_text_records_no_category(moderation, store):
    for user in (1, 2, 3):
        _report(moderation, user, None, "恭喜您获得积分兑换，点击链接领取")
    [item] = moderation.queue()
    assert moderation.decide_text(MODERATOR, int(item.ref), accepted=False, category="phishing") == 3
    [audit] = store.audit_log(target=f"reports:text:{item.ref}")
    assert (audit.action, audit.after["category"]) == ("reports.reject", None)


def test_stats_count_each_queue_and_the_last_days(moderation, store):
    store.record_check("high", "phishing")
    for user in (1, 2, 3):
        _report(moderation, user, NUMBER, "客服 13800138000")
    _report(moderation, 1, OTHER, "客服 13900139000")
    moderation.submit_feedback(USER, verdict={"risk_level": "high"}, check_id="c1")
    moderation.block(MODERATOR, "+8613700137000", "other")
    moderation.submit_appeal(USER, moderation.check_contact(USER, USER, "8613700137000"), "我的号码")
    stats = moderation.stats(MODERATOR, days=3)
    assert len(stats.checks_per_day) == 3 and stats.checks_total == 1
    assert stats.checks_per_day[0][0] == stats.since and stats.checks_per_day[-1][1] == 1
    assert (stats.queue_ready, stats.queue_waiting) == (1, 1)
    assert (stats.feedback_pending, stats.appeals_pending, stats.blocklist_size) == (1, 1, 1)
    assert stats.top_categories == [("phishing", 1)] and stats.levels == {"high": 1}


def test_a_reporters_weight_is_shown_to_three_decimals(moderation):
    for user in (1, 2, 3):
        _report(moderation, user, NUMBER, "客服 13800138000")
    moderation.reject_reported(MODERATOR, NUMBER)
    _report(moderation, 1, OTHER, "客服 13900139000")  # trust 1/3 after one rejected report
    assert moderation.queue_item("number", OTHER).weight == 0.333
