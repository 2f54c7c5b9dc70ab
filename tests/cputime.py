"""CPU time of one call, for tests that bound a cost per character."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def cpu_seconds(call: Callable[[], T]) -> tuple[T, float]:
    """``call()``'s result and the CPU seconds it took, with the garbage collector held off: in a long test
    run the heap holds whole models, and a full collection landing inside the call (half a second, seen once
    in CI) is the test process's cost, not the call's."""
    gc.disable()
    try:
        started = time.process_time()
        result = call()
        return result, time.process_time() - started
    finally:
        gc.enable()
