"""Verdicts into words: the text a user reads, in zh-Hans, zh-Hant or English.

The checker returns plain data (``bot.verdict``); this module orders it for people — level first with a
colour marker, then why, then what to do — and takes every sentence from ``bot.locales``. Output is plain
text (no parse mode), so nothing from a user's message can break the markup.

The short card is read on a phone, often by someone who does not know what a probability is: the level, ONE
plain sentence why (the strongest reason; under 🟢 what was checked and found nothing, with the caveat that
this proves nothing), the numbers, what to do. Every reason with its place in the text is one tap away
("📋 详情", ``detailed=True``). Reasons are worded per level, so none contradicts the level it explains: no
"诈骗可能性 3%" under 🔴 from the rules, no "scam phrase" alarm under 🟢.

Dynamic Chinese values that come from the data (an owner's name, a moderator's note, a number signal's
reason) are converted to Traditional script for zh-Hant readers with OpenCC.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.language import converters, normalize_language
from bot.locales import has, t
from bot.region import hotline_line
from bot.verdict import Advice, Evidence, EvidenceKind, NumberReport, RiskLevel, SkipReason, Span, Verdict

if TYPE_CHECKING:
    from bot.conversation import ConversationVerdict

TELEGRAM_MESSAGE_LIMIT = 4096
"""Telegram's limit on a message, in UTF-16 code units. The core cannot import PTB (``telegram.constants.
MessageLimit.MAX_TEXT_LENGTH``, which the adapter uses and ``tests/test_render.py`` checks equal)."""
WHY_PHRASES = 2
"""At most this many quoted phrases in the short card's one sentence why."""
TITLE_MAX_CHARS = 40
"""A forwarded chat's title or sender's name is shown at most this long: enough to recognise it, too short
to carry a message of its own."""
PICTURE_QUOTE_CHARS = 200
"""The text read from a picture is quoted back at most this long: enough for the reader to see that the right
words were read (and to notice a misreading), short enough not to bury the verdict."""

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


def advice_lines(advice: Iterable[Advice], lang: str, regions: Sequence[str] = ()) -> list[str]:
    """The advice in ``lang``, with the hotlines of the reader's ``regions`` (``bot.region``) in place of
    the mainland's when regions are given; a hotline the regions lack is left out."""
    lines: list[str] = []
    for item in advice:
        line = hotline_line(item, regions, lang) if regions else None
        if line is None:
            line = advice_text(item, lang)
        if line:
            lines.append(line)
    return lines


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


def _link_site(detail: dict[str, Any], lang: str) -> str:
    """A link's whole host, never cut ("etc-gov.cn.xyz"), and, when the host is not simply its registrable
    domain, who really owns it ("cn.xyz"): the part a scammer dresses up is the front, the owner is the end."""
    host = str(_first(detail, "host") or "").removeprefix("www.")
    domain = str(_first(detail, "domain", "url") or "")
    if not host or host == domain:
        return domain or host
    return host + t(lang, "ev.link.owner", domain=domain)


def _domain_list_facts(detail: dict[str, Any], lang: str) -> str:
    """Category, source and date of a domain blocklist entry: where the knowledge comes from."""
    facts: list[str] = []
    category = category_name(_first(detail, "category_key", "category"), lang)
    if category:
        facts.append(category)
    source = str(detail.get("source") or "")
    if source == "moderator":
        facts.append(t(lang, "ev.blocklist.moderator"))
    elif source:
        shown = t(lang, "ev.link.source.import") if source == "import" else localize_data(source, lang)
        facts.append(t(lang, "ev.link.source", source=shown))
    since = _date(detail.get("added_at"))
    if since:
        facts.append(t(lang, "ev.blocklist.since", date=since))
    return t(lang, "list.sep").join(facts)


def _span_suffix(evidence: Evidence, lang: str) -> str:
    span = evidence.span
    if span is None:
        return ""
    return t(lang, "span.at", start=span.start + 1, end=span.end)


def _wrap_quotes(lang: str) -> dict[int, str]:
    return _EN_QUOTES if lang == "en" else _ZH_QUOTES


