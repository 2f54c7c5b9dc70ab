"""The Checker: one verdict for a message, a number or a contact.

Everything the bot and the CLI say comes from here. Telegram-free: the adapter passes text plus
``CheckHints`` (Telegram's phone/url entities and forward metadata) and renders the ``Verdict``.

Steps for a text: normalise (NFKC + Simplified, with a map back to the user's offsets) → numbers
(facts, signals, blocklist/allowlist status) → links (lookalike/shortener) → rules (phrases, 断卡,
impersonation) → model → ``bot.policy.decide``. CPU work runs in worker threads; model calls go
through one thread (in the bot, handing batches to the model's own process, ``nlp.process``) and are batched
opportunistically: while one batch runs, the messages that arrive wait and go together in the next, so
a burst of updates costs a few batched forward passes instead of one pass each, with no added delay when
the bot is idle.

Every stage is linear in the length of the text, and a check has a time budget on top
(``Settings.check_budget_seconds``): a stage not begun when it is spent is skipped. A classifier that fails
(its process dead, stuck or restarting) is skipped likewise. Either way the verdict comes from the stages
that finished and says which did not (``Verdict.skipped_stages``), rather than keeping everyone waiting.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import hashlib
import logging
import re
import time
import unicodedata
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from cachetools import LRUCache

from bot import phones
from bot.chinese import is_mostly_chinese
from bot.impersonation import OfficialNumber, find_impersonations
from bot.policy import RISKY_LINK_REASONS, RISKY_NUMBER_SIGNALS, Signals, decide
from bot.quotes import readable_quote, whole_words
from bot.rules import RuleHit, find_card_trafficking, find_contact_handles, find_phrases, is_warning_text
from bot.urls import DomainFinding, FoundUrl, assess_url, find_urls, official_owner
from bot.verdict import Advice, Evidence, EvidenceKind, NumberReport, RiskLevel, SkipReason, Span, Stage, Verdict
from nlp.textnorm import fold_obfuscation, normalize_with_offsets, original_span

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 8000
"""Longer input is refused (a forwarded chat log is at most a few thousand characters)."""


class TextTooLong(ValueError):
    """The input is longer than ``MAX_TEXT_CHARS``."""


class EmptyInput(ValueError):
    """Nothing to check (empty or whitespace-only text)."""


@dataclass(frozen=True)
class CheckHints:
    """What Telegram knows beyond the text."""

    phone_entities: tuple[str, ...] = ()
    url_entities: tuple[str, ...] = ()
    forward_origin: str | None = None   # "user" | "hidden_user" | "chat" | "channel"
    forward_title: str | None = None    # channel/chat title or hidden sender's name


class Lists(Protocol):
    """What the checker needs from the store (``bot.store.Store`` provides it)."""

    def blocklist_hit(self, number_key: str) -> dict[str, Any] | None: ...

    def official_numbers(self) -> Sequence[OfficialNumber]: ...

    def domain_hit(self, host: str) -> dict[str, Any] | None: ...


class StoreLists:
    """``Lists`` over ``bot.store.Store``: blocklist hits as plain facts, the allowlist as ``OfficialNumber``s."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def blocklist_hit(self, number_key: str) -> dict[str, Any] | None:
        entry = self.store.lookup(number_key)
        if entry is None:
            return None
        return {
            "number_key": entry.number_key,
            "match": entry.match,
            "category_key": entry.category,
            "evidence": entry.evidence,
            "source": entry.source,
            "added_by": entry.source,  # who listed it: a moderator, the reports, an imported list
            "added_at": entry.created_at.date().isoformat(),
            "reporters": entry.reporter_count,
            "expires_at": entry.expires_at.date().isoformat() if entry.expires_at else None,
        }

    def domain_hit(self, host: str) -> dict[str, Any] | None:
        """The domain blocklist's entry for a link's host or a parent of it, as plain facts."""
        hit = self.store.lookup_domain(host)
        if hit is None:
            return None
        return {"listed_domain": hit.domain, "category_key": hit.category, "evidence": hit.evidence,
                "source": hit.source, "added_at": hit.created_at.date().isoformat()}

    def official_numbers(self) -> list[OfficialNumber]:
        return [OfficialNumber(number=e.number_key, owner=e.owner, aliases=tuple(e.aliases),
                               kind=e.owner_category or "other") for e in self.store.all_allowlist()]


