"""Impersonation: the text names an organisation on the allowlist but gives a contact that is not its own.

A hard fact for the policy (``bot.policy``): "【工商银行】… call 13800138000" or "登录我行网站 m845.com.cn". Which
contacts count depends on the kind of organisation (banks, payment platforms and operators only ever use their
service numbers; a police station or a court has local landlines, so only mobiles, overseas and VoIP numbers
count there; couriers phone from mobiles, so only a "customer service" or claims contact counts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.urls import NEUTRAL_DOMAINS, DomainFinding, FoundUrl, official_domains_of
from bot.verdict import Evidence, EvidenceKind, NumberReport, Span
from nlp.textnorm import original_span


@dataclass(frozen=True)
class OfficialNumber:
    """An allowlisted number as the checker sees it: its owner, the owner's other names, the kind of owner."""

    number: str
    owner: str
    aliases: tuple[str, ...]
    kind: str  # bank | operator | courier | payment | government | …


# The text presents a contact as the organisation's: cues that it does so.
_CONTACT_CUE = re.compile(r"客服|热线|专线|官方|致电|回电|来电|拨打|联系|咨询|回复|添加|加微信|加QQ|专员|工作人员")
# Per kind of organisation, which contacts are impersonation when not official: banks, payment and
# operators only ever use their service numbers; a police station or court has local landlines (not on
# the allowlist) so only mobiles/overseas/VoIP numbers count there; couriers phone from mobiles, so only
# a "customer service"/claims contact counts.
_STRICT_KINDS = frozenset({"bank", "payment", "operator", "platform"})
_LINK_STRICT_KINDS = frozenset({"bank", "payment"})
_GOV_RISKY_TYPES = frozenset({"mobile", "voip", "unknown", "invalid"})
_COURIER_CUE = re.compile(r"客服|理赔|赔偿|退款|专员")
# A link presented as the organisation's site ("登录我行网站 m845.com.cn").
_LINK_CUE = re.compile(r"登录|登陆|点击|访问|网址|网站|链接|官网|打开")


def find_impersonations(text: str, normalized: str, origin: list[int], reports: list[NumberReport],
                    urls: list[FoundUrl], findings: list[DomainFinding],
                    officials: list[OfficialNumber]) -> list[Evidence]:
    """The text names an allowlisted organisation but gives a contact that is not one of its own."""
    if not officials:
        return []
    contact_cue = bool(_CONTACT_CUE.search(normalized)) or "【" in normalized or "[" in normalized
    link_cue = bool(urls) and bool(_LINK_CUE.search(normalized))
    if not (contact_cue or link_cue):
        return []
    lookalikes = [f for f in findings if f.reason == "lookalike"]
    out: list[Evidence] = []
    named: dict[str, tuple[OfficialNumber, int, int]] = {}
    for official in officials:
        for alias in (official.owner, *official.aliases):
            if len(alias) < 2:
                continue
            if alias.isascii():  # ICBC, CCB: whole words only, never inside a link or another word
                m = re.search(rf"(?<![A-Za-z0-9.\-/]){re.escape(alias)}(?![A-Za-z0-9.\-])", normalized, re.I)
                at = m.start() if m else -1
            else:
                at = normalized.find(alias)
            if at >= 0 and official.owner not in named:
                named[official.owner] = (official, at, at + len(alias))
    for owner, (official, start, end) in named.items():
        own_numbers = {o.number for o in officials if o.owner == owner}
        for report in reports if contact_cue else ():
            if report.e164 is None or report.e164 in own_numbers or report.allowlisted:
                continue
            if official.kind == "government" and report.type not in _GOV_RISKY_TYPES and report.region == "CN":
                continue
            if official.kind == "courier" and not _COURIER_CUE.search(normalized):
                continue
            if official.kind not in _STRICT_KINDS | {"government", "courier"}:
                continue
            s, e = original_span(origin, start, end, len(text))
            out.append(Evidence(EvidenceKind.IMPERSONATION,
                                {"org": owner, "kind": official.kind, "number": report.e164,
                                 "official": sorted(own_numbers)}, Span(s, e, text[s:e])))
        # Links: banks and payment platforms only. Operators' and shops' genuine ads carry campaign and
        # third-party links (measured on the shared ad sets), so there only lookalike domains count.
        own_domains = official_domains_of(owner) if official.kind in _LINK_STRICT_KINDS else None
        if own_domains and link_cue:
            for url in urls:
                if url.domain in own_domains or url.domain in NEUTRAL_DOMAINS or url.domain.endswith(".gov.cn"):
                    continue
                if any(f.url == url for f in lookalikes):
                    continue  # reported below, with the brand it imitates
                s, e = original_span(origin, start, end, len(text))
                out.append(Evidence(EvidenceKind.IMPERSONATION,
                                    {"org": owner, "kind": official.kind, "url": url.url,
                                     "official": sorted(own_numbers), "official_domains": list(own_domains)},
                                    Span(s, e, text[s:e])))
        for finding in lookalikes:
            if finding.brand == owner:
                s, e = original_span(origin, start, end, len(text))
                out.append(Evidence(EvidenceKind.IMPERSONATION,
                                    {"org": owner, "kind": official.kind, "url": finding.url.url,
                                     "official": sorted(own_numbers)}, Span(s, e, text[s:e])))
    return out
