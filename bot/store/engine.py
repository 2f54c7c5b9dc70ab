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

No wait is unbounded: on PostgreSQL a connection attempt, a wait for a pooled connection and a statement
time out (``CONNECT_TIMEOUT_SECONDS``, ``POOL_TIMEOUT_SECONDS``, ``STATEMENT_TIMEOUT_MS``), on SQLite a
writer waits for the lock at most 30 s. Exceptions never carry the written values (``hide_parameters``).

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
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Engine,
    bindparam,
    case,
    create_engine,
    event,
    func,
    insert,
    or_,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from bot import PROJECT_ROOT
from bot.store.csvfiles import (
    LineError,
)
from bot.store.models import (
    AuditLog,
    BlocklistEntry,
    BlocklistHit,
    UTCDateTime,
    utcnow,
)

log = logging.getLogger(__name__)

DEFAULT_ALLOWLIST_SEED = PROJECT_ROOT / "data" / "allowlist.csv"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_REVISION_LINE = re.compile(r'^(down_revision|revision)\s*=\s*(?:"([^"]*)"|None)\s*$', re.MULTILINE)


@functools.lru_cache(maxsize=1)
def _newest_revision() -> str | None:
    """The one revision no migration file names as its ``down_revision``, read from the files' assignments; None
    when the files do not say it plainly (then Alembic itself decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict((m.group(1), m.group(2)) for m in _REVISION_LINE.finditer(path.read_text(encoding="utf-8")))
        if "revision" not in found or not found["revision"]:
            return None
        revisions.add(found["revision"])
        if found.get("down_revision"):
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None
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


class DatabaseUnavailable(RuntimeError):
    """``Store.open`` cannot use the database: the URL is not one SQLAlchemy reads (or names a driver that is
    not installed), or the database cannot be reached or opened. The message is one line, password hidden."""


# --- engine --------------------------------------------------------------------------------------------


CONNECT_TIMEOUT_SECONDS = 10
"""How long opening a PostgreSQL connection may take (an address that swallows packets would otherwise hang
the caller for minutes, in the kernel's TCP retries)."""
STATEMENT_TIMEOUT_MS = 30_000
"""PostgreSQL ``statement_timeout`` when the server, role, database or URL sets none: a statement stuck on a
lock or a runaway query frees its worker thread after this long. Everything the bot runs takes
milliseconds; migrations and bulk inserts lift it for their own transaction (``_no_statement_timeout``)."""
POOL_TIMEOUT_SECONDS = 10
"""How long a call waits for a free pooled connection before it fails (SQLAlchemy's default is 30 s)."""


def _make_engine(url: str) -> Engine:
    """The engine for ``url``. Every engine hides statement parameters from its exceptions
    (``hide_parameters``): an error would otherwise carry the written values (a report's text, an appeal's
    reason) into the log."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return _server_engine(parsed)
    database = parsed.database or ""
    memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not memory:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30}, hide_parameters=True)
    else:
        engine = create_engine(parsed, connect_args={"check_same_thread": False}, poolclass=StaticPool,
                               hide_parameters=True)

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


def _server_engine(parsed: Any) -> Engine:
    """PostgreSQL (or another server): bounded waits for a connection, for the pool and for a statement.

    Values the URL gives (``?connect_timeout=``) or the server sets (``ALTER ROLE … SET statement_timeout``)
    are kept; the defaults above fill in only what is unset.
    """
    postgres = parsed.get_backend_name() == "postgresql"
    connect_args: dict[str, Any] = {}
    if postgres and "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    engine = create_engine(parsed, pool_pre_ping=True, pool_timeout=POOL_TIMEOUT_SECONDS, hide_parameters=True,
                           connect_args=connect_args)
    if postgres:

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record) -> None:
            autocommit = dbapi_connection.autocommit
            dbapi_connection.autocommit = True  # a SET outside any transaction lasts for the session
            cursor = dbapi_connection.cursor()
            cursor.execute("SHOW statement_timeout")
            if cursor.fetchone()[0] == "0":
                cursor.execute(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")
            cursor.close()
            dbapi_connection.autocommit = autocommit

    return engine


def _no_statement_timeout(connection: Any) -> None:
    """Lift PostgreSQL's statement timeout until the end of ``connection``'s transaction (long, known work)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL statement_timeout = 0")


def _first_line(exc: BaseException | None) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


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
        _no_statement_timeout(connection)
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


class StoreBase:
    """The engine, sessions, migrations and the audit trail that every aggregate's queries share.

    fanzha's data: build with ``Store.open(url)``; share one per process; ``close()`` at the end."""

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

    def _stream_entries(self, model: Any, *, include_removed: bool) -> Iterator[Any]:
        """Every row of a list table (``active`` rows unless ``include_removed``), by id, in pages, so a
        million rows never sit in memory at once."""
        last_id = 0
        while True:
            with self._read() as session:
                stmt = select(model).where(model.id > last_id)
                if not include_removed:
                    stmt = stmt.where(model.active.is_(True))
                page = list(session.scalars(stmt.order_by(model.id).limit(_BULK_CHUNK)))
            if not page:
                return
            yield from page
            last_id = page[-1].id

    def _count_active(self, model: Any) -> int:
        with self._read() as session:
            return session.scalar(select(func.count()).select_from(model).where(model.active.is_(True))) or 0

    @classmethod
    def open(cls, url: str, *, allowlist_seed: Path | None = DEFAULT_ALLOWLIST_SEED) -> Any:
        """Connect, create or migrate the schema (Alembic ``upgrade head``) and seed the allowlist.

        A brand-new SQLite path just works (its folder is created). ``allowlist_seed=None`` skips seeding.
        """
        try:
            engine = _make_engine(url)
        except ArgumentError as exc:  # also a dialect or driver that is not installed
            raise DatabaseUnavailable(f"not a database URL SQLAlchemy can use ({_first_line(exc)})") from exc
        except OSError as exc:  # the SQLite file's folder cannot be created
            raise DatabaseUnavailable(f"cannot create the database's folder {exc.filename}: {exc.strerror}") from exc
        store = cls(engine)
        try:
            store.migrate()
            if allowlist_seed is not None and Path(allowlist_seed).exists():
                store.seed_allowlist(allowlist_seed)
        except OperationalError as exc:
            store.close()
            shown = engine.url.render_as_string(hide_password=True)
            raise DatabaseUnavailable(f"cannot open the database {shown}: {_first_line(exc.orig)}") from exc
        except Exception:
            store.close()
            raise
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Bring the schema to the newest revision (no-op when it is there already).

        A database already at the newest revision is recognised without importing Alembic (about half a second
        of every command's start-up, for nothing on every start but the first after an upgrade)."""
        if self._at_head():
            return
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self.engine.execution_options(fanzha_write=True).begin() as connection:
            _no_statement_timeout(connection)
            if self.dialect == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def _at_head(self) -> bool:
        """Whether the database's Alembic revision is the newest migration file's (any doubt: False)."""
        head = _newest_revision()
        if head is None:
            return False
        try:
            with self.engine.connect() as connection:
                current = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        except DBAPIError:  # no table yet: a new database
            return False
        return current == [head]

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
