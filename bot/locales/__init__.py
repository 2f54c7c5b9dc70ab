"""Every word a user reads, one table per language.

``zh_hans``, ``zh_hant`` and ``en`` each hold ``STRINGS``: key → ``str.format`` template. Handlers and the
renderer look words up with :func:`t`; no user-facing sentence lives anywhere else, so a translator edits
three files and a test checks that the tables have the same keys and placeholders.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from bot.locales import en, zh_hans, zh_hant

LANGUAGES: Final = ("zh-Hans", "zh-Hant", "en")
DEFAULT_LANGUAGE: Final = "zh-Hans"

TABLES: Final = MappingProxyType({
    "zh-Hans": zh_hans.STRINGS,
    "zh-Hant": zh_hant.STRINGS,
    "en": en.STRINGS,
})


def t(lang: str, key: str, **values: object) -> str:
    """The ``key`` string in ``lang`` (falls back to Simplified Chinese), formatted with ``values``.

    A key missing from every table is a programming error and raises ``KeyError`` so tests catch it.
    """
    table = TABLES.get(lang, TABLES[DEFAULT_LANGUAGE])
    template = table.get(key)
    if template is None:
        template = TABLES[DEFAULT_LANGUAGE][key]
    return template.format(**values) if values else template


def has(lang: str, key: str) -> bool:
    """Whether ``key`` exists (used for optional keys such as a signal's own wording)."""
    return key in TABLES.get(lang, TABLES[DEFAULT_LANGUAGE])
