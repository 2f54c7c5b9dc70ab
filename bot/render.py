"""Verdicts into words: the text a user reads, in zh-Hans, zh-Hant or English.

The checker returns plain data (``bot.verdict``); this module orders it for people — level first with a
colour marker, then why, then what to do — and takes every sentence from ``bot.locales``. Output is plain
text (no parse mode), so nothing from a user's message can break the markup.

Dynamic Chinese values that come from the data (an owner's name, a moderator's note, a number signal's
reason) are converted to Traditional script for zh-Hant readers with OpenCC.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.language import converters, normalize_language
from bot.locales import has, t
from bot.verdict import Advice, Evidence, EvidenceKind, NumberReport, RiskLevel, SkipReason, Span, Verdict

TELEGRAM_MESSAGE_LIMIT = 4096
"""Telegram's limit on a message, in UTF-16 code units. The core cannot import PTB (``telegram.constants.
MessageLimit.MAX_TEXT_LENGTH``, which the adapter uses and ``tests/test_render.py`` checks equal)."""
SHORT_CARD_EVIDENCE = 3
TITLE_MAX_CHARS = 40
"""A forwarded chat's title or sender's name is shown at most this long: enough to recognise it, too short
to carry a message of its own."""

# Which evidence a reader needs first: the strongest, most checkable facts lead.
_EVIDENCE_RANK: dict[EvidenceKind, int] = {
    EvidenceKind.BLOCKLIST: 0,
    EvidenceKind.IMPERSONATION: 1,
    EvidenceKind.RISKY_LINK: 2,
    EvidenceKind.CARD_TRAFFICKING: 3,
    EvidenceKind.PHRASE: 4,
    EvidenceKind.NUMBER_SIGNAL: 5,
    EvidenceKind.MODEL: 6,
    EvidenceKind.URL: 7,
    EvidenceKind.ALLOWLIST: 8,
    EvidenceKind.FORWARD: 9,
}
# Facts about a number: the numbers section shows them, so "why" leaves them out for the numbers listed.
_NUMBER_FACT_KINDS = frozenset({EvidenceKind.BLOCKLIST, EvidenceKind.ALLOWLIST, EvidenceKind.NUMBER_SIGNAL})


# ── Data in the reader's script ─────────────────────────────────────────────────────────────────────

def localize_data(value: str, lang: str) -> str:
    """A Chinese value from the data (names, notes, reasons) in the reader's script."""
    if lang == "zh-Hant" and value:
        return converters()[1].convert(value)
    return value


# ── Small pieces ──────────────────────────────────────────────────────────────────────────────────

def advice_text(advice: Advice, lang: str) -> str:
    """One piece of advice in ``lang``."""
    return t(lang, f"advice.{Advice(advice).value}")


def category_name(category_key: str | None, lang: str) -> str | None:
    """A category's name in ``lang`` (keys from ``bot.categories``)."""
    if not category_key:
        return None
    key = f"cat.{category_key}"
    if has(lang, key):
        return t(lang, key)
    return localize_data(category_key, lang)


def display_number(number: str | None, raw: str | None = None) -> str:
    """E.164 written the way people read it (``+86 138 0013 8000``); short codes as they are."""
    if not number:
        return raw or "?"
    if number.startswith("+"):
        import phonenumbers

        try:
            parsed = phonenumbers.parse(number, None)
        except phonenumbers.NumberParseException:
            return number
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return number


def _percent(probability: Any) -> int:
    try:
        return round(float(probability) * 100)
    except (TypeError, ValueError):
        return 0


def _date(value: Any) -> str | None:
    if value is None:
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text[:10] or None


def _signal_text(signal: dict[str, Any], lang: str) -> str:
    """A number signal in words. Chinese readers get the checker's own reason, which names specifics
    (the segment, the country); English readers get the table's wording for the signal key."""
    key = f"signal.{signal.get('signal', '')}"
    reason = str(signal.get("reason") or "")
    if lang != "en" and reason:
        return localize_data(reason, lang)
    if has(lang, key):
        return t(lang, key)
    return localize_data(reason or str(signal.get("signal") or ""), lang)


def _first(detail: dict[str, Any], *names: str) -> Any:
    for name in names:
        value = detail.get(name)
        if value not in (None, ""):
            return value
    return None


