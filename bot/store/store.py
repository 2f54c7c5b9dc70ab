"""The ``Store``: every read and write of fanzha's data, on SQLite or PostgreSQL.

Sync SQLAlchemy 2.0; the bot calls it through ``asyncio.to_thread``. The ``Store`` owns one engine and
opens a short session per operation, so it is safe to share between threads. Reads return detached ORM
objects (no lazy loading after the call), except ``lookup`` — the checker's hot path — which returns a
plain ``BlocklistHit`` from one precompiled SELECT on a pooled connection.

Audit. Every change is written to the append-only ``audit_log`` in the same transaction as the change
(through ``_record``, or the import below): a change without its audit trail cannot be committed. The rule:

- A moderator's (or any single) change: one audit row — who, what, when, the entry before and after.
- A blocklist import that changes anything: ONE audit row for the file (action ``blocklist.import``,
  target ``blocklist:import``; ``after`` holds the file's SHA-256, the counts and ``added_keys``, every
  key it created), and each entry it creates stores that row's id in ``import_batch_id``. An entry the
  import CHANGES (an update, or a removed entry brought back) gets its own row with before and after,
  as any change does, with ``after["import_id"]``. Rows the import leaves as they are get nothing; an
  import that changes nothing writes nothing. Why: one row per added number doubled the work of a
  million-row import; the batch row plus ``import_batch_id`` still tells, for every number, who added it,
  when, from which file — ``history(number)`` shows it as the number's ``blocklist.add`` item.

On SQLite the store uses WAL with ``synchronous=NORMAL`` (readers never wait for a writer; a power loss
may lose the last commits but cannot corrupt the database), a busy timeout,
and ``BEGIN IMMEDIATE`` for write transactions so concurrent writers queue instead of failing with
"database is locked". Bulk imports need no other pragma: the cost was in Python and in CHECKs written
as ``IN (…)`` (see ``models.one_of``), not in syncing.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import logging
import secrets
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Date,
    Engine,
    bindparam,
    case,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from bot import PROJECT_ROOT
from bot.store import csvfiles
from bot.store.csvfiles import (
    ALLOWLIST_COLUMNS,
    BLOCKLIST_COLUMNS,
    AllowlistRow,
    BlocklistRow,
    CsvError,
    LineError,
)
from bot.store.models import (
    AllowlistAlias,
    AllowlistEntry,
    Appeal,
    AuditLog,
    BlocklistEntry,
    BlocklistHit,
    CheckStat,
    Feedback,
    GroupSetting,
    Moderator,
    PendingFlow,
    Report,
    ReporterTrust,
    StoredCheck,
    StoreMeta,
    UserPreference,
    UTCDateTime,
    utcnow,
)

log = logging.getLogger(__name__)

DEFAULT_ALLOWLIST_SEED = PROJECT_ROOT / "data" / "allowlist.csv"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_PG_MIGRATION_LOCK = 0x66616E7A  # "fanz": one migrating process at a time
_BULK_CHUNK = 20_000
_BULK_MIN = 1_000  # from this many rows on, inserts bypass the ORM (see _bulk_insert)
_MIN_PREFIX_KEY_LEN = 4  # "+" and 3 digits, see csvfiles.MIN_PREFIX_DIGITS
_LOOKUP_CANDIDATES = 17 - _MIN_PREFIX_KEY_LEN  # E.164 keys are at most 16 characters
IMPORT_ACTION = "blocklist.import"
IMPORT_TARGET = "blocklist:import"  # keys start with "+" or a digit: no entry has this target


def _lookup_statement() -> Any:
    """The one query of ``Store.lookup``: exact key or any of its prefixes, by the unique index.

    The candidates are every prefix of the key (``c0``…), padded with the key itself, so the statement
    always has the same parameters and is compiled once per database (``_CompiledLookup``).
    """
    from sqlalchemy import bindparam

    table = BlocklistEntry.__table__
    candidates = [bindparam(f"c{i}") for i in range(_LOOKUP_CANDIDATES)]
    return (
        select(table)
        .where(
            table.c.number_key.in_(candidates),
            table.c.active.is_(True),
            or_(table.c.match == "prefix", table.c.number_key == bindparam("key")),
            or_(table.c.expires_at.is_(None), table.c.expires_at > bindparam("now", type_=UTCDateTime())),
        )
        .order_by(case((table.c.match == "exact", 0), else_=1), func.length(table.c.number_key).desc())
        .limit(1)
    )


_LOOKUP = _lookup_statement()
_LOOKUP_INPUTS = frozenset({"key", "now", *(f"c{i}" for i in range(_LOOKUP_CANDIDATES))})


class _CompiledLookup:
    """``_LOOKUP`` compiled once for a database, run on a pooled DBAPI connection.

    Per call this is one ``cursor.execute`` of a statement the driver has prepared before (sqlite3 and
    psycopg keep prepared statements per connection): no SQLAlchemy execution context, no BEGIN/ROLLBACK
    round trip on SQLite (the connection is in autocommit mode, so a single SELECT is its own consistent
    read), and no ORM object for the row. Measured on 1,000,000 rows: ~0.04 ms per lookup instead of
    ~0.16 ms through a Core connection (bench/blocklist_bench.py).
    """

    def __init__(self, engine: Engine) -> None:
        compiled = _LOOKUP.compile(dialect=engine.dialect)
        self.sql = compiled.string
        self.sqlite = engine.dialect.name == "sqlite"
        # Values SQLAlchemy bound for the constants ('prefix', 'exact', 0, 1, LIMIT 1): fixed per statement.
        self.fixed = {name: value for name, value in compiled.params.items() if name not in _LOOKUP_INPUTS}
        if any(not isinstance(value, str | int) for value in self.fixed.values()):
            raise TypeError(f"unexpected constant in the lookup statement: {self.fixed}")
        self.order = tuple(compiled.positiontup) if compiled.positiontup else None  # qmark: positional
        columns = list(BlocklistEntry.__table__.columns)
        self.times = tuple(i for i, c in enumerate(columns) if isinstance(c.type, UTCDateTime))
        self.flag = next(i for i, c in enumerate(columns) if c.name == "active")

    def params(self, number_key: str, now: datetime) -> Any:
        values: dict[str, Any] = dict(self.fixed)
        values["key"] = number_key
        values["now"] = _utc_text(now) if self.sqlite else now.astimezone(UTC)
        for i in range(_LOOKUP_CANDIDATES):  # every prefix of the key, padded with the key itself
            size = _MIN_PREFIX_KEY_LEN + i
            values[f"c{i}"] = number_key[:size] if size <= len(number_key) else number_key
        return values if self.order is None else [values[name] for name in self.order]

    def hit(self, row: Sequence[Any]) -> BlocklistHit:
        values = list(row)
        for i in self.times:
            moment = values[i]
            if moment is not None:
                if isinstance(moment, str):  # SQLite keeps naive UTC text
                    moment = datetime.fromisoformat(moment).replace(tzinfo=UTC)
                values[i] = moment.astimezone(UTC)
        values[self.flag] = bool(values[self.flag])
        return BlocklistHit(*values)


def keyed_hash(value: int | str, secret: str) -> str:
    """HMAC-SHA256 (hex) of a user id or a text with ``Settings.secret``.

    Reporters, users and message fingerprints are stored only in this form: equal inputs meet, but
    without the secret the stored value cannot be turned back into a Telegram id.
    """
    return hmac.new(secret.encode(), str(value).encode(), hashlib.sha256).hexdigest()


# --- results -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    added: int       # new entries, and removed ones brought back
    updated: int
    unchanged: int
    import_id: int | None = None  # the import's audit row (None when nothing changed or not tracked)

    @property
    def changed(self) -> int:
        return self.added + self.updated


@dataclass
class ImportPreview:
    """What an import would do, without doing it (the bot shows this before asking to confirm)."""

    to_add: list[Any] = field(default_factory=list)         # rows (BlocklistRow / AllowlistRow)
    to_update: list[tuple[Any, dict[str, Any]]] = field(default_factory=list)  # (row, current state)
    unchanged: int = 0
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> ImportResult:
        return ImportResult(len(self.to_add), len(self.to_update), self.unchanged)


@dataclass(frozen=True)
class Change:
    """One audited change: who did what to which target, with the state before and after."""

    actor: str
    action: str
    target: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


class NotFound(LookupError):
    """The row a change refers to does not exist (e.g. removing a number that is not listed)."""


# --- engine --------------------------------------------------------------------------------------------


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    database = parsed.database or ""
    memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not memory:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30})
    else:
        engine = create_engine(parsed, connect_args={"check_same_thread": False}, poolclass=StaticPool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: big imports touch many index pages
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        write = connection.get_execution_options().get("fanzha_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _utc_text(moment: datetime) -> str:
    """A UTC datetime in SQLAlchemy's SQLite storage format (what ``UTCDateTime`` writes there)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


