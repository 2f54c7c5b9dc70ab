"""Moderation without Telegram: roles, report intake, the review queue, appeals, feedback and statistics.

The Telegram handlers (``bot.telegram.moderation``) only translate updates into calls on
:class:`Moderation` and its results into words, so every rule here is tested on SQLite and PostgreSQL
without a bot. All methods are synchronous (the bot runs them with ``asyncio.to_thread``).

Rules, in one place:

- **Roles.** Admins are the ids in ``Settings.admin_ids``; they are moderators too, with no extra step.
  Admins add and remove moderators (stored in the ``moderators`` table). Everyone else is a user.
- **Actors.** A Telegram user acting as moderator is recorded as ``tg:<user id>`` in the audit log.
  Reporters are never stored by id: only as ``keyed_hash(user id, Settings.secret)``.
- **Reports.** One report click stores one row per number in the message (at most
  :data:`MAX_NUMBERS_PER_REPORT`), or one row without a number for a message that has none. Every row
  of a click carries the keyed fingerprint of the reported input, so reports group by number *and* by
  text. The text itself is kept only when the reporter consented. Reporting the same number or text
  again while the earlier report is pending is a no-op ("already reported").
- **One per verdict.** A report or a "wrong verdict" filed from a verdict's buttons carries the stored
  check's id: one of each per user and verdict, whichever way it comes (with the text, without it, or
  after the message was deleted, when there is no text or number to compare).
- **Rate limit.** A reporter may file at most ``Settings.reports_per_hour`` reports (distinct reported
  inputs; a report of a deleted message counts as one) in any sliding hour, and as many "wrong verdict"
  items. Counted in the database, so it holds across restarts and processes.
- **Trust.** A reporter's weight is ``(accepted + 1) / (accepted + rejected + 2)``: the expected share of
  their reports that moderators accept, starting from 1/2 for someone new (Laplace's rule). Ten
  rejected reports and none accepted give 1/12; ten accepted give 11/12.
- **Queue threshold.** A number (or a text without numbers) reaches the queue when it has at least
  ``K = Settings.report_threshold`` **distinct** reporters **and** their summed weight is at least
  ``K / 2`` — as much as K newcomers. Reporters whose reports were mostly rejected therefore need more
  company. Reports never block anything by themselves: only a moderator's decision does.
- **Decisions.** Blocking from the queue adds the entry (source ``reports``, with the reporter count),
  then accepts the pending reports; rejecting rejects them. Each decision updates every reporter's
  trust once and is audited. Skipping decides nothing: it only moves the item out of that moderator's
  way until they send ``/queue`` again (or :data:`SKIP_TTL` passes). Who skipped what is kept in the
  database, so a restart or another instance behind the load balancer does not bring a skipped item back.
- **Appeals.** Whoever proves a number is theirs (Telegram's shared contact whose ``user_id`` is the
  sender) can appeal its blocklist entry once at a time. Accepting delists the number; the appellant's
  chat id is kept only to tell them the outcome.
- **A second look.** Changes one moderator could use to hurt many users wait for an admin instead of
  taking effect (:class:`AwaitingAdmin`; admins get the request with confirm/refuse buttons, and every
  step is audited): allowlisting a number that has pending or accepted reports or is on the blocklist,
  or whose kind does not fit an official line (a mobile or VoIP number for any organisation; anything but
  a service code, 400 or 800 number for a bank, payment platform, operator or platform), and blocklist
  prefixes with fewer than :data:`MIN_PREFIX_DIGITS` digits after the country code. Admins make these
  changes directly: they are the second look, and asking them to confirm their own change would add a tap,
  not a reviewer.
- **Allowlist edits** change only what is given: aliases are added to the entry's (``-alias`` removes
  one) and the kind of owner (``bank``…) stays, so retyping an entry never switches off impersonation
  detection for it. A new entry takes the kind of the organisation it names, if that one is listed.
- **Expiry.** ``expires=YYYY-MM-DD`` means the entry counts through that day, Beijing time
  (``bot.store.csvfiles.parse_expiry``). Expired entries stop matching checks but stay listed in
  ``/lookup`` and in the history; an expiry date in the past is allowed (it records history) and is
  reported as such.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.categories import resolve_category
from bot.store import NotFound, Store, keyed_hash
from bot.store.community import DuplicateFeedback
from bot.store.csvfiles import parse_expiry
from bot.store.models import (
    Appeal,
    AuditLog,
    BlocklistEntry,
    Feedback,
    Report,
    utcnow,
)
from bot.verdict import VerdictSummary

MAX_NUMBERS_PER_REPORT = 5
MIN_PREFIX_DIGITS = 7
"""Shortest blocklist prefix a moderator may add alone, in digits after the country code. Seven digits are a
mainland mobile segment plus its 4-digit HLR block (``+861709876`` = 10,000 numbers) or a city's exchange;
``+86170`` (a whole segment, tens of millions of subscribers) and ``+861`` (every mobile) wait for an admin."""
APPROVAL_TTL = timedelta(days=7)
"""How long a change waits for an admin's answer before it lapses (the request stays in the audit log)."""
OFFICIAL_LINE_TYPES = frozenset({"short_code", "toll_free", "shared_cost"})
"""What a bank, payment platform, operator or platform answers on (95588, 400…, 800…)."""
SERVICE_ONLY_KINDS = frozenset({"bank", "payment", "operator", "platform"})
PERSONAL_TYPES = frozenset({"mobile", "voip"})
"""A mobile or VoIP number is nobody's official line: allowlisting one for an organisation is what a scammer
would ask a moderator for."""
RATE_WINDOW = timedelta(hours=1)
SKIP_TTL = timedelta(days=1)
"""How long a moderator's skips last without a new ``/queue``: long enough for a session interrupted by a
restart or a night's sleep, short enough that a forgotten skip does not hide an item for good."""
SKIP_QUEUES = frozenset({"review", "feedback"})
SAMPLE_TEXTS = 3
STATS_DAYS = 7


