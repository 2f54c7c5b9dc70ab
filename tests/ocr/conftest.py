"""The fixtures' readings, made once per test session: the recogniser costs seconds of CPU per picture."""

from __future__ import annotations

from typing import Any

import pytest
from ocr_fixtures import FIXTURES, entries


@pytest.fixture(scope="session")
def readings() -> dict[str, Any]:
    """file name → OcrResult for every fixture (the engine in this process, loaded once)."""
    from bot.ocr.reader import read_image

    return {e["file"]: read_image((FIXTURES / e["file"]).read_bytes()) for e in entries()}
