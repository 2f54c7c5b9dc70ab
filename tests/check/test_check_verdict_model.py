"""How the checker asks its model: the batches the bot forms while the model is busy, what every waiting message gets
when the model fails, what the logs say while it is down and when it is back, the thread it runs on, the stage
times it reports, and what a check without a model says.

Fast on purpose (the checker's mutation run repeats them): the classifier is a stand-in answering a fixed
probability, and the lists are empty; the shipped model is tested in test_checker_model.py.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest

from bot.check import Checker, _OpportunisticBatcher
from bot.impersonation import OfficialNumber
from bot.verdict import EvidenceKind, RiskLevel, SkipReason, Stage

BORROW = "老同学，最近手头有点紧，能不能先借我五千块周转一下，下个月一定还你"
SAFE_ACCOUNT = "请把资金转到安全账户"
GUARD = 30  # seconds: a request never answered fails the test instead of hanging the run


@dataclass(frozen=True)
class Answer:
    fraud_probability: float
    category_key: str | None


class NoLists:
    """The ``Lists`` port with nothing listed (these tests are about the model)."""

    def blocklist_hit(self, number_key: str) -> dict[str, Any] | None:
        return None

    def official_numbers(self) -> list[OfficialNumber]:
        return []

    def domain_hit(self, host: str) -> dict[str, Any] | None:
        return None


class GatedModel:
    """A classifier whose answer is the text's length / 1000 (so every text gets its own), that can be held busy
    (``gate`` cleared) and made to fail (``error``); records each batch and the thread it ran on."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.threads: list[str] = []
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()
        self.error: Exception | None = None
        self.closed = 0
        self.answered = 0

    def predict(self, texts: list[str]) -> list[Answer]:
        self.batches.append(list(texts))
        self.threads.append(threading.current_thread().name)
        self.entered.set()
        self.gate.wait(GUARD)
        if self.error is not None:
            raise self.error
        self.answered += 1
        return [Answer(len(text) / 1000, "romance") for text in texts]

    def close(self) -> None:
        self.closed += 1


@pytest.fixture
def executor():
    pool = ThreadPoolExecutor(max_workers=1)
    yield pool
    pool.shutdown(wait=False, cancel_futures=True)


async def _until(event: threading.Event) -> None:
    """Wait, without blocking the event loop, until the model thread has set ``event``."""
    for _ in range(GUARD * 100):
        if event.is_set():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the model was never called")


# --- batches ----------------------------------------------------------------------------------------------------

async def test_requests_arriving_together_go_in_batches_of_at_most_32_each_with_its_own_answer(executor):
    model = GatedModel()
    batcher = _OpportunisticBatcher(model, executor)
    texts = ["x" * n for n in range(1, 41)]
    answers = await asyncio.wait_for(asyncio.gather(*(batcher.predict(t) for t in texts)), GUARD)
    assert [len(batch) for batch in model.batches] == [32, 8]
    assert [a.fraud_probability for a in answers] == [n / 1000 for n in range(1, 41)]


async def test_requests_arriving_while_the_model_is_busy_wait_and_go_together_next(executor):
    model = GatedModel()
    model.gate.clear()
    batcher = _OpportunisticBatcher(model, executor)
    first = asyncio.ensure_future(batcher.predict("a"))
    await _until(model.entered)
    later = []
    for n in range(1, 11):  # one at a time, each given the time to start a batch of its own if it could
        later.append(asyncio.ensure_future(batcher.predict("b" * n)))
        for _ in range(3):
            await asyncio.sleep(0)
    model.gate.set()
    await asyncio.wait_for(asyncio.gather(first, *later), GUARD)
    assert model.batches == [["a"], ["b" * n for n in range(1, 11)]]
    again = await asyncio.wait_for(batcher.predict("cc"), GUARD)  # idle again: the next request starts at once
    assert again.fraud_probability == 0.002 and model.batches[-1] == ["cc"]


async def test_when_the_model_fails_every_waiting_request_learns_it_and_later_ones_are_served(executor):
    model = GatedModel()
    model.gate.clear()
    model.error = TimeoutError()
    batcher = _OpportunisticBatcher(model, executor)
    first = asyncio.ensure_future(batcher.predict("a"))
    await _until(model.entered)
    later = [asyncio.ensure_future(batcher.predict("b" * n)) for n in range(1, 4)]
    await asyncio.sleep(0)
    model.gate.set()
    results = await asyncio.wait_for(asyncio.gather(first, *later, return_exceptions=True), GUARD)
    assert [type(r) for r in results] == [TimeoutError] * 4
    assert model.batches == [["a"], ["b", "bb", "bbb"]]  # the failure of one batch did not drop the next
    model.error = None
    assert (await asyncio.wait_for(batcher.predict("cc"), GUARD)).fraud_probability == 0.002


async def test_the_bot_batches_through_the_checker_on_the_models_own_thread():
    model = GatedModel()
    checker = Checker(NoLists(), model)
    try:
        verdicts = await asyncio.wait_for(asyncio.gather(*(checker.check_text(f"{BORROW}{'！' * n}")
                                                           for n in range(5))), GUARD)
    finally:
        checker.close()
    assert [v.fraud_probability for v in verdicts] == [(len(BORROW) + n) / 1000 for n in range(5)]
    assert sorted(t for batch in model.batches for t in batch) == sorted(f"{BORROW}{'！' * n}" for n in range(5))
    assert model.threads and all(name.startswith("fanzha-model") for name in model.threads)
    assert model.closed == 1  # the checker stops its model with it