_sqlite_time = functools.lru_cache(maxsize=4096)(_utc_text)  # imports repeat a few instants many times


def _bulk_insert(session: Session, table: Any, columns: Sequence[str], rows: Iterable[tuple], *,
                 times_ready: bool = False) -> None:
    """Insert many rows inside the session's transaction, fast: COPY on PostgreSQL, executemany on SQLite.

    Values go to the driver as they are, except datetimes (UTC) which SQLite gets in SQLAlchemy's
    storage format (``times_ready``: the caller did that already, see ``_sqlite_time``); JSON columns
    must be passed as JSON text.
    """
    connection = session.connection()
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    cursor = connection.connection.driver_connection.cursor()
    sql = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' * len(columns))})"
    times = [] if times_ready else [
        i for i, name in enumerate(columns) if isinstance(table.c[name].type, UTCDateTime)]
    if times:
        rows = (tuple(_sqlite_time(v) if i in times and v is not None else v for i, v in enumerate(row))
                for row in rows)
    cursor.executemany(sql, rows)  # reads the iterator as it goes: no list of all rows
    cursor.close()


# --- the store -----------------------------------------------------------------------------------------


_COUNT_CHECK = text(
    "INSERT INTO check_stats (day, level, category, count) VALUES (:day, :level, :category, 1) "
    "ON CONFLICT (day, level, category) DO UPDATE SET count = check_stats.count + 1"
).bindparams(bindparam("day", type_=Date()))
"""Count one check: the same SQL on SQLite and PostgreSQL. Written out because SQLAlchemy's dialect upserts
(``on_conflict_do_update``) have no cache key and were compiled anew for every answer, about 8% of the bot's
CPU under load; a ``text`` statement is compiled once."""