class Classifier(Protocol):
    def predict(self, texts: list[str]) -> list[Any]: ...


class _OpportunisticBatcher:
    """Runs ``classifier.predict`` on one thread; requests arriving while it is busy form the next batch."""

    def __init__(self, classifier: Classifier, executor: ThreadPoolExecutor, max_batch: int = 32) -> None:
        self.classifier = classifier
        self.executor = executor
        self.max_batch = max_batch
        self._pending: list[tuple[str, asyncio.Future[Any]]] = []
        self._draining = False
        self._task: asyncio.Task[None] | None = None

    async def predict(self, text: str) -> Any:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._pending.append((text, future))
        if not self._draining:
            self._draining = True
            self._task = loop.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._pending:
                batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch:]
                texts = [text for text, _ in batch]
                try:
                    predictions = await loop.run_in_executor(self.executor, self.classifier.predict, texts)
                except Exception as exc:  # every waiter learns of the failure
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, future), prediction in zip(batch, predictions, strict=True):
                    if not future.done():
                        future.set_result(prediction)
        finally:
            self._draining = False


_CATEGORY_BY_KIND = {"bank": "fake_customer_service", "payment": "fake_customer_service",
                     "operator": "fake_customer_service", "platform": "fake_customer_service",
                     "courier": "fake_customer_service", "government": "impersonate_police"}

# What to do, by scam type: the first line is the one that fits this scam (what the scammer will ask for next
# and why it is a lie); money and codes follow where that is how the scam takes them.
_ADVICE_BY_CATEGORY: dict[str, tuple[Advice, ...]] = {
    "impersonate_police": (Advice.POLICE_NO_TRANSFER, Advice.NO_TRANSFER, Advice.NO_SCREEN_SHARE),
    "loan_credit": (Advice.LOAN_NO_FEES, Advice.NO_TRANSFER),
    "fake_customer_service": (Advice.CALL_OFFICIAL, Advice.NO_SCREEN_SHARE, Advice.NO_CODES, Advice.NO_TRANSFER),
    "impersonate_acquaintance": (Advice.VERIFY_IN_PERSON, Advice.NO_TRANSFER),
    "task_rebate": (Advice.TASK_SCAM, Advice.NO_TRANSFER),
    "fake_investment": (Advice.INVESTMENT_NO_GUARANTEE, Advice.NO_TRANSFER, Advice.NO_SCREEN_SHARE),
    "romance": (Advice.ROMANCE_NO_MONEY, Advice.NO_TRANSFER),
    "game_trading": (Advice.GAME_OFFICIAL_PLATFORM, Advice.NO_TRANSFER, Advice.NO_LINKS),
    "phishing": (Advice.NO_LINKS, Advice.NO_CODES, Advice.CALL_OFFICIAL),
    "fake_credit_repair": (Advice.CREDIT_RECORD, Advice.NO_TRANSFER),
    "card_trafficking": (Advice.CARD_CRIME,),
    "illegal_service": (Advice.ILLEGAL_SERVICE, Advice.NO_TRANSFER, Advice.NO_LINKS),
    "prize": (Advice.PRIZE_NO_FEE, Advice.NO_TRANSFER),
    "other": (Advice.NO_TRANSFER, Advice.NO_CODES),
}
# Tactics that name the scam better than its category: a prize notice is filed under the category its rule or
# the model gives (钓鱼链接, or 刷单返利 from the model), but what the reader needs is "a real prize costs no fee".
_ADVICE_TYPE_BY_RULE: dict[str, str] = {"prize_claim": "prize", "en_prize_fee": "prize"}


MODEL_CACHE_SIZE = 4096
"""Model answers kept per distinct normalised text (by SHA-256; the text itself is not kept). A scam wave
sends one text to many people and many of them forward it: after the first, they are answered without a
model pass (the model gives a text the same answer whatever batch it is in)."""


