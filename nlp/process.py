"""A classifier in a child process of its own, for callers whose own threads keep the GIL busy.

Why: torch releases the GIL inside each operator but takes it back between operators. In the bot, the event
loop (PTB, HTTP, SQLite, rules) holds the GIL much of the time, so a model *thread* waited for it between
every operator and ran at about half speed (66 → 35 msg/s beside a Python thread 60 % busy; 31 msg/s inside
the bot under load, where the same batches take half the time alone). A child process has its own GIL and
uses the second core fully. Texts go in and small ``Prediction`` dataclasses come back (a few hundred bytes
each), so the hand-over costs far less than the forward pass.

``ProcessClassifier(factory)`` calls ``factory()`` in the child (e.g. ``functools.partial(
load_shipped_classifier, model_dir)``), waits for it so a missing model fails at start-up with its own
error, and then answers ``predict`` like the classifier itself. If the child dies (killed, out of memory),
the next call starts a new one and retries once. ``spawn`` is used, not ``fork``: the parent runs threads
and an event loop, which a forked child would inherit half-copied.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

log = logging.getLogger(__name__)

LOAD_TIMEOUT_SECONDS = 600.0
"""Loading the model in the child: importing torch and reading the base encoder, ≈ 10 s on a warm disk."""

_classifier: Any = None  # in the child: the loaded classifier


def _load(factory: Callable[[], Any]) -> str:
    global _classifier
    _classifier = factory()
    return repr(_classifier)


def _predict(texts: list[str]) -> list[Any]:
    if _classifier is None:
        raise RuntimeError("the model process has no classifier loaded")
    return _classifier.predict(texts)


class ProcessClassifier:
    """``predict`` runs in a child process; see the module docstring for why. Not for concurrent callers:
    one thread at a time (the checker's model thread) hands it batches."""

    def __init__(self, factory: Callable[[], Any], *, load_timeout: float = LOAD_TIMEOUT_SECONDS) -> None:
        self._factory = factory
        self._load_timeout = load_timeout
        self._pool: ProcessPoolExecutor | None = None
        self.description = ""
        self._start()

    def _start(self) -> None:
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        try:
            self.description = self._pool.submit(_load, self._factory).result(timeout=self._load_timeout)
        except BaseException:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
            raise

    def predict(self, texts: Sequence[str]) -> list[Any]:
        if self._pool is None:
            raise RuntimeError("the model process is closed")
        try:
            return self._pool.submit(_predict, list(texts)).result()
        except BrokenProcessPool:
            log.error("the model process died; starting a new one")
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._start()
            return self._pool.submit(_predict, list(texts)).result()

    def child_pid(self) -> int | None:
        """The child's process id (for tests and operators), or None when none is running."""
        processes = getattr(self._pool, "_processes", None) or {}
        return next(iter(processes), None)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __repr__(self) -> str:
        return f"ProcessClassifier({self.description})"
