"""Grouped, seeded splits of the loaded examples, and the augmentation of their training side.

Lives apart from ``nlp.data`` (loading, normalisation, grouping) so that loading never imports augmentation:
``nlp.augment`` and ``nlp.hardneg`` build on ``nlp.data``, and this module brings the two together.

Whole groups go to train/dev/test, ~70/15/15 within each (source, label) stratum, seeded; dev and test hold real
rows only, plus a flagged ``source="synthetic"`` slice of held-out templates in test.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from nlp.augment import augment_splits
from nlp.data import LABELS, SOURCES, Example, load_examples

SPLIT_FRACTIONS = {"train": 0.70, "dev": 0.15, "test": 0.15}


@dataclass
class Splits:
    train: list[Example]
    dev: list[Example]
    test: list[Example]
    leave_out: str | None = None
    seed: int = 13
    notes: list[str] = field(default_factory=list)

    @property
    def real_test(self) -> list[Example]:
        """Test rows from the data (the synthetic slice excluded): the figures that count."""
        return [e for e in self.test if e.source != "synthetic"]

    def fingerprint(self) -> str:
        """A short hash of which real rows are in dev and test: equal fingerprints ⇒ the same held-out split.

        Record it with a trained model; ``fanzha evaluate`` prints it, so a model can be checked against the
        split it is evaluated on (a changed loader or seed silently moves rows between train and test).
        """
        h = hashlib.blake2b(digest_size=8)
        for name in ("dev", "test"):
            for text in sorted(e.text for e in getattr(self, name) if e.source in SOURCES[:-1]):
                h.update(name.encode() + b"\x1f" + text.encode() + b"\x1e")
        return h.hexdigest()

    @property
    def synthetic_test(self) -> list[Example]:
        return [e for e in self.test if e.source == "synthetic"]

    def counts(self) -> str:
        """A Markdown table: rows per label × source for each split."""
        parts = []
        for name in ("train", "dev", "test"):
            items: list[Example] = getattr(self, name)
            table = Counter((e.label, e.source) for e in items)
            sources = sorted({s for _, s in table}, key=lambda s: (s not in SOURCES, SOURCES.index(s)
                                                                   if s in SOURCES else 0, s))
            parts.append(f"### {name} ({len(items)} rows)\n")
            parts.append("| label | " + " | ".join(sources) + " | total |")
            parts.append("|---|" + "---:|" * (len(sources) + 1))
            for label in LABELS:
                cells = [table.get((label, s), 0) for s in sources]
                if sum(cells):
                    parts.append(f"| {label} | " + " | ".join(str(c) for c in cells) + f" | {sum(cells)} |")
            parts.append("")
        return "\n".join(parts)


def _stable_hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def split_groups(examples: list[Example], *, seed: int = 13,
                 leave_out: str | None = None) -> tuple[list[Example], list[Example], list[Example]]:
    """Whole groups to train/dev/test, ~70/15/15 within each (source, label) stratum, seeded.

    With ``leave_out``, every group that touches that source goes to test (so no near-duplicate of it trains).
    """
    by_group: dict[str, list[Example]] = defaultdict(list)
    for e in examples:
        by_group[e.group].append(e)
    held: set[str] = set()
    if leave_out is not None:
        held = {g for g, items in by_group.items() if any(e.source == leave_out for e in items)}
    strata: dict[tuple[str, str], list[str]] = defaultdict(list)
    for g, items in by_group.items():
        if g in held:
            continue
        stratum = Counter((e.source, e.label) for e in items).most_common(1)[0][0]
        strata[stratum].append(g)
    rng = random.Random(seed)
    out: dict[str, list[Example]] = {"train": [], "dev": [], "test": []}
    for stratum in sorted(strata):
        names = sorted(strata[stratum], key=_stable_hash)
        rng.shuffle(names)
        filled = dict.fromkeys(out, 0)
        total = 0
        for g in names:  # each group to the split furthest below its share so far
            size = len(by_group[g])
            total += size
            target = max(out, key=lambda s: SPLIT_FRACTIONS[s] * total - filled[s])
            out[target].extend(by_group[g])
            filled[target] += size
    for g in sorted(held):
        out["test"].extend(by_group[g])
    return out["train"], out["dev"], out["test"]


def load_splits(data_dir: Path, *, seed: int = 13, leave_out: str | None = None,
                augment: bool = True) -> Splits:
    """Grouped, seeded splits; train augmented, dev/test real, plus a flagged synthetic slice in test."""
    if leave_out is not None and leave_out not in SOURCES[:-1]:
        raise ValueError(f"unknown source {leave_out!r}; choose one of {', '.join(SOURCES[:-1])}")
    examples = load_examples(data_dir)
    if leave_out is not None and not any(e.source == leave_out for e in examples):
        raise ValueError(f"source {leave_out!r} has no rows in {data_dir}")
    train, dev, test = split_groups(examples, seed=seed, leave_out=leave_out)
    splits = Splits(train, dev, test, leave_out=leave_out, seed=seed)
    if augment:
        augment_splits(splits, seed=seed)
    return splits
