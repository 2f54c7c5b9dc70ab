"""Whole-process start-up time of commands that need no model (``python -m bench.startup``).

Each command is run as a fresh ``python -m bot.cli …`` process, as a user or a script runs it, and timed from
spawn to exit (median of ``--runs``, 5 by default), with the CPU time it used (user + system, from the child's
resource usage): the wall time moves with whatever else the machine is doing, the CPU time much less, so both
are recorded, with the load average before and after. Targets: ``number`` ≤ 1 s; ``check --no-model`` and a
refused input ≤ 1.5 s. Writes ``bench/results/startup.md`` and ``.json``.

Compiled bytecode is cached, as it is for every run of an installed ``fanzha`` after the first (the container
image compiles ``bot/`` and ``nlp/`` when it is built): the children write and read it under
``var/startup-pycache/`` (``PYTHONPYCACHEPREFIX``), so the figures do not depend on whether the caller's
environment sets ``PYTHONDONTWRITEBYTECODE``, and nothing is written beside the sources. The first, untimed run
fills that cache (tens of seconds the first time on a new machine).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.machine import cpu_name

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYCACHE = ROOT / "var" / "startup-pycache"
SCAM = "【工商银行】您的账户存在异常，请致电 13800138000 解冻"
LONG_STDIN = "诈" * 100_000
# (label, arguments, text on stdin or None, target in seconds)
COMMANDS: tuple[tuple[str, list[str], str | None, float], ...] = (
    ("fanzha --help", ["--help"], None, 1.0),
    ("fanzha number …", ["number", "请拨打 ０７５５-８８８８ ８８８８ 或 13800138000"], None, 1.0),
    ("fanzha check --no-model …", ["check", "--no-model", SCAM], None, 1.5),
    ("fanzha check (9,000 characters: refused)", ["check", "诈" * 9000], None, 1.5),
    ("fanzha check < 100,000 characters on stdin (refused)", ["check"], LONG_STDIN, 1.5),
)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_command(argv: list[str], stdin: str | None, env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    """Wall seconds and CPU seconds (user + system) of ``runs`` fresh processes."""
    wall, cpu = [], []
    for _ in range(runs):
        cpu_before = _children_cpu()
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot.cli", *argv], env=env, cwd=ROOT,
                       input=stdin.encode("utf-8") if stdin is not None else None,
                       stdin=subprocess.DEVNULL if stdin is None else None,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        wall.append(time.perf_counter() - started)
        cpu.append(_children_cpu() - cpu_before)
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for startup.md and .json")
    args = parser.parse_args(argv)
    rows = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("TELEGRAM_", "FANZHA_")) and k != "PYTHONDONTWRITEBYTECODE"}
        env["FANZHA_DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'fanzha.db'}"
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
        # Creates the database and fills the bytecode cache: not part of any figure.
        time_command(["--help"], None, env, 1)
        time_command(["check", "--no-model", SCAM], None, env, 1)
        for label, command, stdin, target in COMMANDS:
            wall, cpu = time_command(command, stdin, env, args.runs)
            median = statistics.median(wall)
            rows.append({"command": label, "median_s": round(median, 3), "min_s": round(min(wall), 3),
                         "max_s": round(max(wall), 3), "cpu_median_s": round(statistics.median(cpu), 3),
                         "target_s": target, "met": median <= target})
            print(f"{label}: median {median:.2f} s, CPU {statistics.median(cpu):.2f} s (target {target} s)",
                  flush=True)
    result = {"machine": cpu_name(), "cpus": os.cpu_count(), "python": sys.version.split()[0], "runs": args.runs,
              "bytecode": "cached", "load_average_1m_at_start": round(load_before, 2),
              "load_average_1m_at_end": round(os.getloadavg()[0], 2), "commands": rows}
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "startup.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n",
                                               encoding="utf-8")
    lines = [
        "# Start-up time of commands that need no model",
        "",
        f"Machine: {result['machine']}; {result['cpus']} CPUs (shared); Python {result['python']}; "
        f"1-minute load average {result['load_average_1m_at_start']} at the start, "
        f"{result['load_average_1m_at_end']} at the end.",
        f"Whole process, spawn to exit, median of {args.runs} runs (`python -m bench.startup`), bytecode cached; "
        "CPU = user + system time of the process, which other load on the machine changes less than the wall "
        "time. None of these imports torch or transformers (`tests/test_startup_imports.py`).",
        "",
        "| command | median | min | max | CPU (median) | target | met |",
        "|---|---|---|---|---|---|---|",
        *(f"| `{r['command']}` | {r['median_s']:.2f} s | {r['min_s']:.2f} s | {r['max_s']:.2f} s | "
          f"{r['cpu_median_s']:.2f} s | ≤ {r['target_s']} s | {'yes' if r['met'] else 'no'} |" for r in rows),
        "",
    ]
    (args.results / "startup.md").write_text("\n".join(lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
