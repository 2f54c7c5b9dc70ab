"""The database tables (SQLAlchemy 2 declarative models).

Design notes (why the tables look as they do):

- Numbers are stored by their canonical key from ``bot.phones.number_key`` (E.164 such as ``+8613800138000``,
  or a short code's digits such as ``95588``), so every written form of a number meets the same row.
- A blocklist row is either an exact number or a prefix (``match = "prefix"``) covering a whole scam segment
  (``+86170``). One row per ``(number_key, match)``: removing an entry keeps the row (``active = False`` with
  who/why/when) and re-adding reactivates it; the full story lives in the append-only ``audit_log``.
- An import adds its new numbers under one audit row per file (``import_batch_id`` on each added row points
  to it); changes to existing rows are audited one row each, with before and after (see ``bot.store.engine``).
- People are never stored by Telegram id except where the product needs to reach them (moderators, an
  appellant's chat, group chats). Reporters and users are keyed HMAC hashes (``bot.store.user_hash``).
- Message text is stored only in ``reports``/``feedback``/``stored_checks`` and only with the user's consent.
- ``check_stats`` holds counts per day, level and category: no personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Lengths shared by several tables.
NUMBER_KEY_LEN = 32     # E.164 is at most 16 characters; room for prefixes and short codes.
HASH_LEN = 64           # hex HMAC-SHA256
ACTOR_LEN = 64          # "cli", "tg:123456789", "system", ...
CATEGORY_LEN = 40       # bot.categories keys

BLOCKLIST_SOURCES = ("moderator", "import", "reports")
MATCH_KINDS = ("exact", "prefix")
REVIEW_STATUSES = ("pending", "accepted", "rejected")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database.

    PostgreSQL keeps ``timestamptz``; SQLite has no time zones, so values are stored as naive UTC and
    given back as aware UTC. Comparisons in SQL therefore work the same on both.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}  # noqa: RUF012


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def one_of(column: str, values: tuple[str, ...]) -> str:
    """The same rule as ``_in`` written as ``a = 'x' OR a = 'y'``, for tables filled in bulk.

    SQLite evaluates a CHECK's ``IN (…)`` list by building a temporary table for every inserted row:
    on a 1,000,000-row import that alone cost ~2 s of ~5 s of inserting. The OR form costs nothing.
    """
    return " OR ".join(f"{column} = {v!r}" for v in values)


class BlocklistEntry(Base):
    """A number (or a number prefix) known to be used for fraud."""

    __tablename__ = "blocklist_entries"
    __table_args__ = (
        UniqueConstraint("number_key", "match", name="uq_blocklist_number_match"),
        CheckConstraint(one_of("match", MATCH_KINDS), name="ck_blocklist_match"),
        CheckConstraint(one_of("source", BLOCKLIST_SOURCES), name="ck_blocklist_source"),
        CheckConstraint("reporter_count >= 0", name="ck_blocklist_reporter_count"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number_key: Mapped[str] = mapped_column(String(NUMBER_KEY_LEN))
    match: Mapped[str] = mapped_column(String(8), default="exact")
    category: Mapped[str] = mapped_column(String(CATEGORY_LEN))
    evidence: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16), default="moderator")
    added_by: Mapped[str] = mapped_column(String(ACTOR_LEN))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    reporter_count: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    removed_at: Mapped[datetime | None] = mapped_column(default=None)
    removed_by: Mapped[str | None] = mapped_column(String(ACTOR_LEN), default=None)
    removed_reason: Mapped[str | None] = mapped_column(Text, default=None)
    # The audit row (action "blocklist.import") of the import that created this row, if one did. A bulk
    # import writes one audit row per file instead of one per added number; this ties each added number
    # to it. No foreign key: audit rows are never deleted, and a plain column is an instant ALTER.
    import_batch_id: Mapped[int | None] = mapped_column(Integer, default=None)

    @property
    def is_prefix(self) -> bool:
        return self.match == "prefix"

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or utcnow())

    def __repr__(self) -> str:
        star = "*" if self.is_prefix else ""
        state = "active" if self.active else "removed"
        return f"<BlocklistEntry {self.number_key}{star} {self.category} {state}>"


@dataclass(frozen=True, slots=True)
class BlocklistHit:
    """A blocklist row as ``Store.lookup`` returns it: plain values, no ORM object (the checker's hot path).

    Same fields, in the same order, as ``BlocklistEntry``'s columns (tests/store check this).
    """

    id: int
    number_key: str
    match: str
    category: str
    evidence: str
    source: str
    added_by: str
    created_at: datetime
    updated_at: datetime
    expires_at: datetime | None
    reporter_count: int
    active: bool
    removed_at: datetime | None
    removed_by: str | None
    removed_reason: str | None
    import_batch_id: int | None

    @property
    def is_prefix(self) -> bool:
        return self.match == "prefix"

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or utcnow())


DOMAIN_LEN = 253        # DNS: a host name is at most 253 characters
DOMAIN_SOURCE_LEN = 200


class DomainBlocklistEntry(Base):
    """A web domain (and every host under it) known to serve fraud, with where that knowledge comes from.

    ``domain`` is a host in canonical form (lower case, punycode, no ``www.``): ``evil.xyz`` covers
    ``a.evil.xyz``; ``app.scam.top`` covers only that host and those under it. ``source`` says where the
    entry comes from ("moderator", "import", or a named data set such as Taiwan's 165 list); removing keeps
    the row (``active = False``, who/why/when), as for numbers.
    """

    __tablename__ = "domain_blocklist"
    __table_args__ = (UniqueConstraint("domain", name="uq_domain_blocklist_domain"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    domain: Mapped[str] = mapped_column(String(DOMAIN_LEN))
    category: Mapped[str] = mapped_column(String(CATEGORY_LEN))
    evidence: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(DOMAIN_SOURCE_LEN), default="moderator")
    added_by: Mapped[str] = mapped_column(String(ACTOR_LEN))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    removed_at: Mapped[datetime | None] = mapped_column(default=None)
    removed_by: Mapped[str | None] = mapped_column(String(ACTOR_LEN), default=None)
    removed_reason: Mapped[str | None] = mapped_column(Text, default=None)
    import_batch_id: Mapped[int | None] = mapped_column(Integer, default=None)

    def __repr__(self) -> str:
        return f"<DomainBlocklistEntry {self.domain} {self.category} {'active' if self.active else 'removed'}>"


class AllowlistEntry(Base):
    """An official number with its owner (95588 → 中国工商银行) and the names texts use for the owner."""

    __tablename__ = "allowlist_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number_key: Mapped[str] = mapped_column(String(NUMBER_KEY_LEN), unique=True)
    owner: Mapped[str] = mapped_column(String(200))
    owner_category: Mapped[str] = mapped_column(String(32), default="")
    source: Mapped[str] = mapped_column(String(16), default="moderator")  # seed / moderator / import
    added_by: Mapped[str] = mapped_column(String(ACTOR_LEN))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    alias_rows: Mapped[list[AllowlistAlias]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", lazy="selectin",
        order_by="AllowlistAlias.position",
    )

    @property
    def aliases(self) -> list[str]:
        return [a.alias for a in self.alias_rows]

    def __repr__(self) -> str:
        return f"<AllowlistEntry {self.number_key} {self.owner}>"


class AllowlistAlias(Base):
    """One name used in texts for an allowlisted owner (工行, ICBC); indexed for impersonation checks."""

    __tablename__ = "allowlist_aliases"
    __table_args__ = (UniqueConstraint("entry_id", "alias", name="uq_allowlist_alias"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("allowlist_entries.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(100), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    entry: Mapped[AllowlistEntry] = relationship(back_populates="alias_rows")


class Report(Base):
    """A user's report of a number and/or message, for the moderators' queue."""

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint(_in("status", REVIEW_STATUSES), name="ck_reports_status"),
        Index("ix_reports_number_status", "number_key", "status"),
        Index("ix_reports_reporter_created", "reporter_hash", "created_at"),
        Index("ix_reports_reporter_check", "reporter_hash", "check_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reporter_hash: Mapped[str] = mapped_column(String(HASH_LEN))
    number_key: Mapped[str | None] = mapped_column(String(NUMBER_KEY_LEN), default=None)
    # Keyed hash of the normalized text: groups identical messages without keeping them.
    text_fingerprint: Mapped[str | None] = mapped_column(String(HASH_LEN), default=None, index=True)
    text: Mapped[str | None] = mapped_column(Text, default=None)  # only with the reporter's consent
    verdict: Mapped[dict[str, Any]] = mapped_column(default=dict)  # level, category, evidence kinds
    # The stored check (``stored_checks.id``) whose button filed it: one report per reporter and verdict,
    # whichever way it came (with or without the text, or after the message was deleted).
    check_id: Mapped[str | None] = mapped_column(String(16), default=None)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_by: Mapped[str | None] = mapped_column(String(ACTOR_LEN), default=None)


class ReporterTrust(Base):
    """How often a reporter's reports were accepted or rejected (weights future reports)."""

    __tablename__ = "reporter_trust"

    reporter_hash: Mapped[str] = mapped_column(String(HASH_LEN), primary_key=True)
    accepted_count: Mapped[int] = mapped_column(Integer, default=0)
    rejected_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Feedback(Base):
    """A "wrong verdict" report; reviewed items become training data (text only where consented)."""

    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint(_in("status", REVIEW_STATUSES), name="ck_feedback_status"),
        Index("ix_feedback_status_created", "status", "created_at"),
        Index("ix_feedback_user_created", "user_hash", "created_at"),
        # One "wrong verdict" per user and verdict, even when two instances get the same double tap.
        Index("uq_feedback_user_check", "user_hash", "check_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_hash: Mapped[str | None] = mapped_column(String(HASH_LEN), default=None)
    text: Mapped[str | None] = mapped_column(Text, default=None)  # only with the user's consent
    verdict: Mapped[dict[str, Any]] = mapped_column(default=dict)
    check_id: Mapped[str | None] = mapped_column(String(16), default=None)  # the verdict's stored check
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    # The reviewer's label: a category key for fraud, "legit" for not fraud.
    label: Mapped[str | None] = mapped_column(String(CATEGORY_LEN), default=None)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)
    reviewed_by: Mapped[str | None] = mapped_column(String(ACTOR_LEN), default=None)


class Appeal(Base):
    """A number owner's request to be delisted. The chat id is kept to tell them the outcome."""

    __tablename__ = "appeals"
    __table_args__ = (
        CheckConstraint(_in("status", REVIEW_STATUSES), name="ck_appeals_status"),
        Index("ix_appeals_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number_key: Mapped[str] = mapped_column(String(NUMBER_KEY_LEN), index=True)
    appellant_chat_id: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_by: Mapped[str | None] = mapped_column(String(ACTOR_LEN), default=None)
    decision_note: Mapped[str | None] = mapped_column(Text, default=None)


class Moderator(Base):
    """A volunteer moderator added by an admin (admins from FANZHA_ADMIN_IDS are moderators implicitly)."""

    __tablename__ = "moderators"

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    added_by: Mapped[str] = mapped_column(String(ACTOR_LEN))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditLog(Base):
    """Append-only record of every change: who, what, on which target, before and after, when.

    The migration adds triggers that refuse UPDATE and DELETE on this table on both databases.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_target_at", "target", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor: Mapped[str] = mapped_column(String(ACTOR_LEN))
    action: Mapped[str] = mapped_column(String(48))
    target: Mapped[str] = mapped_column(String(128))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class CheckStat(Base):
    """Checks per day, risk level and category. Counts only: no personal data."""

    __tablename__ = "check_stats"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    level: Mapped[str] = mapped_column(String(16), primary_key=True)
    category: Mapped[str] = mapped_column(String(CATEGORY_LEN), primary_key=True)  # "" when none
    count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class StoredCheck(Base):
    """A verdict kept briefly so buttons can carry a short id (callback data is limited to 64 bytes)."""

    __tablename__ = "stored_checks"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    verdict: Mapped[dict[str, Any]] = mapped_column(default=dict)
    text: Mapped[str | None] = mapped_column(Text, default=None)  # only if the user consented
    user_hash: Mapped[str | None] = mapped_column(String(HASH_LEN), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class PendingFlow(Base):
    """A conversation waiting for the user's next step: an appeal between its steps, or a CSV import waiting
    for its confirm button. Kept in the database, not in the process, so it survives a restart and any
    instance behind a load balancer can take the next step. Deleted when taken, cancelled or expired."""

    __tablename__ = "pending_flows"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)  # "appeal:<user hash>", "import:<token>",
    # "approval:<token>" (a moderator's list change waiting for an admin)
    owner_hash: Mapped[str] = mapped_column(String(HASH_LEN))       # whose step it is
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    blob: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)  # an import's CSV file
    expires_at: Mapped[datetime] = mapped_column(index=True)


class UserPreference(Base):
    """A user's chosen language and region (``/lang``, ``/region``), keyed by the hashed user id; None where
    they chose nothing (the bot then guesses)."""

    __tablename__ = "user_preferences"

    user_hash: Mapped[str] = mapped_column(String(HASH_LEN), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    region: Mapped[str | None] = mapped_column(String(16), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class GroupSetting(Base):
    """Per-group behaviour set by the group's admins (quiet: answer only when asked or on high risk)."""

    __tablename__ = "group_settings"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    quiet_mode: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by: Mapped[str | None] = mapped_column(String(ACTOR_LEN), default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class StoreMeta(Base):
    """Small key/value facts about the store itself (e.g. the digest of the applied allowlist seed)."""

    __tablename__ = "store_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
