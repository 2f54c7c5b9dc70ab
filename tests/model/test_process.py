"""The classifier in a child process answers like the classifier itself, fails loudly, and recovers by itself.

The supervision tests run real child processes that load a stand-in model (``process_fakes``): killing,
stopping and failing children is what they test, not the model. They wait by polling with generous deadlines
and assert what happened, not how fast, so a busy machine slows them down without failing them.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

import pytest
from process_fakes import counted_load

from nlp.classifier import FraudClassifier, ModelNotFoundError, build_model, read_model_spec
from nlp.process import ModelUnavailable, ProcessClassifier

T = TypeVar("T")

TEXTS = ["妈，我今晚回家吃饭", "您好，我是公安局的，您涉嫌洗钱，请把资金转到安全账户", "刷单返利日结", "好的"]


def tiny_classifier(base: str, labels: tuple[str, ...]) -> FraudClassifier:
    """Built the same way in the parent and in the child (seeded), so their answers must agree."""
    import torch

    torch.manual_seed(3)
    model, tokenizer = build_model(Path(base), {"num_layers": 2, "labels": list(labels)})
    torch.nn.init.normal_(model.classifier.weight, std=1.0)
    return FraudClassifier(model, tokenizer, labels)


def missing_model() -> FraudClassifier:
    return read_model_spec(Path("/nonexistent/fanzha-model"))  # raises ModelNotFoundError


@pytest.fixture(scope="module")
def remote(tiny_base, labels):
    classifier = ProcessClassifier(functools.partial(tiny_classifier, str(tiny_base), tuple(labels)),
                                   backoff_initial=0.1)
    yield classifier
    classifier.close()


def test_child_answers_like_the_classifier_in_process(remote, tiny_base, labels):
    local = tiny_classifier(str(tiny_base), tuple(labels)).predict(TEXTS)
    answered = remote.predict(TEXTS)
    assert [p.label for p in answered] == [p.label for p in local]
    assert [p.category_key for p in answered] == [p.category_key for p in local]
    for a, b in zip(answered, local, strict=True):
        assert a.fraud_probability == pytest.approx(b.fraud_probability, abs=1e-6)
    assert remote.child_pid() not in (None, os.getpid())
    assert "FraudClassifier" in repr(remote)


def test_a_missing_model_fails_at_start_with_its_own_error():
    with pytest.raises(ModelNotFoundError, match="no fine-tuned model"):
        ProcessClassifier(missing_model)


def test_a_killed_child_is_replaced_by_one_that_answers_the_same(remote):
    before = remote.predict(["刷单返利日结"])
    pid = remote.child_pid()
    os.kill(pid, signal.SIGKILL)
    after = eventually(lambda: remote.predict(["刷单返利日结"]))
    assert remote.child_pid() not in (None, pid)
    assert after[0].fraud_probability == pytest.approx(before[0].fraud_probability, abs=1e-6)


def test_closed_classifier_refuses_work(tiny_base, labels):
    classifier = ProcessClassifier(functools.partial(tiny_classifier, str(tiny_base), tuple(labels)))
    classifier.close()
    with pytest.raises(RuntimeError, match="closed"):
        classifier.predict(["好的"])


# -- supervision: real children, a stand-in model --------------------------------------------------------

DEADLINE = 90.0
"""Seconds to wait for something that takes about one second on an idle machine."""


def eventually(attempt: Callable[[], T], deadline: float = DEADLINE) -> T:
    """``attempt()``'s result once it stops raising ``ModelUnavailable``."""
    give_up = time.monotonic() + deadline
    while True:
        try:
            return attempt()
        except ModelUnavailable:
            if time.monotonic() > give_up:
                raise
            time.sleep(0.1)


def wait_until(condition: Callable[[], bool], deadline: float = DEADLINE) -> None:
    give_up = time.monotonic() + deadline
    while not condition():
        assert time.monotonic() < give_up, "gave up waiting"
        time.sleep(0.05)