@dataclass(frozen=True)
class Flow:
    """A pending flow as the store gives it back (see ``bot.store.models.PendingFlow``)."""

    key: str
    owner_hash: str
    data: dict[str, Any]
    blob: bytes | None = None


_GET_FLOW = select(PendingFlow.owner_hash, PendingFlow.data).where(
    PendingFlow.key == bindparam("key"), PendingFlow.expires_at > bindparam("now"))


class Store:
    """fanzha's data. Build with ``Store.open(url)``; share one per process; ``close()`` at the end."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._reads = sessionmaker(engine, expire_on_commit=False)
        self._writes = sessionmaker(engine.execution_options(fanzha_write=True), expire_on_commit=False)
        # SQLite has one writer at a time. Threads of this process queue on a lock instead of on SQLite's busy
        # handler, which sleeps in steps of up to 100 ms (seen as p95 spikes when the bot answers a burst).
        # Other processes sharing the file still meet the busy timeout.
        self._write_lock: AbstractContextManager = (
            threading.Lock() if engine.dialect.name == "sqlite" else nullcontext())
        self._lookup = _CompiledLookup(engine)

    @classmethod
    def open(cls, url: str, *, allowlist_seed: Path | None = DEFAULT_ALLOWLIST_SEED) -> Store:
        """Connect, create or migrate the schema (Alembic ``upgrade head``) and seed the allowlist.

        A brand-new SQLite path just works (its folder is created). ``allowlist_seed=None`` skips seeding.
        """
        store = cls(_make_engine(url))
        try:
            store.migrate()
            if allowlist_seed is not None and Path(allowlist_seed).exists():
                store.seed_allowlist(allowlist_seed)
        except Exception:
            store.close()
            raise
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Bring the schema to the newest revision (no-op when it is there already)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self.engine.execution_options(fanzha_write=True).begin() as connection:
            if self.dialect == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._reads() as session:
            yield session

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with self._write_lock, self._writes.begin() as session:
            yield session

    # --- audit ------------------------------------------------------------------------------------------

    @staticmethod
    def _record(session: Session, changes: Sequence[Change]) -> None:
        """The one way changes are audited: rows go into the caller's transaction."""
        if not changes:
            return
        now = utcnow()
        if len(changes) < _BULK_MIN:
            rows = [{"actor": c.actor, "action": c.action, "target": c.target, "before": c.before,
                     "after": c.after, "at": now} for c in changes]
            session.execute(insert(AuditLog), rows)
            return
        dumps = json.dumps
        _bulk_insert(session, AuditLog.__table__, ("actor", "action", "target", "before", "after", "at"),
                     ((c.actor, c.action, c.target, None if c.before is None else dumps(c.before),
                       None if c.after is None else dumps(c.after), now) for c in changes))

    def audit_log(self, *, target: str | None = None, actor: str | None = None,
                  limit: int = 100) -> list[AuditLog]:
        """Newest audit rows first, optionally for one target (``blocklist:+86…``) or actor."""
        with self._read() as session:
            stmt = select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)
            if target is not None:
                stmt = stmt.where(AuditLog.target == target)
            if actor is not None:
                stmt = stmt.where(AuditLog.actor == actor)
            return list(session.scalars(stmt))

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
        """All entries (by number), streamed in pages so a million rows do not sit in memory."""
        last_id = 0
        while True:
            with self._read() as session:
                stmt = select(BlocklistEntry).where(BlocklistEntry.id > last_id)
                if not include_removed:
                    stmt = stmt.where(BlocklistEntry.active.is_(True))
                page = list(session.scalars(stmt.order_by(BlocklistEntry.id).limit(_BULK_CHUNK)))
            if not page:
                return
            yield from page
            last_id = page[-1].id

    def count_blocklist(self) -> int:
        with self._read() as session:
            return session.scalar(select(func.count()).select_from(BlocklistEntry)
                                  .where(BlocklistEntry.active.is_(True))) or 0

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
        from sqlalchemy import bindparam

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

    # --- moderators -------------------------------------------------------------------------------------

    def add_moderator(self, telegram_user_id: int, *, actor: str | int) -> bool:
        """Make someone a moderator. False if they were one already."""
        with self._write() as session:
            if session.get(Moderator, telegram_user_id) is not None:
                return False
            session.add(Moderator(telegram_user_id=telegram_user_id, added_by=str(actor)))
            self._record(session, [Change(str(actor), "moderator.add", f"moderator:{telegram_user_id}",
                                          None, {"telegram_user_id": telegram_user_id})])
            return True

    def remove_moderator(self, telegram_user_id: int, *, actor: str | int) -> bool:
        """Remove a moderator. False if they were not one."""
        with self._write() as session:
            moderator = session.get(Moderator, telegram_user_id)
            if moderator is None:
                return False
            before = {"telegram_user_id": telegram_user_id, "added_by": moderator.added_by}
            session.delete(moderator)
            self._record(session, [Change(str(actor), "moderator.remove", f"moderator:{telegram_user_id}",
                                          before, None)])
            return True

    def list_moderators(self) -> list[Moderator]:
        with self._read() as session:
            return list(session.scalars(select(Moderator).order_by(Moderator.created_at)))

    def is_moderator(self, telegram_user_id: int) -> bool:
        with self._read() as session:
            return session.get(Moderator, telegram_user_id) is not None

    # --- reports and reporter trust ---------------------------------------------------------------------

    def add_report(self, reporter_hash: str, *, number_key: str | None = None, text: str | None = None,
                   text_fingerprint: str | None = None, verdict: dict[str, Any] | None = None) -> Report:
        """Store a user's report. ``text`` only when the user consented to keeping it."""
        with self._write() as session:
            report = Report(reporter_hash=reporter_hash, number_key=number_key, text=text,
                            text_fingerprint=text_fingerprint, verdict=verdict or {})
            session.add(report)
            session.flush()
            self._record(session, [Change(f"reporter:{reporter_hash[:12]}", "report.add",
                                          f"report:{report.id}", None,
                                          {"number_key": number_key, "with_text": text is not None})])
            return report

    def count_reports_since(self, reporter_hash: str, since: datetime) -> int:
        """How many reports this reporter filed since ``since`` (for the per-hour limit)."""
        with self._read() as session:
            return session.scalar(select(func.count()).select_from(Report).where(
                Report.reporter_hash == reporter_hash, Report.created_at >= since)) or 0

    def reports_for(self, number_key: str, *, status: str | None = None) -> list[Report]:
        with self._read() as session:
            stmt = select(Report).where(Report.number_key == number_key).order_by(Report.id)
            if status is not None:
                stmt = stmt.where(Report.status == status)
            return list(session.scalars(stmt))

    def pending_report_numbers(self, min_reporters: int = 1) -> list[tuple[str, int]]:
        """(number_key, distinct pending reporters), most reported first, at or above the threshold."""
        reporters = func.count(func.distinct(Report.reporter_hash))
        with self._read() as session:
            rows = session.execute(
                select(Report.number_key, reporters).where(Report.status == "pending",
                                                           Report.number_key.is_not(None))
                .group_by(Report.number_key).having(reporters >= min_reporters)
                .order_by(reporters.desc(), func.min(Report.created_at)))
            return [(key, count) for key, count in rows]

    def decide_reports(self, number_key: str, *, accepted: bool, actor: str | int) -> int:
        """Accept or reject all pending reports of a number; updates each reporter's trust once.

        Returns how many reports were decided. (Blocking the number itself is ``add_blocklist``.)
        """
        status = "accepted" if accepted else "rejected"
        now = utcnow()
        with self._write() as session:
            reports = list(session.scalars(select(Report).where(
                Report.number_key == number_key, Report.status == "pending")))
            for report in reports:
                report.status, report.decided_at, report.decided_by = status, now, str(actor)
            for reporter in sorted({r.reporter_hash for r in reports}):
                trust = session.get(ReporterTrust, reporter)
                if trust is None:
                    trust = ReporterTrust(reporter_hash=reporter, accepted_count=0, rejected_count=0)
                    session.add(trust)
                if accepted:
                    trust.accepted_count += 1
                else:
                    trust.rejected_count += 1
                trust.updated_at = now
            if reports:
                after = {"status": status, "report_ids": [r.id for r in reports]}
                self._record(session, [Change(str(actor), f"reports.{status[:-2]}", f"reports:{number_key}",
                                              {"pending": len(reports)}, after)])
            return len(reports)

    def reporter_trust(self, reporter_hash: str) -> ReporterTrust | None:
        with self._read() as session:
            return session.get(ReporterTrust, reporter_hash)

    # --- feedback ---------------------------------------------------------------------------------------

    def add_feedback(self, *, verdict: dict[str, Any], user_hash: str | None = None, text: str | None = None,
                     comment: str | None = None) -> Feedback:
        """A "wrong verdict" item. ``text`` only with the user's consent."""
        with self._write() as session:
            item = Feedback(user_hash=user_hash, text=text, verdict=verdict, comment=comment)
            session.add(item)
            session.flush()
            self._record(session, [Change("user", "feedback.add", f"feedback:{item.id}", None,
                                          {"with_text": text is not None})])
            return item

    def feedback_items(self, *, status: str | None = "pending", limit: int | None = None) -> list[Feedback]:
        with self._read() as session:
            stmt = select(Feedback).order_by(Feedback.id)
            if status is not None:
                stmt = stmt.where(Feedback.status == status)
            if limit is not None:
                stmt = stmt.limit(limit)
            return list(session.scalars(stmt))

    def review_feedback(self, feedback_id: int, *, accepted: bool, actor: str | int,
                        label: str | None = None) -> Feedback:
        """Record a moderator's review; ``label`` is a category key, or "legit" for not fraud."""
        with self._write() as session:
            item = session.get(Feedback, feedback_id)
            if item is None:
                raise NotFound(f"no feedback #{feedback_id}")
            before = {"status": item.status, "label": item.label}
            item.status = "accepted" if accepted else "rejected"
            item.label, item.reviewed_by, item.reviewed_at = label, str(actor), utcnow()
            self._record(session, [Change(str(actor), "feedback.review", f"feedback:{feedback_id}", before,
                                          {"status": item.status, "label": label})])
            return item

    # --- appeals ----------------------------------------------------------------------------------------

    def add_appeal(self, number_key: str, *, appellant_chat_id: int, reason: str) -> Appeal:
        with self._write() as session:
            appeal = Appeal(number_key=number_key, appellant_chat_id=appellant_chat_id, reason=reason)
            session.add(appeal)
            session.flush()
            self._record(session, [Change(f"chat:{appellant_chat_id}", "appeal.add", f"appeal:{appeal.id}",
                                          None, {"number_key": number_key})])
            return appeal

    def get_appeal(self, appeal_id: int) -> Appeal | None:
        with self._read() as session:
            return session.get(Appeal, appeal_id)

    def appeals(self, *, status: str | None = "pending") -> list[Appeal]:
        with self._read() as session:
            stmt = select(Appeal).order_by(Appeal.id)
            if status is not None:
                stmt = stmt.where(Appeal.status == status)
            return list(session.scalars(stmt))

    def decide_appeal(self, appeal_id: int, *, accepted: bool, actor: str | int, note: str = "") -> Appeal:
        """Accept (delist the number, same transaction) or reject an appeal."""
        actor = str(actor)
        now = utcnow()
        with self._write() as session:
            appeal = session.get(Appeal, appeal_id)
            if appeal is None:
                raise NotFound(f"no appeal #{appeal_id}")
            if appeal.status != "pending":
                raise ValueError(f"appeal #{appeal_id} was already {appeal.status}")
            appeal.status = "accepted" if accepted else "rejected"
            appeal.decided_by, appeal.decided_at, appeal.decision_note = actor, now, note
            changes = [Change(actor, "appeal.decide", f"appeal:{appeal_id}", {"status": "pending"},
                              {"status": appeal.status, "note": note})]
            if accepted:
                entry = session.scalar(select(BlocklistEntry).where(
                    BlocklistEntry.number_key == appeal.number_key, BlocklistEntry.match == "exact",
                    BlocklistEntry.active.is_(True)))
                if entry is not None:
                    before = self._blocklist_state(entry)
                    entry.active, entry.removed_at, entry.removed_by = False, now, actor
                    entry.removed_reason, entry.updated_at = f"appeal #{appeal_id} accepted", now
                    changes.append(Change(actor, "blocklist.remove",
                                          self._blocklist_target(entry.number_key, "exact"),
                                          before, self._blocklist_state(entry)))
            self._record(session, changes)
            return appeal

    # --- statistics -------------------------------------------------------------------------------------

    def _upsert(self, session: Session, model: type, values: dict[str, Any], index: Sequence[str],
                set_: dict[str, Any]) -> None:
        make = pg_insert if self.dialect == "postgresql" else sqlite_insert
        stmt = make(model).values(**values)
        session.execute(stmt.on_conflict_do_update(index_elements=list(index), set_=set_))

    def record_check(self, level: str, category: str | None = None, *, day: date | None = None) -> None:
        """Count one check (no personal data: day, level, category only)."""
        with self._write() as session:
            self._count_check(session, level, category, day)

    def _count_check(self, session: Session, level: str, category: str | None, day: date | None = None) -> None:
        day = day or datetime.now(UTC).date()
        session.execute(_COUNT_CHECK, {"day": day, "level": level, "category": category or ""})

    def check_stats(self, since: date) -> list[CheckStat]:
        with self._read() as session:
            return list(session.scalars(select(CheckStat).where(CheckStat.day >= since)
                                        .order_by(CheckStat.day, CheckStat.level, CheckStat.category)))

    # --- stored checks (button ids) ---------------------------------------------------------------------

    def save_check(self, verdict: dict[str, Any], *, text: str | None = None, user_hash: str | None = None,
                   ttl: timedelta = timedelta(days=2), count_as: tuple[str, str | None] | None = None) -> str:
        """Keep a verdict for its buttons; returns a short id (11 characters) for callback data.

        ``count_as=(level, category)`` also counts the check (``record_check``) in the same transaction: the
        bot does both for every answered message, and one write transaction instead of two matters there.
        """
        now = utcnow()
        check_id = secrets.token_urlsafe(8)
        with self._write() as session:
            if count_as is not None:
                self._count_check(session, *count_as)
            # A Core insert into the table (not the ORM class, whose bulk-insert path costs more CPU than the
            # write itself): one per bot answer.
            session.execute(insert(StoredCheck.__table__), {
                "id": check_id, "verdict": verdict, "text": text, "user_hash": user_hash,
                "created_at": now, "expires_at": now + ttl})
        return check_id

    def get_check(self, check_id: str) -> StoredCheck | None:
        """The stored check, or None when unknown or expired."""
        with self._read() as session:
            check = session.get(StoredCheck, check_id)
            return check if check is not None and check.expires_at > utcnow() else None

    def purge_expired_checks(self) -> int:
        with self._write() as session:
            return session.execute(delete(StoredCheck).where(StoredCheck.expires_at <= utcnow())).rowcount

    # --- pending flows (an appeal between steps, an import awaiting its confirm button) -------------------

    def put_flow(self, key: str, owner_hash: str, data: dict[str, Any], *, ttl: timedelta,
                 blob: bytes | None = None) -> None:
        """Start or move on a flow (replaces what ``key`` held)."""
        with self._write() as session:
            session.execute(delete(PendingFlow).where(PendingFlow.key == key))
            session.execute(insert(PendingFlow.__table__), {
                "key": key, "owner_hash": owner_hash, "data": data, "blob": blob, "expires_at": utcnow() + ttl})

    def get_flow(self, key: str) -> Flow | None:
        """The unexpired flow at ``key`` (without its blob), or None."""
        # A plain connection, not a Session: the bot asks this for every private message (is it an appeal's
        # next step?), nearly always to hear no.
        with self.engine.connect() as connection:
            row = connection.execute(_GET_FLOW, {"key": key, "now": utcnow()}).first()
        return Flow(key, row.owner_hash, row.data) if row else None

    def take_flow(self, key: str, owner_hash: str | None = None) -> Flow | None:
        """Remove and return the unexpired flow at ``key`` (of ``owner_hash`` when given), blob included.

        One statement (DELETE … RETURNING), so of two instances that get the same confirm tap, one applies it.
        """
        where = [PendingFlow.key == key, PendingFlow.expires_at > utcnow()]
        if owner_hash is not None:
            where.append(PendingFlow.owner_hash == owner_hash)
        with self._write() as session:
            row = session.execute(delete(PendingFlow).where(*where).returning(
                PendingFlow.owner_hash, PendingFlow.data, PendingFlow.blob)).first()
        return Flow(key, row.owner_hash, row.data, row.blob) if row else None

    def purge_expired_flows(self) -> int:
        with self._write() as session:
            return session.execute(delete(PendingFlow).where(PendingFlow.expires_at <= utcnow())).rowcount

    # --- user preferences and group settings ------------------------------------------------------------

    def get_language(self, user_hash: str) -> str | None:
        with self._read() as session:
            pref = session.get(UserPreference, user_hash)
            return pref.language if pref else None

    def set_language(self, user_hash: str, language: str) -> None:
        with self._write() as session:
            self._upsert(session, UserPreference, {"user_hash": user_hash, "language": language,
                                                   "updated_at": utcnow()},
                         ("user_hash",), {"language": language, "updated_at": utcnow()})

    def group_quiet(self, chat_id: int) -> bool:
        """Whether the bot stays quiet in this group unless asked (default: quiet)."""
        with self._read() as session:
            setting = session.get(GroupSetting, chat_id)
            return True if setting is None else setting.quiet_mode

    def set_group_quiet(self, chat_id: int, quiet: bool, *, actor: str | int) -> None:
        with self._write() as session:
            setting = session.get(GroupSetting, chat_id)
            before = None if setting is None else {"quiet_mode": setting.quiet_mode}
            if setting is None:
                setting = GroupSetting(chat_id=chat_id)
                session.add(setting)
            setting.quiet_mode, setting.updated_by, setting.updated_at = quiet, str(actor), utcnow()
            self._record(session, [Change(str(actor), "group.quiet", f"group:{chat_id}", before,
                                          {"quiet_mode": quiet})])


__all__ = ["Change", "CsvError", "ImportPreview", "ImportResult", "NotFound", "Store", "keyed_hash"]
