"""The checker over the real store: the list facts a verdict carries (``StoreLists``), the allowlist as the checker
reads it and how long it keeps it, and a checker built from the settings with its model loaded one way or the other.

One SQLite store for the whole file (each test lists numbers of its own), so the checker's mutation run can repeat
these quickly; the per-test, two-database suites (test_checker.py, test_check_model_lifecycle.py) cover the same
ground on PostgreSQL too.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import bot.check
import nlp.ensemble
import nlp.process
from bot.check import Checker, StoreLists
from bot.config import Settings
from bot.impersonation import OfficialNumber
from bot.store import Store
from bot.verdict import EvidenceKind, RiskLevel

BORROW = "老同学，最近手头有点紧，能不能先借我五千块周转一下，下个月一定还你"
TODAY = datetime.now(UTC).date().isoformat()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    opened = Store.open(f"sqlite:///{tmp_path_factory.mktemp('verdict-store') / 'fanzha.db'}")
    yield opened
    opened.close()


@pytest.fixture
def checker(store):
    made = Checker(StoreLists(store))
    yield made
    made.close()


# --- list facts -------------------------------------------------------------------------------------------------

def test_a_number_a_moderator_listed_carries_its_type_evidence_and_dates(store, checker):
    expires = datetime.now(UTC) + timedelta(days=30)
    store.add_blocklist("13900000001", category="impersonate_police", actor="cli", evidence="多人举报",
                        expires_at=expires)
    verdict = checker.check_text_sync("回电 13900000001")
    assert (verdict.risk_level, verdict.category_key, verdict.confidence) == (
        RiskLevel.HIGH, "impersonate_police", 0.99)
    (hit,) = [e for e in verdict.evidence if e.kind == EvidenceKind.BLOCKLIST]
    assert hit.detail == {"e164": "+8613900000001", "number_key": "+8613900000001", "match": "exact",
                          "category_key": "impersonate_police", "evidence": "多人举报", "source": "moderator",
                          "added_by": "moderator", "added_at": TODAY, "reporters": 0,
                          "expires_at": expires.date().isoformat()}


def test_a_number_listed_from_reports_says_so_and_how_many_reported_it(store):
    store.add_blocklist("13900000002", category="other", actor="tg:1", source="reports", reporter_count=4)
    hit = StoreLists(store).blocklist_hit("+8613900000002")
    assert (hit["source"], hit["added_by"], hit["reporters"], hit["expires_at"]) == ("reports", "reports", 4, None)
    assert StoreLists(store).blocklist_hit("+8613900000999") is None


def test_a_listed_site_carries_its_listing_for_its_subdomains_too(store, checker):
    store.add_domain("fortune-win.top", "fake_investment", actor="cli", evidence="165名单", source="165")
    assert StoreLists(store).domain_hit("app.fortune-win.top") == {
        "listed_domain": "fortune-win.top", "category_key": "fake_investment", "evidence": "165名单",
        "source": "165", "added_at": TODAY}
    assert StoreLists(store).domain_hit("fortune-win.top.example.com") is None
    verdict = checker.check_text_sync("看看 https://app.fortune-win.top/reg")
    assert (verdict.risk_level, verdict.category_key, verdict.confidence) == (RiskLevel.HIGH, "fake_investment", 0.95)


def test_the_allowlist_is_read_with_owners_other_names_and_kinds(store):
    officials = {o.number: o for o in StoreLists(store).official_numbers()}
    assert officials["95588"] == OfficialNumber(number="95588", owner="中国工商银行",
                                                aliases=("工行", "工商银行", "中国工商银行", "ICBC"), kind="bank")
    store.update_allowlist("95100", "某某小贷", actor="cli")  # no kind of owner given
    officials = {o.number: o for o in StoreLists(store).official_numbers()}
    assert officials["95100"] == OfficialNumber(number="95100", owner="某某小贷", aliases=(), kind="other")


# --- the allowlist the checker keeps ----------------------------------------------------------------------------

def test_the_checker_rereads_the_allowlist_after_a_minute_or_when_told(store, checker, monkeypatch):
    clock = types.SimpleNamespace(now=1000.0)
    monkeypatch.setattr(bot.check, "time", types.SimpleNamespace(monotonic=lambda: clock.now,
                                                                 perf_counter=lambda: clock.now))

    def owner(raw: str) -> str | None:
        (report,) = checker.check_number_sync(raw).numbers
        return report.allowlisted["owner"] if report.allowlisted else None

    assert owner("95101") is None
    store.update_allowlist("95101", "甲银行", actor="cli")
    clock.now += 60
    assert owner("95101") is None  # read a minute ago: kept
    clock.now += 1
    assert owner("95101") == "甲银行"
    store.update_allowlist("95101", "乙银行", actor="cli")
    assert owner("95101") == "甲银行"
    checker.refresh_lists()  # what a moderator's change does
    assert owner("95101") == "乙银行"


# --- built from the settings ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Answer:
    fraud_probability: float
    category_key: str | None


class StandInModel:
    def __init__(self) -> None:
        self.closed = 0

    def predict(self, texts: list[str]) -> list[Answer]:
        return [Answer(0.9, "impersonate_acquaintance") for _ in texts]

    def close(self) -> None:
        self.closed += 1


@pytest.fixture
def loaders(monkeypatch):
    """Stand-ins for the shipped model's loader and its child-process wrapper; records how they were called."""
    calls: dict[str, list] = {"load": [], "process": []}

    def load_shipped_classifier(model_dir, **kwargs):
        calls["load"].append((model_dir, kwargs))
        return StandInModel()

    class ProcessClassifier(StandInModel):
        def __init__(self, factory) -> None:
            super().__init__()
            calls["process"].append(factory)

    monkeypatch.setattr(nlp.ensemble, "load_shipped_classifier", load_shipped_classifier)
    monkeypatch.setattr(nlp.process, "ProcessClassifier", ProcessClassifier)
    return calls


