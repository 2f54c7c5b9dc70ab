"""How the checker gets, uses and lets go of its model, and what it says while the model is down and when it is
back; the list facts a verdict carries. The model loaders are replaced by stand-ins (loading the real one takes
seconds and belongs to test_checker_model.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import nlp.ensemble
import nlp.process
from bot.check import Checker, StoreLists
from bot.config import Settings
from bot.verdict import EvidenceKind, RiskLevel, SkipReason, Stage

BORROW = "老同学，最近手头有点紧，能不能先借我五千块周转一下，下个月一定还你"


@dataclass(frozen=True)
class Answer:
    fraud_probability: float
    category_key: str | None


class FlakyModel:
    """Answers 0.9 unless told it is down; counts close() calls."""

    def __init__(self) -> None:
        self.down = False
        self.closed = 0

    def predict(self, texts: list[str]) -> list[Answer]:
        if self.down:
            raise TimeoutError
        return [Answer(0.9, "impersonate_acquaintance") for _ in texts]

    def close(self) -> None:
        self.closed += 1


@pytest.fixture
def loaders(monkeypatch):
    """Stand-ins for the shipped model loader and the child-process wrapper; records how they were called."""
    calls: dict[str, list] = {"load": [], "process": []}

    def load_shipped_classifier(model_dir, **kwargs):
        calls["load"].append((model_dir, kwargs))
        return FlakyModel()

    class ProcessClassifier(FlakyModel):
        def __init__(self, factory) -> None:
            super().__init__()
            calls["process"].append(factory)

    monkeypatch.setattr(nlp.ensemble, "load_shipped_classifier", load_shipped_classifier)
    monkeypatch.setattr(nlp.process, "ProcessClassifier", ProcessClassifier)
    return calls


def test_the_bot_loads_the_model_in_a_child_process(store, loaders, tmp_path):
    settings = Settings(use_model=True, model_process=True, model_dir=tmp_path, model_dtype="float32")
    checker = Checker.from_settings(settings, store)
    try:
        assert isinstance(checker.classifier, nlp.process.ProcessClassifier)
        assert loaders["load"] == []  # nothing loaded in the bot's own process
        [factory] = loaders["process"]
        factory()  # what the child process runs
        assert loaders["load"] == [(tmp_path, {"dtype": "float32"})]
        assert checker.check_text_sync(BORROW).fraud_probability == 0.9
    finally:
        checker.close()
    assert checker.classifier.closed == 1  # the child process is stopped with the checker


def test_a_one_shot_check_loads_the_model_in_process_when_asked(store, loaders, tmp_path):
    settings = Settings(use_model=True, model_process=True, model_dir=tmp_path, model_dtype="bfloat16")
    checker = Checker.from_settings(settings, store, model_process=False)
    try:
        assert loaders["process"] == [] and loaders["load"] == [(tmp_path, {"dtype": "bfloat16"})]
        assert checker.check_text_sync(BORROW).fraud_probability == 0.9
    finally:
        checker.close()


def test_settings_say_whether_the_model_runs_in_a_child_process(store, loaders):
    in_process = Checker.from_settings(Settings(use_model=True, model_process=False), store)
    in_process.close()
    assert loaders["process"] == [] and len(loaders["load"]) == 1
    assert loaders["load"][0][0] == Path(Settings().model_dir)
    without = Checker.from_settings(Settings(use_model=False, check_budget_seconds=1.5), store)
    without.close()
    assert without.classifier is None and without.budget_seconds == 1.5


def test_a_model_that_fails_recovers_and_fails_again_is_reported_each_time(store, caplog):
    model = FlakyModel()
    checker = Checker(StoreLists(store), model)
    caplog.set_level(logging.INFO, logger="bot.check")
    try:
        model.down = True
        down = checker.check_text_sync(BORROW)
        checker.check_text_sync(BORROW)
        model.down = False
        back = checker.check_text_sync(BORROW)
        checker.check_text_sync(BORROW)
        model.down = True
        checker.check_text_sync(BORROW)
    finally:
        checker.close()
    assert down.skipped_stages == {Stage.MODEL: SkipReason.MODEL_UNAVAILABLE}
    assert back.skipped_stages == {} and back.fraud_probability == 0.9
    messages = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "bot.check"]
    assert [level for level, _ in messages] == ["WARNING", "INFO", "WARNING"]
    assert "TimeoutError" in messages[0][1] and "answering again" in messages[1][1]
    assert BORROW not in caplog.text


async def test_the_bot_path_reports_recovery_too(store, caplog):
    model = FlakyModel()
    checker = Checker(StoreLists(store), model)
    caplog.set_level(logging.INFO, logger="bot.check")
    try:
        model.down = True
        await checker.check_text(BORROW)
        model.down = False
        back = await checker.check_text(BORROW)
    finally:
        checker.close()
    assert back.fraud_probability == 0.9 and back.risk_level == RiskLevel.SUSPICIOUS
    assert [r.levelname for r in caplog.records if r.name == "bot.check"] == ["WARNING", "INFO"]


def test_a_listed_number_carries_its_listing(store):
    expires = datetime.now(UTC) + timedelta(days=30)
    store.add_blocklist("13912345678", category="impersonate_police", actor="cli", evidence="多人举报",
                        expires_at=expires)
    checker = Checker(StoreLists(store))
    try:
        verdict = checker.check_text_sync("回电 13912345678")
    finally:
        checker.close()
    assert (verdict.risk_level, verdict.category_key, verdict.confidence) == (
        RiskLevel.HIGH, "impersonate_police", 0.99)
    [hit] = [e for e in verdict.evidence if e.kind == EvidenceKind.BLOCKLIST]
    detail = dict(hit.detail)
    assert detail.pop("added_at") == datetime.now(UTC).date().isoformat()
    assert detail == {"e164": "+8613912345678", "number_key": "+8613912345678", "match": "exact",
                      "category_key": "impersonate_police", "evidence": "多人举报", "reporters": 0,
                      "source": "moderator", "added_by": "moderator",
                      "expires_at": expires.date().isoformat()}


def test_a_listed_scam_site_carries_its_listing(store):
    store.add_domain("fortune-win.top", "fake_investment", actor="cli", evidence="165名单", source="165")
    checker = Checker(StoreLists(store))
    try:
        verdict = checker.check_text_sync("看看 https://app.fortune-win.top/reg")
    finally:
        checker.close()
    [link] = [e for e in verdict.evidence if e.kind == EvidenceKind.RISKY_LINK]
    assert {k: link.detail[k] for k in ("listed_domain", "category_key", "evidence", "source")} == {
        "listed_domain": "fortune-win.top", "category_key": "fake_investment", "evidence": "165名单",
        "source": "165"}
    assert link.detail["added_at"][:4].isdigit() and len(link.detail["added_at"]) == 10


def test_a_number_listed_from_reports_says_so_with_how_many_reported_it(store):
    store.add_blocklist("13912345678", category="other", actor="tg:1", source="reports", reporter_count=4)
    checker = Checker(StoreLists(store))
    try:
        verdict = checker.check_text_sync("回电 13912345678")
    finally:
        checker.close()
    [hit] = [e for e in verdict.evidence if e.kind == EvidenceKind.BLOCKLIST]
    assert (hit.detail["source"], hit.detail["added_by"], hit.detail["reporters"]) == ("reports", "reports", 4)
    assert hit.detail["expires_at"] is None
