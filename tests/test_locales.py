"""The three string tables stay in step: same keys, same placeholders, each in its own script."""

from __future__ import annotations

import string

import pytest

from bot.categories import CATEGORIES
from bot.language import script_counts
from bot.locales import LANGUAGES, TABLES, t
from bot.verdict import Advice, RiskLevel


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("lang", ["zh-Hant", "en"])
def test_every_table_has_the_reference_keys_and_placeholders(lang: str) -> None:
    reference = TABLES["zh-Hans"]
    table = TABLES[lang]
    assert set(table) == set(reference), set(table) ^ set(reference)
    for key, template in reference.items():
        assert _placeholders(table[key]) == _placeholders(template), key


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_category_advice_and_level_is_worded(lang: str) -> None:
    for category in CATEGORIES:
        assert t(lang, f"cat.{category.key}").strip()
    for advice in Advice:
        assert t(lang, f"advice.{advice.value}").strip()
    for level in RiskLevel:
        assert t(lang, f"level.{level.value}").strip()


@pytest.mark.parametrize(("lang", "foreign"), [("zh-Hans", 0), ("zh-Hant", 1)])
def test_chinese_tables_are_written_in_their_own_script(lang: str, foreign: int) -> None:
    """No Traditional-only character in the Simplified table, no Simplified-only one in the Traditional."""
    wrong = [key for key, text in TABLES[lang].items()
             if not key.startswith(("lang.name.", "cmd.lang")) and script_counts(text)[foreign] > 0]
    assert wrong == []


def test_low_level_never_claims_safety() -> None:
    assert t("zh-Hans", "level.low") == "🟢 未发现明显风险"
    assert t("zh-Hant", "level.low") == "🟢 未發現明顯風險"
    assert "no clear warning signs" in t("en", "level.low").lower()
    for lang in LANGUAGES:
        lead = t(lang, "lead.low")
        assert "不能证明" in lead or "不能證明" in lead or "cannot prove" in lead
