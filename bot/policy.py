"""How signals combine into a risk level: one small, documented, tested policy.

One weak signal never decides "high": a verdict is high on a hard fact, or when independent signals agree.

1. **High on its own** (hard facts): an active blocklist hit; impersonation (the text names an organisation on
   the allowlist but gives a contact that is not one of its official ones); a link to a lookalike of an
   official domain; a 断卡 recruitment rule hit (rules discard hits inside warnings, see ``bot.rules``).
   Except a lookalike link inside a text that presents itself as a warning: a warning quotes the phishing SMS
   it warns of, link and all, so the link is shown and the level is suspicious (real-register tune half:
   warnings rated high 0.9% → 0.0%; no scam lowered on either half).
2. **Bare number**: blocklisted → high; official → low; overseas/spoof-like/unofficial service code/premium
   → suspicious; a virtual-operator segment alone stays low (millions use them) but is shown.
3. **Agreement** → high: strong tactics from two different rules; one strong tactic while the model says at
   least ``MODEL_SUSPICIOUS``; one strong tactic in a text that also carries a contact that is not an official
   one (a number off the allowlist, a link to a site that is not an official domain, a private chat account such
   as a WeChat or LINE id); or the model at ``MODEL_HIGH`` or more on a text with such a
   contact — the tactic (or the model) and the ask agree. A strong tactic is one genuine senders do not use;
   with a way to reach the sender beside it, the message is the scam's ask. This is what rates the terse
   scam SMS ("传票未签收 请速联系 021-…", "包裹查出违禁品 请回电") high, and English scams, which the model does
   not read at all. Measured (rules as of this change, cached model answers): real-register tune half, scams
   high 46.6% → 52.9% with this rule alone and no normal or warning row raised; held-out real test rows of the
   shared data (seed 13; 18,854 normal, 2,441 fraud), normal rows rated high 0.19% → 0.20% (two ads with a
   strong phrase and a number), flagged 0.38% unchanged, fraud rated high 31.1% → 32.0%.
   A *support* tactic (the ask or the pressure: an amount to pay, a deadline, "call us back", data/rules/
   support.toml) beside a strong one counts as a second tactic (``bot.rules.RuleHit.strong``): the tactic and its
   ask agree as they do with a contact. Alone a support tactic counts for nothing. Measured with the cached model
   answers on the real-register set: held-out scams rated high 58.7% → 61.4%, no held-out normal row raised.
4. **One signal** → suspicious: one strong tactic alone, or the model at ``MODEL_SUSPICIOUS`` or more alone
   (however sure: real bank notices, family money talk and warnings are where the model is most wrong).
   Weak phrases (验证码, 冻结 …) never raise the level: genuine notices use them too; they are shown.
5. **Risky contact**: already suspicious and the text carries a risky number (overseas, spoof-like,
   unofficial service code, premium) or a shortened/IP link → high; not in a text that presents itself as a
   warning, which quotes the scammer's number or link as it quotes the rest. An official service number written the
   way a spoofed caller id shows it (``+86 95588``, ``0086 95588``) makes an otherwise quiet text suspicious:
   banks do not write their own hotline that way; a caller id forged to look like it does.
6. **Warnings and official notices**, when no hard fact and no rule fired (the level rests on the model):
   a text that presents itself as a warning, news or a retold scam (``bot.rules.is_warning_text``), or whose
   every contact is an allowlisted official number (no other numbers, no links), is lowered by one level.

The model thresholds are chosen from ``fanzha evaluate`` on the held-out split and checked on the
real-register evaluation set (``fanzha evaluate-set``, data/MODEL_CARD.md); the false-positive rate each implies
is written next to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.verdict import RiskLevel

# Chosen on the tune half of the real-register evaluation set (`fanzha evaluate-set --threshold-grid`,
# bench/results/eval/realset/thresholds.md) for the shipped classifier (4-layer transformer + TF-IDF peer,
# w = 0.55), then checked on the held-out real test rows (`fanzha evaluate`, bench/results/eval/eval_seed13.md,
# 21,295 rows). On the tune half, 0.8 rates more scams high than 0.9 with no more false alarms;
# a suspicious threshold under 0.5 flags more genuine messages than the 3 % the product allows.
MODEL_HIGH = 0.80        # in-split: false positives 0.05% of normal text, 0.03% of personal SMS/chat; recall 0.973
MODEL_SUSPICIOUS = 0.50  # in-split: false positives 0.12% of normal text, 0.04% of personal SMS/chat; recall 0.982

RISKY_NUMBER_SIGNALS = frozenset({"overseas", "spoof_format", "invalid", "unofficial_service_code", "premium"})
RISKY_LINK_REASONS = frozenset({"shortener", "ip_address"})

_ORDER = {RiskLevel.LOW: 0, RiskLevel.SUSPICIOUS: 1, RiskLevel.HIGH: 2}
_BY_RANK = {v: k for k, v in _ORDER.items()}


@dataclass
class Signals:
    """Counted facts the policy looks at (the checker fills it; evidence details live in the Verdict)."""

    blocklist_hits: int = 0
    impersonations: int = 0
    lookalike_links: int = 0
    card_trafficking_hits: int = 0
    strong_phrase_rules: set[str] = field(default_factory=set)
    fraud_probability: float | None = None
    risky_numbers: int = 0          # numbers with a signal in RISKY_NUMBER_SIGNALS
    risky_links: int = 0            # shortener / IP-address links
    official_contacts_only: bool = False
    unofficial_contacts: int = 0    # numbers off the allowlist, and links, in a text
    warning_text: bool = False      # the text presents itself as a warning, news or a retold scam
    bare_number: bool = False
    number_allowlisted: bool = False
    spoofed_officials: int = 0      # official service numbers written as a spoofed caller id shows them


def decide(s: Signals) -> RiskLevel:
    """The risk level for a set of signals (see the module docstring for the rule order)."""
    if s.blocklist_hits or s.impersonations or s.card_trafficking_hits:
        return RiskLevel.HIGH
    if s.lookalike_links:
        # A warning that quotes the phishing SMS it warns of carries that SMS's link: shown, not high.
        return RiskLevel.SUSPICIOUS if s.warning_text else RiskLevel.HIGH
    if s.bare_number:
        if s.number_allowlisted:
            return RiskLevel.LOW
        return RiskLevel.SUSPICIOUS if s.risky_numbers else RiskLevel.LOW

    p = s.fraud_probability
    model_high = p is not None and p >= MODEL_HIGH
    model_flags = p is not None and p >= MODEL_SUSPICIOUS
    strong = len(s.strong_phrase_rules)

    contact = s.unofficial_contacts > 0
    if strong >= 2 or (strong == 1 and (model_flags or contact)) or (model_high and contact):
        level = RiskLevel.HIGH
    elif strong == 1 or model_flags:
        level = RiskLevel.SUSPICIOUS
    else:
        level = RiskLevel.LOW
    if level == RiskLevel.SUSPICIOUS and (s.risky_numbers or s.risky_links) and not s.warning_text:
        level = RiskLevel.HIGH
    if level == RiskLevel.LOW and s.spoofed_officials:
        level = RiskLevel.SUSPICIOUS
    if strong == 0 and (s.official_contacts_only or s.warning_text) and level != RiskLevel.LOW:
        level = _BY_RANK[_ORDER[level] - 1]
    return level


@dataclass(frozen=True)
class PictureLevel:
    """The level of a verdict on text read from a picture, and whether it is shown as "could not tell"."""

    level: RiskLevel
    could_not_tell: bool = False


def picture_level(level: RiskLevel, *, unsure: bool) -> PictureLevel:
    """The level of a check of text read from a picture; ``unsure``: the OCR reading was hard
    (``bot.ocr.OcrResult.unsure``).

    An unsure reading never gives the low level's reassurance. A misread picture loses words far more often than
    it invents them: characters drop out or turn into others, and a scam phrase or the digits of a blocklisted
    number do not appear by accident. So what *was* read still counts: a hard fact read (a blocklisted number, a
    断卡 hit, an impersonation) keeps its high level, and a raised level from the model or the rules stays, as
    a warning is cheap to check. But finding nothing in a reading that may have lost the very words that matter
    proves even less than finding nothing in a text: a low level on an unsure reading becomes "could not tell"
    (the level stays low for the counts, never raised to "suspicious", which would claim signs that were not
    seen), and the reply asks for the original message instead.
    """
    if unsure and level == RiskLevel.LOW:
        return PictureLevel(RiskLevel.LOW, could_not_tell=True)
    return PictureLevel(level)
