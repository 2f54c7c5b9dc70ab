"""Run every benchmark (``python -m bench.run_all``, ``make bench``); each writes its own file under bench/results/,
then ``bench.latest`` gathers their headlines into bench/results/latest.md."""

from __future__ import annotations

import importlib
import sys

BENCH_MODULES = (
    "bench.blocklist_bench",  # import 1M rows, lookup p50/p99 (SQLite, PostgreSQL)
    "bench.check_bench",      # check latency per stage on real messages
    "bench.model_bench",      # transformer vs TF-IDF throughput/latency/RSS
    "bench.bot_bench",        # updates/s and reply latency through the fake Bot API
    "bench.startup",          # whole-process start-up of the command line
    "bench.attack_latency",   # other users' reply latency while attackers send worst-case messages
    "bench.ocr_bench",        # screenshot reading time, accuracy and the OCR worker's memory
    "bench.latest",           # last: bench/results/latest.md, one page of every headline beside its target
)


def main(argv: list[str] | None = None) -> int:
    failed = 0
    for name in BENCH_MODULES:
        print(f"== {name}", flush=True)
        failed += int(importlib.import_module(name).main([]) != 0)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