def gone(pid: int) -> bool:
    """True once no process has this id (a stopped or zombie child still has one)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def in_thread(call: Callable[[], Any], deadline: float = DEADLINE) -> tuple[bool, float]:
    """Run ``call`` on another thread: (whether it returned within ``deadline``, seconds it took)."""
    started = time.monotonic()
    done = threading.Event()

    def run() -> None:
        call()
        done.set()

    threading.Thread(target=run, daemon=True).start()
    returned = done.wait(deadline)
    return returned, time.monotonic() - started


@pytest.fixture
def supervised(tmp_path: Path) -> Iterator[Callable[..., ProcessClassifier]]:
    """Build ``ProcessClassifier``s over ``counted_load`` (loads counted in tmp_path/loads), closed at the end."""
    built: list[ProcessClassifier] = []

    def build(*, load: dict[str, Any] | None = None, **options: Any) -> ProcessClassifier:
        factory = functools.partial(counted_load, str(tmp_path / "loads"), **(load or {}))
        classifier = ProcessClassifier(factory, **{"backoff_initial": 0.1, "backoff_max": 0.5, **options})
        built.append(classifier)
        return classifier

    yield build
    for classifier in built:
        in_thread(classifier.close, 30.0)


@pytest.fixture
def stop() -> Iterator[Callable[[int], None]]:
    """SIGSTOP a process; each one stopped is SIGKILLed at the end, so a failing test cannot hang the run."""
    stopped: list[int] = []

    def stop_(pid: int) -> None:
        stopped.append(pid)
        os.kill(pid, signal.SIGSTOP)

    yield stop_
    for pid in stopped:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def loads(tmp_path: Path) -> int:
    return int((tmp_path / "loads").read_text())


@pytest.mark.timeout(300)
def test_after_a_kill_predict_refuses_at_once_and_the_model_comes_back(supervised, tmp_path):
    gate = tmp_path / "gate"
    classifier = supervised(load={"gate": str(gate)}, batch_timeout=120.0)
    first = classifier.child_pid()
    assert classifier.predict(["好的", "安全账户"])[1].pid == first
    os.kill(first, signal.SIGKILL)

    # The replacement cannot finish loading until the gate opens: whatever predict does, it must not wait
    # for it, nor for the batch timeout.
    started = time.monotonic()
    with pytest.raises(ModelUnavailable):
        classifier.predict(["好的"])
    assert time.monotonic() - started < 60.0
    wait_until(lambda: loads(tmp_path) == 2)
    assert not classifier.ready
    with pytest.raises(ModelUnavailable, match="restarting"):
        classifier.predict(["好的"])

    gate.touch()
    answers = eventually(lambda: classifier.predict(["好的", "安全账户"]))
    assert [a.length for a in answers] == [2, 4]
    assert answers[0].pid not in (first, os.getpid())
    assert classifier.ready and classifier.restarts == 1 and classifier.failed_loads == 0


@pytest.mark.timeout(300)
@pytest.mark.parametrize("shut_before_submit", [True, False], ids=["refused", "cancelled"])
def test_a_batch_caught_by_the_supervisors_shutdown_is_model_unavailable(supervised, monkeypatch,
                                                                         shut_before_submit):
    """The child dies and the supervisor shuts its pool down just as a batch goes in: the batch is refused
    or cancelled by the pool. Either way the caller hears ``ModelUnavailable`` (and answers from rules), not
    a ``CancelledError`` or "cannot schedule new futures" that would fail the user's check."""
    classifier = supervised()
    first = classifier.child_pid()
    pool = classifier._pool
    submit = pool.submit

    def submit_as_the_supervisor_shuts_down(*args: Any, **kwargs: Any) -> Any:
        os.kill(first, signal.SIGKILL)
        wait_until(lambda: classifier._pool is not pool)  # the supervisor took the pool out and shut it down
        if shut_before_submit:
            return submit(*args, **kwargs)  # refused: "cannot schedule new futures after shutdown"
        cancelled: Future[Any] = Future()
        cancelled.cancel()  # what shutdown(cancel_futures=True) does to a batch the child had not taken yet
        return cancelled

    monkeypatch.setattr(pool, "submit", submit_as_the_supervisor_shuts_down)
    with pytest.raises(ModelUnavailable):
        classifier.predict(["好的"])
    answers = eventually(lambda: classifier.predict(["安全账户"]))
    assert answers[0].pid not in (first, os.getpid())


@pytest.mark.timeout(300)
def test_replacements_that_die_or_fail_while_loading_do_not_stop_recovery(supervised, tmp_path):
    gate = tmp_path / "gate"
    classifier = supervised(load={"die_on": (2,), "fail_on": (3,), "gate": str(gate), "gated_from": 4})
    first = classifier.child_pid()
    os.kill(first, signal.SIGKILL)

    wait_until(lambda: classifier.failed_loads == 2)  # load 2 was SIGKILLed, load 3 raised
    with pytest.raises(ModelUnavailable):
        classifier.predict(["好的"])
    assert not classifier.ready

    gate.touch()  # load 4 may finish
    answers = eventually(lambda: classifier.predict(["好的"]))
    assert answers[0].pid not in (first, os.getpid())
    assert loads(tmp_path) == 4
    assert classifier.restarts == 1 and classifier.failed_loads == 2


@pytest.mark.timeout(300)
def test_a_stopped_child_is_killed_after_the_batch_timeout_and_replaced(supervised, stop):
    classifier = supervised(batch_timeout=3.0, text_timeout=0.0)
    stopped = classifier.child_pid()
    stop(stopped)

    with pytest.raises(ModelUnavailable, match="in time"):
        classifier.predict(["好的"])
    wait_until(lambda: gone(stopped))  # SIGKILLed and reaped, not left stopped
    answers = eventually(lambda: classifier.predict(["好的"]))
    assert answers[0].pid not in (stopped, os.getpid())
    assert classifier.restarts == 1


@pytest.mark.timeout(300)
def test_close_during_backoff_returns_promptly_and_stops_restarting(supervised, tmp_path):
    existing = set(threading.enumerate())
    classifier = supervised(backoff_initial=120.0, backoff_max=120.0)
    os.kill(classifier.child_pid(), signal.SIGKILL)
    wait_until(lambda: not classifier.ready)  # a child that died young: 120 s before the next attempt

    returned, took = in_thread(classifier.close, 60.0)
    assert returned and took < 60.0
    assert not [t for t in threading.enumerate() if t not in existing and t.name == "fanzha-model-supervisor"]
    with pytest.raises(RuntimeError, match="closed"):
        classifier.predict(["好的"])
    assert loads(tmp_path) == 1


@pytest.mark.timeout(300)
def test_close_with_a_stopped_child_returns_and_the_child_is_gone(supervised, stop):
    classifier = supervised(close_grace=1.0)
    stopped = classifier.child_pid()
    stop(stopped)

    returned, _ = in_thread(classifier.close, 60.0)
    assert returned
    wait_until(lambda: gone(stopped))
