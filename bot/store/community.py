"""What the community brings: moderators, reports and reporter trust, feedback on verdicts, appeals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError

from bot.store.engine import (
    Change,
    NotFound,
    StoreBase,
)
from bot.store.models import (
    Appeal,
    BlocklistEntry,
    Feedback,
    Moderator,
    PendingFlow,
    Report,
    ReporterTrust,
    utcnow,
)

APPROVAL_PREFIX = "approval:"


TRENDS_TOP = 5
"""How many scam types ``/trends`` lists."""


@dataclass(frozen=True)
class Trends:
    """What the public may see of recent reports: counts only, never a number, a text or a reporter."""

    since: datetime
    top_categories: list[tuple[str, int]]  # (category key, reports), most reported first
    numbers_reported: int                  # distinct numbers reported since ``since``
    numbers_blocked: int                   # distinct numbers put on the blocklist since ``since`` and still there


class DuplicateFeedback(ValueError):
    """This user already said this verdict was wrong."""


class CommunityRepo(StoreBase):
    """Community queries of the ``Store``."""

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
                   text_fingerprint: str | None = None, verdict: dict[str, Any] | None = None,
                   check_id: str | None = None) -> Report:
        """Store a user's report. ``text`` only when the user consented to keeping it."""
        with self._write() as session:
            report = Report(reporter_hash=reporter_hash, number_key=number_key, text=text,
                            text_fingerprint=text_fingerprint, verdict=verdict or {}, check_id=check_id)
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
        with self._write() as session:
            reports = list(session.scalars(select(Report).where(
                Report.number_key == number_key, Report.status == "pending")))
            return self._decide(session, reports, accepted=accepted, actor=str(actor),
                                target=f"reports:{number_key}")

    def decide_text_reports(self, report_id: int, *, accepted: bool, actor: str | int,
                            category_key: str | None = None) -> int:
        """Accept or reject the pending reports of a text without numbers (all with report ``report_id``'s
        fingerprint), in one transaction, with the same trust update and audit shape as ``decide_reports``."""
        with self._write() as session:
            fingerprint = session.scalar(select(Report.text_fingerprint).where(Report.id == report_id))
            if fingerprint is None:
                raise NotFound(f"no report #{report_id}")
            reports = list(session.scalars(select(Report).where(
                Report.text_fingerprint == fingerprint, Report.number_key.is_(None),
                Report.status == "pending")))
            return self._decide(session, reports, accepted=accepted, actor=str(actor),
                                target=f"reports:text:{report_id}", extra={"category": category_key})

    def _decide(self, session: Any, reports: list[Report], *, accepted: bool, actor: str, target: str,
                extra: dict[str, Any] | None = None) -> int:
        """Mark ``reports`` decided, move each distinct reporter's trust once, and audit it: the one trust rule."""
        status = "accepted" if accepted else "rejected"
        now = utcnow()
        for report in reports:
            report.status, report.decided_at, report.decided_by = status, now, actor
        for reporter in sorted({r.reporter_hash for r in reports}):
            trust = session.get(ReporterTrust, reporter)
            if trust is None:
                trust = ReporterTrust(reporter_hash=reporter, accepted_count=0, rejected_count=0)
                session.add(trust)
            trust.accepted_count += int(accepted)
            trust.rejected_count += int(not accepted)
            trust.updated_at = now
        if reports:
            after = {"status": status, **(extra or {}), "report_ids": [r.id for r in reports]}
            self._record(session, [Change(actor, f"reports.{status[:-2]}", target, {"pending": len(reports)}, after)])
        return len(reports)

    def reported_inputs_since(self, reporter_hash: str, since: datetime) -> int:
        """Distinct inputs a reporter reported since ``since``: what the hourly limit counts.

        An input is a text fingerprint or, for a report filed after the message was deleted (no text, no
        number, so no fingerprint), the verdict it came from: those count too.
        """
        with self._read() as session:
            return session.scalar(
                select(func.count(func.distinct(func.coalesce(Report.text_fingerprint, Report.check_id)))).where(
                    Report.reporter_hash == reporter_hash, Report.created_at >= since)) or 0

    def has_reported_check(self, reporter_hash: str, check_id: str) -> bool:
        """Whether this reporter filed a report from this verdict already (any status)."""
        with self._read() as session:
            return session.scalar(select(Report.id).where(
                Report.reporter_hash == reporter_hash, Report.check_id == check_id).limit(1)) is not None

    def pending_reports_by(self, reporter_hash: str) -> list[tuple[str | None, str | None]]:
        """(number key, text fingerprint) of a reporter's pending reports: for the duplicate check."""
        with self._read() as session:
            return [tuple(row) for row in session.execute(
                select(Report.number_key, Report.text_fingerprint).where(
                    Report.reporter_hash == reporter_hash, Report.status == "pending")).all()]

    def pending_reports_with_trust(self) -> tuple[list[Report], dict[str, ReporterTrust]]:
        """Every pending report (oldest first) and the trust rows of their reporters, in one read."""
        with self._read() as session:
            reports = list(session.scalars(select(Report).where(Report.status == "pending").order_by(Report.id)))
            hashes = sorted({r.reporter_hash for r in reports})
            trust: dict[str, ReporterTrust] = {}
            for start in range(0, len(hashes), 500):
                for row in session.scalars(select(ReporterTrust).where(
                        ReporterTrust.reporter_hash.in_(hashes[start : start + 500]))):
                    trust[row.reporter_hash] = row
        return reports, trust

    def numbers_reported_with(self, report_id: int) -> list[str]:
        """The numbers reported together with report ``report_id``'s text (same fingerprint)."""
        with self._read() as session:
            fingerprint = session.scalar(select(Report.text_fingerprint).where(Report.id == report_id))
            rows = session.scalars(select(func.distinct(Report.number_key)).where(
                Report.text_fingerprint == fingerprint, Report.number_key.is_not(None)))
            return sorted(rows)

    def report_decisions_since(self, since: datetime) -> dict[str, int]:
        """Reports decided since ``since``, by status."""
        with self._read() as session:
            return dict(session.execute(select(Report.status, func.count()).where(Report.decided_at >= since)
                                        .group_by(Report.status)).all())

    def report_checks(self, *, number_key: str | None = None, report_id: int | None = None,
                      status: str = "pending") -> list[tuple[str, str]]:
        """(reporter hash, check id) of the reports of a number, or of the text group of report ``report_id``
        (same fingerprint, no number), in ``status``: whom a decision concerns, read before it is taken."""
        with self._read() as session:
            where = [Report.status == status, Report.check_id.is_not(None)]
            if number_key is not None:
                where.append(Report.number_key == number_key)
            else:
                fingerprint = session.scalar(select(Report.text_fingerprint).where(Report.id == report_id))
                if fingerprint is None:
                    return []
                where += [Report.text_fingerprint == fingerprint, Report.number_key.is_(None)]
            rows = session.execute(select(Report.reporter_hash, Report.check_id).where(*where)
                                   .order_by(Report.id)).all()
            return list(dict.fromkeys((h, c) for h, c in rows))

    def trends(self, since: datetime, *, top: int = TRENDS_TOP) -> Trends:
        """Reports since ``since`` by scam type (rejected ones left out: moderators found no scam there), and
        how many distinct numbers were reported and newly blocklisted. Aggregates only, for ``/trends``."""
        category = Report.verdict["category_key"].as_string()
        with self._read() as session:
            counted = func.count()
            rows = session.execute(
                select(category, counted).where(Report.created_at >= since, Report.status != "rejected",
                                                category.is_not(None), category != "")
                .group_by(category).order_by(counted.desc(), category).limit(top)).all()
            reported = session.scalar(select(func.count(func.distinct(Report.number_key))).where(
                Report.created_at >= since, Report.number_key.is_not(None))) or 0
            blocked = session.scalar(select(func.count(func.distinct(BlocklistEntry.number_key))).where(
                BlocklistEntry.created_at >= since, BlocklistEntry.active.is_(True))) or 0
        return Trends(since=since, top_categories=[(str(k), int(n)) for k, n in rows],
                      numbers_reported=int(reported), numbers_blocked=int(blocked))

    def get_feedback(self, feedback_id: int) -> Feedback | None:
        with self._read() as session:
            return session.get(Feedback, feedback_id)

    def reporter_trust(self, reporter_hash: str) -> ReporterTrust | None:
        with self._read() as session:
            return session.get(ReporterTrust, reporter_hash)

    # --- feedback ---------------------------------------------------------------------------------------

    def add_feedback(self, *, verdict: dict[str, Any], user_hash: str | None = None, text: str | None = None,
                     comment: str | None = None, check_id: str | None = None) -> Feedback:
        """A "wrong verdict" item. ``text`` only with the user's consent.

        :class:`DuplicateFeedback` when this user already gave feedback on the verdict ``check_id`` (the
        unique index decides, so two instances racing on one double tap store one row).
        """
        try:
            with self._write() as session:
                item = Feedback(user_hash=user_hash, text=text, verdict=verdict, comment=comment,
                                check_id=check_id)
                session.add(item)
                session.flush()
                self._record(session, [Change("user", "feedback.add", f"feedback:{item.id}", None,
                                              {"with_text": text is not None})])
                return item
        except IntegrityError as exc:
            if check_id is not None and self.has_feedback_on(user_hash, check_id):
                raise DuplicateFeedback(check_id) from None
            raise exc

    def has_feedback_on(self, user_hash: str | None, check_id: str) -> bool:
        with self._read() as session:
            return session.scalar(select(Feedback.id).where(
                Feedback.user_hash == user_hash, Feedback.check_id == check_id).limit(1)) is not None

    def count_feedback_since(self, user_hash: str, since: datetime) -> int:
        """How many "wrong verdict" items this user filed since ``since`` (for the hourly limit)."""
        with self._read() as session:
            return session.scalar(select(func.count()).select_from(Feedback).where(
                Feedback.user_hash == user_hash, Feedback.created_at >= since)) or 0

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

    # --- approvals (a moderator's list change waiting for an admin) --------------------------------------

    def add_approval(self, token: str, *, actor: str, owner_hash: str, data: dict[str, Any],
                     ttl: timedelta) -> None:
        """Keep a change for an admin to confirm or refuse, and audit the request, in one transaction."""
        with self._write() as session:
            session.execute(insert(PendingFlow.__table__), {
                "key": APPROVAL_PREFIX + token, "owner_hash": owner_hash, "data": data, "blob": None,
                "expires_at": utcnow() + ttl})
            self._record(session, [Change(actor, "approval.request", f"approval:{token}", None, data)])

    def take_approval(self, token: str, *, actor: str, confirmed: bool) -> dict[str, Any] | None:
        """Remove a waiting change and audit the admin's answer; None when it was answered or expired.

        One DELETE … RETURNING: of two admins (or two instances) answering at once, one decides.
        """
        with self._write() as session:
            row = session.execute(delete(PendingFlow).where(
                PendingFlow.key == APPROVAL_PREFIX + token, PendingFlow.expires_at > utcnow(),
            ).returning(PendingFlow.data)).first()
            if row is None:
                return None
            action = "approval.confirm" if confirmed else "approval.refuse"
            self._record(session, [Change(actor, action, f"approval:{token}", row.data, None)])
            return dict(row.data)
