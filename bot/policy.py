"""How signals combine into a risk level: one small, documented, tested policy.

Order of precedence (first that applies sets the floor; later steps may only raise, except step 6):

1. **High on its own**: an active blocklist hit; impersonation (the text names an organisation on the
   allowlist but gives a contact that is not one of its official ones); a link to a lookalike of an
   official domain; a 断卡 recruitment rule hit.
2. **Model**: fraud probability ``p ≥ MODEL_HIGH`` → high; ``p ≥ MODEL_SUSPICIOUS`` → suspicious.
3. **Phrases**: one strong scam tactic (安全账户, 屏幕共享, 刷单 …) → at least suspicious; strong tactics
   from two different rules, or one strong tactic while ``p ≥ MODEL_SUSPICIOUS`` → high. Weak phrases
   (验证码, 冻结 …) never raise the level: genuine notices use them too; they are shown as evidence.
4. **Risky contact**: already suspicious and the text carries a risky number (overseas, spoof-like,
   unofficial service code, premium) or a shortened/IP link → high.
5. **Bare number**: blocklisted → high; official → low; overseas/spoof-like/unofficial service code/premium
   → suspicious; a virtual-operator segment alone stays low (millions use them) but is shown.
6. **Official contacts only**: when the level rests on the model alone (no rule fired) and every contact
   in the text is an allowlisted official number (no other numbers, no links), lower it by one level:
   genuine bank/operator notices are long, formal and money-related, exactly what the model is wary of.

The model thresholds are chosen from ``fanzha evaluate`` on the held-out split (see data/MODEL_CARD.md);
the false-positive rate each implies is written next to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.verdict import RiskLevel

# Chosen from the evaluation of the shipped classifier (4-layer transformer + TF-IDF peer, w = 0.65) on the held-out
# real test rows: `fanzha evaluate --data-dir ../shared/data --select-weight` → bench/results/eval/eval_seed13.md
# (19,268 rows; 17,316 normal of which 7,694 personal NUS/LCCC).
MODEL_HIGH = 0.90        # false positives: 0.05% of normal text, 0.04% of personal SMS/chat; fraud recall 0.977
MODEL_SUSPICIOUS = 0.50  # false positives: 0.09% of normal text, 0.06% of personal SMS/chat; fraud recall 0.985

RISKY_NUMBER_SIGNALS = frozenset({"overseas", "spoof_format", "invalid", "unofficial_service_code", "premium"})
RISKY_LINK_REASONS = frozenset({"shortener", "ip_address"})

_ORDER = {RiskLevel.LOW: 0, RiskLevel.SUSPICIOUS: 1, RiskLevel.HIGH: 2}
_BY_RANK = {v: k for k, v in _ORDER.items()}


def _max(a: RiskLevel, b: RiskLevel) -> RiskLevel:
    return a if _ORDER[a] >= _ORDER[b] else b


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
    bare_number: bool = False
    number_allowlisted: bool = False


def decide(s: Signals) -> RiskLevel:
    """The risk level for a set of signals (see the module docstring for the rule order)."""
    if s.blocklist_hits or s.impersonations or s.lookalike_links or s.card_trafficking_hits:
        return RiskLevel.HIGH
    if s.bare_number:
        if s.number_allowlisted:
            return RiskLevel.LOW
        return RiskLevel.SUSPICIOUS if s.risky_numbers else RiskLevel.LOW

    p = s.fraud_probability
    model_level = RiskLevel.LOW
    if p is not None and p >= MODEL_HIGH:
        model_level = RiskLevel.HIGH
    elif p is not None and p >= MODEL_SUSPICIOUS:
        model_level = RiskLevel.SUSPICIOUS

    rule_level = RiskLevel.LOW
    strong = len(s.strong_phrase_rules)
    if strong >= 2 or (strong == 1 and model_level != RiskLevel.LOW):
        rule_level = RiskLevel.HIGH
    elif strong == 1:
        rule_level = RiskLevel.SUSPICIOUS

    level = _max(model_level, rule_level)
    if level == RiskLevel.SUSPICIOUS and (s.risky_numbers or s.risky_links):
        level = RiskLevel.HIGH
    if rule_level == RiskLevel.LOW and s.official_contacts_only and level != RiskLevel.LOW:
        level = _BY_RANK[_ORDER[level] - 1]
    return level
