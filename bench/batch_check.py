"""Benchmark: ``fanzha check --input/--output`` on 10,000 messages in one process, with the shipped model.

The messages are the real-register evaluation set (``data/eval/``) repeated with distinct ids, so the mix of
lengths and registers is what people forward (repeats are not cached: each line goes through the checker).
Writes ``bench/results/batch_check.md`` / ``.json``: wall time, messages per second, peak resident memory of
the process, and that every input line got exactly one output line.

    python -m bench.batch_check [--n 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.machine import cpu_name

RESULTS = Path(__file__).parent / "results"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    from bot.evalset import load_eval_set

    rows = load_eval_set()
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for i in range(args.n):
                fh.write(json.dumps({"id": i, "text": rows[i % len(rows)].text}, ensure_ascii=False) + "\n")
        env = {**os.environ, "FANZHA_DATABASE_URL": f"sqlite:///{tmp}/bench.db"}
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "bot.cli", "check", "--input", str(src), "--output", str(dst)],
                              env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        out = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()] if dst.exists() else []
    ok = proc.returncode == 0 and [r["id"] for r in out] == list(range(args.n))
    report = {"machine": cpu_name(), "messages": args.n, "seconds": round(seconds, 1),
              "messages_per_second": round(args.n / seconds, 1), "peak_rss_mb": round(peak_mb),
              "every_line_answered_in_order": ok, "errors": sum("error" in r for r in out),
              "levels": {lv: sum(r.get("risk_level") == lv for r in out) for lv in ("high", "suspicious", "low")}}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "batch_check.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    (args.out / "batch_check.md").write_text(
        "# fanzha check --input/--output, one process\n\n"
        f"`python -m bench.batch_check --n {args.n}` on {report['machine']}:\n\n"
        f"- {args.n} messages (the evaluation set repeated) in {report['seconds']} s, "
        f"{report['messages_per_second']} messages/s, including start-up and model load\n"
        f"- peak resident memory {report['peak_rss_mb']} MB\n"
        f"- every input line answered once, in order: {'yes' if ok else 'NO'} ({report['errors']} errors)\n")
    print(json.dumps(report, ensure_ascii=False))
    if not ok:
        print(proc.stderr[-2000:], file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
