"""Latency of ``Checker.check_text`` on real messages, with the share of time per stage.

``python -m bench.check_bench [--data-dir ../shared/data] [--n 3000] [--no-model]``

Messages: a seeded sample of real texts from the shared sets (fraud and normal alike, every source),
loaded with nlp.data's parsers. The store is a fresh SQLite file with the seeded allowlist and 10,000
blocklist entries, so lookups are real. One warm-up pass, then every message is checked once, in process,
one at a time (the bot's path for one update). Writes bench/results/check.md and .json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from bot import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "bench" / "results"


def _default_data_dir() -> Path:
    return Path(os.environ.get("FANZHA_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data"))


def _sample_texts(data_dir: Path, n: int, seed: int) -> list[tuple[str, str]]:
    from nlp.data import load_examples

    examples = [e for e in load_examples(data_dir) if e.source != "synthetic"]
    random.Random(seed).shuffle(examples)
    return [(e.source, e.text) for e in examples[:n]]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=_default_data_dir())
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-model", action="store_true")
    args = parser.parse_args(argv)

    from bot.check import Checker, StoreLists
    from bot.config import Settings
    from bot.store import Store

    texts = _sample_texts(args.data_dir, args.n, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{tmp}/bench.db")
        rng = random.Random(args.seed)
        csv_rows = ["number,category,evidence,expires"]
        for _ in range(10_000):
            prefix = rng.choice(['38', '39', '50', '58', '86', '88'])
            csv_rows.append(f"1{prefix}{rng.randrange(10**8):08d},other,bench,")
        store.import_blocklist_csv("\n".join(csv_rows) + "\n", actor="bench")
        settings = Settings(FANZHA_USE_MODEL=not args.no_model)
        checker = (Checker.from_settings(settings, store, model_process=False) if settings.use_model
                   else Checker(StoreLists(store)))
        for _, text in texts[:50]:
            checker.check_text_sync(text)
        totals = {"numbers": 0.0, "store": 0.0, "rules": 0.0, "model": 0.0}
        latencies: list[float] = []
        levels: dict[str, int] = {}
        started_all = time.perf_counter()
        for _, text in texts:
            started = time.perf_counter()
            verdict = checker.check_text_sync(text[:8000])
            latencies.append(time.perf_counter() - started)
            for stage in totals:
                totals[stage] += getattr(checker.last_times, stage)
            levels[str(verdict.risk_level)] = levels.get(str(verdict.risk_level), 0) + 1
        wall = time.perf_counter() - started_all
        checker.close()
        store.close()

    total = sum(latencies)
    other = max(0.0, total - sum(totals.values()))
    result = {
        "cores": os.cpu_count(),
        "messages": len(texts),
        "model": not args.no_model,
        "median_chars": statistics.median(len(t) for _, t in texts),
        "p50_ms": round(_percentile(latencies, 0.50) * 1000, 2),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 2),
        "mean_ms": round(total / len(latencies) * 1000, 2),
        "throughput_msg_s": round(len(texts) / wall, 1),
        "stage_share": {k: round(v / total, 3) for k, v in {**totals, "other": other}.items()},
        "levels": levels,
        "command": "python -m bench.check_bench" + (" --no-model" if args.no_model else ""),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "check" if not args.no_model else "check_no_model"
    (RESULTS / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    lines = [
        f"# Checker latency ({'with' if result['model'] else 'without'} the model)",
        "",
        f"`{result['command']}` on {result['cores']} cores, {result['messages']} real messages "
        f"(median {result['median_chars']} characters), one at a time, in process.",
        "",
        "| p50 | p99 | mean | throughput |",
        "|---|---|---|---|",
        f"| {result['p50_ms']} ms | {result['p99_ms']} ms | {result['mean_ms']} ms "
        f"| {result['throughput_msg_s']} msg/s |",
        "",
        "Share of time per stage: " + ", ".join(f"{k} {v:.1%}" for k, v in result["stage_share"].items()),
        "",
        "Verdict mix: " + ", ".join(f"{k} {v}" for k, v in sorted(levels.items())),
        "",
        "Targets: p50 ≤ 30 ms, p99 ≤ 100 ms.",
    ]
    (RESULTS / f"{name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
