"""bench/results/latest.md: one page of where the product stands, every figure read from a results file."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path

# bench/ is not an installed package: load the module from its file, as `python -m bench.latest` runs it.
_spec = importlib.util.spec_from_file_location("bench_latest",
                                               Path(__file__).resolve().parents[1] / "bench" / "latest.py")
assert _spec and _spec.loader
latest = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = latest
_spec.loader.exec_module(latest)
OUTPUT, REPO, RESULTS, build = latest.OUTPUT, latest.REPO, latest.RESULTS, latest.build

NUMBER = re.compile(r"(?<![\w.,])\d+(?:\.\d+)?(?![\w,])")


def _table(text: str, header: str) -> list[list[str]]:
    """The cells of the markdown table whose header row starts with ``header``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


def _numbers(value: object) -> set[float]:
    """Every number in a parsed JSON value, and each also as a share in per cent (0.807 → 80.7)."""
    if isinstance(value, dict):
        return set().union(*map(_numbers, value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*map(_numbers, value)) if value else set()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {float(value), round(value * 100, 1)}
    return set()


def _stated_targets(results: Path) -> set[float]:
    """The targets not held in a results file: the benchmarks' TARGET_* constants, check.md's "Targets" line and
    the model card's real-register targets."""
    texts = [path.read_text(encoding="utf-8") for path in (REPO / "bench").glob("*.py") if path.name != "latest.py"]
    constants = [m for text in texts for m in re.findall(r"^TARGET_\w+\s*=\s*([\d.]+)", text, re.M)]
    check = (results / "check.md").read_text(encoding="utf-8")
    card = re.sub(r"\s+", " ", (REPO / "data" / "MODEL_CARD.md").read_text(encoding="utf-8"))
    stated = re.findall(r"Targets[^\n]*", check) + re.findall(r"None of the targets is met \([^)]*\)", card)
    return {float(n) for n in constants + [n for line in stated for n in NUMBER.findall(line)]}


def _numbers_shown(cells: list[str]) -> list[float]:
    return [float(n) for cell in cells for n in NUMBER.findall(re.sub(r"`[^`]*`", "", cell))]


def test_the_page_builds_from_the_committed_results_with_each_file_and_its_machine() -> None:
    text = build()
    rows = _table(text, "| area |")
    sources = {row[0].strip("`"): row for row in _table(text, "| file |")}
    for name in ("bot.json", "check.json", "model.json", "startup.json", "eval/realset/evalset.json"):
        assert name in sources and any(row[-1] == f"`{name}`" for row in rows)
    bot = json.loads((RESULTS / "bot.json").read_text(encoding="utf-8"))
    assert bot["cpu"] in sources["bot.json"][1]  # the CPU, with its native-bfloat16 flag
    p95 = next(row for row in rows if row[-1] == "`bot.json`" and "p95" in row[1])
    assert p95[2] == f"{bot['sustained']['latency_ms']['p95']:g} ms"
    assert p95[3] == f"≤ {bot['targets']['p95_ms']} ms"
    assert p95[4] == ("✓" if bot["sustained"]["latency_ms"]["p95"] <= bot["targets"]["p95_ms"] else "✗")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", sources["bot.json"][2])
    marks = [row[4] for row in rows]
    assert f"Targets met: {marks.count('✓')} ✓, missed: {marks.count('✗')} ✗." in text


def test_every_number_on_the_page_comes_from_the_file_its_row_names() -> None:
    text = build()
    targets = _stated_targets(RESULTS)
    files = {path: _numbers(json.loads((RESULTS / path).read_text(encoding="utf-8")))
             for path in {row[0].strip("`") for row in _table(text, "| file |")}}
    typed = []
    for row in _table(text, "| area |"):
        typed += [n for n in _numbers_shown(row[:3]) if n not in files[row[-1].strip("`")]]
        typed += [n for n in _numbers_shown(row[3:4]) if n not in files[row[-1].strip("`")] | targets]
    for row in _table(text, "| file |"):
        typed += [n for n in _numbers_shown(row[:2]) if n not in files[row[0].strip("`")]]  # not date, commit
    prose = [line for line in text.splitlines() if not line.startswith(("|", "Targets met:"))]
    typed += _numbers_shown(prose)
    assert not typed, f"numbers on the page that no source holds: {typed}"
    assert sum(len(numbers) for numbers in files.values()) > 100


def test_figures_and_marks_follow_the_files_and_a_missing_file_is_left_out(tmp_path: Path) -> None:
    results = tmp_path / "results"
    shutil.copytree(RESULTS, results)
    bot = json.loads((results / "bot.json").read_text(encoding="utf-8"))
    bot["sustained"]["latency_ms"]["p95"] = 123.4
    bot["targets"]["p95_ms"] = 150
    (results / "bot.json").write_text(json.dumps(bot), encoding="utf-8")
    (results / "model.json").unlink()
    text = build(results, REPO)
    p95 = next(row for row in _table(text, "| area |") if row[-1] == "`bot.json`" and "p95" in row[1])
    assert p95[2:5] == ["123.4 ms", "≤ 150 ms", "✓"]
    assert "`model.json`" not in text and "model: transformer" not in text


def test_the_committed_page_shows_the_committed_results() -> None:
    committed = _table(OUTPUT.read_text(encoding="utf-8"), "| area |")
    assert committed == _table(build(), "| area |"), "bench/results/latest.md is stale: python -m bench.latest"
