"""Hypothesis profiles for the fuzz suite.

``ci`` (the default, what ``make test`` runs): a fixed number of examples per test, ≥ 10,000 in all, no
deadline per example (a loaded CI machine must not turn into flaky failures; the cost bounds are asserted
separately, in CPU time per character). ``large``: ten times as many, for a run before a release —
``FANZHA_FUZZ=large .venv/bin/pytest tests/fuzz``. The database of found examples is off and generation is
derandomised, so every run tries the same inputs and a failure is reproducible from the printed example.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

SCALE = {"ci": 1, "large": 10}[os.environ.get("FANZHA_FUZZ", "ci")]
settings.register_profile("fanzha", deadline=None, database=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                 HealthCheck.function_scoped_fixture])
settings.load_profile("fanzha")


def examples(n: int) -> int:
    """``n`` examples in CI, ``10 n`` with ``FANZHA_FUZZ=large``."""
    return n * SCALE
