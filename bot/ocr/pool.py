"""``OcrPool``: screenshots read in worker processes, so the bot's event loop and its text checks never wait
behind a picture.

Reading a screenshot costs seconds of CPU (bench/results/ocr.md); a text check costs milliseconds. Run in the bot's
process the two would share the GIL and a text check could wait behind a picture; in a worker process they only
share the cores. Each worker loads the recogniser once, when it starts, and keeps it.

The queue is bounded (``max_pending``): when that many reads are already waiting or running, ``read`` refuses
at once with ``OcrBusy`` rather than letting a burst of albums queue minutes of work. A worker that dies (killed
by the OOM killer, a crash in native code on a crafted file) is replaced and the reads it had are tried once more
in the new one: a read fails (``OcrFailed``) only when the picture killed two workers in a row.

Workers are started with "spawn", never "fork": the bot's process has threads (the event loop's executor, the
model's), and a forked child inherits their locks in whatever state they were.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from bot.ocr import OcrResult, PictureError


class OcrBusy(PictureError):
    """``max_pending`` reads are already queued: try again later (refused at once, nothing was read)."""

    def __init__(self, pending: int) -> None:
        super().__init__("busy", f"{pending} pictures are already being read")


class OcrFailed(PictureError):
    """The workers reading this picture died twice (the picture itself is the likely cause); the pool has
    replaced them, the next picture is read normally."""

    def __init__(self, detail: str = "") -> None:
        super().__init__("failed", detail)


def _warm_up(threads: int | None = None) -> None:
    """Worker start-up: build the recogniser now (with ``threads`` intra-op threads), so the first picture does
    not pay for it."""
    from bot.ocr.reader import engine, use_threads

    use_threads(threads)
    engine()


def _set_threads(threads: int | None = None) -> None:
    """Worker start-up without warming: the thread count only (the engine is built by the first read)."""
    from bot.ocr.reader import use_threads

    use_threads(threads)


def _read_in_worker(data: bytes) -> tuple[str, Any, float, float]:
    """(``"ok"``, result, wall seconds, CPU seconds) or (``"error"``, (reason, detail), …): a ``PictureError``
    crosses the process boundary as plain values (its pickled form would lose ``reason``)."""
    from bot.ocr.reader import read_image

    started, cpu = time.perf_counter(), time.process_time()
    try:
        result: Any = read_image(data)
        kind = "ok"
    except PictureError as exc:
        detail = str(exc).split(": ", 1)[1] if ": " in str(exc) else ""
        result, kind = (exc.reason, detail), "error"
    except Exception as exc:  # a fault in the recogniser on this picture: the caller gets a PictureError
        result, kind = ("failed", f"{type(exc).__name__}: {exc}"[:300]), "error"
    return kind, result, time.perf_counter() - started, time.process_time() - cpu


def _worker_pid() -> int:
    return os.getpid()


class OcrPool:
    """Reads screenshots in ``workers`` processes, at most ``max_pending`` at a time (running + waiting)."""

    def __init__(self, workers: int = 1, max_pending: int = 4, *,
                 on_read: Callable[[float], None] | None = None, warm: bool = True,
                 threads: int | None = None) -> None:
        if workers < 1 or max_pending < 1:
            raise ValueError("workers and max_pending must be at least 1")
        self.workers = workers
        self.max_pending = max_pending
        self.on_read = on_read
        self.last_seconds: float | None = None
        """Wall seconds the worker spent on the last picture read (queueing excluded)."""
        self.last_cpu_seconds: float | None = None
        self._warm = warm
        self.threads = threads
        """Intra-op threads of each worker's engine (None: ``bot.ocr.reader.OCR_THREADS``)."""
        self._pending = 0
        self._lock = threading.Lock()
        self._executor: concurrent.futures.ProcessPoolExecutor | None = None
        self._closed = False

    @property
    def pending(self) -> int:
        """Reads waiting or running now."""
        return self._pending

    @property
    def busy(self) -> bool:
        """A new read would be refused now (``max_pending`` reads are queued)."""
        return self._pending >= self.max_pending

    def _pool(self) -> concurrent.futures.ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise RuntimeError("OcrPool is closed")
            if self._executor is None:
                self._executor = concurrent.futures.ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                    initializer=_warm_up if self._warm else _set_threads, initargs=(self.threads,))
            return self._executor

    def _replace(self, broken: concurrent.futures.ProcessPoolExecutor) -> None:
        """Drop a pool whose worker died; the next read starts a fresh one (only once per breakage)."""
        with self._lock:
            if self._executor is broken:
                self._executor = None
        broken.shutdown(wait=False, cancel_futures=True)

    def _claim(self) -> None:
        with self._lock:
            if self._pending >= self.max_pending:
                raise OcrBusy(self._pending)
            self._pending += 1

    def _release(self) -> None:
        with self._lock:
            self._pending -= 1

    def _finish(self, outcome: tuple[str, Any, float, float]) -> OcrResult:
        kind, value, seconds, cpu = outcome
        self.last_seconds, self.last_cpu_seconds = seconds, cpu
        if self.on_read is not None:
            self.on_read(seconds)
        if kind == "error":
            reason, detail = value
            raise PictureError(reason, detail)
        return value

    async def read(self, data: bytes) -> OcrResult:
        """The picture's text (``bot.ocr.reader.read_image`` in a worker); ``OcrBusy`` at once when full.

        A read whose worker dies is tried once more in a fresh pool. So is a read that was still waiting when
        another read found the worker dead and shut that pool down (its future is cancelled, or the pool refuses
        it): the picture was not at fault, and the user should not get an error for another picture's crash.
        """
        self._claim()
        try:
            for attempt in (1, 2):
                executor = self._pool()
                try:
                    future = executor.submit(_read_in_worker, data)
                    outcome = await asyncio.wrap_future(future)
                    break
                except RuntimeError as exc:  # BrokenProcessPool, or a pool another read has just shut down
                    self._lost(executor, attempt, exc)
                except asyncio.CancelledError:
                    task = asyncio.current_task()
                    if task is not None and task.cancelling():
                        raise  # this read itself was cancelled
                    self._lost(executor, attempt, None)
            return self._finish(outcome)
        finally:
            self._release()

    def read_sync(self, data: bytes) -> OcrResult:
        """``read`` for callers without an event loop (the command line, the benchmark)."""
        return asyncio.run(self.read(data))

    def _lost(self, executor: concurrent.futures.ProcessPoolExecutor, attempt: int,
              exc: BaseException | None) -> None:
        """After a read lost its worker: replace the pool, and give up on the second attempt."""
        if self._closed:
            raise RuntimeError("OcrPool is closed") from exc
        self._replace(executor)
        if attempt == 2:
            raise OcrFailed("the reading process died twice on this picture") from exc

    def worker_pids(self) -> list[int]:
        """The live workers' process ids (for the metrics and the tests); starts the pool if needed."""
        executor = self._pool()
        executor.submit(_worker_pid).result()
        return sorted(p.pid for p in (executor._processes or {}).values() if p.pid is not None)

    def close(self) -> None:
        """Stop the workers (reads in flight are cancelled)."""
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
