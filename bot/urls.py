"""Find links in free text and tell official domains from lookalikes.

urlextract finds the links (its TLD list ships with it; nothing is fetched); tldextract splits the
registrable domain with its bundled Public Suffix List snapshot (``suffix_list_urls=()``: never online).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import tldextract
from urlextract import URLExtract

from bot import PROJECT_ROOT

OFFICIAL_DOMAINS_FILE = PROJECT_ROOT / "data" / "rules" / "official_domains.toml"
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SHORTENERS = frozenset({"t.cn", "url.cn", "dwz.cn", "suo.im", "bit.ly", "tinyurl.com", "is.gd", "c.tb.cn",
                         "m.tb.cn", "goo.gl", "ow.ly", "s.id", "reurl.cc", "sohu.gg", "mrw.so"})


@dataclass(frozen=True)
class FoundUrl:
    url: str
    start: int
    end: int
    domain: str      # registrable domain, e.g. "icbc.com.cn"
    host: str


@dataclass(frozen=True)
class DomainFinding:
    """A link that is risky by its domain alone (facts for the verdict, with a reason key)."""

    url: FoundUrl
    reason: str      # "lookalike" | "shortener" | "ip_address"
    brand: str | None = None  # the brand a lookalike imitates, e.g. "中国工商银行"


@lru_cache(maxsize=1)
def _extractor() -> URLExtract:
    return URLExtract()


@lru_cache(maxsize=1)
def _tld() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def find_urls(text: str) -> list[FoundUrl]:
    """Every link in ``text`` with offsets into it.

    Chinese text runs straight into links ("请登录www.x.cn兑换"), which urlextract does not split, so
    non-ASCII characters are blanked first; one-for-one, so offsets stay valid.
    """
    ascii_view = _NON_ASCII.sub(" ", text)
    found: list[FoundUrl] = []
    for url, (start, end) in _extractor().find_urls(ascii_view, get_indices=True, only_unique=False):
        host = re.sub(r"^[a-z]+://", "", url, flags=re.I).split("/")[0].split(":")[0].lower()
        parts = _tld()(host)
        domain = parts.top_domain_under_public_suffix or host
        found.append(FoundUrl(url=url, start=start, end=end, domain=domain.lower(), host=host))
    return found


@lru_cache(maxsize=1)
def official_domains() -> dict[str, tuple[str, tuple[str, ...]]]:
    """brand token → (owner, official registrable domains), from ``data/rules/official_domains.toml``."""
    raw = tomllib.loads(Path(OFFICIAL_DOMAINS_FILE).read_text(encoding="utf-8"))
    return {b["token"].lower(): (b["owner"], tuple(d.lower() for d in b["domains"])) for b in raw["brand"]}


def official_domains_of(owner: str) -> tuple[str, ...] | None:
    """The official domains of an allowlist owner ("中国工商银行", "中国银联（云闪付）"), None if unknown."""
    for brand_owner, domains in official_domains().values():
        if domains and (brand_owner == owner or brand_owner in owner or owner in brand_owner):
            return domains
    return None


# Links a genuine notice may carry whatever its sender: WeChat articles, app stores.
NEUTRAL_DOMAINS = frozenset({"weixin.qq.com", "qq.com", "apple.com", "gov.cn"})


def assess_url(found: FoundUrl) -> DomainFinding | None:
    """A lookalike of an official brand's domain, a link shortener, or a bare IP address — else None."""
    if re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", found.host):
        return DomainFinding(found, "ip_address")
    if found.domain in _SHORTENERS or found.host in _SHORTENERS:
        return DomainFinding(found, "shortener")
    label = found.host.replace(".", "-")
    for token, (owner, domains) in official_domains().items():
        if found.domain in domains:
            return None
        if re.search(rf"(^|[^a-z0-9]){re.escape(token)}([^a-z]|$)", label):
            return DomainFinding(found, "lookalike", brand=owner)
    return None
