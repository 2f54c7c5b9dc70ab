"""The fuzz suite's setup: its hypothesis profile (``fuzz_profile``) and the in-process bot harness, which lives
with the Telegram tests."""

from __future__ import annotations

import sys
from pathlib import Path

import fuzz_profile  # noqa: F401  (registers and loads the profile before any test module is collected)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "telegram"))
