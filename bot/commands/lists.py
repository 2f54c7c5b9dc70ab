"""``fanzha blocklist …`` and ``fanzha allowlist …``: manage the lists from a shell.

Numbers are accepted in any written form (normalized by ``bot.phones``), categories by key or Chinese
name. The CSV formats are described in ``bot.store.csvfiles``. Every change is audited with actor "cli".
Errors go to stderr as ``fanzha blocklist import: …`` (the style of the other commands) with exit code 1;
the store is left unchanged. A CSV file's errors follow, one line each, in English (``bot.locales``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.store import Store

ACTOR = "cli"


def register(subparsers: argparse._SubParsersAction) -> None:
    block = subparsers.add_parser("blocklist", help="add, remove, show, import or export blocklisted numbers")
    block_cmds = block.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = block_cmds.add_parser("add", help="add a number (or a prefix with --prefix) to the blocklist")
    p.add_argument("number", help="the number in any written form, or a prefix such as +86170 with --prefix")
    p.add_argument("--category", "-c", required=True, help="category key or Chinese name, e.g. 冒充公检法")
    p.add_argument("--evidence", "-e", default="", help="why the number is listed")
    p.add_argument("--expires", help="last day the entry counts (YYYY-MM-DD, Beijing time)")
    p.add_argument("--prefix", action="store_true", help="NUMBER is a prefix covering a whole segment")
    p.set_defaults(func=_guarded(_block_add))

    p = block_cmds.add_parser("remove", help="take a number off the blocklist (kept in the history)")
    p.add_argument("number")
    p.add_argument("--reason", "-r", default="", help="why it is removed")
    p.add_argument("--prefix", action="store_true", help="NUMBER is a prefix entry")
    p.set_defaults(func=_guarded(_block_remove))

    p = block_cmds.add_parser("show", help="show a number's entry and its history")
    p.add_argument("number")
    p.add_argument("--prefix", action="store_true", help="NUMBER is a prefix entry")
    p.set_defaults(func=_guarded(_block_show))

    p = block_cmds.add_parser("import", help="import a CSV file (number,category,evidence,expires); all or nothing")
    p.add_argument("file", type=Path)
    p.set_defaults(func=_guarded(_block_import))

    p = block_cmds.add_parser("export", help="write the active blocklist as CSV (stdout without FILE)")
    p.add_argument("file", type=Path, nargs="?")
    p.set_defaults(func=_guarded(_block_export))

    allow = subparsers.add_parser("allowlist", help="add, remove, show, import or export official numbers")
    allow_cmds = allow.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = allow_cmds.add_parser("add", help="add or update an official number")
    p.add_argument("number")
    p.add_argument("--owner", "-o", required=True, help="who the number belongs to, e.g. 中国工商银行")
    p.add_argument("--aliases", "-a", default=None, help="names used in texts, separated by |: 工行|ICBC")
    p.add_argument("--category-of-owner", default=None, help="bank, operator, courier, payment, government…")
    p.set_defaults(func=_guarded(_allow_add))

    p = allow_cmds.add_parser("remove", help="remove an official number")
    p.add_argument("number")
    p.add_argument("--reason", "-r", default="")
    p.set_defaults(func=_guarded(_allow_remove))

    p = allow_cmds.add_parser("show", help="show an official number and its history")
    p.add_argument("number")
    p.set_defaults(func=_guarded(_allow_show))

    p = allow_cmds.add_parser("import", help="import a CSV file (number,owner,aliases,category_of_owner)")
    p.add_argument("file", type=Path)
    p.set_defaults(func=_guarded(_allow_import))

    p = allow_cmds.add_parser("export", help="write the allowlist as CSV (stdout without FILE)")
    p.add_argument("file", type=Path, nargs="?")
    p.set_defaults(func=_guarded(_allow_export))


def _open_store() -> Store:
    """A store on the configured database (settings read now, so the environment of this call counts)."""
    from bot.config import Settings
    from bot.store import Store

    settings = Settings()
    return Store.open(settings.database_url, allowlist_seed=settings.data_dir / "allowlist.csv")


def _fail(args: argparse.Namespace, message: str) -> int:
    """``fanzha blocklist add: …`` on stderr; exit code 1."""
    print(f"fanzha {args.command} {args.action}: {message}", file=sys.stderr)
    return 1


def _guarded(handler: Callable[[argparse.Namespace, Store], int]) -> Callable[[argparse.Namespace], int]:
    """Open the store, run the handler, and turn bad input into a message on stderr and exit code 1."""

    def run(args: argparse.Namespace) -> int:
        from bot.store import CsvError, NotFound

        try:
            store = _open_store()
        except Exception as exc:  # a database that cannot be reached or migrated
            return _fail(args, f"cannot open the database: {exc}")
        try:
            return handler(args, store)
        except CsvError as exc:
            _fail(args, f"{args.file} was not imported; nothing changed:")
            for error in exc.errors:
                print(error, file=sys.stderr)
            return 1
        except (NotFound, ValueError, OSError) as exc:
            return _fail(args, str(exc))
        finally:
            store.close()

    run.__name__ = handler.__name__
    return run


def _when(moment: datetime | None) -> str:
    from bot.store.csvfiles import BEIJING

    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M (UTC+8)") if moment else "-"


def _print_history(rows: list[Any]) -> None:
    import json

    if not rows:
        return
    print("history:")
    for row in rows:
        change = {k: v for k, v in (row.after or {}).items() if (row.before or {}).get(k) != v}
        detail = json.dumps(change, ensure_ascii=False) if change else ""
        print(f"  {_when(row.at)}  {row.action:<17} by {row.actor}  {detail}")


# --- blocklist -----------------------------------------------------------------------------------------


def _block_add(args: argparse.Namespace, store: Store) -> int:
    from bot.store.csvfiles import parse_expiry

    expires = parse_expiry(args.expires) if args.expires else None
    entry, created = store.add_blocklist(args.number, args.category, actor=ACTOR, evidence=args.evidence,
                                         expires_at=expires, prefix=args.prefix)
    star = "*" if entry.is_prefix else ""
    print(f"{'added' if created else 'updated'}: {entry.number_key}{star} ({entry.category})")
    return 0


def _block_remove(args: argparse.Namespace, store: Store) -> int:
    entry = store.remove_blocklist(args.number, actor=ACTOR, reason=args.reason, prefix=args.prefix)
    print(f"removed: {entry.number_key}{'*' if entry.is_prefix else ''}")
    return 0


def _block_show(args: argparse.Namespace, store: Store) -> int:
    from bot.categories import BY_KEY

    entry, covered = store.entry_or_covering(args.number, prefix=args.prefix)
    if entry is None:
        return _fail(args, f"{args.number} is not on the blocklist")
    if covered:
        print(f"{args.number} has no entry of its own but is covered by the prefix {entry.number_key}*")
    star = "*" if entry.is_prefix else ""
    category = BY_KEY.get(entry.category)
    if not entry.active:
        state = f"removed {_when(entry.removed_at)} by {entry.removed_by}: {entry.removed_reason or '-'}"
    elif entry.is_expired():
        state = "expired"
    else:
        state = "active"
    print(f"number:    {entry.number_key}{star}{'  (prefix)' if entry.is_prefix else ''}")
    print(f"status:    {state}")
    print(f"category:  {category.zh if category else ''} ({entry.category})")
    print(f"evidence:  {entry.evidence or '-'}")
    print(f"source:    {entry.source}, added by {entry.added_by}")
    print(f"created:   {_when(entry.created_at)}   updated: {_when(entry.updated_at)}")
    print(f"expires:   {_when(entry.expires_at)}")
    print(f"reporters: {entry.reporter_count}")
    _print_history(store.history(entry.number_key + star, prefix=entry.is_prefix))
    return 0


def _print_counts(result: Any) -> None:
    print(f"added {result.added}, updated {result.updated}, unchanged {result.unchanged}")


def _block_import(args: argparse.Namespace, store: Store) -> int:
    _print_counts(store.import_blocklist_csv(args.file, actor=ACTOR))
    return 0


def _export(args: argparse.Namespace, export: Callable[[Any], str]) -> int:
    if args.file is None:
        export(sys.stdout)
        return 0
    with open(args.file, "w", encoding="utf-8", newline="") as out:
        export(out)
    print(f"written: {args.file}", file=sys.stderr)
    return 0


def _block_export(args: argparse.Namespace, store: Store) -> int:
    return _export(args, store.export_blocklist_csv)


# --- allowlist -----------------------------------------------------------------------------------------


def _allow_add(args: argparse.Namespace, store: Store) -> int:
    from bot.store.csvfiles import split_aliases

    current = store.get_allowlist(store.blocklist_key(args.number)[0])
    aliases = split_aliases(args.aliases) if args.aliases is not None else (current.aliases if current else ())
    category = args.category_of_owner if args.category_of_owner is not None else (
        current.owner_category if current else "")
    entry, created = store.add_allowlist(args.number, args.owner, actor=ACTOR, aliases=aliases,
                                         owner_category=category)
    print(f"{'added' if created else 'updated'}: {entry.number_key} {entry.owner}")
    return 0


def _allow_remove(args: argparse.Namespace, store: Store) -> int:
    entry = store.remove_allowlist(args.number, actor=ACTOR, reason=args.reason)
    print(f"removed: {entry.number_key} {entry.owner}")
    return 0


def _allow_show(args: argparse.Namespace, store: Store) -> int:
    key = store.blocklist_key(args.number)[0]
    entry = store.get_allowlist(key)
    if entry is None:
        return _fail(args, f"{args.number} is not on the allowlist")
    print(f"number:   {entry.number_key}")
    print(f"owner:    {entry.owner}")
    print(f"aliases:  {' | '.join(entry.aliases) or '-'}")
    print(f"kind:     {entry.owner_category or '-'}")
    print(f"source:   {entry.source}, added by {entry.added_by}, updated {_when(entry.updated_at)}")
    _print_history(store.history_allowlist(key))
    return 0


def _allow_import(args: argparse.Namespace, store: Store) -> int:
    _print_counts(store.import_allowlist_csv(args.file, actor=ACTOR))
    return 0


def _allow_export(args: argparse.Namespace, store: Store) -> int:
    return _export(args, store.export_allowlist_csv)
