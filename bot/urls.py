"""Find links in free text and tell official domains from lookalikes.

urlextract finds the links (its TLD list ships with it; nothing is fetched); tldextract splits the
registrable domain with its bundled Public Suffix List snapshot (``suffix_list_urls=()``: never online).

A link is official when its registrable domain is one of an organisation's own (data/rules/official_domains.toml).
It imitates one when it carries the brand's token (icbc-vip.cc), puts an official domain in front of its
own (icbc.com.cn.evil.xyz: the site is evil.xyz), spells an official label with look-alike characters
(1cbc.com.cn, Cyrillic "іcbc", punycode ``xn--``) or one edit away (bankcom.com), or reuses the label under
another suffix (icbc.xyz). Shorteners are named as what they are: a link that hides where it goes.
"""

from __future__ import annotations

import contextlib
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from confusable_homoglyphs import categories, confusables
from rapidfuzz.distance import DamerauLevenshtein
from urlextract import URLExtract

from bot import PROJECT_ROOT

if TYPE_CHECKING:
    import tldextract

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
    url: str         # as written in the text (look-alike letters and all)
    start: int
    end: int
    domain: str      # registrable domain, e.g. "icbc.com.cn" (look-alike letters read as Latin, punycode decoded)
    host: str        # the whole host, e.g. "etc-gov.cn.xyz": what a reader is shown
    disguised: bool = False  # the host was written with look-alike letters or in punycode


@dataclass(frozen=True)
class DomainFinding:
    """A link that is risky by its domain alone (facts for the verdict, with a reason key)."""

    url: FoundUrl
    reason: str      # "lookalike" | "shortener" | "ip_address"
    brand: str | None = None  # the brand a lookalike imitates, e.g. "中国工商银行"
    official: str | None = None  # that brand's real domain, e.g. "icbc.com.cn", when one is known


@lru_cache(maxsize=1)
def _extractor() -> URLExtract:
    return URLExtract()


