"""``fanzha feedback export [--output FILE]``: reviewed "wrong verdict" items as JSON Lines training rows.

One object per line: ``{"text": …, "label": "fraud" | "normal", "category": <category key> | null}``
(the training label of ``nlp.data`` is ``category`` for fraud and ``normal`` otherwise).

Which items become rows, and with which label:

- **accepted** (the verdict was wrong): the moderator's label — ``legit`` → ``normal``, a category →
  ``fraud`` of that category;
- **rejected** (the verdict was right): the verdict's own answer — ``high`` → ``fraud`` of the verdict's
  category (``other`` when it had none), ``low`` → ``normal``; a ``suspicious`` verdict says neither and is
  left out;
- pending items, and items whose text the user did not consent to keep (no text stored), are left out:
  a training row needs its text. A summary of what was written and skipped goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("feedback", help="export reviewed 'wrong verdict' feedback")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export", help="write reviewed feedback as JSON Lines training rows (text only where consented)")
    export.add_argument("--output", "-o", type=Path, default=None, help="file to write (stdout without it)")
    export.set_defaults(func=run_export)


def training_row(item: Any) -> dict[str, Any] | None:
    """The training row for one reviewed feedback item, or None when it cannot be one (see module doc)."""
    if not item.text or item.status not in ("accepted", "rejected"):
        return None
    if item.status == "accepted":
        if not item.label:
            return None
        if item.label == "legit":
            return {"text": item.text, "label": "normal", "category": None}
        return {"text": item.text, "label": "fraud", "category": item.label}
    level = (item.verdict or {}).get("risk_level")
    if level == "high":
        return {"text": item.text, "label": "fraud", "category": (item.verdict or {}).get("category_key") or "other"}
    if level == "low":
        return {"text": item.text, "label": "normal", "category": None}
    return None


def training_rows(items: Iterable[Any]) -> Iterator[dict[str, Any]]:
    for item in items:
        row = training_row(item)
        if row is not None:
            yield row


def run_export(args: argparse.Namespace) -> int:
    from bot.config import Settings
    from bot.store import Store

    store = Store.open(Settings().database_url)
    try:
        items = [i for i in store.feedback_items(status=None) if i.status != "pending"]
    finally:
        store.close()
    rows = list(training_rows(items))
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if args.output is None:
        sys.stdout.write(lines)
    else:
        try:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(lines, encoding="utf-8")
        except OSError as exc:
            print(f"error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return 1
    no_text = sum(1 for i in items if not i.text)
    print(f"exported {len(rows)} reviewed item(s); skipped {no_text} without consented text and "
          f"{len(items) - no_text - len(rows)} without a clear label", file=sys.stderr)
    return 0
