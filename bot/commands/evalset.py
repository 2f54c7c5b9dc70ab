"""``fanzha evaluate-set``: verdict-level figures on the real-register evaluation set (``data/eval/``).

Runs the whole checker (lists, rules, model, policy) as a user would meet it, and the model alone (the
transformer, the TF-IDF peer, the shipped ensemble), per register and script; writes ``evalset.md`` and
``evalset.json`` (with examples of misses) to ``--out`` (default ``var/eval/``, outside the tracked tree).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("evaluate-set", help="verdict-level figures on the real-register evaluation set")
    p.add_argument("--eval-dir", type=Path, default=None, help="folder of *.jsonl rows (default: data/eval)")
    p.add_argument("--model-dir", type=Path, default=None, help="fine-tuned model (default: the shipped one)")
    p.add_argument("--no-model", action="store_true", help="rules and lists only")
    p.add_argument("--out", type=Path, default=None, help="report folder (default: var/eval)")
    p.add_argument("--threshold-grid", action="store_true",
                   help="also write thresholds.md: the figures per half for each pair of model thresholds")
    p.set_defaults(func=run)


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True, cwd=Path(__file__).parent).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def run(args: argparse.Namespace) -> int:
    from bot import PROJECT_ROOT
    from bot.check import Checker, StoreLists
    from bot.config import Settings
    from bot.evalset import (
        EVAL_DIR,
        evaluate,
        load_eval_set,
        misses,
        obfuscation_consistency,
        report_markdown,
        threshold_grid,
    )
    from bot.store import Store

    try:
        rows = load_eval_set(args.eval_dir or EVAL_DIR)
    except (OSError, ValueError) as exc:
        print(f"fanzha evaluate-set: {exc}", file=sys.stderr)
        return 1
    settings = Settings()
    classifier = None
    model_dir = args.model_dir or settings.model_dir
    if not args.no_model:
        from nlp.ensemble import load_shipped_classifier

        classifier = load_shipped_classifier(model_dir, dtype=settings.model_dtype)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, Store.open(f"sqlite:///{tmp}/eval.db") as store:
        figures, verdicts = evaluate(rows, StoreLists(store), classifier)
        checker = Checker(StoreLists(store), classifier)
        try:
            disguised = obfuscation_consistency(rows, verdicts, checker)
        finally:
            checker.close()
    seconds = time.perf_counter() - started
    out = args.out or PROJECT_ROOT / "var" / "eval"
    out.mkdir(parents=True, exist_ok=True)
    context = [f"{len(rows)} rows from {args.eval_dir or 'data/eval'}; model: "
               f"{'none' if args.no_model else model_dir}; commit {_commit()}; {seconds:.0f} s.",
               "Columns: share of scams rated high / high-or-suspicious; share of normal rows (warnings "
               "included) rated high / high-or-suspicious; share of warnings rated high. Model-only columns "
               "use the policy's thresholds on fraud_probability."]
    disguise_lines = ["## Disguised scams (each scam rewritten as filter-dodging senders do)", "",
                      "| disguise | scams | rated lower than the clean form |", "|---|---:|---:|"]
    disguise_lines += [f"| {name} | {d['scams']} | {d['rated_lower']} ({100 * (d['share_lower'] or 0):.1f}%) |"
                       for name, d in disguised.items()]
    (out / "evalset.md").write_text(report_markdown(figures, title="Real-register evaluation set",
                                                    context=context) + "\n" + "\n".join(disguise_lines) + "\n",
                                    encoding="utf-8")
    (out / "evalset.json").write_text(json.dumps({"figures": figures, "disguised": disguised,
                                                  "misses": misses(rows, verdicts)},
                                                 ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.threshold_grid and classifier is not None:
        with tempfile.TemporaryDirectory() as tmp, Store.open(f"sqlite:///{tmp}/eval.db") as store:
            grid = threshold_grid(rows, StoreLists(store), classifier)
        lines = ["# Model thresholds on the real-register set", "", *context[:1], "",
                 "| high ≥ | suspicious ≥ | half | scams high | scams high+susp | FP high | FP high+susp "
                 "| warnings high |",
                 "|---:|---:|---|---:|---:|---:|---:|---:|"]
        for g in grid:
            for h in ("tune", "holdout"):
                f = g[h]
                lines.append(f"| {g['high']} | {g['suspicious']} | {h} | {f['scam_high']} | {f['scam_flagged']} | "
                             f"{f['normal_high']} | {f['normal_flagged']} | {f['warning_high']} |")
        (out / "thresholds.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    overall = figures["verdict"]["all"]
    print(f"scams high {overall['scam_high']:.3f} · high+susp {overall['scam_flagged']:.3f}; normals high "
          f"{overall['normal_high']:.3f} · high+susp {overall['normal_flagged']:.3f}; warnings high "
          f"{overall['warning_high']}; report: {out / 'evalset.md'}")
    return 0