def quoted_phrase(evidence: Evidence, lang: str, *, readable: bool = False) -> str:
    """The words of the user's text an item quotes, on one line. ``readable``: the short card's quote (its
    whole clause when that is short, ``bot.quotes``); else the evidence itself, whole words, as its offsets
    say. Our own quotation marks inside it become the inner kind, so the quote cannot close early."""
    d = evidence.detail
    text = (str(d.get("quote") or "") if readable else "") or (
        evidence.span.text if evidence.span else str(_first(d, "phrase", "rule") or ""))
    return " ".join(text.split()).translate(_wrap_quotes(lang))


def evidence_text(evidence: Evidence, lang: str, *, with_span: bool = False,
                  level: RiskLevel | None = None) -> str:
    """One evidence item as a sentence, worded for the verdict's ``level`` when it is given: under 🟢 a
    phrase is "also common in scams", not a scam phrase; under a raised level a text check that found little
    says so without a low percentage that would read as "probably not a scam"."""
    d = evidence.detail
    kind = EvidenceKind(evidence.kind)
    raised = level is not None and level != RiskLevel.LOW
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
        if percent < 50 and raised:
            text = t(lang, "ev.model.low.raised")
        elif percent < 50:
            text = t(lang, "ev.model.low", percent=percent)
        elif category:
            text = t(lang, "ev.model.category", category=category, percent=percent)
        else:
            text = t(lang, "ev.model", percent=percent)
    elif kind is EvidenceKind.PHRASE:
        key = "ev.phrase.low" if level == RiskLevel.LOW else "ev.phrase"
        text = t(lang, key, phrase=quoted_phrase(evidence, lang))
    elif kind is EvidenceKind.CARD_TRAFFICKING:
        text = t(lang, "ev.card_trafficking", phrase=quoted_phrase(evidence, lang))
    elif kind is EvidenceKind.URL:
        text = t(lang, "ev.url", domain=_link_site(d, lang))
    elif kind is EvidenceKind.RISKY_LINK:
        # Named by what was found: only a domain on the scam-site list is called a known scam site; a
        # lookalike, a shortener or a bare IP is a risky shape, and is worded as that.
        reason = str(d.get("reason") or "")
        if reason == "blocklisted":
            text = t(lang, "ev.link.blocklisted", domain=_link_site(d, lang),
                     listed=d.get("listed_domain") or _first(d, "domain", "host") or "",
                     facts=_domain_list_facts(d, lang))
        else:
            key = f"ev.link.{reason}" if reason in ("lookalike", "shortener", "ip_address") else "ev.link.risky"
            text = t(lang, key, domain=_link_site(d, lang), brand=localize_data(str(d.get("brand") or ""), lang))
            if reason == "lookalike" and d.get("official"):
                text += t(lang, "ev.impersonation.official_site", official=d["official"])
    else:  # FORWARD
        text = forward_text(d, lang)
    return text + (_span_suffix(evidence, lang) if with_span else "")


# Our quotation marks inside a title would close the quote around it early.
_TITLE_QUOTES = str.maketrans({"「": "『", "」": "』", "“": "‘", "”": "’"})
# Likewise inside a quoted phrase: only the marks the language wraps phrases in (a Chinese text's “” stay).
_ZH_QUOTES = str.maketrans({"「": "『", "」": "』"})
_EN_QUOTES = str.maketrans({"“": "‘", "”": "’"})


def neutral_title(title: str | None) -> str | None:
    """A chat title or display name as it may appear inside the bot's own words: one line, no control or
    direction-changing characters, none of our quotation marks, at most ``TITLE_MAX_CHARS`` characters.

    Anyone can name a channel "🔴 高风险\n✅ 官方号码"; shown as written, it would add lines that look like
    the verdict's. The templates put what is left inside quotation marks."""
    if not title:
        return None
    return _neutral_line(str(title), TITLE_MAX_CHARS, _TITLE_QUOTES) or None


