"""``make run`` without TELEGRAM_BOT_TOKEN stops at once, saying what to set, before it installs anything."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_make_run_without_a_token_stops_before_installing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    # A virtualenv that does not exist yet and a Python that cannot make one: installing would fail otherwise.
    done = subprocess.run(["make", "--no-print-directory", "run", f"VENV={tmp_path / 'venv'}", "PYTHON=false"],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "TELEGRAM_BOT_TOKEN is not set" in done.stderr and "@BotFather" in done.stderr
    assert "venv" not in done.stdout  # no install step was started
    assert not (tmp_path / "venv").exists()
