"""Commands that do not need the model start without importing the model stack (torch, transformers, the Rust
tokenizer, safetensors, scikit-learn: seconds of start-up together): ``number``, the list commands,
``feedback``, ``--help``, ``check --no-model``, and every input the checker would refuse, which is refused
before the model loads. Asserted on ``sys.modules``, not on timing
(the timings are in ``bench/results/startup.md``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""

TOO_LONG = "您的账户异常" * (MAX_TEXT_CHARS // 6 + 1)


def run_cli(argv: list[str], tmp_path: Path) -> dict[str, object]:
    """``bot.cli.main(argv)`` in a fresh interpreter with the model on (the default): its exit code and which
    heavy modules it imported."""
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
    assert result == {"code": code, "heavy": []}
