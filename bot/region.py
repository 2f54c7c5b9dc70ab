"""Where the reader lives, and the anti-fraud hotlines and report channels of that place.

A verdict's "what to do" ends with whom to ask and where to report. 96110 and the 国家反诈中心 app help a
reader on the mainland only; a reader in Hong Kong needs 18222 and Scameter, one in Taiwan 165, one in
Macao 8800 7777. The lines themselves are data (``data/rules/hotlines.toml``, each with its source); this
module decides which region's lines a reader gets and words them with ``bot.locales``.

The choice, in order: the region the reader set with ``/region``; their Telegram app's language if it names
a place (``zh-hk``, ``zh-tw``, ``zh-mo``); for a Traditional-script reader, the places of the numbers in
their message (``+852`` → Hong Kong), else Hong Kong and Taiwan both, compactly (Traditional script is what
both write); everyone else gets the mainland's lines, as before.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot import PROJECT_ROOT
from bot.locales import t
from bot.verdict import Advice

HOTLINES_PATH = PROJECT_ROOT / "data" / "rules" / "hotlines.toml"

MAINLAND, HONG_KONG, TAIWAN, MACAO = "mainland", "hk", "tw", "mo"
REGIONS = (MAINLAND, HONG_KONG, TAIWAN, MACAO)
"""The regions a reader can choose with ``/region``; ``AUTO`` clears the choice."""
AUTO = "auto"
TRADITIONAL_DEFAULT = (HONG_KONG, TAIWAN)
"""What a Traditional-script reader gets when nothing says where they are."""

_BY_NUMBER_REGION = {"HK": HONG_KONG, "TW": TAIWAN, "MO": MACAO}
_BY_APP_LANGUAGE = {"zh-hk": HONG_KONG, "zh-tw": TAIWAN, "zh-mo": MACAO}
_ROLE_BY_ADVICE = {Advice.CALL_96110: "ask", Advice.CALL_110: "police", Advice.REPORT_APP: "report"}
"""The checker's region-free advice keys, and the hotline role each stands for."""
_LANGUAGE_FIELDS = {"zh-Hans": "zh_hans", "zh-Hant": "zh_hant", "en": "en"}


@dataclass(frozen=True)
class Hotline:
    """One ``[[hotline]]`` of the data file."""

    region: str
    role: str  # "ask" | "police" | "report"
    number: str  # what to dial; "" for an app or a website
    names: dict[str, str]  # by language: "zh-Hans", "zh-Hant", "en"; "" when the number says it all (110)

    def name(self, lang: str) -> str:
        return self.names.get(lang, "")


@lru_cache(maxsize=4)
def hotlines(path: Path = HOTLINES_PATH) -> tuple[Hotline, ...]:
    """The hotlines of ``data/rules/hotlines.toml`` in file order (the order they are shown in)."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for row in raw.get("hotline", []):
        region, role = str(row["region"]), str(row["role"])
        if region not in REGIONS or role not in set(_ROLE_BY_ADVICE.values()):
            raise ValueError(f"{path.name}: unknown region or role in {row!r}")
        names = {lang: str(row.get("name", {}).get(field, "")) for lang, field in _LANGUAGE_FIELDS.items()}
        out.append(Hotline(region, role, str(row.get("number", "")), names))
    return tuple(out)


def normalize_region(value: str | None) -> str | None:
    """A ``/region`` argument as stored (``"hk"``), ``AUTO``, or None when it is not one we know."""
    word = (value or "").strip().lower()
    aliases = {"cn": MAINLAND, "china": MAINLAND, "hongkong": HONG_KONG, "taiwan": TAIWAN, "macao": MACAO,
               "macau": MACAO}
    word = aliases.get(word, word)
    return word if word in (*REGIONS, AUTO) else None


def choose_regions(stored: str | None, lang: str, *, app_language: str | None = None,
                   number_regions: Iterable[str | None] = ()) -> tuple[str, ...]:
    """Whose hotlines a reader gets (one region, or Hong Kong and Taiwan both; see the module docstring).

    ``stored``: the reader's ``/region`` choice; ``lang``: the reply language; ``app_language``: Telegram's
    ``language_code``; ``number_regions``: ISO regions of the numbers in the message, in order.
    """
    if stored in REGIONS:
        return (stored,)
    code = (app_language or "").strip().lower().replace("_", "-")
    if code in _BY_APP_LANGUAGE:
        return (_BY_APP_LANGUAGE[code],)
    if lang == "zh-Hant":
        hinted = tuple(dict.fromkeys(_BY_NUMBER_REGION[r] for r in number_regions if r in _BY_NUMBER_REGION))
        return hinted or TRADITIONAL_DEFAULT
    return (MAINLAND,)


def hotline_line(advice: Advice, regions: Sequence[str], lang: str) -> str | None:
    """The advice line for a hotline advice key in the reader's regions; None for any other advice, and
    ``""`` when none of the regions has such a line (Macao has no report app)."""
    role = _ROLE_BY_ADVICE.get(Advice(advice))
    if role is None:
        return None
    several = len(regions) > 1
    items: list[str] = []
    for region in regions:
        for line in hotlines():
            if line.region != region or line.role != role:
                continue
            name = line.name(lang)
            if line.number and name:
                item = t(lang, "hotline.item", number=line.number, name=name)
            else:
                item = line.number or name
            items.append(t(lang, "hotline.item.region", region=t(lang, f"region.name.{region}"), item=item)
                         if several else item)
    if not items:
        return ""
    return t(lang, f"hotline.{role}", lines=t(lang, "hotline.sep").join(items))