@dataclass
class StageTimes:
    """Seconds spent per stage of the last check (for the benchmark)."""

    numbers: float = 0.0
    store: float = 0.0
    rules: float = 0.0
    model: float = 0.0


class _Budget:
    """The time one check may still take (wall clock, from when its work begins); None is unbounded."""

    def __init__(self, seconds: float | None) -> None:
        self.deadline = None if seconds is None else time.perf_counter() + seconds

    def spent(self) -> bool:
        return self.deadline is not None and time.perf_counter() >= self.deadline


class Checker:
    """Combines numbers, lists, rules and the model into a ``Verdict``.

    ``lists`` is the store (or anything with the ``Lists`` methods); ``classifier`` may be None (rules
    and numbers only: the CLI's ``--no-model`` and fast tests). ``budget_seconds`` bounds one check
    (``Settings.check_budget_seconds``; None: no bound): stages not begun when it is spent are skipped.
    """

    def __init__(self, lists: Lists, classifier: Classifier | None = None, *,
                 budget_seconds: float | None = None) -> None:
        self.lists = lists
        self.classifier = classifier
        self.budget_seconds = budget_seconds
        self._model_failing = False  # the last model call failed: warn once, not on every check
        self._model_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fanzha-model")
        self._batcher = _OpportunisticBatcher(classifier, self._model_thread) if classifier is not None else None
        self._model_answers: LRUCache[bytes, tuple[float, str | None]] = LRUCache(MODEL_CACHE_SIZE)
        self._officials_cache: tuple[float, list[OfficialNumber]] = (0.0, [])
        self._by_number: dict[str, OfficialNumber] = {}
        self.last_times = StageTimes()

    @classmethod
    def from_settings(cls, settings: Any, store: Any, *, model_process: bool | None = None) -> Checker:
        """Build over a ``bot.store.Store``, with the shipped classifier when ``settings.use_model``.

        ``model_process`` (default: ``settings.model_process``) loads the classifier in a child process
        (``nlp.process``): the bot wants that, since its event loop would otherwise halve the model's speed
        by holding the GIL; a one-shot CLI call does not.
        """
        classifier = None
        if settings.use_model:
            from nlp.ensemble import load_shipped_classifier

            if settings.model_process if model_process is None else model_process:
                from nlp.process import ProcessClassifier

                classifier = ProcessClassifier(functools.partial(
                    load_shipped_classifier, settings.model_dir, dtype=settings.model_dtype))
            else:
                classifier = load_shipped_classifier(settings.model_dir, dtype=settings.model_dtype)
        return cls(StoreLists(store), classifier, budget_seconds=settings.check_budget_seconds)

    def close(self) -> None:
        self._model_thread.shutdown(wait=False, cancel_futures=True)
        close = getattr(self.classifier, "close", None)
        if close is not None:
            close()

    # -- async API (the bot) ------------------------------------------------------------------------
    async def check_text(self, text: str, hints: CheckHints | None = None) -> Verdict:
        """Check a message; store lookups and rules in a worker thread, the model on its own thread."""
        prepared = await asyncio.to_thread(self._prepare_text, text, hints or CheckHints())
        prediction = None
        if self._batcher is not None and prepared.model_reads:
            key = hashlib.sha256(prepared.text.encode("utf-8")).digest()
            prediction = self._model_answers.get(key)
            if prediction is None and self._model_due(prepared):
                try:
                    result = await self._batcher.predict(prepared.text)
                except Exception as exc:
                    self._model_failed(prepared, exc)
                else:
                    self._model_answered()
                    prediction = self._model_answers[key] = (float(result.fraud_probability), result.category_key)
        return self._finish(prepared, prediction)

    async def check_number(self, raw: str) -> Verdict:
        """Check one number (typed, or a shared contact's)."""
        return await asyncio.to_thread(self.check_number_sync, raw)

    # -- sync API (CLI, tests, benchmark) -----------------------------------------------------------
    def check_text_sync(self, text: str, hints: CheckHints | None = None) -> Verdict:
        prepared = self._prepare_text(text, hints or CheckHints())
        prediction = None
        if self.classifier is not None and prepared.model_reads and self._model_due(prepared):
            try:
                prediction = self._predict(prepared.text)
            except Exception as exc:
                self._model_failed(prepared, exc)
            else:
                self._model_answered()
        return self._finish(prepared, prediction)

    def check_texts_sync(self, texts: Sequence[str], *, batch_size: int = 256,
                         progress: Any = None) -> list[Verdict | ValueError]:
        """Verdicts for many messages at once (the batch CLI, evaluations): the model sees them in batches.

        A message that cannot be checked (empty, too long) gives its ``ValueError`` in its place instead of
        stopping the others. ``progress`` (a tqdm-like object) is advanced once per message.
        """
        out: list[Verdict | ValueError] = []
        for start in range(0, len(texts), batch_size):
            prepared: list[_Prepared | ValueError] = []
            for text in texts[start:start + batch_size]:
                try:
                    prepared.append(self._prepare_text(text, CheckHints()))
                except ValueError as exc:
                    prepared.append(exc)
            readable = [p for p in prepared if isinstance(p, _Prepared) and p.model_reads
                        and self.classifier is not None and self._model_due(p)]
            answers: dict[int, tuple[float, str | None]] = {}
            if self.classifier is not None and readable:
                try:
                    predictions = self.classifier.predict([p.text for p in readable])
                except Exception as exc:
                    for p in readable:
                        self._model_failed(p, exc)
                else:
                    self._model_answered()
                    answers = {id(p): (float(r.fraud_probability), r.category_key)
                               for p, r in zip(readable, predictions, strict=True)}
            for p in prepared:
                out.append(p if isinstance(p, ValueError) else self._finish(p, answers.get(id(p))))
                if progress is not None:
                    progress.update(1)
        return out

    def check_number_sync(self, raw: str) -> Verdict:
        fact = phones.parse_number(raw)  # raises InvalidNumber with a clear message
        report = self._number_report(fact)
        signals = Signals(
            bare_number=True,
            blocklist_hits=int(report.blocklisted is not None),
            number_allowlisted=report.allowlisted is not None,
            risky_numbers=int(any(s["signal"] in RISKY_NUMBER_SIGNALS for s in report.signals)),
        )
        evidence = self._number_evidence([report])
        level = decide(signals)
        category = report.blocklisted.get("category_key") if report.blocklisted else None
        return Verdict(
            risk_level=level,
            category_key=category,
            confidence=0.99 if report.blocklisted or report.allowlisted else 0.5,
            numbers=[report],
            evidence=evidence,
            advice=_advice(level, category),
            input_kind="number",
        )

    # -- steps --------------------------------------------------------------------------------------
    @staticmethod
    def _model_due(prepared: _Prepared) -> bool:
        """Whether the model may still run for this check; if the budget is spent, it is marked skipped."""
        if prepared.budget.spent():
            prepared.skipped[Stage.MODEL] = SkipReason.BUDGET
            return False
        return True

    def _model_failed(self, prepared: _Prepared, exc: Exception) -> None:
        """The classifier raised: this verdict comes from rules and lists, and says the model was not asked.

        Logged once when the model starts failing, not on every check while it stays down; only the kind
        of error is logged, since an error's message could quote the text."""
        prepared.skipped[Stage.MODEL] = SkipReason.MODEL_UNAVAILABLE
        if not self._model_failing:
            self._model_failing = True
            log.warning("model unavailable (%s): verdicts come from rules and lists until it answers again",
                        type(exc).__name__)

    def _model_answered(self) -> None:
        if self._model_failing:
            self._model_failing = False
            log.info("model answering again")

    def _predict(self, text: str) -> tuple[float, str | None]:
        started = time.perf_counter()
        prediction = self.classifier.predict([text])[0]  # type: ignore[union-attr]
        self.last_times.model = time.perf_counter() - started
        return float(prediction.fraud_probability), prediction.category_key

    def _prepare_text(self, text: str, hints: CheckHints) -> _Prepared:
        if not text or not text.strip():
            raise EmptyInput("nothing to check")
        if len(text) > MAX_TEXT_CHARS:
            raise TextTooLong(f"text has {len(text)} characters; the limit is {MAX_TEXT_CHARS}")
        budget = _Budget(self.budget_seconds)
        skipped: dict[Stage, SkipReason] = {}

        def due(stage: Stage) -> bool:
            if budget.spent():
                skipped[stage] = SkipReason.BUDGET
                return False
            return True

        times = StageTimes()
        started = time.perf_counter()
        normalized, origin = normalize_with_offsets(text)  # every later stage reads it
        facts: list[phones.PhoneFact] = []
        if due(Stage.NUMBERS):
            facts = self._find_numbers(text, normalized, origin, hints)
        times.numbers = time.perf_counter() - started

        started = time.perf_counter()
        lists_done = due(Stage.LISTS)
        reports = [self._number_report(f, lookup=lists_done) for f in facts]
        officials = self._officials() if lists_done else []
        times.store = time.perf_counter() - started

        started = time.perf_counter()
        urls: list[FoundUrl] = []
        findings: list[DomainFinding] = []
        domain_hits: dict[str, dict[str, Any]] = {}
        if due(Stage.LINKS):
            urls = self._find_urls(text, normalized, origin, hints)
            findings = [f for f in (assess_url(u) for u in urls) if f is not None]
            if lists_done:
                domain_hits = {u.url: hit for u in urls if (hit := self.lists.domain_hit(u.host)) is not None}
        warning = False
        phrases: list[RuleHit] = []
        cards: list[RuleHit] = []
        handles: tuple[str, ...] = ()
        if due(Stage.RULES):
            warning = is_warning_text(normalized)  # once: both rule sets and the policy read it
            phrases = find_phrases(text, normalized=(normalized, origin), warning_text=warning)
            cards = find_card_trafficking(text, normalized=(normalized, origin), warning_text=warning)
            handles = _contact_handles(normalized)
        impersonations: list[Evidence] = []
        if not lists_done:  # it needs the allowlist
            skipped[Stage.IMPERSONATION] = skipped[Stage.LISTS]
        elif due(Stage.IMPERSONATION):
            impersonations = find_impersonations(text, normalized, origin, reports, urls, findings, officials)
        times.rules = time.perf_counter() - started
        self.last_times = times
        return _Prepared(text, hints, reports, urls, findings, phrases, cards, impersonations,
                         model_reads=is_mostly_chinese(normalized), warning_text=warning, budget=budget,
                         skipped=skipped, domain_hits=domain_hits, handles=handles)

    @staticmethod
    def _find_numbers(text: str, normalized: str, origin: list[int], hints: CheckHints) -> list[phones.PhoneFact]:
        facts = phones.find_numbers(text)
        seen = {_number_identity(f) for f in facts}
        # A number written with invisible or spread digits, or look-alike letters between them, is still that
        # number. Full-width forms and Traditional script alone need no second pass: ``phones`` reads those.
        # Numbers phonenumbers cannot place (no e164: a local landline written without its area code) are kept
        # too, by their digits: a spread-out contact is still a contact the text asks the reader to call.
        if normalized != text and fold_obfuscation(text)[0] != text:
            for fact in phones.find_numbers(normalized):
                if _number_identity(fact) not in seen:
                    start, end = original_span(origin, fact.start, fact.end, len(text))
                    seen.add(_number_identity(fact))
                    facts.append(dataclasses.replace(fact, raw=text[start:end], start=start, end=end))
        for raw in hints.phone_entities:  # numbers Telegram saw that the text scan did not
            try:
                fact = phones.parse_number(raw)
            except phones.InvalidNumber:
                continue
            if fact.e164 and fact.e164 not in seen:
                seen.add(fact.e164)
                # An entity is a piece of the text: the number is shown where it is first written there.
                start = max(text.find(fact.raw), 0)
                facts.append(dataclasses.replace(fact, start=start, end=start + len(fact.raw)))
        return facts

    @staticmethod
    def _find_urls(text: str, normalized: str, origin: list[int], hints: CheckHints) -> list[FoundUrl]:
        urls = find_urls(text)
        known = {u.url for u in urls}
        if normalized != text:  # likewise a link (one already found where it was written is not added again)
            for url in find_urls(normalized):
                if url.url not in known:
                    start, end = original_span(origin, url.start, url.end, len(text))
                    if any(u.start < end and start < u.end for u in urls):
                        continue
                    known.add(url.url)
                    urls.append(dataclasses.replace(url, start=start, end=end))
        for raw in hints.url_entities:
            if raw not in known and raw in text:
                urls.extend(u for u in find_urls(raw) if u.url not in known)
        return urls

    def _finish(self, p: _Prepared, prediction: tuple[float, str | None] | None) -> Verdict:
        probability, model_category = prediction if prediction else (None, None)
        strong = [h for h in p.phrases if h.strong]
        # The ways to reach the sender that are not an organisation's own: numbers off the allowlist, links to
        # any site but an official domain (a genuine notice links its bank's own site), and private chat
        # accounts (加V：…, QQ …, LINE ID …, Telegram @…), where scams move the reader out of sight. A QQ number
        # that the number scan also found is one contact, not two.
        written_numbers = {_digits(r.raw) for r in p.numbers}
        handles = [h for h in p.handles if h not in written_numbers]
        unofficial_links = [u for u in p.urls if u.disguised or official_owner(u.domain) is None]
        signals = Signals(
            # A link to a listed domain is a hard fact, as a listed number is.
            blocklist_hits=sum(1 for r in p.numbers if r.blocklisted) + len(p.domain_hits),
            impersonations=len(p.impersonations),
            lookalike_links=sum(1 for f in p.findings if f.reason == "lookalike"),
            card_trafficking_hits=len(p.cards),
            strong_phrase_rules={h.rule.id for h in strong},
            fraud_probability=probability,
            risky_numbers=sum(1 for r in p.numbers if any(s["signal"] in RISKY_NUMBER_SIGNALS for s in r.signals)),
            spoofed_officials=sum(1 for r in p.numbers if r.e164 in self._official_by_number()
                                  and any(s["signal"] == "spoof_format" for s in r.signals)),
            risky_links=sum(1 for f in p.findings if f.reason in RISKY_LINK_REASONS),
            official_contacts_only=(bool(p.numbers) and all(r.allowlisted for r in p.numbers) and not p.urls
                                    and not handles),
            unofficial_contacts=sum(1 for r in p.numbers if not r.allowlisted) + len(unofficial_links) + len(handles),
            warning_text=p.warning_text,
        )
        level = decide(signals)
        category, confidence = _category(p, strong, level, probability, model_category)

        evidence: list[Evidence] = []
        if p.hints.forward_origin:
            evidence.append(Evidence(EvidenceKind.FORWARD, {"origin": p.hints.forward_origin,
                                                            "title": p.hints.forward_title}))
        evidence += self._number_evidence(p.numbers)
        evidence += p.impersonations
        for hit in p.cards:
            span = _whole_words(p.text, hit)
            quote = readable_quote(p.text, hit.start, hit.end)
            evidence.append(Evidence(EvidenceKind.CARD_TRAFFICKING, {"rule": hit.rule.id, "phrase": span.text,
                                                                     "quote": quote}, span))
        for hit in p.phrases:
            span = _whole_words(p.text, hit)
            evidence.append(Evidence(EvidenceKind.PHRASE, {"rule": hit.rule.id, "phrase": span.text,
                                                           "quote": readable_quote(p.text, hit.start, hit.end),
                                                           "category_key": hit.rule.category,
                                                           "strength": hit.rule.strength}, span))
        flagged = {f.url.url: f for f in p.findings}
        for url in p.urls:
            finding = flagged.get(url.url)
            span = Span(url.start, url.end, p.text[url.start:url.end]) if p.text[url.start:url.end] == url.url else None
            where = {"url": url.url, "domain": url.domain, "host": url.host}
            listed = p.domain_hits.get(url.url)
            if listed is not None:
                evidence.append(Evidence(EvidenceKind.RISKY_LINK, {**where, "reason": "blocklisted", **listed,
                                                                   "brand": finding.brand if finding else None},
                                         span))
            elif finding is not None:
                evidence.append(Evidence(EvidenceKind.RISKY_LINK, {**where, "reason": finding.reason,
                                                                   "brand": finding.brand,
                                                                   "official": finding.official}, span))
            else:
                evidence.append(Evidence(EvidenceKind.URL, where, span))
        if probability is not None:
            evidence.append(Evidence(EvidenceKind.MODEL, {"fraud_probability": round(probability, 4),
                                                          "category_key": model_category}))
        elif not p.model_reads and self.classifier is not None:
            evidence.append(Evidence(EvidenceKind.MODEL, {"skipped": "not_chinese"}))
        return Verdict(
            risk_level=level,
            category_key=category,
            confidence=confidence,
            fraud_probability=probability,
            numbers=p.numbers,
            evidence=evidence,
            advice=_advice(level, category, has_links=bool(p.urls),
                           tactics={h.rule.id for h in p.phrases}),
            input_kind="text",
            skipped_stages=dict(sorted(p.skipped.items(), key=lambda item: list(Stage).index(item[0]))),
        )

    def _number_report(self, fact: phones.PhoneFact, *, lookup: bool = True) -> NumberReport:
        """The number's facts, with its blocklist and allowlist status unless ``lookup`` is off."""
        blocked = allowed = None
        if fact.e164 and lookup:
            blocked = self.lists.blocklist_hit(fact.e164)
            # "+86 95588" is not how an official number is shown: it is how a spoofed caller id is.
            spoofed = "spoof_format" in fact.signal_keys
            official = None if spoofed else self._official_by_number().get(fact.e164)
            regional = phones.regional_official(fact)
            if official is not None:
                allowed = {"owner": official.owner, "aliases": list(official.aliases), "kind": official.kind}
            elif regional is not None:
                allowed = {"owner": regional.owner, "aliases": [], "kind": "government"}
        signals = [{"signal": s.key, "reason": s.reason} for s in fact.signals]
        if allowed is not None:  # an official number is not an "unofficial service code"
            signals = [s for s in signals if s["signal"] != "unofficial_service_code"]
        return NumberReport(raw=fact.raw, e164=fact.e164, type=fact.type, region=fact.region,
                            carrier=fact.carrier, location=fact.location, signals=signals,
                            blocklisted=blocked, allowlisted=allowed,
                            span=Span(fact.start, fact.end, fact.raw))

    @staticmethod
    def _number_evidence(reports: list[NumberReport]) -> list[Evidence]:
        evidence: list[Evidence] = []
        for r in reports:
            if r.blocklisted:
                evidence.append(Evidence(EvidenceKind.BLOCKLIST, {"e164": r.e164, **r.blocklisted}, r.span))
            if r.allowlisted:
                evidence.append(Evidence(EvidenceKind.ALLOWLIST, {"e164": r.e164, "owner": r.allowlisted["owner"]},
                                         r.span))
            for s in r.signals:
                evidence.append(Evidence(EvidenceKind.NUMBER_SIGNAL, {"e164": r.e164, **s}, r.span))
        return evidence

    def _officials(self) -> list[OfficialNumber]:
        """The allowlist, cached for a minute (it changes rarely and is read on every check)."""
        stamp, cached = self._officials_cache
        if time.monotonic() - stamp > 60 or not cached:
            cached = list(self.lists.official_numbers())
            self._officials_cache = (time.monotonic(), cached)
            self._by_number = {o.number: o for o in cached}
        return cached

    def _official_by_number(self) -> dict[str, OfficialNumber]:
        self._officials()
        return self._by_number

    def refresh_lists(self) -> None:
        """Forget the cached allowlist (after a moderator changes it)."""
        self._officials_cache = (0.0, [])