async def test_closing_the_checker_does_not_wait_for_a_model_that_is_still_busy():
    model = GatedModel()
    model.gate.clear()
    checker = Checker(NoLists(), model)
    waiting = asyncio.ensure_future(checker.check_text(BORROW))
    await _until(model.entered)
    checker.close()  # the bot shutting down while the model is stuck
    assert model.answered == 0 and model.closed == 1
    model.gate.set()
    await asyncio.wait_for(waiting, GUARD)


# --- a model that fails, and comes back -------------------------------------------------------------------------

def _bot_check_records(caplog) -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "bot.check"]


def test_a_failing_model_is_reported_once_until_it_answers_again(caplog):
    model = GatedModel()
    checker = Checker(NoLists(), model)
    caplog.set_level(logging.INFO, logger="bot.check")
    try:
        model.error = TimeoutError("stuck on 老同学借钱")
        down = checker.check_text_sync(BORROW)
        checker.check_text_sync(BORROW)
        checker.check_texts_sync([BORROW, SAFE_ACCOUNT])
        model.error = None
        back = checker.check_text_sync(BORROW)
        checker.check_text_sync(BORROW)
        model.error = ConnectionError()
        [batch] = checker.check_texts_sync([BORROW])
    finally:
        checker.close()
    assert down.skipped_stages == {Stage.MODEL: SkipReason.MODEL_UNAVAILABLE} and down.fraud_probability is None
    assert back.skipped_stages == {} and back.fraud_probability == len(BORROW) / 1000
    assert batch.skipped_stages == {Stage.MODEL: SkipReason.MODEL_UNAVAILABLE}
    assert _bot_check_records(caplog) == [
        ("WARNING", "model unavailable (TimeoutError): verdicts come from rules and lists until it answers again"),
        ("INFO", "model answering again"),
        ("WARNING", "model unavailable (ConnectionError): verdicts come from rules and lists until it answers again"),
    ]
    assert "老同学" not in caplog.text


async def test_the_bot_path_reports_the_failure_once_and_the_recovery(caplog):
    model = GatedModel()
    checker = Checker(NoLists(), model)
    caplog.set_level(logging.INFO, logger="bot.check")
    try:
        model.error = TimeoutError()
        down = await asyncio.wait_for(checker.check_text(BORROW), GUARD)
        await asyncio.wait_for(checker.check_text(SAFE_ACCOUNT), GUARD)
        model.error = None
        back = await asyncio.wait_for(checker.check_text(BORROW), GUARD)  # the failure was not kept as an answer
    finally:
        checker.close()
    assert down.skipped_stages == {Stage.MODEL: SkipReason.MODEL_UNAVAILABLE}
    assert back.skipped_stages == {} and back.risk_level == RiskLevel.LOW and back.fraud_probability is not None
    assert [level for level, _ in _bot_check_records(caplog)] == ["WARNING", "INFO"]
    assert "TimeoutError" in _bot_check_records(caplog)[0][1]


# --- without a model --------------------------------------------------------------------------------------------

async def test_without_a_model_every_api_says_nothing_of_a_model(caplog):
    checker = Checker(NoLists())
    try:
        verdicts = [checker.check_text_sync(SAFE_ACCOUNT), await checker.check_text(SAFE_ACCOUNT),
                    checker.check_texts_sync([SAFE_ACCOUNT])[0]]
    finally:
        checker.close()
    for verdict in verdicts:
        assert verdict.skipped_stages == {} and not verdict.partial
        assert verdict.fraud_probability is None
        assert [e.kind for e in verdict.evidence] == [EvidenceKind.PHRASE]
        assert verdict.risk_level == RiskLevel.SUSPICIOUS
    assert not _bot_check_records(caplog)


async def test_the_bot_path_passes_telegrams_hints_on(caplog):
    from bot.check import CheckHints

    checker = Checker(NoLists())
    try:
        verdict = await checker.check_text("今天天气不错", CheckHints(forward_origin="hidden_user", forward_title="王"))
        number = await checker.check_number("+86 139 1234 5678")
    finally:
        checker.close()
    assert verdict.evidence[0].detail == {"origin": "hidden_user", "title": "王"}
    assert number.input_kind == "number" and number.numbers[0].e164 == "+8613912345678"


# --- stage times ------------------------------------------------------------------------------------------------

def test_each_check_reports_the_time_each_of_its_stages_took():
    model = GatedModel()
    checker = Checker(NoLists(), model)
    try:
        before = time.perf_counter()
        checker.check_text_sync(f"{BORROW}，电话 13800138000 http://a-b.top")
        took = time.perf_counter() - before
    finally:
        checker.close()
    times = checker.last_times
    stages = [times.numbers, times.store, times.rules, times.model]
    assert all(0 <= seconds <= took for seconds in stages)
    assert sum(stages) <= took
