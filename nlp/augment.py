"""Training-set augmentation for the register gap (first version: no-op; templates follow)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nlp.data import Splits


def augment_splits(splits: Splits, *, seed: int = 13) -> None:
    """Add augmented rows to ``splits.train`` (and a synthetic slice to test) in place."""
    return None
