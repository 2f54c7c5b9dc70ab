"""What the bot keeps between updates: statistics, stored checks behind buttons, pending flows,
language preferences and group settings."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Date,
    bindparam,
    delete,
    exists,
    insert,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from bot.store.engine import (
    Change,
    StoreBase,
)
from bot.store.models import (
    CheckStat,
    GroupSetting,
    PendingFlow,
    StoredCheck,
    UserPreference,
    utcnow,
)

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


class SessionsRepo(StoreBase):
    """Session queries of the ``Store``."""

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

    def take_flows(self, prefix: str, *, unless_expiring_after: datetime | None = None) -> list[Flow]:
        """Remove and return every unexpired flow whose key starts with ``prefix`` (in key order), blobs included.

        One statement (DELETE … RETURNING), so of two instances that claim the same flows, one gets each flow:
        a burst of forwarded messages is answered once. With ``unless_expiring_after``, nothing is taken while
        any of them expires after that moment: for flows put with one ``ttl``, that is "while any was put after
        ``unless_expiring_after - ttl``", so a burst is taken only once its newest message is old enough, and
        that test and the taking cannot be split by another instance's write.
        """
        where = [PendingFlow.key.startswith(prefix, autoescape=True), PendingFlow.expires_at > utcnow()]
        if unless_expiring_after is not None:
            newer = aliased(PendingFlow)
            where.append(~exists().where(newer.key.startswith(prefix, autoescape=True),
                                         newer.expires_at > unless_expiring_after))
        with self._write() as session:
            rows = session.execute(delete(PendingFlow).where(*where).returning(
                PendingFlow.key, PendingFlow.owner_hash, PendingFlow.data, PendingFlow.blob)).all()
        return sorted((Flow(row.key, row.owner_hash, row.data, row.blob) for row in rows), key=lambda f: f.key)

    def flow_expiries(self, prefix: str) -> dict[str, datetime]:
        """When each unexpired flow under ``prefix`` expires, by key (what a sweep needs to find flows that
        were left waiting, without reading their data)."""
        query = select(PendingFlow.key, PendingFlow.expires_at).where(
            PendingFlow.key.startswith(prefix, autoescape=True), PendingFlow.expires_at > utcnow())
        with self._read() as session:
            return {row.key: row.expires_at for row in session.execute(query)}

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

    def get_region(self, user_hash: str) -> str | None:
        """The user's ``/region`` choice ("mainland", "hk", "tw", "mo"), None when they chose none."""
        with self._read() as session:
            pref = session.get(UserPreference, user_hash)
            return pref.region if pref else None

    def set_region(self, user_hash: str, region: str | None) -> None:
        """Keep the user's region; None forgets it (``/region auto``). Their language choice stays."""
        with self._write() as session:
            self._upsert(session, UserPreference, {"user_hash": user_hash, "region": region,
                                                   "updated_at": utcnow()},
                         ("user_hash",), {"region": region, "updated_at": utcnow()})

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