def _blocklist_facts(detail: dict[str, Any], lang: str) -> str:
    """Category and the who/when behind a blocklist entry: why a reader should believe it."""
    facts: list[str] = []
    category = category_name(_first(detail, "category_key", "category"), lang)
    if category:
        facts.append(category)
    reporters = _first(detail, "reporters", "reporter_count")
    if isinstance(reporters, int) and reporters > 0:
        facts.append(t(lang, "ev.blocklist.reporters", count=reporters))
    elif _first(detail, "added_by", "source"):
        facts.append(t(lang, "ev.blocklist.moderator"))
    since = _date(_first(detail, "added_at", "created_at"))
    if since:
        facts.append(t(lang, "ev.blocklist.since", date=since))
    return t(lang, "list.sep").join(facts)


def _span_suffix(evidence: Evidence, lang: str) -> str:
    span = evidence.span
    if span is None:
        return ""
    return t(lang, "span.at", start=span.start + 1, end=span.end)


def evidence_text(evidence: Evidence, lang: str, *, with_span: bool = False) -> str:
    """One evidence item as a sentence."""
    d = evidence.detail
    kind = EvidenceKind(evidence.kind)
    if kind is EvidenceKind.BLOCKLIST:
        number = display_number(_first(d, "e164", "number", "number_key"))
        text = t(lang, "ev.blocklist", number=number, facts=_blocklist_facts(d, lang))
    elif kind is EvidenceKind.ALLOWLIST:
        text = t(lang, "ev.allowlist", number=display_number(_first(d, "e164", "number")),
                 owner=localize_data(str(_first(d, "owner") or ""), lang))
    elif kind is EvidenceKind.IMPERSONATION:
        org = localize_data(str(_first(d, "org", "owner") or ""), lang)
        if d.get("url") and not d.get("number"):  # a site that is not the organisation's
            text = t(lang, "ev.impersonation.url", org=org, url=d["url"])
            domains = d.get("official_domains") or []
            if domains:
                text += t(lang, "ev.impersonation.official_site", official=t(lang, "list.sep").join(domains))
            official = None
        else:
            text = t(lang, "ev.impersonation", org=org, number=display_number(_first(d, "number", "e164")))
            official = _first(d, "official")
        if official:
            numbers = official if isinstance(official, list | tuple) else [official]
            joined = t(lang, "list.sep").join(display_number(str(o)) for o in numbers)
            text += t(lang, "ev.impersonation.official", official=joined)
    elif kind is EvidenceKind.NUMBER_SIGNAL:
        text = t(lang, "ev.number_signal", number=display_number(_first(d, "e164", "number")),
                 reason=_signal_text(d, lang))
    elif kind is EvidenceKind.MODEL and d.get("skipped") == "not_chinese":
        text = t(lang, "ev.model.not_chinese")
    elif kind is EvidenceKind.MODEL:
        probability = d.get("fraud_probability")
        percent = _percent(probability)
        category = category_name(d.get("category_key"), lang)
        if percent < 50:
            text = t(lang, "ev.model.low", percent=percent)
        elif category:
            text = t(lang, "ev.model.category", category=category, percent=percent)
        else:
            text = t(lang, "ev.model", percent=percent)
    elif kind is EvidenceKind.PHRASE:
        phrase = evidence.span.text if evidence.span else str(d.get("phrase", ""))
        text = t(lang, "ev.phrase", phrase=phrase)
    elif kind is EvidenceKind.CARD_TRAFFICKING:
        phrase = evidence.span.text if evidence.span else str(_first(d, "phrase", "rule") or "")
        text = t(lang, "ev.card_trafficking", phrase=phrase)
    elif kind is EvidenceKind.URL:
        text = t(lang, "ev.url", domain=_first(d, "domain", "url") or "")
    elif kind is EvidenceKind.RISKY_LINK:
        # Named by what was found: a lookalike, a shortener or a bare IP is a risky shape, not a listed site.
        reason = str(d.get("reason") or "")
        key = f"ev.link.{reason}" if reason in ("lookalike", "shortener", "ip_address") else "ev.link.risky"
        text = t(lang, key, domain=_first(d, "domain", "url") or "",
                 brand=localize_data(str(d.get("brand") or ""), lang))
    else:  # FORWARD
        text = forward_text(d, lang)
    return text + (_span_suffix(evidence, lang) if with_span else "")


