"""Phrase rules and 断卡 (card-trafficking) recruitment rules, with spans into the user's text.

The rule lists are data (``data/rules/phrases.toml``, ``data/rules/card_trafficking.toml``); this module
only loads and matches them. Matching runs on normalised text (NFKC + Simplified) and spans are mapped
back to the original text, so Traditional input gives the same hits at the right places.

A match is discarded as a *warning* when a warning word stands just before it (不要/切勿/谨防 …) or a
"this is a crime" phrase just after it (…是违法的/涉嫌帮信罪): anti-fraud notices quote scam tactics.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot import PROJECT_ROOT
from nlp.textnorm import normalize_with_offsets, original_span

RULES_DIR = PROJECT_ROOT / "data" / "rules"
_WARNING_BEFORE = re.compile(
    r"(不要|不得|不能|不会|不可|切勿|请勿|勿|别|谨防|警惕|提防|防范|严禁|禁止|绝不|拒绝|远离|谨慎)[^。！!？?；;，,]{0,14}$"
)
_WARNING_AFTER = re.compile(
    r"^[^。！!？?；;]{0,12}(违法|犯罪|帮信|涉嫌|被判|判刑|刑事责任|是诈骗|都是诈骗|就是诈骗|骗局)"
)


@dataclass(frozen=True)
class Rule:
    id: str
    pattern: re.Pattern[str]
    category: str | None
    strength: str  # "strong" | "weak"


@dataclass(frozen=True)
class RuleHit:
    rule: Rule
    start: int  # offsets into the ORIGINAL text
    end: int
    text: str   # the original text of the span

    @property
    def strong(self) -> bool:
        return self.rule.strength == "strong"


def _load(path: Path, *, default_category: str | None, default_strength: str) -> tuple[Rule, ...]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    fills = {k: v for k, v in raw.items() if isinstance(v, str)}
    rules = []
    for item in raw["rule"]:
        pattern = item["pattern"]
        for key, value in fills.items():
            pattern = pattern.replace("{" + key + "}", value)
        rules.append(Rule(
            id=item["id"],
            pattern=re.compile(pattern, re.IGNORECASE),
            category=item.get("category", default_category) or None,
            strength=item.get("strength", default_strength),
        ))
    return tuple(rules)


@lru_cache(maxsize=1)
def phrase_rules() -> tuple[Rule, ...]:
    return _load(RULES_DIR / "phrases.toml", default_category=None, default_strength="weak")


@lru_cache(maxsize=1)
def card_trafficking_rules() -> tuple[Rule, ...]:
    return _load(RULES_DIR / "card_trafficking.toml", default_category="card_trafficking", default_strength="strong")


def _is_warning(normalized: str, start: int, end: int) -> bool:
    return bool(_WARNING_BEFORE.search(normalized[max(0, start - 20):start])
                or _WARNING_AFTER.search(normalized[end:end + 16]))


def match_rules(
    text: str, rules: tuple[Rule, ...], *, normalized: tuple[str, list[int]] | None = None
) -> list[RuleHit]:
    """Every non-warning hit of ``rules`` in ``text``, spans into ``text``; one hit per rule and place."""
    norm, origin = normalized or normalize_with_offsets(text)
    hits: list[RuleHit] = []
    for rule in rules:
        for m in rule.pattern.finditer(norm):
            if m.end() == m.start() or _is_warning(norm, m.start(), m.end()):
                continue
            start, end = original_span(origin, m.start(), m.end(), len(text))
            hits.append(RuleHit(rule=rule, start=start, end=end, text=text[start:end]))
    hits.sort(key=lambda h: (h.start, h.end))
    return hits


def find_phrases(text: str, *, normalized: tuple[str, list[int]] | None = None) -> list[RuleHit]:
    """Scam-tactic phrases (安全账户, 屏幕共享, 验证码, 刷单 …) in ``text``."""
    return match_rules(text, phrase_rules(), normalized=normalized)


def find_card_trafficking(text: str, *, normalized: tuple[str, list[int]] | None = None) -> list[RuleHit]:
    """断卡 recruitment (renting/selling cards and accounts, 跑分, 帮人走账) in ``text``."""
    return match_rules(text, card_trafficking_rules(), normalized=normalized)
