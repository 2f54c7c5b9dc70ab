"""The domain blocklist: web domains known to serve fraud, with provenance; the checker's lookup; CSV files;
seeding from a public list.

Like the number blocklist (``bot.store.blocklist``): a moderator's change is one audit row with before and
after; removing keeps the row; a CSV import is all-or-nothing and, when it changes anything, writes one
``domains.import`` audit row for the file (its SHA-256, counts and the domains it added) that each added
entry points to (``import_batch_id``). Keys are ``bot.urls.domain_key``: official domains, shorteners and
shared platforms are refused, so no import can make a bank's site or t.cn "a known scam site".
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

import bot.store.csvfiles as csvfiles
from bot.store.csvfiles import CsvError, LineError
from bot.store.engine import _BULK_CHUNK, Change, ImportPreview, ImportResult, NotFound, StoreBase
from bot.store.models import DOMAIN_SOURCE_LEN, AuditLog, DomainBlocklistEntry, utcnow
from bot.urls import BadDomain, domain_candidates, domain_key

DOMAIN_COLUMNS = ("domain", "category", "evidence", "source")
DOMAIN_REQUIRED = ("domain", "category")
DOMAIN_IMPORT_ACTION = "domains.import"
DOMAIN_IMPORT_TARGET = "domains:import"


@dataclass(frozen=True, slots=True)
class DomainHit:
    """An active domain entry as the checker sees it: plain values."""

    domain: str
    category: str
    evidence: str
    source: str
    added_by: str
    created_at: datetime


@dataclass(slots=True)
class DomainRow:
    line: int
    domain: str
    category: str
    evidence: str | None   # None: column absent from the file
    source: str | None     # None: column absent (or empty): "import"


@dataclass
class SeedResult:
    """What seeding from a plain list did: the import, and the lines it could not use (line, reason)."""

    result: ImportResult
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (line, value, reason)


def _target(domain: str) -> str:
    return f"domain:{domain}"


def _state(entry: DomainBlocklistEntry) -> dict[str, Any]:
    return {
        "category": entry.category, "evidence": entry.evidence, "source": entry.source,
        "added_by": entry.added_by, "active": entry.active,
        **({"removed_by": entry.removed_by, "removed_reason": entry.removed_reason} if not entry.active else {}),
    }


def _bad_domain_error(line: int, exc: BadDomain) -> LineError:
    return LineError(line, f"domain_{exc.reason}", {"domain": exc.domain, "owner": exc.owner or ""})


def parse_domains_csv(source: str | bytes | Path) -> csvfiles.ParsedFile:
    """Validate a domain file (``domain,category,evidence,source``); ``rows`` are ``DomainRow``."""
    parsed = csvfiles.ParsedFile()
    try:
        records = csvfiles._records(csvfiles.read_text(source))
        names, errors = csvfiles._header(records, DOMAIN_COLUMNS, DOMAIN_REQUIRED)
        if errors:
            parsed.errors = errors
            return parsed
        columns = {name: i for i, name in enumerate(names)}
        first_line: dict[str, int] = {}
        for line, cells in records:
            if len(cells) > len(names) and not "".join(cells[len(names):]).strip():
                del cells[len(names):]
            if len(cells) != len(names):
                parsed.errors.append(LineError(line, "column_count", {
                    "expected": len(names), "header": ",".join(names), "got": len(cells)}))
                continue
            cells = [csvfiles.restore_cell(c.strip()) for c in cells]
            try:
                domain = domain_key(cells[columns["domain"]])
                category = csvfiles._category_key(cells[columns["category"]])
            except BadDomain as exc:
                parsed.errors.append(_bad_domain_error(line, exc))
                continue
            except csvfiles.BadValue as exc:
                parsed.errors.append(LineError(line, exc.key, exc.params))
                continue
            seen = first_line.setdefault(domain, line)
            if seen != line:
                parsed.errors.append(LineError(line, "domain_duplicate", {"domain": domain, "first": seen}))
                continue
            evidence = cells[columns["evidence"]] if "evidence" in columns else None
            source_cell = cells[columns["source"]][:DOMAIN_SOURCE_LEN] if "source" in columns else ""
            parsed.rows.append(DomainRow(line, domain, category, evidence, source_cell or None))
    except CsvError as exc:
        parsed.errors += exc.errors
    parsed.errors.sort(key=lambda e: e.line)
    del parsed.errors[csvfiles.MAX_REPORTED_ERRORS:]
    return parsed


class DomainsRepo(StoreBase):
    """Domain blocklist queries of the ``Store``."""

    def add_domain(self, domain: str, category: str, *, actor: str | int, evidence: str = "",
                   source: str = "moderator") -> tuple[DomainBlocklistEntry, bool]:
        """Add or update a domain (reactivating a removed one). Returns (entry, created-or-reactivated).

        Raises ``BadDomain`` for what cannot be listed (see ``bot.urls.domain_key``) and ``UnknownCategory``.
        """
        from bot.categories import resolve_category

        key = domain_key(domain)
        category_key = resolve_category(category).key
        actor = str(actor)
        with self._write() as session:
            entry = session.scalar(select(DomainBlocklistEntry).where(DomainBlocklistEntry.domain == key))
            before = _state(entry) if entry else None
            now = utcnow()
            created = entry is None or not entry.active
            if entry is None:
                entry = DomainBlocklistEntry(domain=key, added_by=actor, created_at=now, source=source)
                session.add(entry)
            elif not entry.active:
                entry.active, entry.added_by, entry.source, entry.created_at = True, actor, source, now
                entry.removed_at = entry.removed_by = entry.removed_reason = None
            entry.category, entry.evidence, entry.updated_at = category_key, evidence or "", now
            session.flush()
            after = _state(entry)
            if after != before:
                self._record(session, [Change(actor, "domain.add" if created else "domain.update",
                                              _target(key), before, after)])
            return entry, created

    def remove_domain(self, domain: str, *, actor: str | int, reason: str = "") -> DomainBlocklistEntry:
        """Take a domain off the list (kept as removed, with who/why). ``NotFound`` when it is not listed."""
        try:
            key = domain_key(domain)
        except BadDomain:
            raise NotFound(f"{domain} is not on the domain blocklist") from None
        actor = str(actor)
        with self._write() as session:
            entry = session.scalar(select(DomainBlocklistEntry).where(
                DomainBlocklistEntry.domain == key, DomainBlocklistEntry.active.is_(True)))
            if entry is None:
                raise NotFound(f"{key} is not on the domain blocklist")
            before = _state(entry)
            now = utcnow()
            entry.active, entry.removed_at, entry.removed_by = False, now, actor
            entry.removed_reason, entry.updated_at = reason or "", now
            self._record(session, [Change(actor, "domain.remove", _target(key), before, _state(entry))])
            return entry

    def get_domain(self, domain: str) -> DomainBlocklistEntry | None:
        """The entry for exactly this domain, active or removed."""
        try:
            key = domain_key(domain)
        except BadDomain:
            return None
        with self._read() as session:
            return session.scalar(select(DomainBlocklistEntry).where(DomainBlocklistEntry.domain == key))

    def lookup_domain(self, host: str) -> DomainHit | None:
        """The active entry for a link's host or its nearest listed parent (one indexed SELECT), else None."""
        candidates = domain_candidates(host)
        if not candidates:
            return None
        with self._read() as session:
            rows = session.execute(select(
                DomainBlocklistEntry.domain, DomainBlocklistEntry.category, DomainBlocklistEntry.evidence,
                DomainBlocklistEntry.source, DomainBlocklistEntry.added_by, DomainBlocklistEntry.created_at,
            ).where(DomainBlocklistEntry.domain.in_(candidates), DomainBlocklistEntry.active.is_(True))).all()
        if not rows:
            return None
        best = min(rows, key=lambda r: candidates.index(r.domain))
        return DomainHit(*best)

    def domain_entries(self, *, include_removed: bool = False) -> Iterator[DomainBlocklistEntry]:
        """All entries (by id), streamed in pages."""
        return self._stream_entries(DomainBlocklistEntry, include_removed=include_removed)

    def count_domains(self) -> int:
        return self._count_active(DomainBlocklistEntry)

    def domain_history(self, domain: str) -> list[AuditLog]:
        """Every audited change of one domain's entry, oldest first (an import's added entry: see the module)."""
        key = domain_key(domain)
        rows = list(reversed(self.audit_log(target=_target(key), limit=1000)))
        entry = self.get_domain(key)
        if entry is not None and entry.import_batch_id is not None:
            with self._read() as session:
                batch = session.get(AuditLog, entry.import_batch_id)
            if batch is not None:
                rows.insert(0, batch)
        return rows

    # --- CSV ----------------------------------------------------------------------------------------------

    def _current(self, keys: Iterable[str]) -> dict[str, DomainBlocklistEntry]:
        keys = sorted(set(keys))
        found: dict[str, DomainBlocklistEntry] = {}
        with self._read() as session:
            for start in range(0, len(keys), 500):
                for entry in session.scalars(select(DomainBlocklistEntry).where(
                        DomainBlocklistEntry.domain.in_(keys[start:start + 500]))):
                    found[entry.domain] = entry
        return found

    @staticmethod
    def _wanted(row: DomainRow, current: DomainBlocklistEntry | None) -> dict[str, Any] | None:
        """The new values for an existing entry, or None when the row changes nothing."""
        if current is None:
            return None
        wanted = {"category": row.category,
                  "evidence": row.evidence if row.evidence is not None else current.evidence,
                  "source": row.source or current.source}
        same = current.active and all(getattr(current, k) == v for k, v in wanted.items())
        return None if same else wanted

    def preview_domains_csv(self, source: str | bytes | Path) -> ImportPreview:
        """Validate a domain file and say what importing it would change; writes nothing."""
        parsed = parse_domains_csv(source)
        preview = ImportPreview(errors=parsed.errors)
        if parsed.errors:
            return preview
        current = self._current(r.domain for r in parsed.rows)
        for row in parsed.rows:
            entry = current.get(row.domain)
            if entry is None or not entry.active:
                preview.to_add.append(row)
            elif self._wanted(row, entry) is None:
                preview.unchanged += 1
            else:
                preview.to_update.append((row, _state(entry)))
        return preview

    def import_domains_csv(self, source: str | bytes | Path, *, actor: str | int = "cli") -> ImportResult:
        """Validate every row, then apply all of them in one transaction (or none: raises ``CsvError``)."""
        data = Path(source).read_bytes() if isinstance(source, Path) else source
        parsed = parse_domains_csv(data)
        parsed.raise_if_errors()
        fingerprint = hashlib.sha256(data if isinstance(data, bytes) else data.encode("utf-8")).hexdigest()
        return self._apply_domain_rows(parsed.rows, actor=str(actor), fingerprint=fingerprint)

    def seed_domains(self, path: Path, *, source: str, category: str = "fake_investment", evidence: str = "",
                     actor: str | int = "cli", skip_lines: int = 0) -> SeedResult:
        """Add every usable domain of a plain list (one domain or link a line) with ``source`` as provenance.

        A public list is not checked line by line by anyone here: lines that are not a listable domain
        (official, shared platform, shortener, not a domain, repeated) are skipped and reported, not fatal.
        ``skip_lines`` leaves out a known head of the file that is not part of the list.
        """
        from bot.categories import resolve_category

        category_key = resolve_category(category).key
        rows: list[DomainRow] = []
        skipped: list[tuple[int, str, str]] = []
        seen: set[str] = set()
        text = csvfiles.read_text(Path(path))
        for line, raw in enumerate(text.splitlines(), start=1):
            value = raw.strip()
            if line <= skip_lines or not value or value.startswith("#"):
                continue
            try:
                key = domain_key(value)
            except BadDomain as exc:
                skipped.append((line, value, exc.reason))
                continue
            if key in seen:
                skipped.append((line, value, "duplicate"))
                continue
            seen.add(key)
            rows.append(DomainRow(line, key, category_key, evidence, source[:DOMAIN_SOURCE_LEN]))
        fingerprint = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        return SeedResult(self._apply_domain_rows(rows, actor=str(actor), fingerprint=fingerprint), skipped)

    def _apply_domain_rows(self, rows: list[DomainRow], *, actor: str, fingerprint: str) -> ImportResult:
        current = self._current(r.domain for r in rows)
        new_rows = [r for r in rows if r.domain not in current]
        changed = [(r, current[r.domain], w) for r in rows if r.domain in current
                   for w in [self._wanted(r, current[r.domain])] if w is not None]
        unchanged = len(rows) - len(new_rows) - len(changed)
        reactivated = sum(1 for _, entry, _ in changed if not entry.active)
        if not new_rows and not changed:
            return ImportResult(0, 0, unchanged)
        now = utcnow()
        with self._write() as session:
            batch = AuditLog(actor=actor, action=DOMAIN_IMPORT_ACTION, target=DOMAIN_IMPORT_TARGET, before=None,
                             at=now, after={"file_sha256": fingerprint, "rows": len(rows),
                                            "added": len(new_rows) + reactivated, "reactivated": reactivated,
                                            "updated": len(changed) - reactivated, "unchanged": unchanged,
                                            "added_domains": sorted(r.domain for r in new_rows)})
            session.add(batch)
            session.flush()
            table = DomainBlocklistEntry.__table__
            values = [{"domain": r.domain, "category": r.category, "evidence": r.evidence or "",
                       "source": r.source or "import", "added_by": actor, "created_at": now, "updated_at": now,
                       "active": True, "import_batch_id": batch.id} for r in sorted(new_rows, key=lambda r: r.domain)]
            for start in range(0, len(values), _BULK_CHUNK):
                session.execute(insert(table), values[start:start + _BULK_CHUNK])
            changes: list[Change] = []
            for row, entry, wanted in changed:
                live = session.get(DomainBlocklistEntry, entry.id)
                assert live is not None
                before = _state(live)
                was_active = live.active
                live.category, live.evidence, live.source = wanted["category"], wanted["evidence"], wanted["source"]
                if not was_active:
                    live.active, live.added_by, live.created_at = True, actor, now
                    live.removed_at = live.removed_by = live.removed_reason = None
                live.updated_at = now
                after = {**_state(live), "import_id": batch.id}
                changes.append(Change(actor, "domain.update" if was_active else "domain.add", _target(row.domain),
                                      before, after))
            self._record(session, changes)
            return ImportResult(len(new_rows) + reactivated, len(changed) - reactivated, unchanged, batch.id)

    def export_domains_csv(self, out: Any | None = None) -> str:
        """The active entries as a CSV file (``domain,category,evidence,source``) the import reads back."""
        rows = ([e.domain, e.category, e.evidence, e.source] for e in self.domain_entries())
        return csvfiles.write_csv(DOMAIN_COLUMNS, rows, out)
