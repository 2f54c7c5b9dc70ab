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
# A colon after a blank (a Chinese word, blanked: "链接:x.cn" — NFKC turns the full-width "：" into it) or
# before "www.": urlextract reads "x:" as a scheme and then finds no link after it. Colons of schemes
# ("https://"), ports (":8080") and paths ("/a:b") are left alone.
_LONE_COLON = re.compile(r"(?<=\s):(?!//|\d)|:(?=www\.)")
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


# Where urlextract looks: a link's host is a run of letters, digits, dots and hyphens, at most 253 characters
# (DNS), ending in a TLD-looking label (letters, or punycode ``xn--``) or forming a dotted-quad IP address.
_HOST_RUN = re.compile(r"[A-Za-z0-9.\-]+")
_TLD_LABEL = re.compile(r"[A-Za-z]{2,63}|xn--[A-Za-z0-9\-]{1,59}", re.IGNORECASE)
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_MAX_HOST = 253
_WINDOW_BEFORE = 32   # scheme and user info before a host ("https://", "user:pw@")
_WINDOW_AFTER = 64    # port and the start of the path after it; a longer path is followed to its end below
_URL_END = re.compile(r'[\s"<>;|]')  # urlextract's right stop characters: a link runs up to one of these


def _is_candidate_host(run: str) -> bool:
    host = run.strip(".-")
    if not 3 <= len(host) <= _MAX_HOST or "." not in host:
        return False
    return bool(_TLD_LABEL.fullmatch(host.rsplit(".", 1)[1]) or _IPV4.fullmatch(host))


def find_urls(text: str) -> list[FoundUrl]:
    """Every link in ``text`` with offsets into it.

    Chinese text runs straight into links ("请登录www.x.cn兑换"), which urlextract does not split, so
    non-ASCII characters are blanked first; one-for-one, so offsets stay valid.

    urlextract widens every TLD it sees to the whole run of characters around it, so a long dotted run
    ("1." two thousand times: every ".1" could end an IP address) costs time quadratic in its length. It is
    therefore only shown short windows around the runs that can be a host (one linear pass finds them),
    each window bounded, the windows never overlapping; a link whose path runs past its window is followed
    to its end here, as urlextract would have done.
    """
    ascii_view = _LONE_COLON.sub(" ", _NON_ASCII.sub(" ", text))
    found: list[FoundUrl] = []
    covered = 0  # everything before this index has been shown to urlextract
    for run in _HOST_RUN.finditer(ascii_view):
        if run.start() < covered or not _is_candidate_host(run.group()):
            continue
        start = max(covered, run.start() - _WINDOW_BEFORE)
        stop = min(len(ascii_view), run.end() + _WINDOW_AFTER)
        stop_char = _URL_END.search(ascii_view, run.end(), stop)
        if stop_char is not None:
            stop = stop_char.start() + 1
        window = ascii_view[start:stop]
        covered = stop
        for url, (s, e) in _extractor().find_urls(window, get_indices=True, only_unique=False):
            if window[s:e] != url:  # urlextract's offsets are sometimes off ("A.ACA://A.AC:0" → 8..22)
                s = window.find(url)
                if s < 0:
                    continue
                e = s + len(url)
            s, e = s + start, e + start
            if e >= stop - 1 and stop_char is None and stop < len(ascii_view):
                rest = _URL_END.search(ascii_view, stop)
                e = covered = rest.start() if rest else len(ascii_view)
                url = ascii_view[s:e]
            found.append(_found(url, s, e))
    return found


def _found(url: str, start: int, end: int) -> FoundUrl:
    host = re.sub(r"^[a-z]+://", "", url, flags=re.I).split("/")[0].split(":")[0].lower()
    parts = _tld()(host)
    domain = parts.top_domain_under_public_suffix or host
    return FoundUrl(url=url, start=start, end=end, domain=domain.lower(), host=host)


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