class Role(StrEnum):
    USER = "user"
    MODERATOR = "moderator"
    ADMIN = "admin"


class Review(StrEnum):
    """Why a moderator's change waits for an admin."""

    REPORTED = "reported"            # the number has pending or accepted reports
    BLOCKLISTED = "blocklisted"      # the number is on the blocklist (itself or under a prefix)
    SHAPE = "shape"                  # the kind of number does not fit the organisation's official lines
    SHORT_PREFIX = "short_prefix"    # a blocklist prefix shorter than MIN_PREFIX_DIGITS


@dataclass(frozen=True)
class PendingChange:
    """A moderator's list change waiting for an admin (kept in ``pending_flows``, audited)."""

    token: str
    kind: str                 # "allow" | "block"
    number: str               # store key; a prefix ends in "*"
    reasons: tuple[str, ...]  # Review values
    requested_by: int         # the moderator's Telegram id (to tell them the outcome)
    details: dict[str, Any] = field(default_factory=dict)  # owner/aliases or category/evidence/expiry

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "number": self.number, "reasons": list(self.reasons),
                "requested_by": self.requested_by, **self.details}

    @classmethod
    def from_json(cls, token: str, data: dict[str, Any]) -> PendingChange:
        details = {k: v for k, v in data.items() if k not in ("kind", "number", "reasons", "requested_by")}
        return cls(token, data["kind"], data["number"], tuple(data.get("reasons", ())),
                   int(data["requested_by"]), details)


class AwaitingAdmin(Exception):
    """The change was not made: it waits for an admin (``change`` says what and why)."""

    def __init__(self, change: PendingChange) -> None:
        super().__init__(f"{change.kind} {change.number} waits for an admin: {', '.join(change.reasons)}")
        self.change = change


class NotAllowed(PermissionError):
    """The caller lacks the role an action needs (the handler words the refusal)."""

    def __init__(self, needed: Role) -> None:
        super().__init__(f"needs role {needed}")
        self.needed = needed


def actor_of(user_id: int) -> str:
    """How a Telegram user appears in the audit log."""
    return f"tg:{user_id}"


def reporter_weight(accepted: int, rejected: int) -> float:
    """Trust weight of a reporter: ``(accepted + 1) / (accepted + rejected + 2)`` (see module docstring)."""
    return (accepted + 1) / (accepted + rejected + 2)


def parse_expires(text: str) -> datetime:
    """``YYYY-MM-DD`` (end of that day, Beijing time) or an ISO date-time; ``ValueError`` otherwise."""
    moment = parse_expiry(text)
    if moment is None:
        raise ValueError("empty date: use YYYY-MM-DD (e.g. 2026-06-30)")
    return moment


# --- results -------------------------------------------------------------------------------------------