def _neutral_line(text: str, limit: int, quotes: dict[int, str]) -> str:
    """``text`` on one line, without control or direction-changing characters, with ``quotes`` swapped for
    their inner kind, cut to ``limit`` characters (the last one an ellipsis when cut)."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char.isspace() or category in ("Zl", "Zp"):
            kept.append(" ")
        elif category not in ("Cc", "Cf"):  # controls, direction marks and overrides, zero-width characters
            kept.append(char)
    cleaned = " ".join("".join(kept).translate(quotes).split())
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned


def picture_notes(text: str, lang: str, *, unsure: bool) -> list[str]:
    """The notes under a verdict on a picture: what was read from it, quoted (neutralised like a forwarded
    chat's title: one line, no control characters, none of our quotation marks, at most
    ``PICTURE_QUOTE_CHARS`` characters, so a picture that shows "🔴 高风险" cannot add a line that looks like
    the verdict's), and when the reading was unsure, that the original message would be read better."""
    lang = normalize_language(lang)
    notes = [t(lang, "picture.note", text=_neutral_line(text, PICTURE_QUOTE_CHARS, _wrap_quotes(lang)))]
    if unsure:
        notes.append(t(lang, "picture.unsure"))
    return notes


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


def _is_low_model(evidence: Evidence) -> bool:
    return (evidence.kind == EvidenceKind.MODEL and not evidence.detail.get("skipped")
            and _percent(evidence.detail.get("fraud_probability")) < 50)


def _reason_evidence(verdict: Verdict) -> list[Evidence]:
    """Every evidence item a reader may be shown as a reason, strongest first; never the forward line
    (shown in the head). A text check that found little stays in (the detailed view keeps all evidence),
    worded for the level by :func:`evidence_text`, but last: it explains nothing under a raised level."""
    raised = verdict.risk_level != RiskLevel.LOW
    ranked = _sorted_evidence(e for e in verdict.evidence if e.kind != EvidenceKind.FORWARD)
    return sorted(ranked, key=lambda e: raised and _is_low_model(e))


def _contained(inner: Span | None, spans: list[Span]) -> bool:
    return inner is not None and any(
        s is not inner and s.start <= inner.start and inner.end <= s.end and (s.start, s.end) != (
            inner.start, inner.end) for s in spans)


# Evidence that is worth a look under 🟢 although it did not raise the level (a word also common in scams,
# a number from a segment scammers like): the 🟢 sentence says something was seen, and where to look.
_MILD_KINDS = frozenset({EvidenceKind.PHRASE, EvidenceKind.CARD_TRAFFICKING, EvidenceKind.NUMBER_SIGNAL,
                         EvidenceKind.RISKY_LINK, EvidenceKind.IMPERSONATION, EvidenceKind.BLOCKLIST})


def _why_phrases(evidence: list[Evidence], lang: str) -> tuple[str, list[Evidence]]:
    """The phrases for the short sentence: the strongest few, each its readable quote, a phrase inside
    another one left out; and the evidence items the sentence stands for (to count what it leaves out)."""
    phrases = [e for e in evidence if e.kind == EvidenceKind.PHRASE]
    spans = [e.span for e in phrases if e.span is not None]
    quotes: list[str] = []
    covered: list[Evidence] = []
    for item in phrases:
        quote = quoted_phrase(item, lang, readable=True)
        inside = [q for q in quotes if q in quote]  # two rules' quotes widened to the same clause, or nested
        if _contained(item.span, spans) or any(quote in q for q in quotes):
            covered.append(item)  # said already by the phrase around it
        elif inside and quote:  # the wider quote takes the place of the first one it holds
            at = quotes.index(inside[0])
            quotes = [q for q in quotes if q not in inside]
            quotes.insert(at, quote)
            covered.append(item)
        elif len(quotes) < WHY_PHRASES and quote:
            quotes.append(quote)
            covered.append(item)
    joined = ", ".join(f"“{q}”" for q in quotes) if lang == "en" else "".join(f"「{q}」" for q in quotes)
    return t(lang, "why.phrases", phrases=joined), covered


def _why(verdict: Verdict, lang: str) -> tuple[str | None, list[Evidence]]:
    """The short card's one sentence why, and the evidence items it stands for."""
    if verdict.risk_level == RiskLevel.LOW:
        if verdict.input_kind == "number":
            return None, []
        if any(e.kind == EvidenceKind.MODEL and e.detail.get("skipped") == "not_chinese" for e in verdict.evidence):
            return t(lang, "why.low.not_chinese"), []
        mild = any(e.kind in _MILD_KINDS for e in verdict.evidence)
        return t(lang, "why.low.mild" if mild else "why.low"), []
    # A text check that found little, or could not read the text, is no reason for a raised level.
    evidence = [e for e in _reason_evidence(verdict) if not _is_low_model(e) and not e.detail.get("skipped")]
    if not evidence:
        return None, []
    top = evidence[0]
    kind = EvidenceKind(top.kind)
    if kind is EvidenceKind.PHRASE:
        return _why_phrases(evidence, lang)
    if kind is EvidenceKind.MODEL:
        category = category_name(top.detail.get("category_key"), lang)
        sentence = t(lang, "why.model.category", category=category) if category else t(lang, "why.model")
        return sentence, [top]
    if kind is EvidenceKind.BLOCKLIST:
        number = display_number(_first(top.detail, "e164", "number", "number_key"))
        return t(lang, "why.blocklist", number=number), [top]
    return t(lang, "why.sentence", text=evidence_text(top, lang, level=verdict.risk_level)), [top]


def why_sentence(verdict: Verdict, lang: str) -> str | None:
    """ONE plain sentence why, in words anyone understands, never a bare probability: the strongest reason
    under a raised level; under 🟢 what was checked and that finding nothing proves nothing. ``None`` for a
    bare number under 🟢 (its card says it all)."""
    return _why(verdict, normalize_language(lang))[0]


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
    """One line for places with no room (inline result descriptions): the type and the sentence why."""
    lang = normalize_language(lang)
    level = RiskLevel(verdict.risk_level).value
    parts: list[str] = []
    category = category_name(verdict.category_key, lang)
    if category and verdict.risk_level != RiskLevel.LOW:
        parts.append(category)
    lead_key = f"lead.number.{level}" if verdict.input_kind == "number" else f"lead.{level}"
    parts.append(why_sentence(verdict, lang) or t(lang, lead_key))
    return t(lang, "num.sep").join(parts)


def verdict_json(verdict: Verdict, lang: str = "zh-Hans") -> dict[str, Any]:
    """``Verdict.to_json`` plus the advice worded in ``lang``: what ``fanzha check --json`` prints."""
    return {**verdict.to_json(), "advice": [advice_text(a, normalize_language(lang)) for a in verdict.advice]}


def render_verdict(verdict: Verdict, lang: str, *, detailed: bool = False, prefix: str | None = None,
                   notes: Sequence[str] = (), limit: int = TELEGRAM_MESSAGE_LIMIT,
                   regions: Sequence[str] = (), could_not_tell: bool = False) -> str:
    """The reply to a check: level, why, numbers, what to do.

    The short card gives ONE sentence why (:func:`why_sentence`) and says how many more reasons "Details"
    has; ``detailed`` lists every evidence item with its character offsets instead. ``prefix`` (a group
    alert) comes first and ``notes`` (the photo note) last, each as its own paragraph; they are given here,
    not added by the caller, so the whole message is fitted to ``limit`` (:func:`fit_blocks`). ``regions``
    (``bot.region.choose_regions``) picks the hotlines; without it they are the mainland's.
    ``could_not_tell`` (a low level on a hard-to-read picture, ``bot.policy.picture_level``): the head says
    "could not tell" instead of the low level's "no clear warning signs", and its caveat advice goes with it.
    """
    lang = normalize_language(lang)
    level = RiskLevel(verdict.risk_level).value
    is_number = verdict.input_kind == "number"
    blocks: list[Block] = [[prefix]] if prefix else []

    sentence, covered = _why(verdict, lang)
    low_text = verdict.risk_level == RiskLevel.LOW and not is_number
    # Under 🟢 the sentence why is the lead: what was checked, and that it proves nothing.
    lead = sentence if low_text and sentence else t(lang, f"lead.number.{level}" if is_number else f"lead.{level}")
    could_not_tell = could_not_tell and low_text
    head = [t(lang, "level.unsure"), t(lang, "lead.unsure")] if could_not_tell else [t(lang, f"level.{level}"), lead]
    for item in verdict.evidence:
        if item.kind == EvidenceKind.FORWARD:
            head.append(forward_text(item.detail, lang))
    category = category_name(verdict.category_key, lang)
    if category and verdict.risk_level != RiskLevel.LOW:
        head.append(t(lang, "category.line", category=category))
    blocks.append(head)

    # The numbers section shows a listed number's facts, so the reasons leave them out.
    listed = {n.e164 for n in verdict.numbers if n.e164}
    evidence = [e for e in _reason_evidence(verdict) if not (
        e.kind in _NUMBER_FACT_KINDS and _first(e.detail, "e164", "number", "number_key") in listed)]
    why: Block | None = None
    if detailed and evidence:
        reasons = [evidence_text(e, lang, with_span=True, level=verdict.risk_level) for e in evidence]
        why = ListBlock([t(lang, "section.why")], [f"• {r}" for r in reasons],
                        more=lambda count: t(lang, "fit.more_reasons", count=count))
    elif not detailed and sentence and not low_text and not is_number:
        # "N more reasons": a text check that found little is kept for Details but is no reason.
        hidden = sum(1 for e in evidence if not any(e is c for c in covered) and not _is_low_model(e))
        why = [t(lang, "why.line", reason=sentence)] + ([t(lang, "more_evidence", count=hidden)] if hidden else [])

    numbers: Block | None = None
    if verdict.numbers:
        numbers = ListBlock([] if is_number else [t(lang, "section.numbers")],
                            [render_number_card(n, lang) for n in verdict.numbers],
                            more=lambda count: t(lang, "fit.more_numbers", count=count))
    # The detailed view leads with a blocklisted number, the strongest, most checkable fact; the short
    # card's one sentence already names the strongest reason, so it comes first.
    numbers_first = detailed and (is_number or any(n.blocklisted is not None for n in verdict.numbers))
    blocks += [b for b in ((numbers, why) if numbers_first else (why, numbers)) if b is not None]

    advice = list(dict.fromkeys(verdict.advice))
    if could_not_tell:  # its caveat quotes the low level's words, which this reply does not say
        advice = [a for a in advice if a != Advice.CANNOT_PROVE_SAFE]
    elif verdict.risk_level == RiskLevel.LOW and Advice.CANNOT_PROVE_SAFE not in advice:
        advice.append(Advice.CANNOT_PROVE_SAFE)
    if advice:
        blocks.append([t(lang, "section.todo")] + [f"• {line}" for line in advice_lines(advice, lang, regions)])

    if verdict.skipped_stages:  # the verdict rests on part of the check: one line says so
        only_model_down = set(verdict.skipped_stages.values()) == {SkipReason.MODEL_UNAVAILABLE}
        blocks.append([t(lang, "partial_note.model" if only_model_down else "partial_note.budget")])
    blocks += [[note] for note in notes]
    return fit_blocks(blocks, limit)


def conversation_note(result: ConversationVerdict, lang: str, *, pictures: int = 0, pictures_read: int = 0) -> str:
    """The lines before a verdict on several messages checked as one conversation (``bot.conversation``): that
    it is about them all, which message carries the danger and what it carries, how many were left out, and
    of an album's pictures how many could be read."""
    lang = normalize_language(lang)
    lines = [t(lang, "conv.head", count=result.messages)]
    if result.dangerous is not None and result.carries is not None:
        lines.append(t(lang, "conv.danger", index=result.dangerous + 1, what=t(lang, f"conv.carries.{result.carries}")))
    if result.left_out:
        lines.append(t(lang, "conv.left_out", checked=result.checked))
    if result.cut:
        lines.append(t(lang, "conv.cut"))
    if pictures:
        lines.append(t(lang, "conv.pictures", total=pictures, read=pictures_read))
    return "\n".join(lines)


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