# Our quotation marks inside a title would close the quote around it early.
_TITLE_QUOTES = str.maketrans({"「": "『", "」": "』", "“": "‘", "”": "’"})


def neutral_title(title: str | None) -> str | None:
    """A chat title or display name as it may appear inside the bot's own words: one line, no control or
    direction-changing characters, none of our quotation marks, at most ``TITLE_MAX_CHARS`` characters.

    Anyone can name a channel "🔴 高风险\n✅ 官方号码"; shown as written, it would add lines that look like
    the verdict's. The templates put what is left inside quotation marks."""
    if not title:
        return None
    kept = []
    for char in str(title):
        category = unicodedata.category(char)
        if char.isspace() or category in ("Zl", "Zp"):
            kept.append(" ")
        elif category not in ("Cc", "Cf"):  # controls, direction marks and overrides, zero-width characters
            kept.append(char)
    cleaned = " ".join("".join(kept).translate(_TITLE_QUOTES).split())
    if len(cleaned) > TITLE_MAX_CHARS:
        cleaned = cleaned[: TITLE_MAX_CHARS - 1].rstrip() + "…"
    return cleaned or None


def forward_text(detail: dict[str, Any], lang: str) -> str:
    """"Forwarded from the channel X" — shown because where a message comes from helps judge it."""
    origin = str(detail.get("origin") or "")
    title = neutral_title(detail.get("title"))
    if origin in ("chat", "channel", "hidden_user") and title:
        return t(lang, f"ev.forward.{origin}", title=title)
    if origin == "user":
        return t(lang, "ev.forward.user", title=title) if title else t(lang, "ev.forward.user_unknown")
    return t(lang, "ev.forward.unknown")


def _sorted_evidence(evidence: Iterable[Evidence]) -> list[Evidence]:
    return sorted(evidence, key=lambda e: _EVIDENCE_RANK.get(EvidenceKind(e.kind), 99))


def _reason_evidence(verdict: Verdict) -> list[Evidence]:
    """The evidence a reader is shown as reasons, strongest first: never the forward line (shown in the
    head), and never "the text does not look like fraud" under a raised level, where it would contradict it."""
    raised = verdict.risk_level != RiskLevel.LOW
    return _sorted_evidence(e for e in verdict.evidence if e.kind != EvidenceKind.FORWARD and not (
        raised and e.kind == EvidenceKind.MODEL and _percent(e.detail.get("fraud_probability")) < 50
        and not e.detail.get("skipped")))


def _contained(inner: Span | None, spans: list[Span]) -> bool:
    return inner is not None and any(
        s is not inner and s.start <= inner.start and inner.end <= s.end and (s.start, s.end) != (
            inner.start, inner.end) for s in spans)


def _short_reasons(evidence: list[Evidence], lang: str) -> list[str]:
    """Reasons for the short card: phrases merged into one line (a phrase inside another left out) so
    the card stays short."""
    reasons: list[str] = []
    phrases: list[str] = []
    spans = [e.span for e in evidence if e.kind == EvidenceKind.PHRASE and e.span is not None]
    for item in evidence:
        if item.kind == EvidenceKind.PHRASE:
            if _contained(item.span, spans):
                continue
            phrase = item.span.text if item.span else str(item.detail.get("phrase", ""))
            if phrase and phrase not in phrases:
                if not phrases:
                    reasons.append("")  # placeholder keeps the phrases line in rank order
                phrases.append(phrase)
            continue
        reasons.append(evidence_text(item, lang))
    if phrases:
        if lang == "en":
            quoted = ", ".join(f"“{p}”" for p in phrases)
        else:
            quoted = "".join(f"「{p}」" for p in phrases)
        line = t(lang, "ev.phrase", phrase=phrases[0]) if len(phrases) == 1 else t(
            lang, "ev.phrases", phrases=quoted)
        reasons[reasons.index("")] = line
    return reasons


# ── Cards ─────────────────────────────────────────────────────────────────────────────────────────

