"""Where ``fanzha evaluate`` writes when not told: never over the committed reports."""

from __future__ import annotations

from nlp import evaluate as E
from nlp.paths import REPO_ROOT


def test_evaluate_writes_outside_the_tracked_tree_by_default() -> None:
    """A trial run (``fanzha evaluate --data-dir …``) used to overwrite ``bench/results/eval/eval_seed13.md``,
    the report the model card cites; by default it now writes into ``var/``, which git ignores."""
    out = E.default_out_dir()
    ignored = {line.strip().rstrip("/") for line in (REPO_ROOT / ".gitignore").read_text().splitlines()}
    relative = out.relative_to(REPO_ROOT)
    assert relative.parts[0] in ignored
    committed = REPO_ROOT / "bench" / "results" / "eval"
    assert (committed / "eval_seed13.md").is_file()
    assert not out.resolve().is_relative_to(committed.resolve())
