"""Reading screenshots: seconds per picture, the worker's memory, and the scale pictures are read at
(``python -m bench.ocr_bench``).

The committed fixtures (tests/fixtures/screenshots/) are read in one ``OcrPool`` worker process, as the bot reads
them, once per intra-op thread count in ``--threads`` (``OcrPool(threads=…)``, FANZHA_OCR_THREADS in the bot):
after one warm-up read, every picture ``--runs`` times; p50 / p95 of the worker's wall seconds and of its CPU
seconds per picture (CPU time is much less sensitive to other load on a shared machine), and the worker's peak
resident memory (VmHWM). Then where the time goes: rapidocr's own wall seconds for detection and recognition
(pre- and post-processing included) and the rest (decoding, scaling, layout), in this process at the shipped
thread count. Then the scale sweep: for each short side in ``--scales``, the fixtures are read
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
TARGET_WALL_P95_S = 1.5
"""A phone screenshot read within 1.5 s (p95, the worker's wall time) on an idle 2-core machine."""


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


def measure_pool(runs: int, threads: int) -> dict[str, Any]:
    from bot.ocr.pool import OcrPool

    entries = _entries()
    pool = OcrPool(workers=1, max_pending=1, threads=threads)
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
    return {"threads": threads, "worker_start_s": round(start_s, 2), "reads": len(wall),
            "wall_p50_s": round(_percentile(wall, 0.5), 3), "wall_p95_s": round(_percentile(wall, 0.95), 3),
            "cpu_p50_s": round(_percentile(cpu, 0.5), 3), "cpu_p95_s": round(_percentile(cpu, 0.95), 3),
            "worker_peak_rss_mb": round(peak) if peak is not None else None, "per_image": per_image}


class _Timed:
    """The recogniser, keeping rapidocr's wall seconds per stage (detection, classifier, recognition) of each call."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.stages: list[list[float | None]] = []

    def __call__(self, image: Any) -> Any:
        output = self.engine(image)
        self.stages.append(list(getattr(output, "elapse_list", None) or [None, None, None]))
        return output


def measure_stages(threads: int) -> dict[str, Any]:
    """Mean wall seconds per picture of detection, recognition and the rest, read in this process."""
    from bot.ocr import reader

    reader.use_threads(threads)
    reader._engine = None
    timed = _Timed(reader.engine())
    reader._engine = timed
    entries = _entries()
    try:
        reader.read_image((FIXTURES / entries[0]["file"]).read_bytes())
        timed.stages.clear()
        totals = []
        for entry in entries:
            started = time.perf_counter()
            reader.read_image((FIXTURES / entry["file"]).read_bytes())
            totals.append(time.perf_counter() - started)
    finally:
        reader._engine = None
    det = statistics.mean(float(s[0] or 0.0) for s in timed.stages)
    rec = statistics.mean(float(s[2] or 0.0) for s in timed.stages)
    total = statistics.mean(totals)
    row = {"threads": threads, "total_s": round(total, 3), "detection_s": round(det, 3),
           "recognition_s": round(rec, 3), "other_s": round(total - det - rec, 3)}
    print(f"stages: {row}", flush=True)
    return row


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
    parser.add_argument("--threads", default="1,2",
                        help="intra-op thread counts to time the worker at (comma-separated)")
    parser.add_argument("--scales", default="480,600,720,1080",
                        help="short sides to sweep (comma-separated; empty to skip)")
    args = parser.parse_args(argv)
    from bot.ocr import reader

    chosen = reader.TARGET_SHORT_SIDE
    shipped = reader.OCR_THREADS
    counts = sorted({int(n) for n in args.threads.split(",") if n.strip()} | {shipped})
    load_before = os.getloadavg()[0]
    pools = {n: measure_pool(args.runs, n) for n in counts}
    pool = pools[shipped]
    stages = measure_stages(shipped)
    reader.use_threads(shipped)
    sweep = [measure_scale(int(s)) for s in args.scales.split(",") if s.strip()]
    load_after = os.getloadavg()[0]
    result = {"machine": cpu_name(), "cpus": os.cpu_count(), "python": sys.version.split()[0],
              "pictures": len(_entries()), "runs": args.runs, "short_side": chosen,
              "load_average_1m": [round(load_before, 2), round(load_after, 2)], "threads": shipped, "pool": pool,
              "pools": list(pools.values()), "stages": stages, "scales": sweep,
              "targets": {"pool wall_p95_s": TARGET_WALL_P95_S}}
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
        f"`OcrPool` worker process after a warm-up read; pictures scaled to a short side of {chosen} px; "
        f"the bot ships `OCR_THREADS = {shipped}` intra-op threads (`python -m bench.ocr_bench`). "
        f"Target: wall p95 ≤ {TARGET_WALL_P95_S} s on an idle 2-core machine.",
        "",
        "| intra-op threads | wall p50 | wall p95 | CPU p50 | CPU p95 | worker start | worker peak RSS |",
        "|---|---|---|---|---|---|---|",
        *(f"| {p['threads']}{' (used)' if p['threads'] == shipped else ''} | {p['wall_p50_s']:.2f} s | "
          f"{p['wall_p95_s']:.2f} s | {p['cpu_p50_s']:.2f} s | {p['cpu_p95_s']:.2f} s | {p['worker_start_s']:.2f} s | "
          f"{p['worker_peak_rss_mb']} MB |" for p in pools.values()),
        "",
        "Wall seconds are the worker's own (queueing excluded); CPU seconds add up every thread's, so with two "
        "threads they exceed the wall time. Worker start = spawn + loading the models.",
        "",
        f"## Where the time goes ({shipped} thread(s), in this process, mean wall seconds per picture)",
        "",
        "| detection | recognition | rest (decode, scale, layout) | total |",
        "|---|---|---|---|",
        f"| {stages['detection_s']:.2f} s | {stages['recognition_s']:.2f} s | {stages['other_s']:.2f} s | "
        f"{stages['total_s']:.2f} s |",
        "",
        "Detection and recognition as rapidocr times them (pre- and post-processing included); the direction "
        "classifier is off.",
        "",
    ]
    if sweep:
        lines += [
            "## Scale the pictures are read at",
            "",
            "Short side the picture is resized to (detection at the same size); character accuracy = 1 − "
            "Levenshtein distance / expected length on whitespace-free NFKC text; CPU seconds per picture in this "
            f"process ({shipped} thread(s)).",
            "",
            "| short side | clean mean | clean worst | noisy mean | noisy worst | CPU s / picture |",
            "|---|---|---|---|---|---|",
            *(f"| {r['short_side']}{' (used)' if r['short_side'] == chosen else ''} | {r['clean_mean']:.3f} | "
              f"{r['clean_worst']:.3f} | {r['noisy_mean']:.3f} | {r['noisy_worst']:.3f} | "
              f"{r['cpu_per_picture_s']:.2f} |" for r in sweep),
            "",
        ]
    lines += [f"## Per picture (median of the runs, {shipped} thread(s))", "",
              "| picture | wall s | CPU s |", "|---|---|---|",
              *(f"| {p['file']} | {p['wall_s']:.2f} | {p['cpu_s']:.2f} |" for p in pool["per_image"]), ""]
    (RESULTS / "ocr.md").write_text("\n".join(lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