def render_number_card(report: NumberReport, lang: str) -> str:
    """One number's facts and list status, a few lines."""
    sep = t(lang, "num.sep")
    facts = [t(lang, f"numtype.{report.type}") if has(lang, f"numtype.{report.type}")
             else localize_data(report.type or "", lang)]
    for value in (report.carrier, report.location):
        if value:
            facts.append(localize_data(value, lang))
    if report.region and not report.location and lang == "en":
        facts.append(report.region)
    title = t(lang, "num.title", number=display_number(report.e164, report.raw))
    described = sep.join(f for f in facts if f)
    lines = [f"{title} — {described}" if described else title]
    if report.blocklisted is not None:
        lines.append("   " + t(lang, "num.blocklisted", facts=_blocklist_facts(report.blocklisted, lang)))
    if report.allowlisted is not None:
        owner = localize_data(str(_first(report.allowlisted, "owner") or ""), lang)
        lines.append("   " + t(lang, "num.allowlisted", owner=owner))
    if report.e164 is None or report.type == "invalid":
        lines.append("   " + t(lang, "num.invalid"))
    for signal in report.signals:
        lines.append("   " + t(lang, "num.signal", reason=_signal_text(signal, lang)))
    if report.blocklisted is None and report.allowlisted is None and report.e164 is not None:
        lines.append("   " + t(lang, "num.not_listed"))
    return "\n".join(lines)


def headline(verdict: Verdict, lang: str) -> str:
    """The level with its colour marker (used alone for inline-mode titles)."""
    return t(lang, f"level.{RiskLevel(verdict.risk_level).value}")


def summary_line(verdict: Verdict, lang: str) -> str:
    """One line for places with no room (inline result descriptions)."""
    level = RiskLevel(verdict.risk_level).value
    parts: list[str] = []
    category = category_name(verdict.category_key, lang)
    if category and verdict.risk_level != RiskLevel.LOW:
        parts.append(category)
    reasons = _short_reasons(_reason_evidence(verdict), lang)
    if reasons:
        parts.append(reasons[0])
    else:
        lead_key = f"lead.number.{level}" if verdict.input_kind == "number" else f"lead.{level}"
        parts.append(t(lang, lead_key))
    return t(lang, "num.sep").join(parts)


def verdict_json(verdict: Verdict, lang: str = "zh-Hans") -> dict[str, Any]:
    """``Verdict.to_json`` plus the advice worded in ``lang``: what ``fanzha check --json`` prints."""
    return {**verdict.to_json(), "advice": [advice_text(a, normalize_language(lang)) for a in verdict.advice]}


def render_verdict(verdict: Verdict, lang: str, *, detailed: bool = False, prefix: str | None = None,
                   notes: Sequence[str] = (), limit: int = TELEGRAM_MESSAGE_LIMIT) -> str:
    """The reply to a check: level, category, why, numbers, what to do.

    ``detailed`` lists every evidence item with its character offsets instead of the top few. ``prefix``
    (a group alert) comes first and ``notes`` (the photo note) last, each as its own paragraph; they are
    given here, not added by the caller, so the whole message is fitted to ``limit`` (:func:`fit_blocks`).
    """
    lang = normalize_language(lang)
    level = RiskLevel(verdict.risk_level).value
    is_number = verdict.input_kind == "number"
    blocks: list[Block] = [[prefix]] if prefix else []

    head = [t(lang, f"level.{level}"), t(lang, f"lead.number.{level}" if is_number else f"lead.{level}")]
    for item in verdict.evidence:
        if item.kind == EvidenceKind.FORWARD:
            head.append(forward_text(item.detail, lang))
    category = category_name(verdict.category_key, lang)
    if category and verdict.risk_level != RiskLevel.LOW:
        head.append(t(lang, "category.line", category=category))
    blocks.append(head)

    evidence = _reason_evidence(verdict)
    listed = {n.e164 for n in verdict.numbers if n.e164}
    evidence = [e for e in evidence if not (
        e.kind in _NUMBER_FACT_KINDS and _first(e.detail, "e164", "number", "number_key") in listed)]
    if detailed:
        reasons = [evidence_text(e, lang, with_span=True) for e in evidence]
    else:
        reasons = _short_reasons(evidence, lang)
    why: Block | None = None
    if reasons:
        shown = reasons if detailed else reasons[:SHORT_CARD_EVIDENCE]
        # The short card points to "Details" for the rest; the detailed view has nowhere further to point.
        more_key = "fit.more_reasons" if detailed else "more_evidence"
        why = ListBlock([t(lang, "section.why")], [f"• {r}" for r in shown],
                        more=lambda count: t(lang, more_key, count=count), hidden=len(reasons) - len(shown))
    elif not verdict.numbers:
        why = [t(lang, "no_evidence")]

    numbers: Block | None = None
    if verdict.numbers:
        numbers = ListBlock([] if is_number else [t(lang, "section.numbers")],
                            [render_number_card(n, lang) for n in verdict.numbers],
                            more=lambda count: t(lang, "fit.more_numbers", count=count))
    # A blocklisted number is the strongest, most checkable fact: it goes first.
    numbers_first = is_number or any(n.blocklisted is not None for n in verdict.numbers)
    blocks += [b for b in ((numbers, why) if numbers_first else (why, numbers)) if b is not None]

    advice = list(dict.fromkeys(verdict.advice))
    if verdict.risk_level == RiskLevel.LOW and Advice.CANNOT_PROVE_SAFE not in advice:
        advice.append(Advice.CANNOT_PROVE_SAFE)
    if advice:
        blocks.append([t(lang, "section.todo")] + [f"• {advice_text(a, lang)}" for a in advice])

    if verdict.skipped_stages:  # the verdict rests on part of the check: one line says so
        only_model_down = set(verdict.skipped_stages.values()) == {SkipReason.MODEL_UNAVAILABLE}
        blocks.append([t(lang, "partial_note.model" if only_model_down else "partial_note.budget")])
    blocks += [[note] for note in notes]
    return fit_blocks(blocks, limit)


