"""The allowlist of official numbers: entries, aliases, seeding, CSV import and export."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import (
    func,
    select,
)
from sqlalchemy.orm import Session

import bot.store.csvfiles as csvfiles
from bot.store.csvfiles import (
    ALLOWLIST_COLUMNS,
    AllowlistRow,
)
from bot.store.engine import (
    DEFAULT_ALLOWLIST_SEED,
    Change,
    ImportPreview,
    ImportResult,
    NotFound,
    StoreBase,
)
from bot.store.models import (
    AllowlistAlias,
    AllowlistEntry,
    AuditLog,
    StoreMeta,
    utcnow,
)


class AllowlistRepo(StoreBase):
    """Allowlist queries of the ``Store``."""

    # --- allowlist --------------------------------------------------------------------------------------

    @staticmethod
    def _allowlist_state(entry: AllowlistEntry) -> dict[str, Any]:
        return {"owner": entry.owner, "aliases": entry.aliases, "category_of_owner": entry.owner_category,
                "source": entry.source}

    @staticmethod
    def _set_aliases(session: Session, entry: AllowlistEntry, aliases: Sequence[str]) -> None:
        if list(aliases) == entry.aliases:
            return
        entry.alias_rows.clear()
        session.flush()  # delete the old names before inserting the new (unique per entry)
        entry.alias_rows.extend(AllowlistAlias(alias=a, position=i) for i, a in enumerate(aliases))

    def add_allowlist(self, number: str, owner: str, *, actor: str | int, aliases: Sequence[str] = (),
                      owner_category: str = "", source: str = "moderator") -> tuple[AllowlistEntry, bool]:
        """Add or update an official number. Returns (entry, created)."""
        key = csvfiles.number_key(number)
        actor = str(actor)
        with self._write() as session:
            entry, created = self._upsert_allowlist(
                session, actor, key, owner, tuple(aliases), owner_category, source)
            return entry, created

    def update_allowlist(self, number: str, owner: str, *, actor: str | int, add_aliases: Sequence[str] = (),
                         remove_aliases: Sequence[str] = (),
                         owner_category: str | None = None) -> tuple[AllowlistEntry, bool]:
        """Change only what is given: the owner; aliases added to (and ``remove_aliases`` taken from) the
        ones the entry has; the kind of owner only when ``owner_category`` is given. Returns (entry, created).

        Why not replace: the kind of owner (``bank``…) and the aliases are what impersonation detection
        reads, and a moderator retyping an entry to add one alias must not switch it off for the others.
        """
        key = csvfiles.number_key(number)
        dropped = {a.strip().lower() for a in remove_aliases}
        with self._write() as session:
            entry = session.scalar(select(AllowlistEntry).where(AllowlistEntry.number_key == key))
            current = entry.aliases if entry is not None else []
            aliases = [a for a in dict.fromkeys([*current, *add_aliases]) if a.strip().lower() not in dropped]
            return self._upsert_allowlist(session, str(actor), key, owner, tuple(aliases), owner_category,
                                          "moderator")

    def allowlist_named(self, names: Iterable[str]) -> list[AllowlistEntry]:
        """Entries whose owner, or one of whose aliases, is one of ``names`` (case-insensitive)."""
        wanted = sorted({n.strip().lower() for n in names if n.strip()})
        if not wanted:
            return []
        with self._read() as session:
            by_alias = select(AllowlistAlias.entry_id).where(func.lower(AllowlistAlias.alias).in_(wanted))
            return list(session.scalars(select(AllowlistEntry).where(
                (func.lower(AllowlistEntry.owner).in_(wanted)) | AllowlistEntry.id.in_(by_alias))
                .order_by(AllowlistEntry.number_key)))

    def _upsert_allowlist(self, session: Session, actor: str, key: str, owner: str,
                          aliases: tuple[str, ...] | None, owner_category: str | None,
                          source: str) -> tuple[AllowlistEntry, bool]:
        owner = owner.strip()
        if not owner:
            raise ValueError("the owner of an allowlisted number cannot be empty")
        entry = session.scalar(select(AllowlistEntry).where(AllowlistEntry.number_key == key))
        before = self._allowlist_state(entry) if entry else None
        if entry is None:
            entry = AllowlistEntry(number_key=key, added_by=actor, source=source, owner_category="")
            session.add(entry)
        entry.owner = owner
        if owner_category is not None:
            entry.owner_category = owner_category
        if aliases is not None:
            self._set_aliases(session, entry, csvfiles.split_aliases("|".join(aliases)))
        after = self._allowlist_state(entry)
        if after != before:
            entry.updated_at = utcnow()
            session.flush()
            self._record(session, [Change(actor, "allowlist.add" if before is None else "allowlist.update",
                                          f"allowlist:{key}", before, after)])
        session.flush()
        entry.alias_rows  # noqa: B018 - load the names now: callers read them after the session is closed
        return entry, before is None

    def remove_allowlist(self, number: str, *, actor: str | int, reason: str = "") -> AllowlistEntry:
        """Delete an allowlist entry (its last state stays in the audit log). ``NotFound`` if absent."""
        key = csvfiles.number_key(number)
        with self._write() as session:
            entry = session.scalar(select(AllowlistEntry).where(AllowlistEntry.number_key == key))
            if entry is None:
                raise NotFound(f"{key} is not on the allowlist")
            before = self._allowlist_state(entry)
            session.delete(entry)
            self._record(session, [Change(str(actor), "allowlist.remove", f"allowlist:{key}", before,
                                          {"reason": reason} if reason else None)])
            return entry

    def get_allowlist(self, number_key: str) -> AllowlistEntry | None:
        """The official entry for a canonical key (as ``bot.phones.number_key`` gives it)."""
        with self._read() as session:
            return session.scalar(select(AllowlistEntry).where(AllowlistEntry.number_key == number_key))

    def find_by_alias(self, alias: str) -> list[AllowlistEntry]:
        """Entries whose owner is called ``alias`` in texts (exact, case-insensitive for Latin names)."""
        with self._read() as session:
            wanted = alias.strip().lower()
            ids = select(AllowlistAlias.entry_id).where(func.lower(AllowlistAlias.alias) == wanted)
            return list(session.scalars(select(AllowlistEntry).where(AllowlistEntry.id.in_(ids))
                                        .order_by(AllowlistEntry.number_key)))

    def all_allowlist(self) -> list[AllowlistEntry]:
        with self._read() as session:
            return list(session.scalars(select(AllowlistEntry).order_by(AllowlistEntry.number_key)))

    def history_allowlist(self, number: str) -> list[AuditLog]:
        key = csvfiles.number_key(number)
        with self._read() as session:
            return list(session.scalars(select(AuditLog).where(AuditLog.target == f"allowlist:{key}")
                                        .order_by(AuditLog.id)))

    def preview_allowlist_csv(self, source: str | bytes | Path) -> ImportPreview:
        """Validate an allowlist file and say what importing it would change; writes nothing."""
        parsed = csvfiles.parse_allowlist_csv(source)
        preview = ImportPreview(errors=parsed.errors)
        if parsed.errors:
            return preview
        current = {e.number_key: e for e in self.all_allowlist()}
        for row in parsed.rows:
            entry = current.get(row.number_key)
            if entry is None:
                preview.to_add.append(row)
            elif self._allowlist_row_changes(row, entry):
                preview.to_update.append((row, self._allowlist_state(entry)))
            else:
                preview.unchanged += 1
        return preview

    @staticmethod
    def _allowlist_row_changes(row: AllowlistRow, entry: AllowlistEntry) -> bool:
        return (row.owner != entry.owner
                or (row.aliases is not None and list(row.aliases) != entry.aliases)
                or (row.owner_category is not None and row.owner_category != entry.owner_category))

    def import_allowlist_csv(self, source: str | bytes | Path, *, actor: str | int = "cli",
                             source_label: str = "import") -> ImportResult:
        """All-or-nothing import of an allowlist file (raises ``CsvError``); idempotent."""
        parsed = csvfiles.parse_allowlist_csv(source)
        parsed.raise_if_errors()
        return self._apply_allowlist_rows(parsed.rows, str(actor), source_label, only_missing=False)

    def _apply_allowlist_rows(self, rows: Iterable[AllowlistRow], actor: str, source_label: str, *,
                              only_missing: bool) -> ImportResult:
        added = updated = unchanged = 0
        with self._write() as session:
            existing = {e.number_key: e for e in session.scalars(select(AllowlistEntry))}
            for row in rows:
                entry = existing.get(row.number_key)
                if entry is not None and (only_missing or not self._allowlist_row_changes(row, entry)):
                    unchanged += 1
                    continue
                self._upsert_allowlist(session, actor, row.number_key, row.owner, row.aliases,
                                       row.owner_category, source_label)
                if entry is None:
                    added += 1
                else:
                    updated += 1
        return ImportResult(added, updated, unchanged)

    def seed_allowlist(self, path: Path = DEFAULT_ALLOWLIST_SEED) -> ImportResult | None:
        """Add the shipped official numbers that are missing, once per version of the seed file.

        Runs on open; a changed seed file adds its new numbers, but never overwrites or brings back what
        moderators edited or removed. Returns None when this seed was applied already.
        """
        data = Path(path).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        with self._read() as session:
            applied = session.get(StoreMeta, "allowlist_seed_sha256")
            if applied is not None and applied.value == digest:
                return None
        parsed = csvfiles.parse_allowlist_csv(data)
        parsed.raise_if_errors()
        result = self._apply_allowlist_rows(parsed.rows, "system", "seed", only_missing=True)
        with self._write() as session:
            meta = session.get(StoreMeta, "allowlist_seed_sha256")
            if meta is None:
                session.add(StoreMeta(key="allowlist_seed_sha256", value=digest))
            else:
                meta.value = digest
        return result

    def export_allowlist_csv(self, out: Any | None = None) -> str:
        rows = ([e.number_key, e.owner, csvfiles.ALIAS_SEPARATOR.join(e.aliases), e.owner_category]
                for e in self.all_allowlist())
        return csvfiles.write_csv(ALLOWLIST_COLUMNS, rows, out)
