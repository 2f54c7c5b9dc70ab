"""Mutation testing of the core modules with mutmut, each module against its own fast tests.

A line-coverage figure says a test *ran* a line; a mutation score says a test would *notice* if the line were
wrong. mutmut (3.x) copies the code to ``mutants/``, changes one operator, constant or call at a time, and runs
the tests that call the changed function: a mutant the tests still pass on "survived".

One mutmut run per module, because mutmut takes one test selection per run and a module's mutants should be
judged by the tests written for it (seconds each), never the whole 12-minute suite. Each module works in its
own folder, ``var/mutation/<module>/`` (git-ignored), which holds a ``pyproject.toml`` generated from the
repository's with a per-module ``[tool.mutmut]`` (the shared settings from the repository's section, plus
``only_mutate`` and ``pytest_add_cli_args_test_selection``) and symlinks to ``bot/``, ``tests/`` and ``data/``.
The folders keep mutmut's cache between runs: only mutants of changed functions run again, and when the
module's test files changed, every mutant not killed before runs again too (mutmut alone would keep a cached
"survived" that a new test now kills). A kill stays cached, so a weakened test is only caught by ``--fresh``
(no cache: every mutant runs); the JSON says which figures come from a fresh run. Two runs of the same module
cannot overlap (a lock file).

Mutants that cannot change behaviour are declared in ``bench/mutation_equivalent.toml``, each with the line the
mutant writes and the reason; a declaration whose mutant no longer exists, writes another line, or is killed
after all stops the run. Score = killed / (killed + survived − equivalent).

    .venv/bin/python scripts/mutation.py                       # all seven modules (about an hour on 2 cores)
    .venv/bin/python scripts/mutation.py bot/policy.py         # one module; merged into the existing results
    .venv/bin/python scripts/mutation.py --changed             # modules (or their tests) touched on this branch
    .venv/bin/python scripts/mutation.py --show bot/urls.py    # the mutants not killed so far (also mid-run)
    .venv/bin/python scripts/mutation.py --report              # rewrite the Markdown from the JSON, run nothing

Writes ``bench/results/mutation.json`` and ``bench/results/mutation.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "mutation"
RESULTS_JSON = ROOT / "bench" / "results" / "mutation.json"
RESULTS_MD = ROOT / "bench" / "results" / "mutation.md"
EQUIVALENT_FILE = ROOT / "bench" / "mutation_equivalent.toml"
MUTMUT = ROOT / ".venv" / "bin" / "mutmut"

# Each core module and the test files that judge it (globs, relative to the repository). Only tests that run in
# seconds: never the e2e, model-loading or fuzz tests, and not the store-backed suites when pure ones exist (each
# mutant runs its tests in a fresh pytest; a database per test made csvfiles' 760 mutants hours, not minutes).
# A new test file for a module is picked up when its name matches a glob here (test_policy_*.py and so on).
TESTS_BY_MODULE: dict[str, list[str]] = {
    "bot/policy.py": ["tests/check/test_policy*.py"],
    "bot/rules.py": ["tests/check/test_rules*.py"],
    "bot/phones.py": ["tests/test_phones*.py"],
    "bot/urls.py": ["tests/check/test_urls*.py"],
    # The checker's own fast tests (in-memory lists, a stand-in classifier, one store per file); the suites
    # that open a store per test (test_checker.py, test_check_domains.py…) and the CLI ones stay out.
    "bot/check.py": [
        "tests/check/test_check_verdict_*.py",
        "tests/check/test_check_advice_and_evidence.py",
        "tests/check/test_check_model_answers.py",
        "tests/check/test_policy*.py",
    ],
    "bot/store/csvfiles.py": ["tests/store/test_csvfiles*.py"],
    # The service tests on one SQLite template copied per test; the other tests/moderation files run each test
    # on a freshly migrated database (and on PostgreSQL), and the feedback export spawns the CLI.
    "bot/moderation.py": ["tests/moderation/test_service_*.py"],
}

# Data files a module reads: when one changes, every verdict of the module may change, so its cache is dropped.
DATA_BY_MODULE: dict[str, list[str]] = {
    "bot/rules.py": ["data/rules/*.toml"],
    "bot/phones.py": ["data/allowlist.csv", "data/rules/hotlines.toml"],
    "bot/urls.py": ["data/rules/official_domains.toml"],
    "bot/check.py": ["data/rules/*.toml", "data/allowlist.csv"],
}

# mutmut statuses (mutmut.stats.status_by_exit_code) counted as a kill; everything else that was tested counts
# as a survivor ("no tests": no selected test even calls the function — nothing would notice the change).
KILLED_STATUSES = {"killed", "timeout", "segfault", "caught by type check"}


def slug(module: str) -> str:
    """``bot/store/csvfiles.py`` → ``bot_store_csvfiles`` (the module's working folder)."""
    return module.removesuffix(".py").replace("/", "_")


def test_files(module: str) -> list[str]:
    """The module's test files, sorted, relative to the repository root."""
    found = sorted({str(p.relative_to(ROOT)) for pattern in TESTS_BY_MODULE[module] for p in ROOT.glob(pattern)})
    if not found:
        raise SystemExit(f"mutation: no test file matches {TESTS_BY_MODULE[module]} for {module}")
    return found


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def changed_modules() -> list[str]:
    """Modules whose source or test files differ from ``main`` (committed on this branch, staged, unstaged or new)."""
    changed = set(git("diff", "--name-only", "main...HEAD").split())
    changed |= set(git("diff", "--name-only", "HEAD").split())
    changed |= set(git("ls-files", "--others", "--exclude-standard").split())
    return [m for m in TESTS_BY_MODULE if m in changed or changed.intersection(test_files(m))]


def base_mutmut_config() -> dict[str, Any]:
    """The repository's ``[tool.mutmut]`` (shared settings), without the per-run keys this script sets."""
    config = dict(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"])
    for key in ("only_mutate", "pytest_add_cli_args_test_selection"):
        config.pop(key, None)
    return config


def toml_value(value: Any) -> str:
    """A TOML literal for the plain values a ``[tool.mutmut]`` holds (JSON's string escapes are valid TOML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"unsupported [tool.mutmut] value: {value!r}")


def pyproject_for(module: str, tests_args: Path) -> str:
    """The repository's pyproject.toml with its ``[tool.mutmut]`` table replaced by this module's run.

    The test files are named in ``tests_args`` (pytest reads ``@file`` arguments), not in the table: mutmut
    drops every cached verdict when its test selection or pyproject.toml changes, and a new test file for the
    module must not cost a full run. Data changes are this script's business (``DATA_BY_MODULE``)."""
    kept: list[str] = []
    skipping = False
    for line in (ROOT / "pyproject.toml").read_text("utf-8").splitlines():
        if line.startswith("["):
            skipping = line.strip() == "[tool.mutmut]"
        if not skipping:
            kept.append(line)
    config = base_mutmut_config() | {
        "only_mutate": [module],
        "pytest_add_cli_args_test_selection": [f"@{tests_args}"],
        "use_git_change_detection": False,
        "cache_invalidation_files": [],
        "on_dependency_change": "ignore",
    }
    table = [f"{key} = {toml_value(value)}" for key, value in config.items()]
    header = ["", "# Generated by scripts/mutation.py for one module's run.", "[tool.mutmut]"]
    return "\n".join([*kept, *header, *table, ""])


def digest(names: list[str]) -> str:
    h = hashlib.sha256()
    for name in names:
        h.update(name.encode() + b"\0" + (ROOT / name).read_bytes() + b"\0")
    return h.hexdigest()


def tests_digest(tests: list[str]) -> str:
    """Content hash of the module's test files (plus the shared conftest): a change reruns its survivors."""
    return digest([*tests, "tests/conftest.py"])


def data_digest(module: str) -> str:
    """Content hash of the data files the module reads (and mutmut's settings): a change drops its cache."""
    files = sorted(str(p.relative_to(ROOT)) for g in DATA_BY_MODULE.get(module, []) for p in ROOT.glob(g))
    return digest(files) + json.dumps(base_mutmut_config(), sort_keys=True)


@contextlib.contextmanager
def module_lock(workdir: Path) -> Iterator[None]:
    """One run per module at a time (two runs would share and corrupt ``mutants/``)."""
    workdir.mkdir(parents=True, exist_ok=True)
    with open(workdir / "lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit(f"mutation: {workdir} is in use by another run") from None
        yield


def prepare(module: str, tests: list[str], *, fresh: bool) -> tuple[Path, bool, bool, str]:
    """Set up the module's working folder: (folder, whether its tests changed since the last run, whether the
    run starts without a cache, the tests' digest now — recorded when the run ends, so a test edited during
    the run counts as changed next time)."""
    workdir = WORK / slug(module)
    for name in ("bot", "tests", "data"):
        link = workdir / name
        if not link.is_symlink():
            link.symlink_to(ROOT / name, target_is_directory=True)
    tests_args = workdir / "tests.args"
    tests_args.write_text("".join(f"{t}\n" for t in tests))  # relative: pytest runs in mutants/, on its copies
    (workdir / "pyproject.toml").write_text(pyproject_for(module, tests_args), "utf-8")
    digest_file = workdir / "tests.sha256"
    seen = tests_digest(tests)
    tests_changed = not digest_file.exists() or digest_file.read_text().strip() != seen
    data_file = workdir / "data.sha256"
    data_changed = data_file.exists() and data_file.read_text().strip() != data_digest(module)
    if (fresh or data_changed) and (workdir / "mutants").exists():
        why = "--fresh" if fresh else "its data files or the mutmut settings changed"
        print(f"mutation: {module}: {why}: mutmut's cache dropped", flush=True)
        shutil.rmtree(workdir / "mutants")
    no_cache = not (workdir / "mutants" / (module + ".meta")).exists()
    return workdir, tests_changed, no_cache, seen


def record_inputs(workdir: Path, module: str, seen: str) -> None:
    """Remember the tests (as they were when the run began) and data a finished run judged with."""
    (workdir / "tests.sha256").write_text(seen + "\n")
    (workdir / "data.sha256").write_text(data_digest(module) + "\n")


def unchecked(workdir: Path, module: str) -> bool:
    meta = json.loads((workdir / "mutants" / (module + ".meta")).read_text())
    return any(code is None for code in meta["exit_code_by_key"].values())


def not_killed(workdir: Path, module: str) -> list[str]:
    from mutmut.stats import status_by_exit_code

    meta = json.loads((workdir / "mutants" / (module + ".meta")).read_text())
    return [n for n, code in meta["exit_code_by_key"].items()
            if code is not None and status_by_exit_code[code] not in KILLED_STATUSES]


def run_mutmut(module: str, workdir: Path, max_children: int, names: list[str] | None = None) -> None:
    """``mutmut run``: new and changed mutants; with ``names``, those mutants again whatever their cached result."""
    log = workdir / ("rerun.log" if names else "run.log")
    what = f"{len(names)} mutants not killed before, again" if names else "mutmut run"
    print(f"mutation: {module}: {what} (log: {log.relative_to(ROOT)})", flush=True)
    env = os.environ | {"PYTHONDONTWRITEBYTECODE": "1"}
    with open(log, "w") as out:
        code = subprocess.run(
            [str(MUTMUT), "run", "--max-children", str(max_children), *(names or [])],
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            check=False,
        ).returncode
    if code != 0:
        sys.stdout.write(log.read_text(errors="replace")[-4000:])
        raise SystemExit(f"mutation: mutmut failed on {module} (exit {code}); see {log}")


def mutant_diff(workdir: Path, module: str, name: str) -> str:
    """The mutant as a unified diff of its function, cut to the changed lines."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    cwd = Path.cwd()
    os.chdir(workdir)
    try:
        diff = get_diff_for_mutant(name, path=module)
    finally:
        os.chdir(cwd)
    return "\n".join(line for line in diff.splitlines()[2:] if line[:1] in "+-" or line.startswith("@@"))


def changed_line(diff: str) -> str:
    """The line(s) the mutant writes (the ``+`` side), whitespace-trimmed: what a declaration pins."""
    return "\n".join(line[1:].strip() for line in diff.splitlines() if line.startswith("+"))


def load_equivalents() -> dict[str, dict[str, str]]:
    if not EQUIVALENT_FILE.exists():
        return {}
    return tomllib.loads(EQUIVALENT_FILE.read_text("utf-8"))


def collect(module: str, workdir: Path, equivalents: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Per-module figures from mutmut's meta file, checked against the declared equivalents."""
    from mutmut.stats import status_by_exit_code

    meta = json.loads((workdir / "mutants" / (module + ".meta")).read_text())
    status = {name: status_by_exit_code[code] for name, code in meta["exit_code_by_key"].items()}
    unchecked = sorted(n for n, s in status.items() if s in ("not checked", "check was interrupted by user"))
    if unchecked:
        raise SystemExit(f"mutation: {module}: {len(unchecked)} mutants were not checked: {unchecked[:5]}")
    prefix = module.removesuffix(".py").replace("/", ".") + "."
    declared = {name: e for name, e in equivalents.items() if name.startswith(prefix)}
    problems = []
    for name, entry in declared.items():
        if name not in status:
            problems.append(f"{name}: declared equivalent but no such mutant any more")
        elif status[name] in KILLED_STATUSES:
            problems.append(f"{name}: declared equivalent but the tests kill it (remove the declaration)")
        elif changed_line(mutant_diff(workdir, module, name)) != entry["mutant"].strip():
            problems.append(f"{name}: declared for `{entry['mutant']}`, but that name is now another mutant")
    if problems:
        raise SystemExit("mutation: bench/mutation_equivalent.toml is out of date:\n  " + "\n  ".join(problems))

    killed = sum(s in KILLED_STATUSES for s in status.values())
    survived = len(status) - killed
    equivalent = len(declared)
    denominator = killed + survived - equivalent
    survivors = [
        {"name": n, "status": s, "diff": mutant_diff(workdir, module, n)}
        for n, s in sorted(status.items(), key=lambda item: _mutant_order(item[0]))
        if s not in KILLED_STATUSES and n not in declared
    ]
    return {
        "tests": test_files(module),
        "total": len(status),
        "killed": killed,
        "survived": survived,
        "equivalent": equivalent,
        "no_tests": sum(s == "no tests" for s in status.values()),
        "timeout": sum(s == "timeout" for s in status.values()),
        "score": round(killed / denominator, 4) if denominator else 1.0,
        "survivors": survivors,
        "equivalents": [
            {"name": n, "reason": declared[n]["reason"], "diff": mutant_diff(workdir, module, n)}
            for n in sorted(declared, key=_mutant_order)
        ],
    }


def _mutant_order(name: str) -> tuple[str, int]:
    function, _, number = name.rpartition("__mutmut_")
    return function, int(number) if number.isdigit() else 0


def write_results(figures: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Merge this run's modules into the existing JSON (other modules keep their last figures)."""
    data: dict[str, Any] = {"commit": None, "modules": {}}
    if RESULTS_JSON.exists():
        data = json.loads(RESULTS_JSON.read_text())
    head = git("rev-parse", "HEAD").strip()
    dirty = bool(git("status", "--porcelain", "--", "bot", "tests").strip())
    for module, figure in figures.items():
        data["modules"][module] = figure | {"commit": head, "uncommitted_changes": dirty}
    data["commit"] = head
    data["modules"] = {m: data["modules"][m] for m in sorted(data["modules"], key=_module_order)}
    RESULTS_JSON.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_JSON.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return data


def _module_order(module: str) -> int:
    order = list(TESTS_BY_MODULE)
    return order.index(module) if module in order else len(order)


def write_markdown(data: dict[str, Any]) -> None:
    lines = [
        "# Mutation testing of the core",
        "",
        "`scripts/mutation.py` (mutmut 3, one run per module against that module's own tests; see its docstring).",
        "Score = killed / (killed + survived − equivalent); a timeout counts as killed, a mutant no selected test",
        "calls counts as survived. Equivalent mutants are declared with their reason in",
        "`bench/mutation_equivalent.toml`. \"cached kills\": some kills were kept from an earlier run of the same",
        "function (`--fresh` runs every mutant).",
        "",
        f"Last written at commit `{data['commit']}`.",
        "",
        "| module | mutants | killed | survived | equivalent | score | commit | tests |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for module, m in data["modules"].items():
        commit = m["commit"][:10] + (" + working tree" if m.get("uncommitted_changes") else "")
        commit += "" if m.get("fresh") else " (cached kills)"
        tests = ", ".join(f"`{t}`" for t in m["tests"])
        lines.append(
            f"| `{module}` | {m['total']} | {m['killed']} | {m['survived']} | {m['equivalent']} "
            f"| {m['score']:.1%} | {commit} | {tests} |"
        )
    for module, m in data["modules"].items():
        lines += ["", f"## `{module}`", "", f"### Surviving mutants ({len(m['survivors'])})", ""]
        if not m["survivors"]:
            lines.append("None.")
        for s in m["survivors"]:
            lines += [f"`{s['name']}` ({s['status']})", "", "```diff", s["diff"], "```", ""]
        lines += ["", f"### Equivalent mutants ({len(m['equivalents'])})", ""]
        if not m["equivalents"]:
            lines.append("None.")
        for e in m["equivalents"]:
            lines += [f"`{e['name']}`: {e['reason']}", "", "```diff", e["diff"], "```", ""]
    RESULTS_MD.write_text("\n".join(lines).rstrip() + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help=f"default: all of {', '.join(TESTS_BY_MODULE)}")
    parser.add_argument("--changed", action="store_true", help="only modules (or tests) changed against main")
    parser.add_argument("--fresh", action="store_true", help="drop mutmut's cache: every mutant runs again")
    parser.add_argument("--report", action="store_true", help="rewrite the Markdown from the JSON; run nothing")
    parser.add_argument("--show", action="store_true",
                        help="print the mutants not killed so far (mutmut's cache, even mid-run); run nothing")
    parser.add_argument("--max-children", type=int, default=1, help="mutmut workers (default 1: a shared machine)")
    args = parser.parse_args(argv)

    if args.report:
        write_markdown(json.loads(RESULTS_JSON.read_text()))
        return 0
    modules = [str(Path(m)) for m in args.modules] or (changed_modules() if args.changed else list(TESTS_BY_MODULE))
    unknown = [m for m in modules if m not in TESTS_BY_MODULE]
    if unknown:
        parser.error(f"not a core module: {', '.join(unknown)} (known: {', '.join(TESTS_BY_MODULE)})")
    if not modules:
        print("mutation: no core module or its tests changed against main")
        return 0

    if args.show:
        for module in modules:
            workdir = WORK / slug(module)
            from mutmut.stats import status_by_exit_code

            meta = json.loads((workdir / "mutants" / (module + ".meta")).read_text())
            for name, code in sorted(meta["exit_code_by_key"].items(), key=lambda item: _mutant_order(item[0])):
                status = status_by_exit_code[code]
                if status not in KILLED_STATUSES and status != "not checked":
                    print(f"# {name} ({status})\n{mutant_diff(workdir, module, name)}")
        return 0
    equivalents = load_equivalents()
    figures: dict[str, dict[str, Any]] = {}
    for module in modules:
        tests = test_files(module)
        workdir = WORK / slug(module)
        with module_lock(workdir):
            workdir, tests_changed, no_cache, seen = prepare(module, tests, fresh=args.fresh)
            run_mutmut(module, workdir, args.max_children)
            if tests_changed and not no_cache:
                survivors = not_killed(workdir, module)
                if survivors:
                    run_mutmut(module, workdir, args.max_children, survivors)
                    if unchecked(workdir, module):  # the source changed meanwhile: its new mutants
                        run_mutmut(module, workdir, args.max_children)
            record_inputs(workdir, module, seen)
            figures[module] = collect(module, workdir, equivalents) | {"fresh": no_cache}
        f = figures[module]
        print(
            f"mutation: {module}: {f['total']} mutants, {f['killed']} killed, {f['survived']} survived, "
            f"{f['equivalent']} equivalent → score {f['score']:.1%}",
            flush=True,
        )
        # Written after each module: an interrupted full run keeps what it finished. Runs of other modules may
        # finish at the same moment: the read-merge-write of the shared results happens under one lock.
        WORK.mkdir(parents=True, exist_ok=True)
        with open(WORK / "results.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            write_markdown(write_results({module: figures[module]}))
    print(f"mutation: wrote {RESULTS_JSON.relative_to(ROOT)} and {RESULTS_MD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
