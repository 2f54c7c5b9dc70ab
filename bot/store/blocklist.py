"""The blocklist: entries (exact numbers and prefixes), the checker's lookup, history, CSV import and export."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from datetime import datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

from sqlalchemy import (
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

import bot.store.csvfiles as csvfiles
from bot.store.csvfiles import (
    BLOCKLIST_COLUMNS,
    BlocklistRow,
)
from bot.store.engine import (
    _BULK_CHUNK,
    _BULK_MIN,
    IMPORT_ACTION,
    IMPORT_TARGET,
    Change,
    ImportPreview,
    ImportResult,
    NotFound,
    StoreBase,
    _bulk_insert,
    _sqlite_time,
)
from bot.store.models import (
    AuditLog,
    BlocklistEntry,
    BlocklistHit,
    utcnow,
)


class BlocklistRepo(StoreBase):
    """Blocklist queries of the ``Store``."""

    # --- blocklist --------------------------------------------------------------------------------------

    @staticmethod
    def blocklist_key(number: str, *, prefix: bool = False) -> tuple[str, str]:
        """(key, match) for a number in any written form, or for a prefix (``+86170``, ``170``)."""
        if prefix or number.rstrip().endswith("*"):
            return csvfiles.prefix_key(number), "prefix"
        return csvfiles.number_key(number), "exact"

    @staticmethod
    def _blocklist_target(key: str, match: str) -> str:
        return f"blocklist:{key}{'*' if match == 'prefix' else ''}"

    @staticmethod
    def _blocklist_state(entry: BlocklistEntry) -> dict[str, Any]:
        return {
            "category": entry.category, "evidence": entry.evidence, "source": entry.source,
            "added_by": entry.added_by,
            "expires_at": entry.expires_at.isoformat() if entry.expires_at else None,
            "reporter_count": entry.reporter_count, "active": entry.active,
            **({"removed_by": entry.removed_by, "removed_reason": entry.removed_reason}
               if not entry.active else {}),
        }

    def add_blocklist(
        self, number: str, category: str, *, actor: str | int, evidence: str = "",
        expires_at: datetime | None = None, prefix: bool = False, source: str = "moderator",
        reporter_count: int | None = None,
    ) -> tuple[BlocklistEntry, bool]:
        """Add or update an entry (reactivating a removed one). Returns (entry, created-or-reactivated).

        ``category`` is a key or Chinese name; ``number`` any written form (``prefix``: a segment).
        """
        from bot.categories import resolve_category

        key, match = self.blocklist_key(number, prefix=prefix)
        category_key = resolve_category(category).key
        actor = str(actor)
        with self._write() as session:
            entry = session.scalar(select(BlocklistEntry).where(
                BlocklistEntry.number_key == key, BlocklistEntry.match == match))
            before = self._blocklist_state(entry) if entry else None
            now = utcnow()
            created = entry is None or not entry.active
            if entry is None:
                entry = BlocklistEntry(number_key=key, match=match, added_by=actor, created_at=now,
                                       source=source)
                session.add(entry)
            elif not entry.active:
                entry.active, entry.added_by, entry.source = True, actor, source
                entry.removed_at = entry.removed_by = entry.removed_reason = None
            entry.category, entry.evidence, entry.expires_at = category_key, evidence or "", expires_at
            if reporter_count is not None:
                entry.reporter_count = reporter_count
            entry.updated_at = now
            session.flush()
            after = self._blocklist_state(entry)
            if after != before:
                action = "blocklist.add" if created else "blocklist.update"
                self._record(session, [Change(actor, action, self._blocklist_target(key, match),
                                              before, after)])
            return entry, created

    def remove_blocklist(self, number: str, *, actor: str | int, reason: str = "",
                         prefix: bool = False) -> BlocklistEntry:
        """Take an entry off the list (kept as removed, with who/why, in the row and the audit log).

        Raises ``NotFound`` when the number has no active entry.
        """
        key, match = self.blocklist_key(number, prefix=prefix)
        actor = str(actor)
        with self._write() as session:
            entry = session.scalar(select(BlocklistEntry).where(
                BlocklistEntry.number_key == key, BlocklistEntry.match == match,
                BlocklistEntry.active.is_(True)))
            if entry is None:
                raise NotFound(f"{key}{'*' if match == 'prefix' else ''} is not on the blocklist")
            before = self._blocklist_state(entry)
            now = utcnow()
            entry.active, entry.removed_at, entry.removed_by = False, now, actor
            entry.removed_reason, entry.updated_at = reason or "", now
            self._record(session, [Change(actor, "blocklist.remove", self._blocklist_target(key, match),
                                          before, self._blocklist_state(entry))])
            return entry

    def get_blocklist(self, number: str, *, prefix: bool = False) -> BlocklistEntry | None:
        """The entry for exactly this number or prefix, active or removed, expired or not."""
        key, match = self.blocklist_key(number, prefix=prefix)
        with self._read() as session:
            return session.scalar(select(BlocklistEntry).where(
                BlocklistEntry.number_key == key, BlocklistEntry.match == match))

    def entry_or_covering(self, number: str, *, prefix: bool = False) -> tuple[BlocklistEntry | None, bool]:
        """(entry, covered): this number's own entry, else the active prefix entry that covers it (covered=True).

        What a moderator asking about a number needs to see: ``/lookup`` and ``fanzha blocklist show`` both use it.
        """
        entry = self.get_blocklist(number, prefix=prefix)
        if entry is not None or prefix or number.rstrip().endswith("*"):
            return entry, False
        hit = self.lookup(self.blocklist_key(number)[0])
        if hit is None or hit.match != "prefix":
            return None, False
        return self.get_blocklist(hit.number_key, prefix=True), True

    def lookup(self, number_key: str, *, now: datetime | None = None) -> BlocklistHit | None:
        """The active, unexpired entry for a canonical key: the exact number, else the longest prefix.

        Takes the key as ``bot.phones.number_key`` gives it (the checker has it already). The hot path of
        every check: one indexed SELECT, compiled once, on a pooled connection (see ``_CompiledLookup``);
        the row comes back as a plain ``BlocklistHit``.
        """
        lookup = self._lookup
        params = lookup.params(number_key, now or utcnow())
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(lookup.sql, params)
                row = cursor.fetchone()
            finally:
                cursor.close()
        finally:
            connection.close()  # back to the pool (which ends the read transaction on PostgreSQL)
        return None if row is None else lookup.hit(row)

    def history(self, number: str, *, prefix: bool = False) -> list[AuditLog]:
        """Every audited change of this number's blocklist entry, oldest first.

        An entry added by an import has no audit row of its own: its first item is then the import's
        row seen from this number — action ``blocklist.add``, the importer as actor, the import's time,
        ``after["import_id"]`` (the import's audit id) and ``after["file_sha256"]``, and the state the
        import gave the entry (the ``before`` of the next change, or the current state if none came).
        That item is built, not stored (``audit_log(target=…)`` does not list it).
        """
        key, match = self.blocklist_key(number, prefix=prefix)
        target = self._blocklist_target(key, match)
        with self._read() as session:
            rows = list(session.scalars(select(AuditLog).where(AuditLog.target == target).order_by(AuditLog.id)))
            entry = session.scalar(select(BlocklistEntry).where(
                BlocklistEntry.number_key == key, BlocklistEntry.match == match))
            if entry is None or entry.import_batch_id is None:
                return rows
            batch = session.execute(
                select(AuditLog.id, AuditLog.actor, AuditLog.at, AuditLog.after["file_sha256"].as_string())
                .where(AuditLog.id == entry.import_batch_id)).first()
        if batch is None:  # audit rows are never deleted; kept for a hand-edited database
            return rows
        batch_id, importer, at, fingerprint = batch
        later = [r for r in rows if r.id > batch_id]
        state = dict(later[0].before) if later and later[0].before else self._blocklist_state(entry)
        created = AuditLog(id=batch_id, actor=importer, action="blocklist.add", target=target, at=at, before=None,
                           after={**state, "import_id": batch_id, "file_sha256": fingerprint})
        return [r for r in rows if r.id < batch_id] + [created] + later

    def import_batch(self, import_id: int) -> AuditLog | None:
        """The audit row of one blocklist import (``after``: file fingerprint, counts, ``added_keys``)."""
        with self._read() as session:
            row = session.get(AuditLog, import_id)
            return row if row is not None and row.action == IMPORT_ACTION else None

    def blocklist_entries(self, *, include_removed: bool = False) -> Iterator[BlocklistEntry]:
        """All entries (by id), streamed in pages so a million rows do not sit in memory."""
        return self._stream_entries(BlocklistEntry, include_removed=include_removed)

    def count_blocklist(self) -> int:
        return self._count_active(BlocklistEntry)

    # --- blocklist CSV ----------------------------------------------------------------------------------

    def _existing_blocklist(
        self, session: Session, rows: Sequence[BlocklistRow]
    ) -> dict[tuple[str, str], Any]:
        table = BlocklistEntry.__table__
        found: dict[tuple[str, str], Any] = {}
        if session.execute(select(table.c.id).limit(1)).first() is None:
            return found  # an empty list (the first big import): nothing to compare
        keys = sorted({r.number_key for r in rows})
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            for row in session.execute(select(table).where(table.c.number_key.in_(chunk))).mappings():
                found[(row["number_key"], row["match"])] = row
        return found

    @staticmethod
    def _blocklist_diff(row: BlocklistRow, current: Any) -> dict[str, Any] | None:
        """The new values for an existing entry, or None when the row changes nothing."""
        wanted = {
            "category": row.category,
            "evidence": row.evidence if row.evidence is not None else current["evidence"],
            "expires_at": row.expires_at if row.has_expires else current["expires_at"],
        }
        same = (current["active"] and all(current[k] == v for k, v in wanted.items()))
        return None if same else wanted

    def preview_blocklist_csv(self, source: str | bytes | Path) -> ImportPreview:
        """Validate a blocklist file and say what importing it would change; writes nothing."""
        parsed = csvfiles.parse_blocklist_csv(source)
        preview = ImportPreview(errors=parsed.errors)
        if parsed.errors:
            return preview
        with self._read() as session:
            existing = self._existing_blocklist(session, parsed.rows)
        for row in parsed.rows:
            current = existing.get((row.number_key, row.match))
            if current is None or not current["active"]:
                preview.to_add.append(row)
            elif self._blocklist_diff(row, current) is None:
                preview.unchanged += 1
            else:
                preview.to_update.append((row, self._row_state(current)))
        return preview

    @staticmethod
    def _row_state(current: Any) -> dict[str, Any]:
        expires = current["expires_at"]
        return {"category": current["category"], "evidence": current["evidence"], "source": current["source"],
                "added_by": current["added_by"], "expires_at": expires.isoformat() if expires else None,
                "reporter_count": current["reporter_count"], "active": current["active"]}

    def import_blocklist_csv(self, source: str | bytes | Path, *, actor: str | int = "cli") -> ImportResult:
        """Validate every row, then apply all of them in one transaction (or none: raises ``CsvError``).

        Re-importing the same file changes nothing (and writes no audit row). Audit (see the module
        docstring): one ``blocklist.import`` row for the file, with the keys it added; each added entry
        points to it (``import_batch_id``); each changed existing entry gets its own before/after row.
        """
        data = Path(source).read_bytes() if isinstance(source, Path) else source
        fingerprint = hashlib.sha256(data if isinstance(data, bytes) else data.encode("utf-8")).hexdigest()
        parsed = csvfiles.parse_blocklist_csv(data)
        parsed.raise_if_errors()
        actor = str(actor)
        table = BlocklistEntry.__table__
        now = utcnow()
        with self._write() as session:
            existing = self._existing_blocklist(session, parsed.rows)
            new_rows: list[BlocklistRow] = []
            changed: list[tuple[BlocklistRow, Any, dict[str, Any]]] = []
            unchanged = 0
            for row in parsed.rows:
                current = existing.get((row.number_key, row.match)) if existing else None
                if current is None:
                    new_rows.append(row)
                    continue
                wanted = self._blocklist_diff(row, current)
                if wanted is None:
                    unchanged += 1
                else:
                    changed.append((row, current, wanted))
            reactivated = sum(1 for _, current, _ in changed if not current["active"])
            result = ImportResult(len(new_rows) + reactivated, len(changed) - reactivated, unchanged)
            if not new_rows and not changed:
                return result
            # Key order: index pages fill one after another instead of at random (faster inserts).
            new_rows.sort(key=attrgetter("number_key"))
            batch = AuditLog(actor=actor, action=IMPORT_ACTION, target=IMPORT_TARGET, before=None, at=now, after={
                "file_sha256": fingerprint, "rows": len(parsed.rows), "added": result.added,
                "reactivated": reactivated, "updated": result.updated, "unchanged": unchanged,
                "added_keys": [r.number_key + ("*" if r.match == "prefix" else "") for r in new_rows]})
            session.add(batch)
            session.flush()
            batch_id = batch.id
            columns = ("number_key", "match", "category", "evidence", "source", "added_by", "created_at",
                       "updated_at", "expires_at", "reporter_count", "active", "import_batch_id")
            if len(new_rows) >= _BULK_MIN:
                # Rows go to the driver ready-made: datetimes in the database's form, constants once.
                stamp = _sqlite_time if self.dialect == "sqlite" else (lambda moment: moment)
                at = stamp(now)
                _bulk_insert(session, table, columns, times_ready=True, rows=(
                    (r.number_key, r.match, r.category, r.evidence or "", "import", actor, at, at,
                     r.expires_at and stamp(r.expires_at), 0, True, batch_id) for r in new_rows))
            elif new_rows:
                session.execute(insert(table), [
                    dict(zip(columns, (r.number_key, r.match, r.category, r.evidence or "", "import", actor,
                                       now, now, r.expires_at, 0, True, batch_id), strict=True))
                    for r in new_rows])
            self._apply_import_changes(session, changed, actor, now, batch_id)
        return ImportResult(result.added, result.updated, result.unchanged, batch_id)

    def _apply_import_changes(self, session: Session, changed: Sequence[tuple[BlocklistRow, Any, dict[str, Any]]],
                              actor: str, now: datetime, batch_id: int) -> None:
        """Update existing entries from an import, each with its own before/after audit row."""
        if not changed:
            return

        table = BlocklistEntry.__table__
        updates: list[dict[str, Any]] = []
        changes: list[Change] = []
        for row, current, wanted in changed:
            before = self._row_state(current)
            values = {"_id": current["id"], **wanted, "updated_at": now, "active": True,
                      "removed_at": None, "removed_by": None, "removed_reason": None,
                      "source": current["source"] if current["active"] else "import",
                      "added_by": current["added_by"] if current["active"] else actor}
            updates.append(values)
            after = {**before, **{k: v for k, v in values.items() if k in before}}
            after["expires_at"] = wanted["expires_at"].isoformat() if wanted["expires_at"] else None
            after["import_id"] = batch_id
            changes.append(Change(actor, "blocklist.update" if current["active"] else "blocklist.add",
                                  self._blocklist_target(row.number_key, row.match), before, after))
        stmt = update(table).where(table.c.id == bindparam("_id"))
        for start in range(0, len(updates), _BULK_CHUNK):
            session.execute(stmt, updates[start : start + _BULK_CHUNK])
        self._record(session, changes)

    def export_blocklist_csv(self, out: Any | None = None) -> str:
        """The active entries as a CSV file the import reads back unchanged (see ``csvfiles``)."""

        def rows() -> Iterator[list[str]]:
            for e in self.blocklist_entries():
                number = e.number_key + ("*" if e.is_prefix else "")
                yield [number, e.category, e.evidence, csvfiles.format_expiry(e.expires_at)]

        return csvfiles.write_csv(BLOCKLIST_COLUMNS, rows(), out)
