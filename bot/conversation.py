"""One verdict for a conversation: several messages forwarded together, or the pictures of one album.

A scam script is spread over several messages: the greeting, the bait, the ask for money, the pressure. Each
alone may look mild; together they are the scam. So the messages are joined into one text (in their order,
a blank line between them), checked once, and the verdict's evidence is mapped back to the message it came
from, so the reply can name the message that carries the danger: the ask for money first (that is what the
reader must not do), then a link, then a contact number, then any other scam tactic.

Telegram-free: the adapter (``bot.telegram.conversations``) collects the messages and renders the result.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.check import MAX_TEXT_CHARS, CheckHints, EmptyInput
from bot.verdict import Evidence, EvidenceKind, RiskLevel, Verdict

MAX_MESSAGES = 20
"""At most this many messages are joined (the last ones: the ask for money comes late in a scam script). A
50-message burst is one check of its last 20, and the verdict says how many were left out."""
SEPARATOR = "\n\n"
"""Between two messages: a paragraph break, so no phrase rule reads across from one message into the next."""

# Phrase rules whose match is itself an ask for money: the safe account is there to be paid into, the fee is
# to be paid, the transfer is the ask. Rule ids are data (``data/rules/phrases.toml``); an id that disappears
# only makes the message-text test below do the work.
MONEY_RULES = frozenset({"safe_account", "urgent_transfer", "loan_fee", "off_platform_prepay", "romance_money",
                         "new_number_money", "en_prize_fee"})
_MONEY_ASK = re.compile(
    r"转[账帐]|转到|转入|转给|转过去|汇款|汇到|汇给|打款|打钱|付款|支付|充值|垫付|缴纳|交(纳|钱|费)|保证金|押金|"
    r"解冻金|手续费|本金|transfer|wire|pay\b|payment|deposit", re.IGNORECASE)
# Evidence that makes a message risky (a plain URL or an official number alone does not).
_RISK_KINDS = frozenset({EvidenceKind.BLOCKLIST, EvidenceKind.IMPERSONATION, EvidenceKind.RISKY_LINK,
                         EvidenceKind.CARD_TRAFFICKING, EvidenceKind.PHRASE, EvidenceKind.NUMBER_SIGNAL})
_STRENGTH = {EvidenceKind.BLOCKLIST: 3, EvidenceKind.IMPERSONATION: 3, EvidenceKind.RISKY_LINK: 3,
             EvidenceKind.CARD_TRAFFICKING: 3, EvidenceKind.NUMBER_SIGNAL: 1, EvidenceKind.URL: 1}


class Carries(StrEnum):
    """What makes the dangerous message dangerous, in the order it is looked for."""

    MONEY = "money"    # it asks for a transfer, a fee, a deposit
    LINK = "link"      # it carries a link
    NUMBER = "number"  # it gives a number to contact
    TACTIC = "tactic"  # another scam tactic (a code, screen sharing, a threat)


@dataclass(frozen=True)
class Joined:
    """The messages as one text: ``spans[i]`` is message ``i``'s (start, end) in ``text``, None for a message
    not in it (empty, or left out by the cap). ``left_out``: messages left out at the start; ``cut``: the first
    kept message was cut to fit ``MAX_TEXT_CHARS``."""

    text: str
    spans: tuple[tuple[int, int] | None, ...]
    left_out: int = 0
    cut: bool = False

    @property
    def checked(self) -> int:
        """How many messages the check read."""
        return sum(1 for span in self.spans if span is not None)

    def message_at(self, offset: int) -> int | None:
        """The index of the message that holds character ``offset`` of :attr:`text`."""
        for index, span in enumerate(self.spans):
            if span is not None and span[0] <= offset < span[1]:
                return index
        return None


def join_messages(texts: Sequence[str | None], *, max_messages: int = MAX_MESSAGES,
                  max_chars: int = MAX_TEXT_CHARS) -> Joined:
    """Join the non-empty ``texts`` in order, keeping the last ``max_messages`` of them and as many of those,
    from the end, as fit in ``max_chars`` (the first one kept is cut from its start when it alone is too long:
    its end is nearer the rest). Raises ``EmptyInput`` when no text is left."""
    present = [i for i, text in enumerate(texts) if text and text.strip()]
    if not present:
        raise EmptyInput("nothing to check")
    kept: list[int] = []
    size = 0
    cut = False
    for index in reversed(present[-max_messages:]):
        length = len(texts[index].strip())  # type: ignore[union-attr]
        extra = length + (len(SEPARATOR) if kept else 0)
        if size + extra > max_chars:
            if not kept:  # the last message alone is too long: keep its end
                cut = True
                kept.append(index)
            break
        kept.append(index)
        size += extra
    kept.reverse()
    parts: list[str] = []
    spans: list[tuple[int, int] | None] = [None] * len(texts)
    offset = 0
    for n, index in enumerate(kept):
        part = texts[index].strip()  # type: ignore[union-attr]
        if cut and n == 0:
            part = part[-max_chars:]
        if parts:
            offset += len(SEPARATOR)
        spans[index] = (offset, offset + len(part))
        parts.append(part)
        offset += len(part)
    return Joined(SEPARATOR.join(parts), tuple(spans), left_out=sum(1 for i in present if i < kept[0]), cut=cut)


def joined_hints(hints: Sequence[CheckHints | None], joined: Joined) -> CheckHints:
    """The hints of the messages in ``joined`` as one: every entity, and the forward's origin when all the
    forwarded messages share it (mixed origins are named by none)."""
    kept = [h for h, span in zip(hints, joined.spans, strict=False) if h is not None and span is not None]
    phones = tuple(dict.fromkeys(p for h in kept for p in h.phone_entities))
    urls = tuple(dict.fromkeys(u for h in kept for u in h.url_entities))
    origins = {(h.forward_origin, h.forward_title) for h in kept if h.forward_origin}
    origin, title = next(iter(origins)) if len(origins) == 1 else (None, None)
    return CheckHints(phone_entities=phones, url_entities=urls, forward_origin=origin, forward_title=title)


@dataclass(frozen=True)
class ConversationVerdict:
    """The verdict on the whole conversation, and where its danger is.

    ``messages``: how many were given; ``checked``/``left_out``/``cut`` as in :class:`Joined`; ``dangerous``:
    the index (into the given messages) of the one that carries the danger and ``carries`` what it carries,
    both None under 🟢 or when no evidence points at one message (the model alone flagged the whole)."""

    verdict: Verdict
    messages: int
    checked: int
    left_out: int = 0
    cut: bool = False
    dangerous: int | None = None
    carries: Carries | None = None


def _score(evidence: Evidence) -> int:
    """How strongly an item of evidence points at its message: a hard fact, a strong tactic, a weak one."""
    if evidence.kind == EvidenceKind.PHRASE:
        return 2 if evidence.detail.get("strength") == "strong" else 1
    return _STRENGTH.get(evidence.kind, 1)


def find_danger(verdict: Verdict, joined: Joined, texts: Sequence[str | None]) -> tuple[int | None, Carries | None]:
    """Which message carries the danger, and what: the ask for money, then a link, then a number to contact,
    then any other tactic; among several, the strongest evidence, then the earliest. (None, None) under 🟢."""
    if verdict.risk_level == RiskLevel.LOW:
        return None, None
    found: dict[Carries, dict[int, int]] = {kind: {} for kind in Carries}

    def mark(kind: Carries, index: int | None, score: int) -> None:
        if index is not None:
            found[kind][index] = max(found[kind].get(index, 0), score)

    risky: dict[int, int] = {}
    for item in verdict.evidence:
        if item.span is None:
            continue
        index = joined.message_at(item.span.start)
        if index is None:
            continue
        score = _score(item)
        if item.kind in _RISK_KINDS:
            risky[index] = max(risky.get(index, 0), score)
        if item.kind in (EvidenceKind.PHRASE, EvidenceKind.CARD_TRAFFICKING):
            mark(Carries.MONEY if item.detail.get("rule") in MONEY_RULES else Carries.TACTIC, index, score)
        elif item.kind in (EvidenceKind.URL, EvidenceKind.RISKY_LINK):
            mark(Carries.LINK, index, score)
        elif item.kind == EvidenceKind.IMPERSONATION:
            mark(Carries.LINK if item.detail.get("url") else Carries.NUMBER, index, score)
        elif item.kind in (EvidenceKind.BLOCKLIST, EvidenceKind.NUMBER_SIGNAL):
            mark(Carries.NUMBER, index, score)
    for report in verdict.numbers:
        if report.span is not None and report.allowlisted is None:
            mark(Carries.NUMBER, joined.message_at(report.span.start), 1)
    # A risky message whose own words ask for money is the ask, whichever rule caught it.
    for index, score in risky.items():
        if _MONEY_ASK.search(texts[index] or ""):
            mark(Carries.MONEY, index, score)
    for kind in Carries:
        if found[kind]:
            index = max(found[kind], key=lambda i: (found[kind][i], -i))
            return index, kind
    return None, None


def _conversation(verdict: Verdict, joined: Joined, texts: Sequence[str | None]) -> ConversationVerdict:
    dangerous, carries = find_danger(verdict, joined, texts)
    return ConversationVerdict(verdict, messages=len(texts), checked=joined.checked, left_out=joined.left_out,
                               cut=joined.cut, dangerous=dangerous, carries=carries)


def _prepare(texts: Sequence[str | None], hints: Sequence[CheckHints | None] | CheckHints | None,
             ) -> tuple[Joined, CheckHints]:
    joined = join_messages(texts)
    per_message: Sequence[CheckHints | None] = [hints] * len(texts) if isinstance(hints, CheckHints) else \
        (hints or [None] * len(texts))
    return joined, joined_hints(per_message, joined)


async def check_conversation(checker: Any, texts: Sequence[str | None],
                             hints: Sequence[CheckHints | None] | CheckHints | None = None) -> ConversationVerdict:
    """Check the messages as one conversation (``checker`` is a ``bot.check.Checker``): one check, one model
    call, whatever the number of messages. ``hints`` per message (or one for all). Raises ``EmptyInput`` when
    no message has text."""
    joined, merged = _prepare(texts, hints)
    verdict = await checker.check_text(joined.text, merged)
    return _conversation(verdict, joined, texts)


def check_conversation_sync(checker: Any, texts: Sequence[str | None],
                            hints: Sequence[CheckHints | None] | CheckHints | None = None) -> ConversationVerdict:
    """:func:`check_conversation` for the CLI and tests."""
    joined, merged = _prepare(texts, hints)
    return _conversation(checker.check_text_sync(joined.text, merged), joined, texts)
