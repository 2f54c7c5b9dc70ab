"""Blocklist benchmark: import N generated rows, then time 100k lookups, on SQLite and PostgreSQL.

    python -m bench.blocklist_bench [--rows 1000000] [--lookups 100000] [--databases sqlite,postgresql]

The file is what moderators would import: mostly E.164 numbers, some written the way people write them
(``138 0013 8000``), some foreign numbers, segment prefixes (``170*``), categories as keys or Chinese
names, evidence, some expiry dates. The import is the real one (every row validated, one transaction,
audited: one audit row for the file with the keys it added, each added entry pointing to it). Lookups
mix hits (exact and by prefix) and misses, one ``Store.lookup`` each, as the checker calls it. Writes
``bench/results/blocklist.md`` and ``.json``. Run it on a quiet machine: the 1-minute load average is
recorded with the figures, since other work on the same cores inflates both.
Targets: import ≤ 30 s, lookup p99 ≤ 1 ms on SQLite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.categories import CATEGORIES

RESULTS = Path(__file__).resolve().parent / "results"
PG_ADMIN_DSN = os.environ.get("FANZHA_BENCH_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
# Mobile segments that libphonenumber treats as valid; "170"-"171" etc. are used for prefix rows.
SEGMENTS = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
            "155", "156", "157", "158", "159", "180", "181", "182", "183", "184", "185", "186", "187",
            "188", "189")
MISS_SEGMENT = "199"      # numbers looked up but never listed
PREFIXES = tuple(f"+86{p}" for p in ("170", "171", "162", "165", "167"))
TARGET_IMPORT_S = 30.0
TARGET_P99_MS = 1.0


@dataclass
class Figures:
    database: str
    rows: int
    import_seconds: float
    import_cpu_seconds: float  # this process + its worker processes (not the database server)
    added: int
    lookups: int
    hit_share: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float


def generate(rows: int, seed: int = 2024) -> tuple[str, list[str]]:
    """(CSV text, canonical keys of the exact rows). Deterministic for a seed."""
    rng = random.Random(seed)
    names = [c.key for c in CATEGORIES] + [c.zh for c in CATEGORIES]
    lines = ["number,category,evidence,expires"]
    keys: list[str] = []
    prefix_rows = [f"{p}*" for p in PREFIXES]
    exact = rows - len(prefix_rows)
    tails = rng.sample(range(10**8), exact)
    for i, tail in enumerate(tails):
        segment = SEGMENTS[i % len(SEGMENTS)]
        key = f"+86{segment}{tail:08d}"
        keys.append(key)
        roll = rng.random()
        if roll < 0.01:  # as people write them
            number = f"{segment} {tail // 10**4:04d} {tail % 10**4:04d}"
        elif roll < 0.02:
            number = f"0086-{segment}-{tail:08d}"
        else:
            number = key
        category = rng.choice(names)
        evidence = f"用户举报{rng.randint(1, 50)}次" if rng.random() < 0.5 else ""
        expires = f"20{rng.randint(27, 35)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}" if rng.random() < 0.1 else ""
        lines.append(f"{number},{category},{evidence},{expires}")
    for prefix in prefix_rows:
        lines.append(f"{prefix},card_trafficking,虚拟运营商号段,")
    return "\n".join(lines) + "\n", keys


def lookup_keys(keys: list[str], count: int, seed: int = 7) -> tuple[list[str], float]:
    """Half exact hits, a tenth prefix hits, the rest misses; returns (keys, expected hit share)."""
    rng = random.Random(seed)
    out: list[str] = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.5:
            out.append(rng.choice(keys))
        elif roll < 0.6:
            out.append(f"{rng.choice(PREFIXES)}{rng.randint(0, 10**8 - 1):08d}")
        else:
            out.append(f"+86{MISS_SEGMENT}{rng.randint(0, 10**8 - 1):08d}")
    return out, 0.6


def measure(url: str, database: str, csv_path: Path, keys: list[str], lookups: int) -> Figures:
    from bot.store import Store

    with Store.open(url, allowlist_seed=None) as store:
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        result = store.import_blocklist_csv(csv_path, actor="bench")
        import_seconds = time.perf_counter() - started
        import_cpu = _cpu_seconds() - cpu_before
        print(f"  {database}: imported {result.added} rows in {import_seconds:.1f} s", flush=True)

        wanted, _ = lookup_keys(keys, lookups)
        for key in wanted[:2000]:  # warm the cache and the connection pool
            store.lookup(key)
        timings: list[float] = []
        hits = 0
        clock = time.perf_counter_ns
        for key in wanted:
            start = clock()
            found = store.lookup(key)
            timings.append((clock() - start) / 1e6)
            hits += found is not None
    timings.sort()
    return Figures(
        database=database, rows=result.added, import_seconds=round(import_seconds, 2),
        import_cpu_seconds=round(import_cpu, 2), added=result.added,
        lookups=len(timings), hit_share=round(hits / len(timings), 3),
        p50_ms=round(timings[len(timings) // 2], 3), p99_ms=round(timings[int(len(timings) * 0.99)], 3),
        mean_ms=round(statistics.fmean(timings), 3), max_ms=round(timings[-1], 3),
    )


def _cpu_seconds() -> float:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _postgres_database() -> tuple[str, str]:
    import psycopg

    name = f"fanzha_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return name, f"{base}/{name}"


def _drop_postgres_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _versions() -> dict[str, str]:
    import sqlite3

    import sqlalchemy

    versions = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
                "sqlalchemy": sqlalchemy.__version__}
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_DSN, connect_timeout=5) as conn:
            versions["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
    except Exception:  # only a label in the report
        pass
    return versions


def write_results(figures: list[Figures], rows: int, seconds_generating: float,
                  load_at_start: tuple[float, float, float]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    cores = os.cpu_count()
    data = {
        "benchmark": "blocklist", "command": "python -m bench.blocklist_bench --rows " + str(rows),
        "cpu_count": cores, "machine": platform.machine(), "versions": _versions(),
        "generated_rows": rows, "generate_seconds": round(seconds_generating, 2),
        "targets": {"sqlite_import_seconds_max": TARGET_IMPORT_S, "sqlite_lookup_p99_ms_max": TARGET_P99_MS},
        "load_average_at_start_1_5_15": [round(x, 2) for x in load_at_start],
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "results": [asdict(f) for f in figures],
        "at": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }
    (RESULTS / "blocklist.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# Blocklist benchmark",
        "",
        f"Command: `{data['command']}` — {data['at']}, {cores} CPU cores ({platform.machine()}), "
        + ", ".join(f"{k} {v}" for k, v in data["versions"].items()) + ".",
        "",
        f"Load average (1/5/15 min) before the run: {' / '.join(map(str, data['load_average_at_start_1_5_15']))}"
        f", at the end: {' / '.join(map(str, data['load_average_1_5_15']))} (the benchmark itself adds about 1) — "
        "other work on the same cores inflates both import time and tail latency.",
        "",
        f"{rows:,} generated rows imported with the real all-or-nothing import (every row validated, one "
        "transaction, audited: one audit row for the file listing the keys it added, each new entry pointing "
        "to it), then single lookups as the checker makes them "
        "(50% exact hits, 10% prefix hits, 40% misses). Import CPU counts this process and its "
        "validation workers, not the database server.",
        "",
        "| database | rows | import (s) | import CPU (s) | lookups | hits | p50 (ms) | p99 (ms) | mean (ms) "
        "| max (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for f in figures:
        lines.append(f"| {f.database} | {f.rows:,} | {f.import_seconds} | {f.import_cpu_seconds} "
                     f"| {f.lookups:,} | {f.hit_share:.0%} "
                     f"| {f.p50_ms} | {f.p99_ms} | {f.mean_ms} | {f.max_ms} |")
    sqlite = next((f for f in figures if f.database == "sqlite"), None)
    if sqlite is not None:
        ok_import = sqlite.import_seconds <= TARGET_IMPORT_S
        ok_lookup = sqlite.p99_ms <= TARGET_P99_MS
        lines += ["", f"Targets on SQLite: import ≤ {TARGET_IMPORT_S:.0f} s — "
                      f"{'met' if ok_import else 'NOT met'} ({sqlite.import_seconds} s); lookup p99 ≤ "
                      f"{TARGET_P99_MS} ms — {'met' if ok_lookup else 'NOT met'} ({sqlite.p99_ms} ms)."]
    (RESULTS / "blocklist.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.blocklist_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--no-write", action="store_true", help="print figures only")
    args = parser.parse_args(argv)

    load_at_start = os.getloadavg()
    started = time.perf_counter()
    text, keys = generate(args.rows)
    generating = time.perf_counter() - started
    print(f"generated {args.rows:,} rows in {generating:.1f} s", flush=True)
    figures: list[Figures] = []
    with tempfile.TemporaryDirectory(prefix="fanzha-bench-") as tmp:
        csv_path = Path(tmp) / "blocklist.csv"
        csv_path.write_text(text, encoding="utf-8")
        del text
        for database in [d.strip() for d in args.databases.split(",") if d.strip()]:
            if database == "sqlite":
                figures.append(measure(f"sqlite:///{tmp}/bench.db", "sqlite", csv_path, keys, args.lookups))
            elif database == "postgresql":
                name, url = _postgres_database()
                try:
                    figures.append(measure(url, "postgresql", csv_path, keys, args.lookups))
                finally:
                    _drop_postgres_database(name)
            else:
                parser.error(f"unknown database {database!r}: use sqlite and/or postgresql")
    for f in figures:
        print(f"  {f.database}: import {f.import_seconds} s, lookup p50 {f.p50_ms} ms, p99 {f.p99_ms} ms, "
              f"hits {f.hit_share:.0%}", flush=True)
    if not args.no_write:
        write_results(figures, args.rows, generating, load_at_start)
        print(f"written: {RESULTS / 'blocklist.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
