"""Allowlist, seed, moderators, reports and trust, feedback, appeals, stats, stored checks, preferences."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta

import pytest

from bot import PROJECT_ROOT
from bot.store import NotFound, Store, keyed_hash
from bot.store.models import utcnow


def test_seed_allowlist_is_present_on_a_new_database(store):
    seed = list(csv.DictReader((PROJECT_ROOT / "data" / "allowlist.csv").open(encoding="utf-8")))
    assert len(store.all_allowlist()) == len(seed) >= 50
    icbc = store.get_allowlist("95588")
    assert icbc.owner == "中国工商银行" and "工行" in icbc.aliases and icbc.owner_category == "bank"
    assert store.get_allowlist("96110").owner.startswith("国家反诈中心")
    assert [e.number_key for e in store.find_by_alias("icbc")] == ["95588"]
    assert [e.number_key for e in store.find_by_alias("派出所")] == ["110"]
    assert {row["category_of_owner"] for row in seed} >= {"bank", "operator", "courier", "payment", "government"}


def test_ems_11183_is_seeded_on_a_new_store_and_added_to_one_seeded_before_it(db_url, tmp_path):
    shipped = (PROJECT_ROOT / "data" / "allowlist.csv").read_text(encoding="utf-8")
    older = tmp_path / "allowlist-before-11183.csv"
    older.write_text("".join(line for line in shipped.splitlines(keepends=True)
                             if not line.startswith("11183,")), encoding="utf-8")
    with Store.open(db_url, allowlist_seed=older) as before:
        assert before.get_allowlist("11183") is None
    with Store.open(db_url) as store:  # the shipped seed changed: its new number is added on open
        ems = store.get_allowlist("11183")
        assert (ems.owner, ems.aliases, ems.owner_category) == ("中国邮政EMS", ["EMS", "中国邮政", "邮政快递"],
                                                                "courier")
        assert [e.number_key for e in store.find_by_alias("ems")] == ["11183"]
        assert store.get_allowlist("95588").owner == "中国工商银行"


def test_seed_is_applied_once_and_respects_moderator_removals(db_url):
    with Store.open(db_url) as first:
        first.remove_allowlist("10086", actor=7, reason="test")
        seeded = len(first.audit_log(actor="system", limit=1000))
    with Store.open(db_url) as again:
        assert again.get_allowlist("10086") is None
        assert len(again.audit_log(actor="system", limit=1000)) == seeded


def test_allowlist_add_update_remove(store):
    entry, created = store.add_allowlist("0755-8888-8888", "示例银行深圳分行", actor=1, aliases=["示例银行", "示例"],
                                         owner_category="bank")
    assert created and entry.number_key == "+8675588888888"
    entry, created = store.add_allowlist("+8675588888888", "示例银行", actor=1, aliases=["示例"])
    assert not created and entry.aliases == ["示例"]
    assert store.find_by_alias("示例银行") == []
    store.remove_allowlist("075588888888", actor=2, reason="closed")
    assert store.get_allowlist("+8675588888888") is None
    history = store.history_allowlist("+8675588888888")
    assert [h.action for h in history] == ["allowlist.add", "allowlist.update", "allowlist.remove"]
    assert history[-1].before["owner"] == "示例银行"
    with pytest.raises(NotFound):
        store.remove_allowlist("+8675588888888", actor=2)


def test_moderators(store):
    assert store.add_moderator(1001, actor=1) is True
    assert store.add_moderator(1001, actor=1) is False
    assert store.is_moderator(1001) and not store.is_moderator(1002)
    assert [m.telegram_user_id for m in store.list_moderators()] == [1001]
    assert store.remove_moderator(1001, actor=1) is True
    assert store.remove_moderator(1001, actor=1) is False
    assert [a.action for a in store.audit_log(target="moderator:1001")] == ["moderator.remove", "moderator.add"]


def test_reports_queue_and_trust(store):
    secret = "s3cret"
    alice, bob = keyed_hash(111, secret), keyed_hash(222, secret)
    assert alice != keyed_hash(111, "other-secret") and len(alice) == 64 and "111" not in alice
    number = "+8613800138000"
    store.add_report(alice, number_key=number, verdict={"level": "high"})
    store.add_report(alice, number_key=number)  # the same reporter twice counts once
    assert store.pending_report_numbers(min_reporters=2) == []
    store.add_report(bob, number_key=number, text="consented text")
    assert store.pending_report_numbers(min_reporters=2) == [(number, 2)]
    assert store.count_reports_since(alice, utcnow() - timedelta(hours=1)) == 2
    assert store.count_reports_since(alice, utcnow() + timedelta(seconds=1)) == 0
    assert store.decide_reports(number, accepted=False, actor=9) == 3
    assert store.pending_report_numbers() == []
    trust = store.reporter_trust(alice)
    assert (trust.accepted_count, trust.rejected_count) == (0, 1)
    assert {r.status for r in store.reports_for(number)} == {"rejected"}


def test_feedback_review(store):
    item = store.add_feedback(verdict={"level": "low"}, text=None, comment="this was a scam")
    assert [f.id for f in store.feedback_items()] == [item.id]
    store.review_feedback(item.id, accepted=True, actor=5, label="task_rebate")
    assert store.feedback_items() == []
    reviewed = store.feedback_items(status="accepted")
    assert reviewed[0].label == "task_rebate" and reviewed[0].reviewed_by == "5"


def test_accepted_appeal_delists_in_the_same_transaction(store):
    number = "+8613800138000"
    store.add_blocklist(number, "other", actor=1)
    appeal = store.add_appeal(number, appellant_chat_id=555, reason="this is my number since 2020")
    assert [a.id for a in store.appeals()] == [appeal.id]
    decided = store.decide_appeal(appeal.id, accepted=True, actor=9, note="verified")
    assert decided.status == "accepted" and decided.appellant_chat_id == 555
    assert store.lookup(number) is None
    assert store.get_blocklist(number).removed_reason == f"appeal #{appeal.id} accepted"
    with pytest.raises(ValueError, match="already accepted"):
        store.decide_appeal(appeal.id, accepted=False, actor=9)


def test_check_stats_count_per_day_level_category(store):
    today = date(2026, 1, 2)
    for _ in range(3):
        store.record_check("high", "phishing", day=today)
    store.record_check("low", None, day=today)
    stats = {(s.level, s.category): s.count for s in store.check_stats(today)}
    assert stats == {("high", "phishing"): 3, ("low", ""): 1}


def test_stored_checks_have_short_ids_and_expire(store):
    check_id = store.save_check({"level": "high"}, text=None)
    assert len(check_id) <= 16 and len(f"report:{check_id}".encode()) < 64
    assert store.get_check(check_id).verdict == {"level": "high"}
    old = store.save_check({"level": "low"}, ttl=timedelta(seconds=-1))
    assert store.get_check(old) is None
    assert store.purge_expired_checks() == 1


def test_saving_a_check_can_count_it_in_the_same_transaction(store):
    """The bot's one write per answer: the stored verdict for its buttons and today's tally together."""
    check_id = store.save_check({"level": "high"}, count_as=("high", "phishing"))
    store.save_check({"level": "low"}, count_as=("low", None))
    assert store.get_check(check_id).verdict == {"level": "high"}
    today = datetime.now(UTC).date()
    stats = {(s.level, s.category): s.count for s in store.check_stats(today)}
    assert stats == {("high", "phishing"): 1, ("low", ""): 1}


def test_language_and_group_settings(store):
    user = keyed_hash(42, "k")
    assert store.get_language(user) is None
    store.set_language(user, "zh-Hant")
    store.set_language(user, "en")
    assert store.get_language(user) == "en"
    assert store.group_quiet(-100123) is True
    store.set_group_quiet(-100123, False, actor=77)
    assert store.group_quiet(-100123) is False
