"""``fanzha domains …``: the list of known scam sites from a shell.

``add``/``remove``/``show`` one domain; ``import``/``export`` CSV files (``domain,category,evidence,source``;
all or nothing, like the number blocklist); ``seed`` adds the public lists a deployer has on disk, with their
provenance, from the shared data folder (never copied into this repository). Every change is audited with
actor "cli". Errors go to stderr as ``fanzha domains import: …`` with exit code 1.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.commands.lists import ACTOR, _guarded, _print_history, _when

if TYPE_CHECKING:
    from bot.store import Store


@dataclass(frozen=True)
class SeedList:
    """A public list of scam domains as it lies in the shared data folder, and what to say about it."""

    folder: str
    file: str
    source: str        # the provenance shown with every verdict that meets one of its domains
    category: str
    skip_lines: int    # a head of the file that is not part of the list
    head_check: str    # the first line after that head, to notice a changed file instead of misreading it


# Taiwan's 165 anti-fraud hotline open data (data.gov.tw dataset 160055, "165反詐騙諮詢專線_假投資(博弈)網站"),
# mid-2024, as kept by github.com/AmanoShizukikun/Nagato-Sakura-SMS-Checker (data/blacklist.txt, Apache-2.0).
# Its first 1,421 lines are ad and tracker domains, not scam sites (the shared data README says so).
SEED_LISTS = (
    SeedList(folder="tw165_fake_investment_domains", file="blacklist.txt",
             source="台湾165反诈骗专线 假投资(博弈)网站名单", category="fake_investment",
             skip_lines=1421, head_check="www.0857.games"),
)


def register(subparsers: argparse._SubParsersAction) -> None:
    domains = subparsers.add_parser("domains", help="add, remove, show, import, export or seed known scam domains")
    cmds = domains.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = cmds.add_parser("add", help="list a domain (and every host under it) as a scam site")
    p.add_argument("domain", help="a domain, host or link: https://www.example.com/x lists example.com")
    p.add_argument("--category", "-c", required=True, help="category key or Chinese name, e.g. 钓鱼链接")
    p.add_argument("--evidence", "-e", default="", help="why the domain is listed")
    p.add_argument("--source", "-s", default="moderator", help="where the knowledge comes from")
    p.set_defaults(func=_guarded(_add))

    p = cmds.add_parser("remove", help="take a domain off the list (kept in the history)")
    p.add_argument("domain")
    p.add_argument("--reason", "-r", default="")
    p.set_defaults(func=_guarded(_remove))

    p = cmds.add_parser("show", help="show a domain's entry and its history")
    p.add_argument("domain")
    p.set_defaults(func=_guarded(_show))

    p = cmds.add_parser("import", help="import a CSV file (domain,category,evidence,source); all or nothing")
    p.add_argument("file", type=Path)
    p.set_defaults(func=_guarded(_import))

    p = cmds.add_parser("export", help="write the active list as CSV (stdout without FILE)")
    p.add_argument("file", type=Path, nargs="?")
    p.set_defaults(func=_guarded(_export))

    p = cmds.add_parser("seed", help="add the public scam-domain lists found in the shared data folder")
    p.add_argument("--data-dir", type=Path, required=True, help="the shared data folder, e.g. ../shared/data")
    p.set_defaults(func=_guarded(_seed))


def _add(args: argparse.Namespace, store: Store) -> int:
    entry, created = store.add_domain(args.domain, args.category, actor=ACTOR, evidence=args.evidence,
                                      source=args.source)
    print(f"{'added' if created else 'updated'} {entry.domain} ({entry.category})")
    return 0


def _remove(args: argparse.Namespace, store: Store) -> int:
    entry = store.remove_domain(args.domain, actor=ACTOR, reason=args.reason)
    print(f"removed {entry.domain}")
    return 0


def _show(args: argparse.Namespace, store: Store) -> int:
    entry = store.get_domain(args.domain)
    if entry is None:
        print(f"{args.domain}: not on the list")
        return 0
    state = "active" if entry.active else f"removed {_when(entry.removed_at)} ({entry.removed_reason or '-'})"
    print(f"{entry.domain}  {entry.category}  {state}")
    print(f"source: {entry.source}  added by {entry.added_by}  {_when(entry.created_at)}")
    if entry.evidence:
        print(f"evidence: {entry.evidence}")
    _print_history(store.domain_history(entry.domain))
    return 0


def _import(args: argparse.Namespace, store: Store) -> int:
    result = store.import_domains_csv(args.file, actor=ACTOR)
    print(f"imported {args.file}: {result.added} added, {result.updated} updated, {result.unchanged} unchanged")
    return 0


def _export(args: argparse.Namespace, store: Store) -> int:
    if args.file is None:
        store.export_domains_csv(sys.stdout)
        return 0
    with args.file.open("w", encoding="utf-8", newline="") as out:
        store.export_domains_csv(out)
    print(f"wrote {store.count_domains()} domains to {args.file}")
    return 0


def _seed(args: argparse.Namespace, store: Store) -> int:
    found = 0
    for seed in SEED_LISTS:
        path = args.data_dir / seed.folder / seed.file
        if not path.exists():
            print(f"{seed.folder}: not in {args.data_dir}, skipped", file=sys.stderr)
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) <= seed.skip_lines or lines[seed.skip_lines].strip() != seed.head_check:
            raise ValueError(f"{path} is not the file this version knows (line {seed.skip_lines + 1} should be "
                             f"{seed.head_check!r}); nothing was added")
        found += 1
        outcome = store.seed_domains(path, source=seed.source, category=seed.category, actor=ACTOR,
                                     skip_lines=seed.skip_lines)
        result = outcome.result
        print(f"{seed.folder}: {result.added} added, {result.updated} updated, {result.unchanged} unchanged, "
              f"{len(outcome.skipped)} lines skipped")
        reasons: dict[str, int] = {}
        for _line, _value, reason in outcome.skipped:
            reasons[reason] = reasons.get(reason, 0) + 1
        for reason, count in sorted(reasons.items()):
            print(f"  skipped ({reason}): {count}")
    if not found:
        raise ValueError(f"no known list of scam domains in {args.data_dir}")
    return 0
