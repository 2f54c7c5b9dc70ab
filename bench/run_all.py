"""Run every benchmark (``python -m bench.run_all``); each writes its own file under bench/results/."""

from __future__ import annotations

import importlib
import sys

BENCH_MODULES = (
    "bench.blocklist_bench",
)


def main(argv: list[str] | None = None) -> int:
    failed = 0
    for name in BENCH_MODULES:
        print(f"== {name}", flush=True)
        failed += int(importlib.import_module(name).main([]) != 0)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
