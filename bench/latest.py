"""Where the product stands, on one page: ``python -m bench.latest`` → ``bench/results/latest.md``.

Each benchmark writes its own file into bench/results/ on whatever machine it last ran on, at whatever commit;
reading ten files to see where things stand is what nobody does. This page gathers the figures that decide a
release — bot throughput and latency, check latency, the model's speed and memory, start-up, OCR, mutation
scores, the real-register evaluation — each beside its target (✓/✗) and the file it came from, and lists every
file with the machine it was measured on (native bfloat16 or not: the model's speed differs by about 2×) and
the date and commit it was last written at.

Nothing here is typed in: every figure and every target is read from a results file, from a benchmark's own
``TARGET_*`` constant, or (the real-register targets) from data/MODEL_CARD.md. A file that is missing is left
out; ``tests/test_bench_latest.py`` checks that every number on the page appears in its sources.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
OUTPUT = RESULTS / "latest.md"


@dataclass
class Target:
    """A figure's target: ``at_least`` or at most ``bound``."""

    bound: float
    at_least: bool
    words: str | None = None
    """How the source says it when it is not a number ("no warning high": ``none``)."""

    def met(self, value: float) -> bool:
        return value >= self.bound if self.at_least else value <= self.bound

    def text(self, unit: str) -> str:
        return self.words or f"{'≥' if self.at_least else '≤'} {_num(self.bound)}{unit}"


@dataclass
class Page:
    results: Path
    repo: Path
    rows: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    """{file, relative to results: machine it ran on}, in the order first used."""

    def load(self, name: str) -> Any | None:
        path = self.results / name
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        self.sources.setdefault(name, _machine(data))
        return data

    def row(self, area: str, figure: str, value: float | None, unit: str, source: str,
            target: Target | None = None, *, percent: bool = False) -> None:
        """One figure; ``percent``: the file holds a share (0–1), shown in per cent."""
        if value is None:
            shown, mark = "—", ""
        else:
            shown_value = round(value * 100, 1) if percent else value
            shown = f"{_num(shown_value)}{unit}"
            mark = "" if target is None else ("✓" if target.met(shown_value) else "✗")
        target_text = target.text(unit) if target is not None else ""
        self.rows.append(f"| {area} | {figure} | {shown} | {target_text} | {mark} | `{source}` |")


def _num(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _machine(data: Any) -> str:
    """The CPU a results file names (with its native-bfloat16 flag), or what it says of the machine at all."""
    if isinstance(data, dict):
        for key in ("cpu", "machine"):
            if isinstance(data.get(key), str):
                cores = data.get("cpu_count") or data.get("cpus") or data.get("cores")
                return data[key] + (f"; {cores} cores" if cores else "")
        if isinstance(data.get("cores"), int):
            return f"CPU not recorded; {data['cores']} cores"
    return "not recorded"


def _constants(module: Path) -> dict[str, float]:
    """A benchmark's module-level ``TARGET_* = number`` constants, read without importing it (no torch)."""
    found: dict[str, float] = {}
    if not module.exists():
        return found
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, int | float):
                for name in targets:
                    if isinstance(name, ast.Name) and name.id.startswith("TARGET_"):
                        found[name.id] = node.value.value
    return found


