"""A classifier in a child process of its own, for callers whose own threads keep the GIL busy.

Why: torch releases the GIL inside each operator but takes it back between operators. In the bot, the event
loop (PTB, HTTP, SQLite, rules) holds the GIL much of the time, so a model *thread* waited for it between
every operator and ran at about half speed (66 → 35 msg/s beside a Python thread 60 % busy; 31 msg/s inside
the bot under load, where the same batches take half the time alone). A child process has its own GIL and
uses the second core fully. Texts go in and small ``Prediction`` dataclasses come back (a few hundred bytes
each), so the hand-over costs far less than the forward pass.

``ProcessClassifier(factory)`` calls ``factory()`` in the child (e.g. ``functools.partial(
load_shipped_classifier, model_dir)``), waits for it so a missing model fails at start-up with its own
error, and then answers ``predict`` like the classifier itself. ``spawn`` is used, not ``fork``: the parent
runs threads and an event loop, which a forked child would inherit half-copied.

The child is supervised, because a bot that must be restarted by hand after one out-of-memory kill stops
protecting anyone until somebody notices:

- A batch that is not answered within its timeout (a stuck or SIGSTOPped child) gets the child SIGKILLed —
  SIGTERM would stay pending in a stopped process — and counts as a death.
- When the child dies, ``predict`` raises ``ModelUnavailable`` at once instead of waiting for a new child
  to load (≈ 10 s): the caller answers from rules and lists meanwhile, saying the model was not consulted.
- A supervisor thread starts a new child in the background and keeps trying, forever, with exponential
  backoff (1 s doubling up to 60 s by default) while loads fail or new children die young, so a model that
  cannot fit in memory is not reloaded in a tight loop. A child that served for the backoff cap before it
  died is replaced at once. Once a new child has loaded, ``predict`` works again.
- ``ready``, ``restarts`` and ``failed_loads`` tell a health check whether the model is answering and how
  often it had to be replaced.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.process import BaseProcess
from typing import Any

log = logging.getLogger(__name__)

LOAD_TIMEOUT_SECONDS = 600.0
"""Loading the model in the child: importing torch and reading the base encoder, ≈ 10 s on a warm disk."""

BATCH_TIMEOUT_SECONDS = 10.0
"""Fixed part of a batch's time limit. The first pass after a load is slower (lazy kernel set-up) and the
2 shared cores may be busy with other work for a few seconds; a healthy child must never be killed for
that, since replacing it costs a reload during which no text is read by the model."""

TEXT_TIMEOUT_SECONDS = 0.25
"""Per-text part of a batch's time limit: a text costs ≈ 8 ms in float32 (``bench/results/model.md``, median
18 characters) and up to a few times that at the 128-token limit; 0.25 s is about ten times the worst seen,
so a batch of 32 (the checker's largest) gets 18 s and a batch of 256 (the batch CLI's) 74 s."""

BACKOFF_INITIAL_SECONDS = 1.0
"""Wait before the first retry after a failed load or a child that died young; doubled per failure."""

BACKOFF_MAX_SECONDS = 60.0
"""Longest wait between attempts; also how long a child must have served for its death to restart at once."""

CLOSE_GRACE_SECONDS = 5.0
"""How long ``close`` lets the child finish its batch and exit before it is killed."""

_classifier: Any = None  # in the child: the loaded classifier


def _load(factory: Callable[[], Any]) -> str:
    global _classifier
    _classifier = factory()
    return repr(_classifier)


def _predict(texts: list[str]) -> list[Any]:
    if _classifier is None:
        raise RuntimeError("the model process has no classifier loaded")
    return _classifier.predict(texts)


class ModelUnavailable(RuntimeError):
    """The model process is dead, stuck or still loading a replacement: answer without the model for now."""


class _Closed(Exception):
    """Raised inside the supervisor when ``close`` interrupts a load."""


class ProcessClassifier:
    """``predict`` runs in a child process that is replaced when it dies; see the module docstring for why.

    Not for concurrent callers: one thread at a time (the checker's model thread) hands it batches.
    ``close`` may come from any thread.
    """

    def __init__(self, factory: Callable[[], Any], *, load_timeout: float = LOAD_TIMEOUT_SECONDS,
                 batch_timeout: float = BATCH_TIMEOUT_SECONDS, text_timeout: float = TEXT_TIMEOUT_SECONDS,
                 backoff_initial: float = BACKOFF_INITIAL_SECONDS, backoff_max: float = BACKOFF_MAX_SECONDS,
                 close_grace: float = CLOSE_GRACE_SECONDS) -> None:
        self._factory = factory
        self._load_timeout = load_timeout
        self._batch_timeout = batch_timeout
        self._text_timeout = text_timeout
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._close_grace = close_grace
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._pool: ProcessPoolExecutor | None = None  # None while no loaded child answers
        self._process: BaseProcess | None = None  # the serving child, dead or alive, until replaced
        self._started_at = 0.0
        self._loading: BaseProcess | None = None  # a child still loading, for ``close`` to kill
        self.description = ""
        self.restarts = 0
        """Replacement children that loaded since start-up."""
        self.failed_loads = 0
        """Replacement children that died or failed while loading."""
        self._pool, self._process, self.description = self._spawn()  # a missing model fails here, loudly
        self._started_at = time.monotonic()
        self._supervisor = threading.Thread(target=self._supervise, name="fanzha-model-supervisor", daemon=True)
        self._supervisor.start()

    @property
    def ready(self) -> bool:
        """True while a loaded child is there to answer (it may still turn out dead at the next batch)."""
        return self._pool is not None and not self._closing.is_set()

    def batch_timeout(self, size: int) -> float:
        """Seconds a batch of ``size`` texts may take before the child is deemed stuck and killed."""
        return self._batch_timeout + self._text_timeout * size

    def predict(self, texts: Sequence[str]) -> list[Any]:
        """The classifier's answers, or ``ModelUnavailable`` at once when no child can answer."""
        texts = list(texts)
        with self._lock:
            if self._closing.is_set():
                raise RuntimeError("the model process is closed")
            pool, process = self._pool, self._process
        if pool is None or process is None:
            raise ModelUnavailable("the model process is restarting")
        timeout = self.batch_timeout(len(texts))
        try:
            return pool.submit(_predict, texts).result(timeout=timeout)
        except BrokenProcessPool as exc:
            self._lost(pool, process, "the model process died")
            raise self._unavailable("the model process died; a new one is starting") from exc
        except TimeoutError as exc:
            self._lost(pool, process, f"the model process did not answer {len(texts)} texts in {timeout:.0f} s")
            raise self._unavailable("the model process did not answer in time; a new one is starting") from exc
        except (CancelledError, RuntimeError) as exc:
            # The supervisor saw the child die and shut its pool down after we took the pool: the batch was
            # cancelled, or could not be queued ("cannot schedule new futures after shutdown").
            if isinstance(exc, RuntimeError) and pool is self._pool:
                raise  # raised by the classifier in a live child: not a death
            self._lost(pool, process, "the model process died")
            raise self._unavailable("the model process died; a new one is starting") from exc

    def child_pid(self) -> int | None:
        """The serving child's process id (for tests and operators), or None when none is loaded."""
        process = self._process
        return process.pid if process is not None and self._pool is not None else None

    def close(self) -> None:
        """Stop the supervisor and the child; returns within about ``close_grace`` seconds whatever state
        the child is in (busy, stopped, loading)."""
        with self._lock:
            if self._closing.is_set():
                return
            self._closing.set()
            pool, process, loading = self._pool, self._process, self._loading
            self._pool = None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)  # the child exits after its current batch
        if process is not None:
            process.join(self._close_grace)
            _kill(process)
        if loading is not None:
            _kill(loading)
        self._supervisor.join(self._close_grace)

    def __repr__(self) -> str:
        return f"ProcessClassifier({self.description})"

    # -- supervision -----------------------------------------------------------------------------------
    def _unavailable(self, message: str) -> RuntimeError:
        return RuntimeError("the model process is closed") if self._closing.is_set() else ModelUnavailable(message)

    def _lost(self, pool: ProcessPoolExecutor, process: BaseProcess, reason: str) -> None:
        """Take a dead or stuck child out of service; the supervisor sees it go and starts another."""
        with self._lock:
            if self._pool is not pool:  # already replaced or closed
                return
            self._pool = None
        log.error("%s; killing it (pid %s) and starting a new one", reason, process.pid)
        _kill(process)
        pool.shutdown(wait=False, cancel_futures=True)

    def _spawn(self) -> tuple[ProcessPoolExecutor, BaseProcess, str]:
        """A new child with the classifier loaded in it; raises what loading raised."""
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        process: BaseProcess | None = None
        try:
            future = pool.submit(_load, self._factory)
            process = next(iter(pool._processes.values()))  # spawned by submit; the pool keeps no other handle
            with self._lock:
                if self._closing.is_set():
                    raise _Closed
                self._loading = process
            description = future.result(timeout=self._load_timeout)
        except BaseException:
            if process is not None:
                _kill(process)
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            with self._lock:
                self._loading = None
        return pool, process, description

    def _supervise(self) -> None:
        """Wait for the child to die, then replace it, with backoff while replacements keep failing."""
        failures = 0  # failed loads and young deaths since a child last served for ``backoff_max``
        while not self._closing.is_set():
            process = self._process
            if process is not None:
                _wait_for_exit(process, self._closing)
                if self._closing.is_set():
                    return
                served = time.monotonic() - self._started_at
                with self._lock:
                    pool, self._pool, self._process = self._pool, None, None
                if pool is not None:
                    pool.shutdown(wait=False, cancel_futures=True)
                    process.join(1.0)  # reaped, for its exit code (−9: SIGKILL, e.g. out of memory)
                    log.error("the model process (pid %s) ended with exit code %s after %.0f s; starting a new one",
                              process.pid, process.exitcode, served)
                failures = 0 if served >= self._backoff_max else failures + 1
            if failures and self._closing.wait(min(self._backoff_initial * 2 ** (failures - 1), self._backoff_max)):
                return
            try:
                pool, process, description = self._spawn()
            except _Closed:
                return
            except Exception as exc:  # any failed load is retried, whatever it was
                if self._closing.is_set():
                    return
                failures += 1
                self.failed_loads += 1
                log.error("a new model process failed to load (%s); next attempt in %.0f s", type(exc).__name__,
                          min(self._backoff_initial * 2 ** (failures - 1), self._backoff_max))
                continue
            with self._lock:
                if self._closing.is_set():
                    closed_meanwhile = True
                else:
                    closed_meanwhile = False
                    self._pool, self._process, self.description = pool, process, description
                    self._started_at = time.monotonic()
                    self.restarts += 1
            if closed_meanwhile:
                pool.shutdown(wait=False, cancel_futures=True)
                _kill(process)
                return
            log.warning("a new model process (pid %s) is loaded; the model answers again", process.pid)


def _wait_for_exit(process: BaseProcess, closing: threading.Event) -> None:
    """Block until ``process`` exits; ``close`` kills it, so this also ends on close."""
    while not closing.is_set():
        try:
            if multiprocessing.connection.wait([process.sentinel], timeout=1.0):
                return
        except (OSError, ValueError):  # the sentinel is gone: so is the process
            return


def _kill(process: BaseProcess) -> None:
    """SIGKILL (reaches a stopped process too) and reap, unless it has already gone."""
    try:
        if process.exitcode is None:
            process.kill()
        process.join(5.0)
    except (OSError, ValueError, AssertionError):  # already reaped or closed
        pass
