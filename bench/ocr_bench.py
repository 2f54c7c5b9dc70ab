"""Reading screenshots: seconds per picture, the worker's memory, and the scale pictures are read at
(``python -m bench.ocr_bench``).

The committed fixtures (tests/fixtures/screenshots/) are read in one ``OcrPool`` worker process, as the bot reads
them: after one warm-up read, every picture ``--runs`` times; p50 / p95 of the worker's wall seconds and of its CPU
seconds per picture (CPU time is much less sensitive to other load on a shared machine), and the worker's peak
resident memory (VmHWM). Then the scale sweep: for each short side in ``--scales``, the fixtures are read
in this process at that scale (``bot.ocr.reader.TARGET_SHORT_SIDE``, detection at the same size) and the mean
and worst character accuracy (clean / noisy) and the CPU seconds per picture are recorded: the evidence for the
scale the reader uses. Writes ``bench/results/ocr.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

from bench.machine import cpu_name

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
FIXTURES = ROOT / "tests" / "fixtures" / "screenshots"


def _entries() -> list[dict[str, Any]]:
    return json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


def _accuracy(got: str, want: str) -> float:
    from rapidfuzz.distance import Levenshtein

    def squeeze(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).split())

    got, want = squeeze(got), squeeze(want)
    return 1.0 - Levenshtein.distance(got, want) / len(want)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def measure_pool(runs: int) -> dict[str, Any]:
    from bot.ocr.pool import OcrPool

    entries = _entries()
    pool = OcrPool(workers=1, max_pending=1)
    try:
        started = time.perf_counter()
        pool.worker_pids()  # starts the worker, which loads the recogniser
        start_s = time.perf_counter() - started
        pool.read_sync((FIXTURES / entries[0]["file"]).read_bytes())  # warm-up: first-inference allocations
        wall, cpu, per_image = [], [], []
        for entry in entries:
            data = (FIXTURES / entry["file"]).read_bytes()
            image_wall, image_cpu = [], []
            for _ in range(runs):
                pool.read_sync(data)
                image_wall.append(pool.last_seconds or 0.0)
                image_cpu.append(pool.last_cpu_seconds or 0.0)
            wall += image_wall
            cpu += image_cpu
            per_image.append({"file": entry["file"], "wall_s": round(statistics.median(image_wall), 3),
                              "cpu_s": round(statistics.median(image_cpu), 3)})
            print(f"{entry['file']}: {per_image[-1]['wall_s']:.2f} s wall, {per_image[-1]['cpu_s']:.2f} s CPU",
                  flush=True)
        (pid,) = pool.worker_pids()
        peak = _peak_rss_mb(pid)
    finally:
        pool.close()
    return {"worker_start_s": round(start_s, 2), "reads": len(wall),
            "wall_p50_s": round(_percentile(wall, 0.5), 3), "wall_p95_s": round(_percentile(wall, 0.95), 3),
            "cpu_p50_s": round(_percentile(cpu, 0.5), 3), "cpu_p95_s": round(_percentile(cpu, 0.95), 3),
            "worker_peak_rss_mb": round(peak) if peak is not None else None, "per_image": per_image}


def measure_scale(short_side: int) -> dict[str, Any]:
    """Accuracy and CPU seconds per picture with pictures read at ``short_side`` (in this process)."""
    from bot.ocr import reader

    reader.TARGET_SHORT_SIDE = short_side
    reader._engine = None  # rebuilt with detection at this size
    scores: dict[bool, list[float]] = {True: [], False: []}
    cpu: list[float] = []
    entries = _entries()
    reader.read_image((FIXTURES / entries[0]["file"]).read_bytes())
    for entry in entries:
        started = time.process_time()
        result = reader.read_image((FIXTURES / entry["file"]).read_bytes())
        cpu.append(time.process_time() - started)
        scores[entry["clean"]].append(_accuracy("".join(line.text for line in result.lines), entry["text"]))
    row = {"short_side": short_side, "clean_mean": round(statistics.mean(scores[True]), 4),
           "clean_worst": round(min(scores[True]), 4), "noisy_mean": round(statistics.mean(scores[False]), 4),
           "noisy_worst": round(min(scores[False]), 4), "cpu_per_picture_s": round(statistics.mean(cpu), 2)}
    print(f"short side {short_side}: {row}", flush=True)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2, help="reads of each picture (after one warm-up read)")
    parser.add_argument("--scales", default="480,600,720,1080",
                        help="short sides to sweep (comma-separated; empty to skip)")
    args = parser.parse_args(argv)
    from bot.ocr import reader

    chosen = reader.TARGET_SHORT_SIDE
    load_before = os.getloadavg()[0]
    pool = measure_pool(args.runs)
    sweep = [measure_scale(int(s)) for s in args.scales.split(",") if s.strip()]
    load_after = os.getloadavg()[0]
    result = {"machine": cpu_name(), "cpus": os.cpu_count(), "python": sys.version.split()[0],
              "pictures": len(_entries()), "runs": args.runs, "short_side": chosen,
              "load_average_1m": [round(load_before, 2), round(load_after, 2)], "pool": pool, "scales": sweep}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ocr.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    loaded = max(load_before, load_after) > 0.5 * (os.cpu_count() or 1)
    lines = [
        "# Reading screenshots (OCR)",
        "",
        f"Machine: {result['machine']}; {result['cpus']} CPUs (shared); Python {result['python']}; "
        f"1-minute load average before / after: {load_before:.2f} / {load_after:.2f}.",
        *(["", "**Wall times were taken under load** (other work was running on the machine): the CPU seconds "
           "are the figures to compare; the wall seconds are an upper bound."] if loaded else []),
        "",
        f"{result['pictures']} fixture screenshots (tests/fixtures/screenshots/), each read {args.runs}× in one "
        f"`OcrPool` worker process after a warm-up read; pictures scaled to a short side of {chosen} px "
        "(`python -m bench.ocr_bench`).",
        "",
        "| per picture | p50 | p95 |",
        "|---|---|---|",
        f"| wall seconds (in the worker) | {pool['wall_p50_s']:.2f} s | {pool['wall_p95_s']:.2f} s |",
        f"| CPU seconds | {pool['cpu_p50_s']:.2f} s | {pool['cpu_p95_s']:.2f} s |",
        "",
        f"Worker start (spawn + loading the models): {pool['worker_start_s']:.2f} s. Worker peak resident memory "
        f"(VmHWM): {pool['worker_peak_rss_mb']} MB.",
        "",
    ]
    if sweep:
        lines += [
            "## Scale the pictures are read at",
            "",
            "Short side the picture is resized to (detection at the same size); character accuracy = 1 − "
            "Levenshtein distance / expected length on whitespace-free NFKC text; CPU seconds per picture in this "
            "process.",
            "",
            "| short side | clean mean | clean worst | noisy mean | noisy worst | CPU s / picture |",
            "|---|---|---|---|---|---|",
            *(f"| {r['short_side']}{' (used)' if r['short_side'] == chosen else ''} | {r['clean_mean']:.3f} | "
              f"{r['clean_worst']:.3f} | {r['noisy_mean']:.3f} | {r['noisy_worst']:.3f} | "
              f"{r['cpu_per_picture_s']:.2f} |" for r in sweep),
            "",
        ]
    lines += ["## Per picture (median of the runs)", "", "| picture | wall s | CPU s |", "|---|---|---|",
              *(f"| {p['file']} | {p['wall_s']:.2f} | {p['cpu_s']:.2f} |" for p in pool["per_image"]), ""]
    (RESULTS / "ocr.md").write_text("\n".join(lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