@dataclass
class _Prepared:
    text: str
    hints: CheckHints
    numbers: list[NumberReport]
    urls: list[FoundUrl]
    findings: list[DomainFinding]
    phrases: list[RuleHit]
    cards: list[RuleHit]
    impersonations: list[Evidence]
    model_reads: bool = True  # False when the text is mostly not Chinese (bot.chinese): the model abstains
    warning_text: bool = False  # the text presents itself as a warning, news or a retold scam (bot.rules)
    budget: _Budget = dataclasses.field(default_factory=lambda: _Budget(None))
    skipped: dict[Stage, SkipReason] = dataclasses.field(default_factory=dict)
    domain_hits: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)  # url → domain blocklist entry
    handles: tuple[str, ...] = ()  # private chat accounts given as a contact (bot.rules.find_contact_handles)


def _digits(raw: str) -> str:
    return "".join(str(unicodedata.decimal(ch)) for ch in raw if ch.isdecimal())


def _number_identity(fact: phones.PhoneFact) -> str:
    """The same number however it was written: its E.164 form, else its digits."""
    return fact.e164 or _digits(fact.raw)


_BLANK_RUN = re.compile(r"\s+")


def _contact_handles(normalized: str) -> tuple[str, ...]:
    """The private chat accounts a text gives as a contact, each once (case aside).

    Blank runs are read as one blank first: the handle pattern allows blanks in several places around
    "微信" / "QQ" / ":" and costs time cubic in the length of a blank run (a thousand blanks after "微信" took
    25 s), while one blank is all a written handle ever has there.
    """
    seen: dict[str, str] = {}
    for handle in find_contact_handles(_BLANK_RUN.sub(" ", normalized)):
        seen.setdefault(handle.lower(), handle)
    return tuple(seen.values())


