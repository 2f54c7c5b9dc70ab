"""How a big import spreads its hand-written numbers over worker processes, as the server's operator sees it:
how many processes start on how many cores, that they are started fresh (never forked from the bot's threads),
and that an import still completes where no process can be started.

The pool here stands in for ``ProcessPoolExecutor`` and runs the work in this process, pickling it both ways
as a real worker would: the real processes are tested in test_csvfiles_keys_and_rows.py.
"""

from __future__ import annotations

import concurrent.futures
import os
import pickle
from collections.abc import Callable, Iterable
from concurrent.futures.process import BrokenProcessPool
from typing import Any, ClassVar

import pytest

from bot.store import csvfiles
from bot.store.csvfiles import parse_blocklist_csv

# Hand-written numbers: none is in canonical form, so every one goes to the workers; "12" is no number.
WRITTEN = ["138 0013 8000", "139-0013-9000", "(0755) 8888 8888", "12", "+44 (0)7400 123456", "0086 170 1234 5678"]
TEXT = "number,category\n" + "".join(f"{w},other\n" for w in WRITTEN)
EXPECTED_ROWS = [(2, "+8613800138000"), (3, "+8613900139000"), (4, "+8675588888888"), (6, "+447400123456"),
                 (7, "+8617012345678")]


class _Pool:
    """Records how each pool was made; runs each chunk here, through pickle as a process boundary would."""

    made: ClassVar[list[dict[str, Any]]] = []
    fail: ClassVar[type[Exception] | None] = None

    def __init__(self, max_workers: int | None = None, mp_context: Any = None) -> None:
        if _Pool.fail is not None:
            raise _Pool.fail("no worker processes here")
        _Pool.made.append({"max_workers": max_workers, "mp_context": mp_context})

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map(self, fn: Callable[[Any], Any], chunks: Iterable[Any]) -> list[Any]:
        return [pickle.loads(pickle.dumps(fn(pickle.loads(pickle.dumps(chunk))))) for chunk in chunks]


@pytest.fixture
def pool(monkeypatch):
    monkeypatch.setattr(_Pool, "made", [])
    monkeypatch.setattr(_Pool, "fail", None)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", _Pool)
    monkeypatch.setattr(csvfiles, "PARALLEL_THRESHOLD", len(WRITTEN))
    return _Pool


def _imported(text: str = TEXT) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    parsed = parse_blocklist_csv(text)
    return [(r.line, r.number_key) for r in parsed.rows], [(e.line, e.key) for e in parsed.errors]


@pytest.mark.parametrize(("cores", "workers"), [(2, 2), (4, 4), (16, 8), (64, 8)])
def test_a_big_import_starts_one_fresh_worker_per_core_and_at_most_eight(pool, monkeypatch, cores, workers):
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert _imported() == (EXPECTED_ROWS, [(5, "bad_number")])
    [made] = pool.made
    assert made["max_workers"] == workers
    # Started fresh: forking the bot, whose other threads may hold locks, can hang a worker.
    assert made["mp_context"].get_start_method() == "spawn"


@pytest.mark.parametrize("cores", [1, None])
def test_on_one_core_or_an_unknown_count_a_big_import_stays_in_the_bots_process(pool, monkeypatch, cores):
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert _imported() == (EXPECTED_ROWS, [(5, "bad_number")])
    assert pool.made == []


def test_workers_start_from_as_many_hand_written_numbers_as_the_threshold(pool, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(csvfiles, "PARALLEL_THRESHOLD", len(WRITTEN) + 1)
    assert _imported() == (EXPECTED_ROWS, [(5, "bad_number")])
    assert pool.made == []  # one short of the threshold: not worth starting processes
    monkeypatch.setattr(csvfiles, "PARALLEL_THRESHOLD", len(WRITTEN))
    assert _imported() == (EXPECTED_ROWS, [(5, "bad_number")])
    assert len(pool.made) == 1


def test_numbers_already_in_canonical_form_never_start_workers(pool, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    text = "number,category\n" + "".join(f"+86138001380{i:02d},other\n" for i in range(len(WRITTEN) * 2))
    rows, errors = _imported(text)
    assert len(rows) == len(WRITTEN) * 2 and errors == []
    assert pool.made == []


@pytest.mark.parametrize("failure", [OSError, BrokenProcessPool])
def test_where_no_worker_process_can_start_the_import_completes_in_the_bots_process(pool, monkeypatch, failure):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(_Pool, "fail", failure)
    assert _imported() == (EXPECTED_ROWS, [(5, "bad_number")])