class ReportStatus(StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"        # this reporter already has a pending report of the same thing
    RATE_LIMITED = "rate_limited"  # too many reports in the last hour
    EMPTY = "empty"                # nothing to report (no number, no text)


@dataclass(frozen=True)
class ReportResult:
    status: ReportStatus
    stored: int = 0                       # rows written
    limit: int = 0                        # reports allowed per hour (for the refusal's wording)
    queued_numbers: tuple[str, ...] = ()  # numbers that are in the review queue after this report
    newly_queued: tuple[str, ...] = ()    # of those, the ones this report brought in (moderators are told)
    reports_queued: int = 0               # reported numbers and texts waiting in the queue after this report


@dataclass(frozen=True)
class FeedbackResult:
    status: ReportStatus          # STORED, DUPLICATE (this verdict already) or RATE_LIMITED
    item: Feedback | None = None
    limit: int = 0


@dataclass
class QueueItem:
    """One thing for a moderator to decide: a reported number, a reported text, or an appeal."""

    kind: str                         # "number" | "text" | "appeal"
    ref: str                          # number key, smallest report id of the text group, or appeal id
    reporters: int = 0
    weight: float = 0.0
    report_count: int = 0
    texts: list[str] = field(default_factory=list)      # consented texts, newest first
    levels: dict[str, int] = field(default_factory=dict)  # verdict risk levels among the reports
    suggested_category: str | None = None
    numbers: list[str] = field(default_factory=list)   # for a text group: numbers reported with it
    first_at: datetime | None = None
    entry: BlocklistEntry | None = None
    appeal: Appeal | None = None
    history: list[AuditLog] = field(default_factory=list)


@dataclass
class Stats:
    """Aggregates only: counts per day, level and category; queue sizes; no ids, numbers or texts."""

    since: date
    checks_per_day: list[tuple[date, int]]
    levels: dict[str, int]
    top_categories: list[tuple[str, int]]
    queue_ready: int
    queue_waiting: int
    feedback_pending: int
    appeals_pending: int
    reports_accepted: int
    reports_rejected: int
    blocklist_size: int

    @property
    def checks_total(self) -> int:
        return sum(n for _, n in self.checks_per_day)


@dataclass(frozen=True)
class AppealProof:
    """The outcome of a shared contact in the appeal flow."""

    own: bool                 # the contact is the sender's own (Telegram's proof)
    number_key: str | None    # the contact's number, normalized (None when not parseable)
    listed: bool              # the number has an active blocklist entry (expired ones count too)
    pending_appeal: int | None = None  # id of an appeal of this number already waiting


# --- the service ---------------------------------------------------------------------------------------


class Moderation:
    """Roles, reports, the queue, appeals, feedback and stats over a :class:`bot.store.Store`."""

    def __init__(self, store: Store, *, admin_ids: Iterable[int], secret: str, report_threshold: int = 3,
                 reports_per_hour: int = 10, clock: Callable[[], datetime] = utcnow) -> None:
        if report_threshold < 1 or reports_per_hour < 1:
            raise ValueError("report_threshold and reports_per_hour must be at least 1")
        self.store = store
        self.admin_ids = frozenset(int(i) for i in admin_ids)
        self.secret = secret
        self.threshold = report_threshold
        self.reports_per_hour = reports_per_hour
        self.clock = clock

    @classmethod
    def from_settings(cls, settings: Any, store: Store) -> Moderation:
        return cls(store, admin_ids=settings.admin_ids, secret=settings.secret,
                   report_threshold=settings.report_threshold, reports_per_hour=settings.reports_per_hour)

    # --- roles ------------------------------------------------------------------------------------------

    def role(self, user_id: int | None) -> Role:
        if user_id is None:
            return Role.USER
        if user_id in self.admin_ids:
            return Role.ADMIN
        return Role.MODERATOR if self.store.is_moderator(user_id) else Role.USER

    def is_moderator(self, user_id: int | None) -> bool:
        return self.role(user_id) in (Role.MODERATOR, Role.ADMIN)

    def require(self, user_id: int | None, needed: Role) -> None:
        role = self.role(user_id)
        ok = role == Role.ADMIN or (needed == Role.MODERATOR and role == Role.MODERATOR) or needed == Role.USER
        if not ok:
            raise NotAllowed(needed)

    def add_moderator(self, admin_id: int, user_id: int) -> bool:
        """An admin makes someone a moderator. False when they already are one (or are an admin)."""
        self.require(admin_id, Role.ADMIN)
        if user_id in self.admin_ids:
            return False
        return self.store.add_moderator(user_id, actor=actor_of(admin_id))

    def remove_moderator(self, admin_id: int, user_id: int) -> bool:
        """An admin removes a moderator. False when they were not one. Admins cannot be removed here."""
        self.require(admin_id, Role.ADMIN)
        if user_id in self.admin_ids:
            raise ValueError("admins come from FANZHA_ADMIN_IDS and cannot be removed by command")
        return self.store.remove_moderator(user_id, actor=actor_of(admin_id))

    def moderators(self, admin_id: int) -> list[tuple[int, Role]]:
        """Admins and moderators, admins first."""
        self.require(admin_id, Role.ADMIN)
        listed = [(uid, Role.ADMIN) for uid in sorted(self.admin_ids)]
        listed += [(m.telegram_user_id, Role.MODERATOR) for m in self.store.list_moderators()
                   if m.telegram_user_id not in self.admin_ids]
        return listed

    # --- blocklist work ---------------------------------------------------------------------------------

    def block(self, moderator_id: int, number: str, category: str, *, evidence: str = "",
              expires_at: datetime | None = None, prefix: bool = False) -> tuple[BlocklistEntry, bool]:
        """Add or update an entry (any written form; a trailing ``*`` or ``prefix`` for a segment).

        A moderator's prefix shorter than :data:`MIN_PREFIX_DIGITS` raises :class:`AwaitingAdmin` instead.
        """
        self.require(moderator_id, Role.MODERATOR)
        key, match = self.store.blocklist_key(number, prefix=prefix)
        category_key = resolve_category(category).key
        if match == "prefix" and prefix_digits(key) < MIN_PREFIX_DIGITS and self.role(moderator_id) != Role.ADMIN:
            self._hold(moderator_id, "block", key + "*", (Review.SHORT_PREFIX,),
                       {"category": category_key, "evidence": evidence,
                        "expires_at": expires_at.isoformat() if expires_at else None})
        return self.store.add_blocklist(key, category_key, actor=actor_of(moderator_id), evidence=evidence,
                                        expires_at=expires_at, prefix=match == "prefix")

    def unblock(self, moderator_id: int, number: str, reason: str = "") -> BlocklistEntry:
        """Take an entry off the list (``NotFound`` when it is not on it). Prefix entries end in ``*``."""
        self.require(moderator_id, Role.MODERATOR)
        return self.store.remove_blocklist(number, actor=actor_of(moderator_id), reason=reason)

    def allow(self, moderator_id: int, number: str, owner: str, aliases: Sequence[str] = (), *,
              remove_aliases: Sequence[str] = ()) -> tuple[Any, bool]:
        """Add an official number or change the fields given (see "Allowlist edits" above).

        A moderator's change that needs a second look raises :class:`AwaitingAdmin` instead.
        """
        self.require(moderator_id, Role.MODERATOR)
        from bot.phones import number_key

        key = number_key(number)
        if not owner.strip():
            raise ValueError("the owner of an allowlisted number cannot be empty")
        reasons = self.allow_reasons(key, owner, aliases)
        if reasons and self.role(moderator_id) != Role.ADMIN:
            self._hold(moderator_id, "allow", key, reasons,
                       {"owner": owner, "aliases": list(aliases), "remove_aliases": list(remove_aliases)})
        return self._apply_allow(actor_of(moderator_id), key, owner, aliases, remove_aliases)

    def _apply_allow(self, actor: str, key: str, owner: str, aliases: Sequence[str],
                     remove_aliases: Sequence[str]) -> tuple[Any, bool]:
        kind = None
        if self.store.get_allowlist(key) is None:
            kinds = self._kinds_named(owner, aliases)
            kind = next(iter(kinds)) if len(kinds) == 1 else ""
        return self.store.update_allowlist(key, owner, actor=actor, add_aliases=aliases,
                                           remove_aliases=remove_aliases, owner_category=kind)

    def _kinds_named(self, owner: str, aliases: Sequence[str]) -> set[str]:
        """Kinds of owner (``bank``…) of the listed organisations these names stand for."""
        return {e.owner_category for e in self.store.allowlist_named([owner, *aliases]) if e.owner_category}

    def allow_reasons(self, key: str, owner: str, aliases: Sequence[str] = ()) -> tuple[Review, ...]:
        """Why allowlisting ``key`` for ``owner`` needs an admin's second look (empty: it does not)."""
        from bot.phones import InvalidNumber, parse_number

        reasons: list[Review] = []
        counts = self.report_counts(key)
        if counts["pending"] or counts["accepted"]:
            reasons.append(Review.REPORTED)
        if self.store.lookup(key) is not None:
            reasons.append(Review.BLOCKLISTED)
        try:
            kind_of_number = parse_number(key).type
        except InvalidNumber:
            kind_of_number = "unknown"
        current = self.store.get_allowlist(key)
        kinds = self._kinds_named(owner, aliases) | ({current.owner_category} if current else set())
        if kind_of_number in PERSONAL_TYPES or (kinds & SERVICE_ONLY_KINDS
                                                and kind_of_number not in OFFICIAL_LINE_TYPES):
            reasons.append(Review.SHAPE)
        return tuple(reasons)

    def import_reviews(self, moderator_id: int, kind: str,
                       rows: Iterable[Any]) -> list[tuple[int, str, tuple[Review, ...]]]:
        """The rows of a moderator's CSV import that would need an admin's second look if typed one by one
        (line, number, reasons); empty for an admin. An import is all or nothing, so such a file waits for
        an admin as a whole rather than slipping a short prefix or a risky allowlist row past the rule."""
        if self.role(moderator_id) == Role.ADMIN:
            return []
        held: list[tuple[int, str, tuple[Review, ...]]] = []
        for row in rows:
            if kind == "blocklist":
                if row.match == "prefix" and prefix_digits(row.number_key) < MIN_PREFIX_DIGITS:
                    held.append((row.line, row.number_key + "*", (Review.SHORT_PREFIX,)))
            elif kind == "allowlist":
                reasons = self.allow_reasons(row.number_key, row.owner, row.aliases or ())
                if reasons:
                    held.append((row.line, row.number_key, reasons))
        return held

    # --- changes waiting for an admin -------------------------------------------------------------------

    def _hold(self, moderator_id: int, kind: str, number: str, reasons: Sequence[str],
              details: dict[str, Any]) -> None:
        change = PendingChange(secrets.token_urlsafe(8), kind, number, tuple(str(r) for r in reasons),
                               moderator_id, details)
        self.store.add_approval(change.token, actor=actor_of(moderator_id),
                                owner_hash=self.reporter_hash(moderator_id), data=change.to_json(),
                                ttl=APPROVAL_TTL)
        raise AwaitingAdmin(change)

    def decide_change(self, admin_id: int, token: str, *, confirmed: bool) -> tuple[PendingChange, Any]:
        """An admin confirms (the change is made, in their name) or refuses a waiting change.

        Returns (the change, the entry made or None); ``NotFound`` when it was answered already or lapsed.
        """
        self.require(admin_id, Role.ADMIN)
        data = self.store.take_approval(token, actor=actor_of(admin_id), confirmed=confirmed)
        if data is None:
            raise NotFound(f"no change {token} waiting")
        change = PendingChange.from_json(token, data)
        if not confirmed:
            return change, None
        actor = actor_of(admin_id)
        details = change.details
        if change.kind == "allow":
            entry, _ = self._apply_allow(actor, change.number, details["owner"], details.get("aliases", ()),
                                         details.get("remove_aliases", ()))
        else:
            expires = details.get("expires_at")
            entry, _ = self.store.add_blocklist(
                change.number.rstrip("*"), details["category"], actor=actor, evidence=details.get("evidence", ""),
                expires_at=datetime.fromisoformat(expires) if expires else None,
                prefix=change.number.endswith("*"))
        return change, entry

    def report_counts(self, number_key: str) -> dict[str, int]:
        """Reports of a number by status, plus ``reporters``: distinct reporters ever."""
        reports = self.store.reports_for(number_key)
        counts = Counter(r.status for r in reports)
        return {"pending": counts["pending"], "accepted": counts["accepted"], "rejected": counts["rejected"],
                "reporters": len({r.reporter_hash for r in reports})}

    # --- report intake ----------------------------------------------------------------------------------

    def reporter_hash(self, user_id: int) -> str:
        return keyed_hash(user_id, self.secret)

    def fingerprint(self, reported: str) -> str:
        """Keyed hash of the normalized reported input: equal messages meet without being stored."""
        from nlp.textnorm import normalize_text

        return keyed_hash("text:" + " ".join(normalize_text(reported).split()), self.secret)

    def weight_of(self, reporter_hash: str) -> float:
        trust = self.store.reporter_trust(reporter_hash)
        return reporter_weight(trust.accepted_count, trust.rejected_count) if trust else reporter_weight(0, 0)

    def reports_in_window(self, reporter_hash: str) -> int:
        """Distinct inputs this reporter reported in the last hour (what the rate limit counts)."""
        return self.store.reported_inputs_since(reporter_hash, self.clock() - RATE_WINDOW)

    def submit_report(self, user_id: int, *, reported: str, number_keys: Sequence[str] = (),
                      verdict: dict[str, Any] | None = None, keep_text: bool = False,
                      check_id: str | None = None) -> ReportResult:
        """A user's report of a checked message or number (the public bot's 举报 button).

        ``reported`` is what was checked (the message text, or the number typed); it is fingerprinted
        always and stored only when ``keep_text`` (the user consented). ``number_keys`` are the numbers
        found in it, as ``bot.phones.number_key`` gives them. ``check_id`` is the verdict's stored check:
        one report per reporter and verdict.
        """
        reporter = self.reporter_hash(user_id)
        if check_id is not None and self.store.has_reported_check(reporter, check_id):
            return ReportResult(ReportStatus.DUPLICATE, limit=self.reports_per_hour)
        if not reported.strip() and not number_keys:
            if not verdict or check_id is None:
                return ReportResult(ReportStatus.EMPTY)
            # The message is gone (e.g. deleted): keep the verdict alone. It has nothing to review, so it
            # never enters the queue; it counts against the limit as one input (its verdict).
            if self.reports_in_window(reporter) >= self.reports_per_hour:
                return ReportResult(ReportStatus.RATE_LIMITED, limit=self.reports_per_hour)
            self.store.add_report(reporter, verdict=_verdict_facts(verdict), check_id=check_id)
            return ReportResult(ReportStatus.STORED, stored=1, limit=self.reports_per_hour)
        fingerprint = self.fingerprint(reported or " ".join(number_keys))
        keys = list(dict.fromkeys(number_keys))[:MAX_NUMBERS_PER_REPORT]
        verdict_facts = _verdict_facts(verdict or {})
        pending = self.store.pending_reports_by(reporter)
        if keys:
            already = {n for n, _ in pending if n is not None}
            todo = [k for k in keys if k not in already]
        else:
            todo = [] if any(n is None and f == fingerprint for n, f in pending) else [None]
        if not todo:
            return ReportResult(ReportStatus.DUPLICATE, limit=self.reports_per_hour)
        if self.reports_in_window(reporter) >= self.reports_per_hour:
            return ReportResult(ReportStatus.RATE_LIMITED, limit=self.reports_per_hour)
        text = reported if keep_text and reported.strip() else None
        before = _numbers_of(self.queue(include_appeals=False))
        for key in todo:
            self.store.add_report(reporter, number_key=key, text=text, text_fingerprint=fingerprint,
                                  verdict=verdict_facts, check_id=check_id)
        queued = self.queue(include_appeals=False)
        ready = _numbers_of(queued)
        return ReportResult(ReportStatus.STORED, stored=len(todo), limit=self.reports_per_hour,
                            queued_numbers=tuple(k for k in keys if k in ready),
                            newly_queued=tuple(k for k in keys if k in ready and k not in before),
                            reports_queued=len(queued))

    def notified_ids(self) -> list[int]:
        """Who is told of new queue items: admins and moderators (Telegram user ids), admins first."""
        ids = sorted(self.admin_ids)
        return ids + [m.telegram_user_id for m in self.store.list_moderators() if m.telegram_user_id not in ids]

    # --- the queue --------------------------------------------------------------------------------------

    def _pending_groups(self) -> list[QueueItem]:
        """Every pending report group with its reporters and weight, whether or not it is ready."""
        reports, trust = self.store.pending_reports_with_trust()
        groups: dict[tuple[str, str], list[Report]] = {}
        for report in reports:
            if not report.number_key and not report.text_fingerprint:
                continue  # a verdict alone: nothing a moderator could check
            key = ("number", report.number_key) if report.number_key else ("text", report.text_fingerprint)
            groups.setdefault(key, []).append(report)
        items = []
        for (kind, _key), rows in groups.items():
            reporters = {r.reporter_hash for r in rows}
            weight = sum(reporter_weight(trust[h].accepted_count, trust[h].rejected_count) if h in trust
                         else reporter_weight(0, 0) for h in reporters)
            texts = list(dict.fromkeys(r.text for r in reversed(rows) if r.text))[:SAMPLE_TEXTS]
            categories = Counter(r.verdict.get("category_key") for r in rows if r.verdict.get("category_key"))
            item = QueueItem(
                kind=kind, ref=rows[0].number_key if kind == "number" else str(rows[0].id),
                reporters=len(reporters), weight=round(weight, 3), report_count=len(rows), texts=texts,
                levels=dict(Counter(r.verdict.get("risk_level", "unknown") for r in rows)),
                suggested_category=categories.most_common(1)[0][0] if categories else None,
                first_at=rows[0].created_at)
            items.append(item)
        return items

    def is_ready(self, item: QueueItem) -> bool:
        """The threshold rule: ≥ K distinct reporters and summed weight ≥ K/2."""
        return item.reporters >= self.threshold and item.weight >= self.threshold / 2 - 1e-9

    def queue(self, *, include_appeals: bool = True) -> list[QueueItem]:
        """Pending items in review order: appeals first (people wait for them), then the most reported."""
        items: list[QueueItem] = []
        if include_appeals:
            for appeal in self.store.appeals(status="pending"):
                items.append(QueueItem(kind="appeal", ref=str(appeal.id), appeal=appeal,
                                       first_at=appeal.created_at))
        ready = [i for i in self._pending_groups() if self.is_ready(i)]
        ready.sort(key=lambda i: (i.kind != "number", -i.reporters, -i.weight, i.first_at or utcnow()))
        return items + ready

    def queue_item(self, kind: str, ref: str) -> QueueItem | None:
        """One item with the details a moderator needs (entry and history), or None if decided already."""
        if kind == "appeal":
            appeal = self.store.get_appeal(int(ref))
            if appeal is None or appeal.status != "pending":
                return None
            item = QueueItem(kind="appeal", ref=ref, appeal=appeal, first_at=appeal.created_at)
            item.entry = self.store.get_blocklist(appeal.number_key)
            item.history = self.store.history(appeal.number_key)
            return item
        for item in self._pending_groups():
            if item.kind == kind and item.ref == ref:
                if kind == "number":
                    item.entry = self.store.get_blocklist(ref)
                    item.history = self.store.history(ref)
                else:
                    item.numbers = self._numbers_with_text(ref)
                return item
        return None

    def _skip_key(self, moderator_id: int, queue: str) -> str:
        if queue not in SKIP_QUEUES:
            raise ValueError(f"unknown queue {queue!r}")
        return f"skip:{queue}:{self.reporter_hash(moderator_id)}"

    def skipped(self, moderator_id: int, queue: str = "review") -> set[str]:
        """What this moderator skipped in ``queue`` (``review`` or ``feedback``) since they last opened it:
        ``kind:ref`` of queue items, ``feedback:<id>`` of feedback."""
        self.require(moderator_id, Role.MODERATOR)
        flow = self.store.get_flow(self._skip_key(moderator_id, queue))
        return set(flow.data.get("items", ())) if flow is not None else set()

    def skip(self, moderator_id: int, item: str, queue: str = "review") -> set[str]:
        """Move ``item`` out of this moderator's way (nothing is decided); returns all they skipped there."""
        items = self.skipped(moderator_id, queue) | {item}
        self.store.put_flow(self._skip_key(moderator_id, queue), self.reporter_hash(moderator_id),
                            {"items": sorted(items)}, ttl=SKIP_TTL)
        return items

    def clear_skipped(self, moderator_id: int, queue: str = "review") -> None:
        """Start ``queue`` over for this moderator: everything they skipped there is shown again."""
        self.require(moderator_id, Role.MODERATOR)
        self.store.take_flow(self._skip_key(moderator_id, queue))

    def _numbers_with_text(self, report_id: str) -> list[str]:
        return self.store.numbers_reported_with(int(report_id))

    def block_reported(self, moderator_id: int, number_key: str, category: str) -> tuple[BlocklistEntry, int]:
        """Block a queued number: entry (source ``reports``) then accept its reports. Returns (entry, reports)."""
        self.require(moderator_id, Role.MODERATOR)
        category_key = resolve_category(category).key
        counts = self.report_counts(number_key)
        if counts["pending"] == 0:
            raise NotFound(f"no pending reports of {number_key}")
        entry, _ = self.store.add_blocklist(
            number_key, category_key, actor=actor_of(moderator_id), source="reports",
            evidence=f"{counts['reporters']} reporters", reporter_count=counts["reporters"])
        decided = self.store.decide_reports(number_key, accepted=True, actor=actor_of(moderator_id))
        return entry, decided

    def reject_reported(self, moderator_id: int, number_key: str) -> int:
        """Reject a queued number's pending reports (lowers the reporters' trust). Returns how many."""
        self.require(moderator_id, Role.MODERATOR)
        return self.store.decide_reports(number_key, accepted=False, actor=actor_of(moderator_id))

    def decide_text(self, moderator_id: int, report_id: int, *, accepted: bool,
                    category: str | None = None) -> int:
        """Accept (as fraud of ``category``) or reject a reported text without numbers.

        The store decides it with the same trust update and audit shape as a number's reports.
        """
        self.require(moderator_id, Role.MODERATOR)
        category_key = resolve_category(category).key if accepted and category else None
        return self.store.decide_text_reports(report_id, accepted=accepted, actor=actor_of(moderator_id),
                                              category_key=category_key)

    # --- feedback ("wrong verdict") ---------------------------------------------------------------------

    def submit_feedback(self, user_id: int, *, verdict: dict[str, Any], text: str | None = None,
                        comment: str | None = None, check_id: str | None = None) -> FeedbackResult:
        """A user says a verdict is wrong. ``text`` only with their consent; once per verdict
        (``check_id``), and at most ``reports_per_hour`` times in any hour."""
        user_hash = self.reporter_hash(user_id)
        if check_id is not None and self.store.has_feedback_on(user_hash, check_id):
            return FeedbackResult(ReportStatus.DUPLICATE, limit=self.reports_per_hour)
        if self.store.count_feedback_since(user_hash, self.clock() - RATE_WINDOW) >= self.reports_per_hour:
            return FeedbackResult(ReportStatus.RATE_LIMITED, limit=self.reports_per_hour)
        try:
            item = self.store.add_feedback(verdict=_verdict_facts(verdict), user_hash=user_hash, text=text,
                                           comment=comment, check_id=check_id)
        except DuplicateFeedback:
            return FeedbackResult(ReportStatus.DUPLICATE, limit=self.reports_per_hour)
        return FeedbackResult(ReportStatus.STORED, item=item, limit=self.reports_per_hour)

    def feedback_queue(self) -> list[Feedback]:
        return self.store.feedback_items(status="pending")

    def review_feedback(self, moderator_id: int, feedback_id: int, *, accepted: bool,
                        label: str | None = None) -> Feedback:
        """Accept with the right label (a category key, or ``legit``) or reject (the verdict was right)."""
        self.require(moderator_id, Role.MODERATOR)
        if accepted:
            if label is None:
                raise ValueError("accepting feedback needs the right label (a category or 'legit')")
            label = "legit" if label == "legit" else resolve_category(label).key
        item = self.store.get_feedback(feedback_id)
        if item is None:
            raise NotFound(f"no feedback #{feedback_id}")
        if item.status != "pending":
            raise ValueError(f"feedback #{feedback_id} was already {item.status}")
        return self.store.review_feedback(feedback_id, accepted=accepted, actor=actor_of(moderator_id),
                                          label=label)

    # --- appeals ----------------------------------------------------------------------------------------

    def check_contact(self, sender_id: int, contact_user_id: int | None, phone_number: str) -> AppealProof:
        """Telegram proves a shared contact's number belongs to the sender when the ids are equal."""
        from bot.phones import InvalidNumber, number_key

        own = contact_user_id is not None and contact_user_id == sender_id
        try:
            key = number_key(phone_number if phone_number.startswith("+") else "+" + phone_number.lstrip("0"))
        except InvalidNumber:
            try:
                key = number_key(phone_number)
            except InvalidNumber:
                return AppealProof(own=own, number_key=None, listed=False)
        entry = self.store.get_blocklist(key)
        pending = next((a.id for a in self.store.appeals(status="pending") if a.number_key == key), None)
        return AppealProof(own=own, number_key=key, listed=entry is not None and entry.active,
                           pending_appeal=pending)

    def submit_appeal(self, sender_id: int, proof: AppealProof, reason: str) -> Appeal:
        """File an appeal after :meth:`check_contact` proved the number is the sender's and is listed."""
        if not proof.own:
            raise NotAllowed(Role.USER)
        if proof.number_key is None or not proof.listed:
            raise NotFound("the number is not on the blocklist")
        reason = reason.strip()
        if not reason:
            raise ValueError("an appeal needs a reason")
        if proof.pending_appeal is not None:
            raise ValueError(f"appeal #{proof.pending_appeal} for this number is already waiting")
        return self.store.add_appeal(proof.number_key, appellant_chat_id=sender_id, reason=reason[:2000])

    def decide_appeal(self, moderator_id: int, appeal_id: int, *, accepted: bool, note: str = "") -> Appeal:
        """Accept (delists the number) or reject; the caller tells the appellant."""
        self.require(moderator_id, Role.MODERATOR)
        return self.store.decide_appeal(appeal_id, accepted=accepted, actor=actor_of(moderator_id), note=note)

    # --- statistics -------------------------------------------------------------------------------------

    def stats(self, moderator_id: int, *, days: int = STATS_DAYS) -> Stats:
        self.require(moderator_id, Role.MODERATOR)
        today = self.clock().astimezone(UTC).date()
        since = today - timedelta(days=days - 1)
        per_day: Counter[date] = Counter()
        levels: Counter[str] = Counter()
        categories: Counter[str] = Counter()
        for row in self.store.check_stats(since):
            per_day[row.day] += row.count
            levels[row.level] += row.count
            if row.category:
                categories[row.category] += row.count
        groups = self._pending_groups()
        ready = sum(1 for g in groups if self.is_ready(g))
        since_dt = datetime.combine(since, datetime.min.time(), UTC)
        handled = self.store.report_decisions_since(since_dt)
        return Stats(
            since=since,
            checks_per_day=[(since + timedelta(days=i), per_day[since + timedelta(days=i)]) for i in range(days)],
            levels=dict(levels), top_categories=categories.most_common(5),
            queue_ready=ready, queue_waiting=len(groups) - ready,
            feedback_pending=len(self.store.feedback_items(status="pending")),
            appeals_pending=len(self.store.appeals(status="pending")),
            reports_accepted=handled.get("accepted", 0), reports_rejected=handled.get("rejected", 0),
            blocklist_size=self.store.count_blocklist(),
        )


def prefix_digits(key: str) -> int:
    """Digits of a prefix key (``+86170``) after its country code (3 here); all of them when no country
    code is recognised."""
    import phonenumbers

    digits = key.lstrip("+")
    for size in (1, 2, 3):
        if int(digits[:size] or 0) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return len(digits) - size
    return len(digits)


def _numbers_of(items: Sequence[QueueItem]) -> set[str]:
    return {item.ref for item in items if item.kind == "number"}


def _verdict_facts(verdict: dict[str, Any]) -> dict[str, Any]:
    """What a report or feedback keeps of the verdict: level, category and evidence kinds (no texts, no
    numbers), read by ``VerdictSummary`` from a stored summary or a whole verdict alike."""
    summary = VerdictSummary.from_json(verdict)
    return {"risk_level": summary.risk_level, "category_key": summary.category_key,
            "evidence_kinds": list(summary.evidence_kinds)}


__all__ = [
    "MIN_PREFIX_DIGITS",
    "AppealProof",
    "AwaitingAdmin",
    "FeedbackResult",
    "Moderation",
    "NotAllowed",
    "PendingChange",
    "QueueItem",
    "ReportResult",
    "ReportStatus",
    "Review",
    "Role",
    "Stats",
    "actor_of",
    "parse_expires",
    "reporter_weight",
]