def _whole_words(text: str, hit: RuleHit) -> Span:
    """A rule's match as evidence: widened so that it cuts no Latin word or link in half (``bot.quotes``)."""
    start, end = whole_words(text, hit.start, hit.end)
    return Span(start, end, text[start:end])


def _category(p: _Prepared, strong: list[RuleHit], level: RiskLevel, probability: float | None,
              model_category: str | None) -> tuple[str | None, float]:
    """Which fraud type, by the strength of what says so: lists and rules before the model."""
    for r in p.numbers:
        if r.blocklisted and r.blocklisted.get("category_key"):
            return r.blocklisted["category_key"], 0.99
    if p.cards:
        return "card_trafficking", 0.9
    if p.impersonations:
        return _CATEGORY_BY_KIND.get(p.impersonations[0].detail["kind"], "other"), 0.9
    for hit in p.domain_hits.values():
        return hit["category_key"], 0.95
    if any(f.reason == "lookalike" for f in p.findings):
        return "phishing", 0.85
    if level == RiskLevel.LOW:
        return None, 1.0 - (probability or 0.0) if probability is not None else 0.5
    if model_category and probability is not None and probability >= 0.5:
        return model_category, probability
    for hit in strong:
        if hit.rule.category:
            return hit.rule.category, max(0.7, probability or 0.0)
    for hit in p.phrases:
        if hit.rule.category:
            return hit.rule.category, 0.6
    return model_category or "other", probability or 0.6


def _advice(level: RiskLevel, category: str | None, *, has_links: bool = False,
            tactics: Collection[str] = ()) -> list[Advice]:
    """What to do: under a raised level, the advice for the scam's type first (a tactic that names the type,
    such as a prize claim, wins over the category), then links and codes, then the hotlines."""
    if level == RiskLevel.LOW:
        advice = [Advice.CANNOT_PROVE_SAFE]
        if has_links:
            advice.append(Advice.NO_LINKS)
        advice += [Advice.NO_CODES, Advice.CALL_96110]
        return advice
    scam_type = next((_ADVICE_TYPE_BY_RULE[t] for t in sorted(tactics) if t in _ADVICE_TYPE_BY_RULE), None)
    scam_type = scam_type or category or "other"
    advice = list(_ADVICE_BY_CATEGORY.get(scam_type, _ADVICE_BY_CATEGORY["other"]))
    if has_links and Advice.NO_LINKS not in advice:
        advice.append(Advice.NO_LINKS)
    if Advice.NO_CODES not in advice and scam_type != "card_trafficking":
        advice.append(Advice.NO_CODES)
    advice += [Advice.CALL_96110, Advice.CALL_110, Advice.REPORT_APP]
    return advice
