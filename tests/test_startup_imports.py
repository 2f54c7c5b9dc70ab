"""Commands that do not need the model start without importing the model stack (torch, transformers, the Rust
tokenizer, safetensors, scikit-learn: seconds of start-up together): ``number``, the list commands,
``feedback``, ``--help``, ``check --no-model``, and every input the checker would refuse, which is refused
before the model loads. A command also imports only its own command module (not the bot's runner nor the
model's command line). Asserted on ``sys.modules``, not on timing (the timings are in
``bench/results/startup.md``)."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import bot.cli
from bot.check import MAX_TEXT_CHARS

PROBE = """
import json, sys
import bot.cli
argv = json.loads(sys.argv[1])
try:
    code = bot.cli.main(argv)
except SystemExit as exc:
    code = exc.code
heavy = sorted(m for m in ("torch", "transformers", "tokenizers", "safetensors", "sklearn", "scipy")
               if m in sys.modules)
commands = sorted(m for m in bot.cli.COMMAND_MODULES if m in sys.modules)
links = sorted(m for m in ("tldextract", "requests") if m in sys.modules)
print(json.dumps({"code": code, "heavy": heavy, "commands": commands, "links": links}), file=sys.stderr)
"""

TOO_LONG = "您的账户异常" * (MAX_TEXT_CHARS // 6 + 1)


def run_cli(argv: list[str], tmp_path: Path) -> dict[str, object]:
    """``bot.cli.main(argv)`` in a fresh interpreter with the model on (the default): its exit code, which
    heavy modules it imported and which command modules."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "FANZHA_"))}
    env["FANZHA_DATABASE_URL"] = f"sqlite:///{tmp_path / 'fanzha.db'}"
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argv)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    return json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize(("argv", "code"), [
    (["number", "请拨打 13800138000"], 0),
    (["--help"], 0),
    (["check", "--no-model", "【工商银行】您的账户存在异常，请致电 13800138000 解冻"], 0),
    (["check", "--number", "13800138000"], 0),
    (["blocklist", "add", "13912345678", "--category", "冒充公检法"], 0),
    (["blocklist", "export"], 0),
    (["allowlist", "export"], 0),
    (["feedback", "export"], 0),
    (["check", TOO_LONG], 1),
    (["check", "   "], 1),
    (["check", "--number", "12"], 1),
    (["model", "vocab", "--help"], 0),
    (["check", "--no-model", "--json", "Привет 👋 转账到安全账户 https://bit.ly/x"], 0),
], ids=["number", "help", "check-no-model", "check-a-number", "blocklist-add", "blocklist-export",
        "allowlist-export", "feedback-export", "too-long", "empty", "bad-number", "model-vocab-help",
        "check-no-model-json"])
def test_command_does_not_import_the_model_stack(argv: list[str], code: int, tmp_path: Path) -> None:
    result = run_cli(argv, tmp_path)
    assert {"code": result["code"], "heavy": result["heavy"]} == {"code": code, "heavy": []}


@pytest.mark.parametrize(("argv", "module"), [
    (["number", "请拨打 13800138000"], "bot.commands.number"),
    (["check", "--no-model", "【工商银行】您的账户存在异常，请致电 13800138000 解冻"], "bot.commands.check"),
    (["check", TOO_LONG], "bot.commands.check"),
    (["allowlist", "export"], "bot.commands.lists"),
    (["model", "vocab", "--help"], "nlp.cli"),
], ids=["number", "check-no-model", "too-long", "allowlist-export", "model-vocab-help"])
def test_a_command_imports_only_its_own_command_module(argv: list[str], module: str, tmp_path: Path) -> None:
    assert run_cli(argv, tmp_path)["commands"] == [module]


def test_a_message_without_a_link_does_not_load_the_domain_list(tmp_path: Path) -> None:
    """tldextract (and the ``requests`` it imports) is needed to read a link's registered domain: a message with
    none is checked without it; one with a link still gets its domain read."""
    plain = run_cli(["check", "--no-model", "【工商银行】您的账户存在异常，请致电 13800138000 解冻"], tmp_path)
    assert plain["code"] == 0 and plain["links"] == []
    linked = run_cli(["check", "--no-model", "您的账户异常，请登录 icbc-verify.top 解冻"], tmp_path)
    assert linked["code"] == 0 and "tldextract" in linked["links"]


def _registered(module: str) -> set[str]:
    parser = argparse.ArgumentParser()
    module_subparsers = parser.add_subparsers()
    importlib.import_module(module).register(module_subparsers)
    return set(module_subparsers.choices)


def test_every_command_is_found_by_its_name() -> None:
    """``bot.cli.COMMANDS`` names each command of each module: a command missing from it would be parsed only
    through the slower full registration, and one listed under the wrong module would not be found at all."""
    registered = {command: module for module in bot.cli.COMMAND_MODULES for command in _registered(module)}
    assert registered == bot.cli.COMMANDS


def test_help_and_an_unknown_command_still_list_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        bot.cli.main(["--help"])
    listed = capsys.readouterr().out
    with pytest.raises(SystemExit):
        bot.cli.main(["chek", "x"])
    refused = capsys.readouterr().err
    for command in ("run", "number", "check", "blocklist", "allowlist", "domains", "feedback", "evaluate-set",
                    "model", "train", "classify", "evaluate", "train-peer"):
        assert command in listed
        assert f"'{command}'" in refused
