"""``/trends`` figures from the store on SQLite and PostgreSQL: this week's reports by scam type and the numbers
reported and blocklisted, counts only; and whom a report decision concerns."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from bot.store.models import Report, utcnow


def _report(store, reporter: str, category: str | None, number: str | None = None, *, check: str | None = None):
    return store.add_report(reporter, number_key=number, text_fingerprint=f"fp-{number or category}",
                            verdict={"risk_level": "high", "category_key": category}, check_id=check)


def test_trends_count_this_weeks_reports_by_type_and_the_numbers_reported_and_blocked(store):
    for n, reporter in enumerate(("r1", "r2", "r3")):
        _report(store, reporter, "impersonate_police", f"+861701234567{n}")
    _report(store, "r1", "task_rebate", "+8617012345670")
    _report(store, "r4", "task_rebate", None)
    _report(store, "r5", "romance", "+8617099990000")
    old = _report(store, "r6", "phishing", "+8617088880000")
    rejected = _report(store, "r7", "loan_credit", "+8617077770000")
    with store._write() as session:
        session.execute(update(Report).where(Report.id == old.id).values(created_at=utcnow() - timedelta(days=9)))
        session.execute(update(Report).where(Report.id == rejected.id).values(status="rejected"))
    store.add_blocklist("+8617012345670", "impersonate_police", actor="tg:1", source="reports")

    trends = store.trends(utcnow() - timedelta(days=7), top=2)

    assert trends.top_categories == [("impersonate_police", 3), ("task_rebate", 2)]
    # +8617012345670..2, +8617099990000 and the rejected +8617077770000 were reported this week; not the old one
    assert trends.numbers_reported == 5
    assert trends.numbers_blocked == 1


def test_trends_of_a_quiet_week_are_empty(store):
    trends = store.trends(utcnow() - timedelta(days=7))
    assert (trends.top_categories, trends.numbers_reported, trends.numbers_blocked) == ([], 0, 0)


def test_report_checks_name_the_reporters_a_decision_concerns(store):
    _report(store, "r1", "phishing", "+8617012345670", check="c1")
    _report(store, "r2", "phishing", "+8617012345670", check="c2")
    _report(store, "r3", "phishing", "+8617099990000", check="c3")
    text = _report(store, "r4", "task_rebate", None, check="c4")
    _report(store, "r5", "task_rebate", None, check="c5")
    assert store.report_checks(number_key="+8617012345670") == [("r1", "c1"), ("r2", "c2")]
    assert store.report_checks(report_id=text.id) == [("r4", "c4"), ("r5", "c5")]
    store.decide_reports("+8617012345670", accepted=True, actor="tg:1")
    assert store.report_checks(number_key="+8617012345670") == []
