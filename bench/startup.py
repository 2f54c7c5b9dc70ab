"""Whole-process start-up time of commands that need no model (``python -m bench.startup``).

Each command is run as a fresh ``python -m bot.cli …`` process, as a user or a script runs it, and timed from
spawn to exit (median of ``--runs``, 5 by default). Targets: ``number`` ≤ 1 s; ``check --no-model`` and a
refused input ≤ 1.5 s. Writes ``bench/results/startup.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.machine import cpu_name

RESULTS = Path(__file__).resolve().parent / "results"
SCAM = "【工商银行】您的账户存在异常，请致电 13800138000 解冻"
COMMANDS: tuple[tuple[str, list[str], float], ...] = (
    ("fanzha --help", ["--help"], 1.0),
    ("fanzha number …", ["number", "请拨打 ０７５５-８８８８ ８８８８ 或 13800138000"], 1.0),
    ("fanzha check --no-model …", ["check", "--no-model", SCAM], 1.5),
    ("fanzha check (9,000 characters: refused)", ["check", "诈" * 9000], 1.5),
)


def time_command(argv: list[str], env: dict[str, str], runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot.cli", *argv], env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        seconds.append(time.perf_counter() - started)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "FANZHA_"))}
        env["FANZHA_DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'fanzha.db'}"
        time_command(["check", "--no-model", SCAM], env, 1)  # creates the database: not part of any figure
        for label, command, target in COMMANDS:
            seconds = time_command(command, env, args.runs)
            median = statistics.median(seconds)
            rows.append({"command": label, "median_s": round(median, 3), "min_s": round(min(seconds), 3),
                         "max_s": round(max(seconds), 3), "target_s": target, "met": median <= target})
            print(f"{label}: median {median:.2f} s (target {target} s)", flush=True)
    load = os.getloadavg()
    result = {"machine": cpu_name(), "cpus": os.cpu_count(), "python": sys.version.split()[0], "runs": args.runs,
              "load_average_1m_at_end": round(load[0], 2), "commands": rows}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "startup.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    lines = [
        "# Start-up time of commands that need no model",
        "",
        f"Machine: {result['machine']}; {result['cpus']} CPUs (shared); Python {result['python']}; "
        f"1-minute load average at the end: {result['load_average_1m_at_end']}.",
        f"Whole process, spawn to exit, median of {args.runs} runs (`python -m bench.startup`). None of these "
        "imports torch or transformers (`tests/test_startup_imports.py`).",
        "",
        "| command | median | min | max | target | met |",
        "|---|---|---|---|---|---|",
        *(f"| `{r['command']}` | {r['median_s']:.2f} s | {r['min_s']:.2f} s | {r['max_s']:.2f} s | "
          f"≤ {r['target_s']} s | {'yes' if r['met'] else 'no'} |" for r in rows),
        "",
    ]
    (RESULTS / "startup.md").write_text("\n".join(lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
