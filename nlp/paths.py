"""Where things are: the repository root, the shipped model, and a file's SHA-256 (used to tie artefacts together).

One resolution for the whole project (``bot`` builds on it too). Paths come from this file's location, never
from the working directory.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
"""The repository root (the package is installed editable): ``data/`` and ``var/`` live here."""

SHIPPED_MODEL_DIR = REPO_ROOT / "data" / "model"


def default_model_dir() -> Path:
    """``FANZHA_MODEL_DIR`` or the ``data/model`` shipped with the repository (never the cwd)."""
    env = os.environ.get("FANZHA_MODEL_DIR")
    return Path(env).expanduser() if env else SHIPPED_MODEL_DIR


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB pieces."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