@lru_cache(maxsize=1)
def _tld() -> tldextract.TLDExtract:
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=1)
def _tld_with_private() -> tldextract.TLDExtract:
    """The same list with its private part (github.io, pages.dev): suffixes under which anyone gets a site."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


# Where urlextract looks: a link's host is a run of letters, digits, dots and hyphens, at most 253 characters
# (DNS), ending in a TLD-looking label (letters, or punycode ``xn--``) or forming a dotted-quad IP address.
_HOST_RUN = re.compile(r"[A-Za-z0-9.\-]+")
_TLD_LABEL = re.compile(r"[A-Za-z]{2,63}|xn--[A-Za-z0-9\-]{1,59}", re.IGNORECASE)
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_MAX_HOST = 253
_WINDOW_BEFORE = 32   # scheme and user info before a host ("https://", "user:pw@")
_WINDOW_AFTER = 64    # port and the start of the path after it; a longer path is followed to its end below
_URL_END = re.compile(r'[\s"<>;|]')  # urlextract's right stop characters: a link runs up to one of these
# What may stand right before a host inside a link: the scheme's "//", user info's "@" or ":", a "\\" some
# browsers read as "/", an underscore of a host name. Other punctuation there ("封号,q.cc/q8": NFKC turns the
# full-width "，" into ",") is where the link begins; but urlextract stops reading leftwards only at blanks,
# quotes and a few brackets, takes the comma (or "!", "?", "+" …) for part of the host and then drops the
# link as invalid. The window then starts at the host.
_INSIDE_A_LINK_BEFORE_HOST = frozenset("/@\\:_")


def _is_candidate_host(run: str) -> bool:
    host = run.strip(".-")
    if not 3 <= len(host) <= _MAX_HOST or "." not in host:
        return False
    return bool(_TLD_LABEL.fullmatch(host.rsplit(".", 1)[1]) or _IPV4.fullmatch(host))


def find_urls(text: str) -> list[FoundUrl]:
    """Every link in ``text`` with offsets into it.

    Chinese text runs straight into links ("请登录www.x.cn兑换"), which urlextract does not split, so
    non-ASCII characters are blanked first, except Cyrillic, Greek and accented letters that look like a
    Latin one, which stand in as that letter ("іcbc.com.cn" is found, and marked ``disguised``); one-for-one,
    so offsets stay valid.

    urlextract widens every TLD it sees to the whole run of characters around it, so a long dotted run
    ("1." two thousand times: every ".1" could end an IP address) costs time quadratic in its length. It is
    therefore only shown short windows around the runs that can be a host (one linear pass finds them),
    each window bounded, the windows never overlapping; a link whose path runs past its window is followed
    to its end here, as urlextract would have done.
    """
    ascii_view = _LONE_COLON.sub(" ", _NON_ASCII.sub(_ascii_stand_in, text))
    found: list[FoundUrl] = []
    covered = 0  # everything before this index has been shown to urlextract
    for run in _HOST_RUN.finditer(ascii_view):
        if run.start() < covered or not _is_candidate_host(run.group()):
            continue
        before = ascii_view[run.start() - 1] if run.start() else " "
        if before.isspace() or before in _INSIDE_A_LINK_BEFORE_HOST:
            start = max(covered, run.start() - _WINDOW_BEFORE)
        else:
            start = run.start()
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
            found.append(_found(text[s:e], url, s, e))
    return found


@lru_cache(maxsize=4096)
def _latin_look_alike(char: str) -> str | None:
    """The ASCII letter a non-ASCII letter passes for (Cyrillic "і" → "i", Greek "ο" → "o"), else None."""
    if char.isascii() or not unicodedata.category(char).startswith("L"):
        return None
    folded = unicodedata.normalize("NFKC", char)
    if folded.isascii() and folded.isalnum():
        return folded.lower()
    if categories.alias(char) not in ("CYRILLIC", "GREEK", "LATIN"):
        return None
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"])
    if found:
        for glyph in found[0]["homoglyphs"]:
            if len(glyph["c"]) == 1 and glyph["c"].isascii() and glyph["c"].isalnum():
                return glyph["c"].lower()
    stripped = unicodedata.normalize("NFKD", char)[0]  # "é" → "e"
    return stripped.lower() if stripped.isascii() and stripped.isalpha() else None


def _ascii_stand_in(match: re.Match[str]) -> str:
    return _latin_look_alike(match.group()) or " "


_AUTHORITY_END = re.compile(r"[/?#\\]")
_SCHEME = re.compile(r"^[a-z]+://", re.IGNORECASE)


def _host_bounds(url: str) -> tuple[int, int]:
    """Where in ``url`` the host is (see ``_host_of``)."""
    scheme = _SCHEME.match(url)
    start = scheme.end() if scheme else 0
    end_of_authority = _AUTHORITY_END.search(url, start)
    end = end_of_authority.start() if end_of_authority else len(url)
    start = max(start, url.rfind("@", start, end) + 1)
    port = url.find(":", start, end)
    return start, port if port >= 0 else end


def _host_of(url: str) -> str:
    """The host a browser goes to: after any user info (``https://www.icbc.com.cn:443@evil.xyz/`` goes to
    evil.xyz), before the port, path, query or fragment (``https://evil.xyz?@icbc.com.cn`` too)."""
    start, end = _host_bounds(url)
    return url[start:end].lower()


def _skeleton(host: str) -> str:
    """The host as it reads: punycode labels decoded, look-alike letters taken for the Latin one."""
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            with contextlib.suppress(UnicodeError):  # not valid punycode: compared as written
                label = label.encode("ascii").decode("idna")
        labels.append("".join(_latin_look_alike(c) or c for c in label))
    return ".".join(labels)


def registrable_domain(host: str) -> str:
    """The domain someone registered (its owner's), e.g. "cn.xyz" for "etc-gov.cn.xyz"; the host itself when
    it has none (a bare suffix, an IP address)."""
    host = host.strip(".").lower()
    return (_tld()(host).top_domain_under_public_suffix or host).lower()


def _found(written: str, url: str, start: int, end: int) -> FoundUrl:
    # The host is located in the ASCII view, character for character the written link: a scheme written with a
    # look-alike letter ("httр://", Cyrillic р) is still a scheme, and the host is after it.
    host_start, host_end = _host_bounds(url)
    host = written[host_start:host_end].lower()
    folded_host = url[host_start:host_end].lower()
    looks = _skeleton(folded_host)
    return FoundUrl(url=written, start=start, end=end, domain=registrable_domain(host), host=host,
                    disguised=looks != host)


@lru_cache(maxsize=1)
def _brands() -> tuple[tuple[str | None, str, tuple[str, ...]], ...]:
    """(token or None, owner, official registrable domains) per brand of ``data/rules/official_domains.toml``."""
    raw = tomllib.loads(Path(OFFICIAL_DOMAINS_FILE).read_text(encoding="utf-8"))
    return tuple((b["token"].lower() if b.get("token") else None, b["owner"], tuple(d.lower() for d in b["domains"]))
                 for b in raw["brand"])


@lru_cache(maxsize=1)
def official_domains() -> dict[str, tuple[str, tuple[str, ...]]]:
    """brand token → (owner, official registrable domains), for the brands that have a token."""
    return {token: (owner, domains) for token, owner, domains in _brands() if token}


@lru_cache(maxsize=1)
def official_owners() -> dict[str, str]:
    """official registrable domain → its owner, for every brand (the first brand listing it)."""
    owners: dict[str, str] = {}
    for _token, owner, domains in _brands():
        for domain in domains:
            owners.setdefault(domain, owner)
    return owners


def official_owner(domain: str) -> str | None:
    """The organisation whose official domain this registrable domain is, else None."""
    return official_owners().get(domain.lower())


def official_domains_of(owner: str) -> tuple[str, ...] | None:
    """The official domains of an allowlist owner ("中国工商银行", "中国银联（云闪付）"), None if unknown."""
    for _token, brand_owner, domains in _brands():
        if domains and (brand_owner == owner or brand_owner in owner or owner in brand_owner):
            return domains
    return None


# Links a genuine notice may carry whatever its sender: WeChat articles, app stores.
NEUTRAL_DOMAINS = frozenset({"weixin.qq.com", "qq.com", "apple.com", "gov.cn"})

# Look-alike spellings read as one: digits for letters, "rn" for "m", "vv" for "w".
_SPELLING = (("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"), ("i", "l"), ("|", "l"), ("5", "s"), ("8", "b"))


def _label(domain: str) -> str:
    """The registered name without its public suffix: "icbc" for "icbc.com.cn"."""
    parts = _tld()(domain)
    return (parts.domain or domain).lower()


def _spelled(label: str) -> str:
    label = label.replace("-", "")
    for look, letter in _SPELLING:
        label = label.replace(look, letter)
    return label


@lru_cache(maxsize=1)
def _official_labels() -> tuple[tuple[str, str, str], ...]:
    """(label, its look-alike spelling, official domain) for every official domain."""
    return tuple((_label(d), _spelled(_label(d)), d) for d in official_owners())


def imitated_domain(domain: str) -> str | None:
    """The official domain a registrable domain's name imitates: the same name under another suffix
    (icbc.xyz), a look-alike spelling (1cbc.com.cn, rnohrss) or, for names of 5 letters or more, one edit
    away (bankcom.com, alipey.com). None for an official domain itself and for names too short to tell."""
    if domain in official_owners():
        return None
    label = _label(domain)
    if len(label) < 4:
        return None
    spelled = _spelled(label)
    for official_label, official_spelled, official in _official_labels():
        if len(official_label) < 4:
            continue
        if label == official_label or spelled == official_spelled:
            return official
        if len(official_label) >= 5 and DamerauLevenshtein.distance(label, official_label, score_cutoff=1) <= 1:
            return official
    return None


def assess_url(found: FoundUrl) -> DomainFinding | None:
    """A lookalike of an official brand's domain, a link shortener, or a bare IP address — else None.

    An official domain is never a lookalike; a disguised spelling of one (Cyrillic letters, punycode) is.
    """
    if re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", found.host):
        return DomainFinding(found, "ip_address")
    looks = _skeleton(found.host)
    looks_domain = registrable_domain(looks)
    # A shortener spelled with a look-alike letter ("t.сn", Cyrillic с) still hides where it goes.
    if {found.domain, found.host, looks, looks_domain} & _SHORTENERS:
        return DomainFinding(found, "shortener")
    owners = official_owners()
    if not found.disguised and found.domain in owners:
        return None
    if found.disguised and looks_domain in owners:  # іcbc.com.cn, xn--…: reads as the official domain
        return DomainFinding(found, "lookalike", brand=owners[looks_domain], official=looks_domain)
    # An official domain in front of the real one: icbc.com.cn.evil.xyz is evil.xyz's site.
    front = looks[: -len(looks_domain)].strip(".") if looks.endswith(looks_domain) else ""
    if front:
        labels = front.split(".")
        for i in range(len(labels) - 1):
            candidate = ".".join(labels[i:])
            if candidate in owners:
                return DomainFinding(found, "lookalike", brand=owners[candidate], official=candidate)
    label = looks.replace(".", "-")
    for token, (owner, domains) in official_domains().items():
        if re.search(rf"(^|[^a-z0-9]){re.escape(token)}([^a-z]|$)", label):
            return DomainFinding(found, "lookalike", brand=owner, official=domains[0] if domains else None)
    imitated = imitated_domain(looks_domain)
    if imitated is not None:
        return DomainFinding(found, "lookalike", brand=owners[imitated], official=imitated)
    return None


# ── The domain blocklist's keys ──────────────────────────────────────────────────────────────────────────

# Sites where anyone can publish a page: one scam page there does not make the whole site a scam site, and
# blocking the site would call every link to it "a known scam site". Shorteners and official domains, likewise.
SHARED_PLATFORMS = frozenset({
    "google.com", "apple.com", "microsoft.com", "amazon.com", "github.com", "gitee.com", "baidu.com",
    "qq.com", "weibo.com", "weibo.cn", "163.com", "126.com", "sina.com.cn", "sohu.com", "aliyun.com",
    "aliyuncs.com", "myqcloud.com", "douyin.com", "bilibili.com", "zhihu.com", "xiaohongshu.com",
    "facebook.com", "youtube.com", "instagram.com", "twitter.com", "x.com", "t.me", "telegram.org",
    "telegram.me", "line.me", "whatsapp.com", "cloudflare.com", "feishu.cn", "dingtalk.com",
})


class BadDomain(ValueError):
    """A value the domain blocklist cannot take; ``reason`` names why (a key under ``domain.error.``):
    ``not_a_domain``, ``official`` (an organisation's own site), ``shared`` (a platform or a shortener)."""

    def __init__(self, reason: str, domain: str, owner: str | None = None) -> None:
        super().__init__(f"{domain}: {reason}")
        self.reason, self.domain, self.owner = reason, domain, owner


_DOMAIN_CHARS = re.compile(r"(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z0-9\-]{2,63}")


def domain_key(raw: str) -> str:
    """The blocklist key of a domain, host or link as a moderator or a data file writes it.

    ``https://WWW.Evil.xyz/path`` → ``evil.xyz``; Unicode names → punycode. Refuses (``BadDomain``) what is
    not a host under a public suffix, a bare suffix (``com.cn``), an official domain or one under it, and
    shared platforms and shorteners (blocking t.cn would call every Weibo link a scam site).
    """
    text = raw.strip().strip("'\"<>")
    host = _host_of(text).strip(".")
    host = host.removeprefix("www.")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise BadDomain("not_a_domain", raw.strip()) from None
    if len(host) > _MAX_HOST or not _DOMAIN_CHARS.fullmatch(host) or _IPV4.fullmatch(host):
        raise BadDomain("not_a_domain", raw.strip())
    parts = _tld()(host)
    if not parts.suffix or not parts.domain:
        raise BadDomain("not_a_domain", raw.strip())
    registrable = registrable_domain(host)
    owner = official_owner(registrable)
    if owner is not None or registrable in NEUTRAL_DOMAINS:
        raise BadDomain("official", host, owner)
    if (registrable in SHARED_PLATFORMS or registrable in _SHORTENERS or host in _SHORTENERS
            or not _tld_with_private()(host).domain):  # github.io, pages.dev: everyone's pages live under it
        raise BadDomain("shared", host)
    return host


def domain_candidates(host: str) -> list[str]:
    """The keys a link's host can meet on the blocklist: the host, then each parent down to its registrable
    domain (``a.b.evil.xyz`` → ``a.b.evil.xyz``, ``b.evil.xyz``, ``evil.xyz``), most specific first."""
    host = host.strip(".").lower().removeprefix("www.")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return []
    registrable = registrable_domain(host)
    if not host.endswith(registrable):
        return [host]
    labels = host[: len(host) - len(registrable)].strip(".")
    parents = labels.split(".") if labels else []
    return [".".join([*parents[i:], registrable]) for i in range(len(parents))] + [registrable]