def _git(repo: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _written(repo: Path, path: Path) -> tuple[str, str]:
    """(date, commit) of the last commit that touched ``path``, and whether the working tree differs from it."""
    try:
        relative = str(path.resolve().relative_to(repo))
    except ValueError:
        return "—", "not in the repository"
    last = _git(repo, "log", "-1", "--format=%cs %h", "--", relative)
    if not last:
        return "—", "not committed"
    date, commit = last.split()
    if _git(repo, "status", "--porcelain", "--", relative):
        commit += " + uncommitted changes"
    return date, commit


def _bot(page: Page) -> None:
    for name in ("bot.json", "bot_float32.json", "bot_no_model.json"):
        data = page.load(name)
        if data is None:
            continue
        targets = data.get("targets", {})
        rate = targets.get("updates_per_second")
        p95 = targets.get("p95_ms")
        area = f"bot, model {data.get('model_dtype', '?')}" if data.get("model") == "on" else "bot, model off"
        sustained = data["sustained"]
        page.row(area, f"updates/s sustained, {data['offered_rate']}/s offered", sustained["updates_per_second"],
                 "/s", name, Target(rate, True) if rate is not None else None)
        page.row(area, "reply latency p95", sustained["latency_ms"]["p95"], " ms", name,
                 Target(p95, False) if p95 is not None else None)


def _attack(page: Page) -> None:
    data = page.load("attack_latency.json")
    if data is None:
        return
    target = data.get("target_p95_s")
    page.row("bot under attack", "other users' reply p95", data["under_attack"]["p95_s"], " s", "attack_latency.json",
             Target(target, False) if target is not None else None)
    page.row("bot under attack", "other users' replies lost", data["victim_lost"], "", "attack_latency.json")


def _check(page: Page) -> None:
    # check_bench states its targets only in its report: "Targets: p50 ≤ N ms, p99 ≤ M ms."
    stated = (page.results / "check.md").read_text(encoding="utf-8") if (page.results / "check.md").exists() else ""
    found = re.search(r"Targets[^:\n]*: p50 ≤ ([\d.]+) ms, p99 ≤ ([\d.]+) ms", stated)
    p50_target = Target(float(found.group(1)), False) if found else None
    p99_target = Target(float(found.group(2)), False) if found else None
    for name, label in (("check.json", "check, in process"), ("check_no_model.json", "check, model off")):
        data = page.load(name)
        if data is None:
            continue
        with_targets = data.get("model") is True
        page.row(label, "latency p50", data["p50_ms"], " ms", name, p50_target if with_targets else None)
        page.row(label, "latency p99", data["p99_ms"], " ms", name, p99_target if with_targets else None)
    data = page.load("batch_check.json")
    if data is not None:
        page.row("check --input (one process)", "messages/s", data["messages_per_second"], "/s", "batch_check.json")
        page.row("check --input (one process)", "peak memory", data["peak_rss_mb"], " MB", "batch_check.json")


def _model(page: Page) -> None:
    data = page.load("model.json")
    if data is None:
        return
    constants = _constants(page.repo / "bench" / "model_bench.py")
    rate = constants.get("TARGET_MSG_PER_S")
    p50 = constants.get("TARGET_P50_MS")
    for model in data["models"]:
        transformer = model["model"].startswith("transformer")
        area = f"model: {model['model']} ({model['dtype']})"
        page.row(area, f"batch of {model['batch_size']}, messages/s", model["batch_msg_per_s"], "/s", "model.json",
                 Target(rate, True) if transformer and rate is not None else None)
        page.row(area, "one message p50", model["p50_ms"], " ms", "model.json",
                 Target(p50, False) if transformer and p50 is not None else None)
        page.row(area, "memory after load (peak)", model["rss_mb"], f" MB ({_num(model['peak_rss_mb'])} MB)",
                 "model.json")
        page.row(area, "load time", model["load_seconds"], " s", "model.json")


def _startup(page: Page) -> None:
    data = page.load("startup.json")
    if data is None:
        return
    for command in data["commands"]:
        page.row("start-up", f"`{command['command']}` median", command["median_s"], " s", "startup.json",
                 Target(command["target_s"], False) if "target_s" in command else None)


def _blocklist(page: Page) -> None:
    data = page.load("blocklist.json")
    if data is None:
        return
    targets = data.get("targets", {})
    for result in data["results"]:
        sqlite = result["database"] == "sqlite"
        imported = targets.get("sqlite_import_seconds_max") if sqlite else None
        lookup = targets.get("sqlite_lookup_p99_ms_max") if sqlite else None
        area = f"blocklist, {result['rows']} rows, {result['database']}"
        page.row(area, "import", result["import_seconds"], " s", "blocklist.json",
                 Target(imported, False) if imported is not None else None)
        page.row(area, "lookup p99", result["p99_ms"], " ms", "blocklist.json",
                 Target(lookup, False) if lookup is not None else None)


def _ocr(page: Page) -> None:
    """OCR's figures: every number at the top of ocr.json (or one level down), with its ``targets`` if any."""
    data = page.load("ocr.json")
    if not isinstance(data, dict):
        return
    targets = data.get("targets") if isinstance(data.get("targets"), dict) else {}
    for key, value in data.items():
        if key == "targets":
            continue
        leaves = value.items() if isinstance(value, dict) else [("", value)]
        for sub, leaf in leaves:
            if isinstance(leaf, int | float) and not isinstance(leaf, bool):
                name = f"{key} {sub}".strip()
                bound = targets.get(name) or (targets.get(sub) if sub else None)
                target = None
                if isinstance(bound, int | float):
                    target = Target(bound, not any(word in name for word in ("ms", "seconds", "_s", "rss", "mb")))
                page.row("OCR", name.replace("_", " "), leaf, "", "ocr.json", target)


def _mutation(page: Page) -> None:
    data = page.load("mutation.json")
    if data is None:
        return
    for module, figures in data.get("modules", {}).items():
        page.row("mutation score", f"`{module}` ({figures['killed']} of {figures['total']} killed)",
                 figures["score"], "%", "mutation.json", percent=True)


def _card_targets(repo: Path) -> dict[str, Target]:
    """The real-register targets as data/MODEL_CARD.md states them (scams high / flagged, normals, warnings)."""
    card = repo / "data" / "MODEL_CARD.md"
    text = re.sub(r"\s+", " ", card.read_text(encoding="utf-8")) if card.exists() else ""
    found = re.search(r"scams ≥ ([\d.]+)% high and ≥ ([\d.]+)% high\+susp; normal ≤ ([\d.]+)% / ≤ ([\d.]+)%", text)
    if not found:
        return {}
    scam_high, scam_flagged, normal_high, normal_flagged = (float(group) for group in found.groups())
    targets = {"scam_high": Target(scam_high, True), "scam_flagged": Target(scam_flagged, True),
               "normal_high": Target(normal_high, False), "normal_flagged": Target(normal_flagged, False)}
    if re.search(r"normal ≤ [^;]*; no warning high", text):
        targets["warning_high"] = Target(0.0, False, words="none")
    return targets


REALSET_FIGURES = (
    ("scam_high", "scams rated high"),
    ("scam_flagged", "scams rated high or suspicious"),
    ("normal_high", "genuine messages rated high"),
    ("normal_flagged", "genuine messages rated high or suspicious"),
    ("warning_high", "anti-fraud warnings rated high"),
)


def _realset(page: Page) -> None:
    targets = _card_targets(page.repo)
    for path in sorted((page.results / "eval" / "realset").glob("*.json")):
        name = str(path.relative_to(page.results))
        data = page.load(name)
        verdict = (data or {}).get("figures", {}).get("verdict", {})
        for part in ("all", "half:holdout"):
            if part not in verdict:
                continue
            figures = verdict[part]
            area = f"real-register set, {part} ({figures['scams']} scams, {figures['normals']} genuine)"
            for key, label in REALSET_FIGURES:
                page.row(area, label, figures.get(key), "%", name, targets.get(key), percent=True)


SECTIONS: tuple[Callable[[Page], None], ...] = (
    _realset, _bot, _attack, _check, _model, _startup, _blocklist, _ocr, _mutation,
)


def build(results: Path = RESULTS, repo: Path = REPO) -> str:
    """The page, from the results files under ``results``; git dates and commits from ``repo``."""
    page = Page(results=results, repo=repo)
    for section in SECTIONS:
        section(page)
    met = sum(row.split(" | ")[4] == "✓" for row in page.rows)
    missed = sum(row.split(" | ")[4] == "✗" for row in page.rows)
    lines = [
        "# Where fanzha stands",
        "",
        "Generated by `python -m bench.latest` from the results files in `bench/results/` (each benchmark writes",
        "its own; rerun one, then this). Every figure is read from the file named in its row; targets come from the",
        "same file, the benchmark's own `TARGET_*` constants, `check.md`, or (real-register set) `data/MODEL_CARD.md`.",
        f"Targets met: {met} ✓, missed: {missed} ✗.",
        "",
        "| area | figure | value | target | | source |",
        "|---|---|---:|---|---|---|",
        *page.rows,
        "",
        "## Sources",
        "",
        "Figures from different machines do not compare: the model runs about twice as fast on a CPU with native",
        "bfloat16 (`FANZHA_MODEL_DTYPE=auto`).",
        "",
        "| file | machine | written | commit |",
        "|---|---|---|---|",
    ]
    for name, machine in page.sources.items():
        date, commit = _written(repo, results / name)
        lines.append(f"| `{name}` | {machine} | {date} | {commit} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder of the results files")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where the page is written")
    args = parser.parse_args(argv)
    text = build(args.results)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
