"""scripts/mutation.py, the mutation-testing runner: per-module config, merged results, declared equivalents.

Its figures are only worth something if a partial run keeps the other modules' figures and a stale
"equivalent" declaration stops the run instead of quietly raising a score.
"""

from __future__ import annotations

import importlib.util
import json
import tomllib
from pathlib import Path

import pytest

from bot import PROJECT_ROOT


@pytest.fixture(scope="module")
def runner():
    spec = importlib.util.spec_from_file_location("mutation_runner", PROJECT_ROOT / "scripts" / "mutation.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_core_module_is_judged_by_fast_tests_that_exist(runner):
    assert set(runner.TESTS_BY_MODULE) == {"bot/policy.py", "bot/rules.py", "bot/phones.py", "bot/urls.py",
                                           "bot/check.py", "bot/store/csvfiles.py", "bot/moderation.py"}
    for module in runner.TESTS_BY_MODULE:
        tests = runner.test_files(module)
        assert tests and not [t for t in tests if t.startswith(("tests/e2e", "tests/fuzz", "tests/model"))]


def test_a_modules_run_gets_its_own_mutmut_table_and_keeps_the_rest(runner, tmp_path):
    text = runner.pyproject_for("bot/urls.py", tmp_path / "tests.args")
    config = tomllib.loads(text)
    assert config["tool"]["mutmut"]["only_mutate"] == ["bot/urls.py"]
    assert config["tool"]["mutmut"]["pytest_add_cli_args_test_selection"] == [f"@{tmp_path / 'tests.args'}"]
    assert config["tool"]["mutmut"]["source_paths"] == ["bot"]
    assert config["project"]["name"] == "fanzha" and "pytest" in config["tool"]
    assert text.count("[tool.mutmut]") == 1


def _figure(runner, module: str) -> dict:
    return {"tests": [], "total": 1, "killed": 1, "survived": 0, "equivalent": 0, "no_tests": 0, "timeout": 0,
            "score": 1.0, "survivors": [], "equivalents": [], "fresh": True, "module": module}


def test_running_some_modules_keeps_the_figures_of_the_others(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "RESULTS_JSON", tmp_path / "mutation.json")
    runner.write_results({"bot/urls.py": _figure(runner, "bot/urls.py")})
    data = runner.write_results({"bot/policy.py": _figure(runner, "bot/policy.py")})
    assert list(data["modules"]) == ["bot/policy.py", "bot/urls.py"]  # in the runner's module order
    assert json.loads((tmp_path / "mutation.json").read_text()) == data
    assert len(data["commit"]) == 40


def _workdir(tmp_path: Path, codes: dict[str, int]) -> Path:
    meta = tmp_path / "mutants" / "bot" / "policy.py.meta"
    meta.parent.mkdir(parents=True)
    meta.write_text(json.dumps({"exit_code_by_key": codes}))
    return tmp_path


@pytest.mark.parametrize(("codes", "problem"), [
    ({"bot.policy.x_decide__mutmut_1": 1}, "no such mutant"),
    ({"bot.policy.x_decide__mutmut_1": 1, "bot.policy.x__max__mutmut_1": 1}, "the tests kill it"),
])
def test_a_stale_equivalent_declaration_stops_the_run(runner, tmp_path, codes, problem):
    declared = {"bot.policy.x__max__mutmut_1": {"mutant": "return a", "reason": "dead code"}}
    with pytest.raises(SystemExit, match=problem):
        runner.collect("bot/policy.py", _workdir(tmp_path, codes), declared)


def test_the_score_leaves_declared_equivalents_out(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "mutant_diff", lambda workdir, module, name: f"+    {name}")
    codes = {f"bot.policy.x_decide__mutmut_{i}": 1 for i in range(1, 9)} | {
        "bot.policy.x_decide__mutmut_9": 0, "bot.policy.x_decide__mutmut_10": 33}
    declared = {"bot.policy.x_decide__mutmut_10": {"mutant": "bot.policy.x_decide__mutmut_10", "reason": "r"}}
    figure = runner.collect("bot/policy.py", _workdir(tmp_path, codes), declared)
    assert (figure["killed"], figure["survived"], figure["equivalent"], figure["no_tests"]) == (8, 2, 1, 1)
    assert figure["score"] == round(8 / 9, 4)
    assert [s["name"] for s in figure["survivors"]] == ["bot.policy.x_decide__mutmut_9"]