# ── Fitting a message to Telegram's limit ────────────────────────────────────────────────────────────

def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP counts two)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class ListBlock:
    """A paragraph whose items may be left out to make a message fit: ``head`` lines always stay, items
    go from the end, and one line ``more(count)`` ("…and 280 more numbers") says how many are not shown.
    ``hidden`` counts items already left out before fitting (the short card's reasons)."""

    head: list[str]
    items: list[str]
    more: Callable[[int], str]
    hidden: int = 0

    def lines(self, shown: int) -> list[str]:
        left_out = self.hidden + len(self.items) - shown
        return [*self.head, *self.items[:shown], *([self.more(left_out)] if left_out > 0 else [])]


Block = Sequence[str] | ListBlock
"""A paragraph of a message: plain lines (always kept whole) or a :class:`ListBlock`."""


def fit_blocks(blocks: Sequence[Block], limit: int = TELEGRAM_MESSAGE_LIMIT) -> str:
    """Paragraphs (lines joined by newlines, paragraphs by a blank line) in at most ``limit`` UTF-16 units.

    Plain paragraphs — the level and its lead, an alert before them, the advice with the hotlines, a note
    after it — are what a reader must get, so they stay whole; room is made in the lists between them,
    one item at a time from the list that takes the most room, each list saying how many it leaves out.
    Only if the plain paragraphs alone were too long would the end be cut (:func:`fit_message`).
    """
    lists = [i for i, block in enumerate(blocks) if isinstance(block, ListBlock)]
    shown = {i: len(blocks[i].items) for i in lists}  # type: ignore[union-attr]

    def paragraph(i: int) -> str:
        block = blocks[i]
        return "\n".join(block.lines(shown[i]) if isinstance(block, ListBlock) else block)

    paragraphs = [paragraph(i) for i in range(len(blocks))]
    sizes = [utf16_len(p) for p in paragraphs]

    def total() -> int:
        kept = [size for size, text in zip(sizes, paragraphs, strict=True) if text]
        return sum(kept) + 2 * max(0, len(kept) - 1)

    while total() > limit:
        candidates = [i for i in lists if shown[i] > 0]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: (sizes[i], i))
        shown[widest] -= 1
        paragraphs[widest] = paragraph(widest)
        sizes[widest] = utf16_len(paragraphs[widest])
    return fit_message("\n\n".join(p for p in paragraphs if p), limit)


def fit_message(text: str, limit: int = TELEGRAM_MESSAGE_LIMIT) -> str:
    """Cut text to Telegram's message length (counted in UTF-16 units, as Telegram counts): the last resort
    for text with no structure to shorten (:func:`fit_blocks` keeps a verdict's beginning and end)."""
    if utf16_len(text) <= limit:
        return text
    out: list[str] = []
    used = 0
    for char in text:
        width = utf16_len(char)
        if used + width > limit - 1:
            break
        out.append(char)
        used += width
    return "".join(out) + "…"