def test_the_bot_runs_the_model_in_a_child_process_and_stops_it_with_the_checker(store, loaders, tmp_path):
    settings = Settings(use_model=True, model_process=True, model_dir=tmp_path, model_dtype="float32",
                        check_budget_seconds=2.5)
    checker = Checker.from_settings(settings, store)
    try:
        assert isinstance(checker.classifier, nlp.process.ProcessClassifier) and loaders["load"] == []
        [factory] = loaders["process"]
        factory()  # what the child process runs
        assert loaders["load"] == [(tmp_path, {"dtype": "float32"})]
        assert checker.budget_seconds == 2.5
        store.add_blocklist("13900000003", category="loan_credit", actor="cli")
        verdict = checker.check_text_sync(f"{BORROW}，回电 13900000003")
        assert (verdict.fraud_probability, verdict.category_key) == (0.9, "loan_credit")
    finally:
        checker.close()
    assert checker.classifier.closed == 1


def test_a_one_shot_check_loads_the_model_in_its_own_process(store, loaders, tmp_path):
    settings = Settings(use_model=True, model_process=True, model_dir=tmp_path, model_dtype="bfloat16")
    checker = Checker.from_settings(settings, store, model_process=False)
    checker.close()
    assert loaders["process"] == [] and loaders["load"] == [(tmp_path, {"dtype": "bfloat16"})]
    in_process = Checker.from_settings(Settings(use_model=True, model_process=False), store)
    in_process.close()
    assert loaders["process"] == [] and loaders["load"][-1][0] == Path(Settings().model_dir)
    told = Checker.from_settings(Settings(use_model=True, model_process=False), store, model_process=True)
    told.close()
    assert len(loaders["process"]) == 1


def test_without_the_model_the_checker_uses_rules_and_lists_only(store, loaders):
    checker = Checker.from_settings(Settings(use_model=False, check_budget_seconds=1.5), store)
    checker.close()
    assert checker.classifier is None and checker.budget_seconds == 1.5
    assert loaders == {"load": [], "process": []}
