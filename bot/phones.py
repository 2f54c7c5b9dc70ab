"""Phone numbers in free text: find, normalise to E.164, describe, and list risk signals.

Telegram-free and pure (apart from reading the shipped allowlist once). Parsing, validation, carrier and
location all come from ``phonenumbers``; this module only does what the library cannot:

* **Pre-processing with an offset map** — NFKC (full-width digits), Chinese digit spellings
  (一三八…/幺/〇/零/两), and junk inserted *inside* digit runs to dodge filters (``138🙂0013🙂8000``,
  ``1３8a0013b8000``) are undone on a working copy; every working character remembers the index of the
  original character it came from, so offsets always point into the text the caller passed in.
* **Deciding what is a number.** ``PhoneNumberMatcher`` runs with ``Leniency.POSSIBLE`` so that invalid
  but phone-shaped numbers (wrong length, ``+00…``) are seen too; a candidate is then kept when it is a
  valid number, or when it is plainly written as a phone number (leading ``+``/``00``, a mobile shape, a
  word like 电话/拨打 right before it). Candidates right after 订单号/验证码/卡号… and runs shaped like bank
  card or ID-card numbers are dropped. Short service codes (95588, 10086, 110…) are validated by
  ``shortnumberinfo`` for the region; 3–4 digit codes need a phone word nearby (拨打/报警…), and amounts,
  dates and codes (5000元, 第12345期, 验证码 12321) are not codes. Mainland 5-digit codes of the official
  families (10xxx–12xxx, 95xxx, 96xxx) that the library's short-number data lacks (11183 EMS) are service
  codes too: always when typed alone (``parse_number``), in free text when allowlisted or next to a phone
  word.
* **Signals** — facts for the verdict, never verdicts: MVNO segment, overseas (港澳台 noted separately),
  known scam-hub regions, invalid, spoof-like format (``+00…``, ``+`` in front of a service code),
  obfuscated writing, premium rate, VoIP, and a service code missing from the official allowlist.

Official service codes come from the store's ``data/allowlist.csv`` (column ``number``), read through
``bot.PROJECT_ROOT`` by :func:`load_official_codes`; every public function also takes an explicit
``official_codes`` set. With no allowlist (file missing or empty) the ``unofficial_service_code`` signal is
never raised: "not on an empty list" says nothing. That allowlist is the mainland's; official numbers of Hong
Kong, Taiwan and Macao (18222, 165, 8800 7777) come from ``data/rules/hotlines.toml`` (:func:`regional_official`):
their short codes are read with the mainland's, and their lines carry no "港澳台号码" warning.
"""

from __future__ import annotations

import csv
import re
import time
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import phonenumbers
from phonenumbers import (
    Leniency,
    NumberParseException,
    PhoneNumber,
    PhoneNumberMatcher,
    PhoneNumberType,
    ValidationResult,
    shortnumberinfo,
)

from bot import PROJECT_ROOT
from nlp.textnorm import to_simplified

ALLOWLIST_PATH = PROJECT_ROOT / "data" / "allowlist.csv"
REGIONAL_NUMBERS_PATH = PROJECT_ROOT / "data" / "rules" / "hotlines.toml"

# ---------------------------------------------------------------------------------------------------
# Public data types
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signal:
    """One risk fact about a number; ``key`` is stable, ``reason`` is a short Chinese explanation."""

    key: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"signal": self.key, "reason": self.reason}


@dataclass(frozen=True)
class PhoneFact:
    """A number found in text (or typed alone) with everything known about it."""

    raw: str  # exactly as written in the input
    start: int  # offsets into the ORIGINAL text (Python str indices, end exclusive)
    end: int
    e164: str | None  # "+8613800138000"; a short code's digits ("95588"); None when invalid
    type: str  # one of NUMBER_TYPES
    region: str | None  # ISO region, "CN", "KH", …
    carrier: str | None  # Chinese carrier name when known
    location: str | None  # Chinese location when known
    signals: tuple[Signal, ...] = ()

    @property
    def signal_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.signals)

    def to_json(self) -> dict[str, Any]:
        return {
            "raw": self.raw,
            "e164": self.e164,
            "type": self.type,
            "type_zh": NUMBER_TYPES.get(self.type, self.type),
            "region": self.region,
            "carrier": self.carrier,
            "location": self.location,
            "signals": [s.to_json() for s in self.signals],
            "start": self.start,
            "end": self.end,
        }


class InvalidNumber(ValueError):
    """The input is not one usable phone number; the message says what is wrong, in Chinese."""


# Every value ``PhoneFact.type`` can take, with its Chinese name (renderers use this table).
NUMBER_TYPES: dict[str, str] = {
    "mobile": "手机",
    "fixed_line": "固定电话",
    "fixed_line_or_mobile": "固定电话或手机",
    "toll_free": "免费电话（800）",
    "shared_cost": "企业服务号（400，分摊付费）",
    "premium": "付费增值号码",
    "voip": "网络电话",
    "short_code": "短号码/服务号码",
    "invalid": "无效号码",
    "unknown": "未知类型",
}

_TYPE_KEYS = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.PREMIUM_RATE: "premium",
    PhoneNumberType.VOIP: "voip",
}

# Mainland virtual-operator (MVNO) segments: 170/171 (all three operators' MVNOs), 162 (China Telecom
# MVNO), 165 (China Mobile MVNO), 167 (China Unicom MVNO).
MVNO_PREFIXES = ("170", "171", "162", "165", "167")
HK_MO_TW = {"HK": "香港", "MO": "澳门", "TW": "台湾"}
# Regions the Ministry of Public Security names again and again as bases of cross-border fraud rings.
SCAM_HUB_REGIONS = {"KH": "柬埔寨", "MM": "缅甸", "LA": "老挝", "PH": "菲律宾"}

# ---------------------------------------------------------------------------------------------------
# Pre-processing with an offset map
# ---------------------------------------------------------------------------------------------------

_CN_DIGITS = {
    "零": "0", "〇": "0", "○": "0", "洞": "0",
    "一": "1", "幺": "1", "壹": "1",
    "二": "2", "两": "2", "兩": "2", "贰": "2", "貳": "2",
    "三": "3", "叁": "3", "參": "3",
    "四": "4", "肆": "4",
    "五": "5", "伍": "5",
    "六": "6", "陆": "6", "陸": "6",
    "七": "7", "柒": "7",
    "八": "8", "捌": "8",
    "九": "9", "玖": "9",
}  # fmt: skip
_CN_DIGIT_MIN_RUN = 5  # 一三八… needs at least this many digits (or 3 with 幺, e.g. 幺幺零) to be a number
_STANDARD_SEPARATORS = set(" -.()/~–—")
_DODGE_PUNCT = set("_|·•`^'\"\\")
_MAX_GAP_VISIBLE = 3  # at most this many visible characters between two digit groups


def _is_dodge_char(ch: str) -> bool:
    """A character with no business inside a phone number: emoji, symbols, letters, zero-width marks."""
    if ch.isascii() and ch.isalpha():
        return True
    if ch in _DODGE_PUNCT:
        return True
    return unicodedata.category(ch) in {"So", "Sk", "Cf", "Mn", "Me", "Co", "Cs"}


def _is_invisible(ch: str) -> bool:
    return unicodedata.category(ch) in {"Cf", "Mn", "Me", "Sk"}


@dataclass
class _Working:
    """The working copy: ``text[i]`` came from original index ``origin[i]``."""

    text: str
    origin: list[int]
    touched: frozenset[int]  # original indices that were mapped (汉字 digits) or dropped (dodge junk)
    length: int  # length of the original text

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Working [start, end) → original [start, end)."""
        if start >= end:
            pos = self.origin[start] if start < len(self.origin) else self.length
            return pos, pos
        return self.origin[start], self.origin[end - 1] + 1


def _prepare(text: str) -> _Working:
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch):
            chars.append(c)
            origin.append(i)
    touched: set[int] = set()
    _map_chinese_digits(chars, origin, touched)
    chars, origin = _drop_dodge_gaps(chars, origin, touched)
    return _Working("".join(chars), origin, frozenset(touched), len(text))


def _map_chinese_digits(chars: list[str], origin: list[int], touched: set[int]) -> None:
    """Turn runs like 一三八 零零一三 八零零零 / 幺三八… into ASCII digits, in place (1:1, offsets kept)."""
    n = len(chars)
    i = 0
    while i < n:
        if chars[i] not in _CN_DIGITS and not chars[i].isdigit():
            i += 1
            continue
        j = i
        while j < n and (chars[j] in _CN_DIGITS or chars[j].isdigit() or chars[j] in " -"):
            j += 1
        while j > i and chars[j - 1] in " -":
            j -= 1
        run = chars[i:j]
        cn = [k for k in range(i, j) if chars[k] in _CN_DIGITS]
        digits = sum(1 for c in run if c in _CN_DIGITS or c.isdigit())
        has_yao = any(chars[k] == "幺" for k in cn)
        if cn and ((len(cn) >= 3 and digits >= _CN_DIGIT_MIN_RUN) or (has_yao and digits >= 3)):
            for k in cn:
                chars[k] = _CN_DIGITS[chars[k]]
                touched.add(origin[k])
        i = max(j, i + 1)


def _drop_dodge_gaps(chars: list[str], origin: list[int], touched: set[int]) -> tuple[list[str], list[int]]:
    """Remove emoji/letters/zero-width junk put between digit groups of one phone-sized number."""
    groups: list[tuple[int, int]] = []  # [start, end) of ASCII digit runs
    i, n = 0, len(chars)
    while i < n:
        if "0" <= chars[i] <= "9":
            j = i
            while j < n and "0" <= chars[j] <= "9":
                j += 1
            groups.append((i, j))
            i = j
        else:
            i += 1
    # dodge[k] is True when the gap between groups k and k+1 is junk that hides a single number.
    dodge: list[bool] = []
    for (s1, e1), (s2, e2) in pairwise(groups):
        gap = chars[e1:s2]
        visible = [c for c in gap if not _is_invisible(c)]
        ok = (
            len(gap) > 0
            and len(visible) <= _MAX_GAP_VISIBLE
            and all(c in _STANDARD_SEPARATORS or _is_dodge_char(c) for c in gap)
            and any(_is_dodge_char(c) for c in gap)
        )
        letters = sum(1 for c in gap if c.isascii() and c.isalpha())
        if ok and letters and (letters > 2 or e1 - s1 < 2 or e2 - s2 < 2):
            ok = False  # letters only count as junk between real digit groups (1３8a0013b8000)
        dodge.append(ok)
    drop: set[int] = set()
    k = 0
    while k < len(dodge):
        if not dodge[k]:
            k += 1
            continue
        m = k
        while m < len(dodge) and dodge[m]:
            m += 1
        # groups k..m are joined by junk gaps; only join when the result is phone-sized.
        total = sum(e - s for s, e in groups[k : m + 1])
        if 7 <= total <= 15:
            for g in range(k, m):
                drop.update(range(groups[g][1], groups[g + 1][0]))
        k = m
    if not drop:
        return chars, origin
    touched.update(origin[p] for p in drop)
    keep = [p for p in range(n) if p not in drop]
    return [chars[p] for p in keep], [origin[p] for p in keep]


# ---------------------------------------------------------------------------------------------------
# Context: what the words around a candidate say it is
# ---------------------------------------------------------------------------------------------------

_PHONE_WORDS = (
    "电话", "致电", "拨打", "拨", "打", "热线", "客服", "联系", "联络", "回电", "回拨", "来电", "号码", "手机",
    "座机", "专线", "报警", "咨询", "举报", "投诉", "呼叫", "短信", "服务", "加我", "tel", "call", "phone",
    "mobile", "whatsapp", "dial",
)  # fmt: skip
_NOT_PHONE_WORDS = (
    "验证码", "校验码", "动态码", "动态密码", "密码", "口令", "邀请码", "兑换码", "取件码", "提取码", "取货码",
    "订单", "单号", "运单", "快递单", "物流单", "工单", "流水号", "交易号", "交易单", "编号", "工号", "学号",
    "身份证", "证件号", "卡号", "尾号", "户号", "会员号", "qq", "金额", "余额", "价格", "合计", "共计",
    "第", "房间", "房号", "车次", "航班", "批次", "型号", "邮编", "code", "order", "no.", "id",
    "¥", "$", "rmb", "usd", "会议号", "会议号码", "会议id", "腾讯会议", "zoom", "meeting", "入会", "群号",
    "qq号码", "q群",
)  # fmt: skip
# Of those, the ones that rule out even a valid full number written right after them.
_NOT_PHONE_STRONG = (
    "验证码", "校验码", "动态码", "动态密码", "密码", "邀请码", "兑换码", "取件码", "提取码", "订单", "单号",
    "运单", "快递单", "物流单", "流水号", "交易号", "交易单", "编号", "身份证", "证件号", "卡号", "会员号",
    "order", "qq", "会议号", "会议号码", "会议id", "腾讯会议", "zoom", "meeting", "入会", "群号", "qq号码",
)  # fmt: skip
_AFTER_PHONE_WORDS = ("报警", "举报", "咨询", "求助", "急救", "火警", "查询", "热线", "客服", "电话", "核实")
_UNIT_CHARS = set("元块圆角万千百亿年月日时点分秒天周个人次位名件条笔张份本台部套期届倍岁米克斤吨升度%折积股楼层栋")
_CONTEXT_WINDOW = 8


def _nearest(window: str, words: Iterable[str]) -> tuple[int, int]:
    """(end, length) of the keyword of ``words`` that ends last in ``window``, the longest on a tie;
    (-1, 0) when none occurs. The longer word is the more specific one: 会议号码 is a meeting id, though
    it ends in the phone word 号码."""
    return max(((window.rfind(w) + len(w), len(w)) for w in words if w in window), default=(-1, 0))


def _context_before(work: _Working, start: int) -> str | None:
    """'phone' / 'not_phone' from the nearest keyword in the few characters before ``start``."""
    window = to_simplified(work.text[max(0, start - _CONTEXT_WINDOW) : start]).lower()
    phone, not_phone = _nearest(window, _PHONE_WORDS), _nearest(window, _NOT_PHONE_WORDS)
    if phone[0] < 0 and not_phone[0] < 0:
        return None
    return "not_phone" if not_phone > phone else "phone"


def _strong_negative_before(work: _Working, start: int) -> bool:
    window = to_simplified(work.text[max(0, start - _CONTEXT_WINDOW) : start]).lower()
    return _nearest(window, _NOT_PHONE_STRONG) > _nearest(window, _PHONE_WORDS)


def _unit_after(work: _Working, end: int) -> bool:
    """True when the digits are followed by a unit (5000元, 12321次, 10086号 but not 号码)."""
    rest = work.text[end : end + 4].lstrip(" ")
    if not rest:
        return False
    head = to_simplified(rest[0])
    if head == "号":
        return to_simplified(rest[1:2]) != "码"
    return head in _UNIT_CHARS


def _phone_word_after(work: _Working, end: int) -> bool:
    rest = to_simplified(work.text[end : end + 6]).lstrip(" ，,、")
    return rest.startswith(_AFTER_PHONE_WORDS)


# ---------------------------------------------------------------------------------------------------
# Official service codes (from the store's allowlist)
# ---------------------------------------------------------------------------------------------------


def load_official_codes(path: Path | None = None) -> frozenset[str]:
    """Number keys of the allowlist CSV (column ``number``); empty when the file does not exist.

    Cached per (path, modification time), so an edited allowlist is picked up without a restart; the file is
    looked at no more than once a second (a ``stat`` per message showed up in the bot's profile).
    """
    path = path or ALLOWLIST_PATH
    now = time.monotonic()
    seen = _official_codes_seen.get(path)
    if seen is None or now - seen[0] >= _OFFICIAL_CODES_RECHECK_S:
        try:
            mtime: int | None = path.stat().st_mtime_ns
        except OSError:
            mtime = None
        seen = _official_codes_seen[path] = (now, mtime)
    return frozenset() if seen[1] is None else _load_official_codes(str(path), seen[1])


_OFFICIAL_CODES_RECHECK_S = 1.0
_official_codes_seen: dict[Path, tuple[float, int | None]] = {}


@lru_cache(maxsize=8)
def _load_official_codes(path: str, _mtime: int) -> frozenset[str]:
    keys: set[str] = set()
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            value = (row.get("number") or "").strip()
            if not value:
                continue
            try:
                keys.add(number_key(value))
            except InvalidNumber:
                continue  # prefixes/ranges or odd rows are the store's business, not a service code
    return frozenset(keys)


# ---------------------------------------------------------------------------------------------------
# Official numbers of Hong Kong, Taiwan and Macao (data/rules/hotlines.toml)
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionalNumber:
    """An official number of HK, TW or MO. The mainland allowlist cannot hold these: it is keyed by the
    digits alone, and 165 or 999 mean something else (or nothing) on the mainland."""

    region: str  # ISO region: "HK", "TW", "MO"
    digits: str  # as dialled there: "18222", "88007777"
    key: str  # a short code's digits, or the E.164 of a full number ("+85388007777")
    owner: str  # Chinese (Simplified), as the allowlist's owners are

    @property
    def is_short_code(self) -> bool:
        return self.key == self.digits


@lru_cache(maxsize=1)
def regional_numbers(path: Path | None = None) -> tuple[RegionalNumber, ...]:
    """The ``[[number]]`` entries of ``data/rules/hotlines.toml``."""
    raw = tomllib.loads((path or REGIONAL_NUMBERS_PATH).read_text(encoding="utf-8"))
    out: list[RegionalNumber] = []
    for row in raw.get("number", []):
        region, digits = str(row["region"]).upper(), _digits(str(row["number"]))
        key = digits
        if len(digits) >= 7:  # a full number of the region, not a short code
            key = phonenumbers.format_number(phonenumbers.parse(digits, region), phonenumbers.PhoneNumberFormat.E164)
        out.append(RegionalNumber(region, digits, key, str(row["owner"])))
    return tuple(out)


def _regional_short(digits: str, region: str | None = None) -> RegionalNumber | None:
    """The regional short code written ``digits`` (of ``region`` when given; the first listed otherwise)."""
    return next((n for n in regional_numbers() if n.is_short_code and n.digits == digits
                 and region in (None, n.region)), None)


def _regional_full(digits: str) -> RegionalNumber | None:
    """The regional full number whose national digits are ``digits`` (8800 7777 written without +853)."""
    return next((n for n in regional_numbers() if not n.is_short_code and n.digits == digits), None)


def regional_official(fact: PhoneFact) -> RegionalNumber | None:
    """The official HK/TW/MO number ``fact`` is, unless it is dressed up with a country code in front of a
    short code (``+852 18222``): official lines are not shown that way, spoofed caller ids are."""
    if fact.e164 is None or any(s.key == "spoof_format" for s in fact.signals):
        return None
    return next((n for n in regional_numbers() if n.key == fact.e164 and n.region == fact.region), None)


# ---------------------------------------------------------------------------------------------------
# Facts and signals
# ---------------------------------------------------------------------------------------------------


def _digits(s: str) -> str:
    return "".join(c for c in s if "0" <= c <= "9")


def _is_service_code(digits: str, region: str) -> bool:
    """A short code libphonenumber's short-number data knows for the region (95588, 10086, 110…)."""
    if not 3 <= len(digits) <= 8:
        return False
    try:
        num = phonenumbers.parse(digits, region)
    except NumberParseException:
        return False
    return shortnumberinfo.is_valid_short_number_for_region(num, region)


# The mainland numbering plan's 5-digit service-code families: 10xxx (operators' customer service),
# 11xxx and 12xxx (public services and government hotlines: 11183 EMS, 11185 China Post, 12315…), 95xxx
# and 96xxx (national and local service numbers). libphonenumber's short-number data lacks some real
# codes of these families (11183, 11185), so a code of a family counts as a service code too. 13xxx-19xxx
# are left out on purpose: those are the first digits of mobile numbers, and "13800" is a typo, not a code.
_CN_SERVICE_FAMILIES = re.compile(r"1[0-2]\d{3}|9[56]\d{3}")


def _is_family_code(digits: str, region: str) -> bool:
    """A CN 5-digit code of an official family that libphonenumber's short-number data does not list."""
    return (region == "CN" and _CN_SERVICE_FAMILIES.fullmatch(digits) is not None
            and not _is_service_code(digits, region))


_INVALID_REASONS = {
    ValidationResult.TOO_SHORT: "位数太少",
    ValidationResult.TOO_LONG: "位数太多",
    ValidationResult.INVALID_LENGTH: "位数不对",
    ValidationResult.INVALID_COUNTRY_CODE: "国家/地区代码不存在",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "缺少区号",
}


def _invalid_reason(num: PhoneNumber) -> str:
    result = phonenumbers.is_possible_number_with_reason(num)
    if result in _INVALID_REASONS:
        return f"号码无效：{_INVALID_REASONS[result]}"
    national = str(num.national_number)
    if num.country_code == 86 and len(national) in (7, 8) and national[0] in "2345678":
        return "号码无效：缺少区号（座机号码前要加区号，如 010、0755）"
    if num.country_code == 86 and national.startswith("1"):
        return "号码无效：不存在的手机号段"
    return "号码无效：该号段不存在"


def _raw_signals(raw_work: str) -> list[Signal]:
    """Signals read off how the number was written."""
    compact = "".join(c for c in raw_work if c == "+" or "0" <= c <= "9")
    if compact.startswith("+00"):
        return [Signal("spoof_format", "“+00”开头的号码格式不规范，常见于境外改号伪造的来电显示")]
    return []


def _geocoder() -> Any:
    """phonenumbers' geocoder, imported on first use: importing it loads every language's prefix descriptions
    (about a second on a loaded 2-core machine), which commands that refuse their input never need."""
    from phonenumbers import geocoder

    return geocoder


def warm_up() -> None:
    """Load the geocoder and carrier tables now: a long-running bot pays for them at start, not in the first
    user's check (commands that never describe a number never load them)."""
    _geocoder()
    _carrier()


def _carrier() -> Any:
    """phonenumbers' carrier names, imported on first use (as :func:`_geocoder`)."""
    from phonenumbers import carrier

    return carrier


def _number_signals(
    num: PhoneNumber, type_key: str, region: str | None, official: bool, describe: bool
) -> list[Signal]:
    """``official``: an official number of HK/TW/MO, which is no warning sign for being from there.
    ``describe=False`` (a fact made for its key alone) names a foreign region by its code: the Chinese name
    needs the geocoder, a second to load, which ``number_key`` (imports, list commands) never shows."""
    signals: list[Signal] = []
    national = str(num.national_number)
    if type_key == "invalid":
        signals.append(Signal("invalid", _invalid_reason(num)))
    if region and region != "CN" and not official:
        name = (_geocoder().country_name_for_number(num, "zh") if describe else None) or region
        if region in HK_MO_TW:
            signals.append(Signal("overseas", f"{name}号码，不是中国大陆号码"))
            signals.append(Signal("hk_mo_tw", f"港澳台号码（{name}），冒充客服、公检法的来电常用"))
        else:
            signals.append(Signal("overseas", f"境外号码（{name}），国内机构不会用境外号码联系你"))
        if region in SCAM_HUB_REGIONS:
            signals.append(Signal("scam_hub_region", f"{SCAM_HUB_REGIONS[region]}是跨境电信诈骗窝点集中地"))
    elif num.country_code == 86 and type_key != "invalid" and national.startswith(MVNO_PREFIXES):
        signals.append(Signal("mvno", f"{national[:3]} 号段为虚拟运营商号段，实名管理较松，诈骗中常见"))
    if type_key == "premium":
        signals.append(Signal("premium", "付费增值号码，回拨会产生高额话费"))
    if type_key == "voip":
        signals.append(Signal("voip", "网络电话号码，难以追查真实来源"))
    return signals


def _fact_for_number(num: PhoneNumber, raw: str, raw_work: str, span: tuple[int, int],
                     obfuscated: bool, valid: bool, describe: bool = True) -> PhoneFact:
    """``valid`` is ``is_valid_number(num)`` (the caller knows it); ``describe=False`` skips carrier and
    location, which only a reader needs (``number_key`` does not)."""
    region = phonenumbers.region_code_for_number(num)
    if valid:
        type_key = _TYPE_KEYS.get(phonenumbers.number_type(num), "unknown")
    else:
        type_key = "invalid"
        region = region if region and region != "001" else None
    e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164) if valid else None
    official = any(n.key == e164 and n.region == region for n in regional_numbers()) if e164 else False
    signals = _raw_signals(raw_work) + _number_signals(num, type_key, region, official, describe)
    if obfuscated:
        signals.append(_OBFUSCATED)
    return PhoneFact(
        raw=raw,
        start=span[0],
        end=span[1],
        e164=e164,
        type=type_key,
        region=region,
        carrier=(_carrier().name_for_number(num, "zh") or None) if valid and describe else None,
        location=(_geocoder().description_for_number(num, "zh") or None) if valid and describe else None,
        signals=tuple(signals),
    )


_OBFUSCATED = Signal("obfuscated", "号码里夹杂表情、字母，或写成汉字、全半角混写，是躲避平台过滤的常见手法")


def _fact_for_code(digits: str, raw: str, span: tuple[int, int], region: str, spoofed: str | None,
                   obfuscated: bool, official: frozenset[str]) -> PhoneFact:
    signals: list[Signal] = []
    if spoofed:
        signals.append(Signal("spoof_format", spoofed))
    # The allowlist is the mainland's: it says nothing about a code of Hong Kong, Taiwan or Macao.
    if (official and region == "CN" and digits not in official
            and not shortnumberinfo.is_emergency_number(digits, region)):
        signals.append(Signal("unofficial_service_code", f"{digits} 不在已知官方服务号码清单中，请自行核实归属"))
    try:
        cost = shortnumberinfo.expected_cost_for_region(phonenumbers.parse(digits, region), region)
    except NumberParseException:
        cost = None
    if cost == shortnumberinfo.ShortNumberCost.PREMIUM_RATE:
        signals.append(Signal("premium", "付费短号码，拨打或回复会产生额外费用"))
    if obfuscated:
        signals.append(_OBFUSCATED)
    return PhoneFact(raw, span[0], span[1], digits, "short_code", region, None, None, tuple(signals))


_SPOOF_PLUS_CODE = "服务号码前面带“+”或国家代码，不是正规格式，常见于伪造的来电显示"

# ---------------------------------------------------------------------------------------------------
# Finding
# ---------------------------------------------------------------------------------------------------

# Digit runs shaped like bank-card or ID-card numbers; no phone number is read inside them.
_CARD_LIKE = re.compile(
    r"(?<![\d+])(?:[1-9]\d{14,18}[Xx]?|\d{4}(?:[ -]\d{4}){3}(?:[ -]\d{1,4})?|\d{6}[ -]\d{8}[ -]\d{3}[\dXx])(?!\d)"
)
# An isolated run of 3–8 digits (maybe "+"-prefixed): a candidate short code, checked by shortnumberinfo.
_SHORT_RUN = re.compile(r"(?<![0-9A-Za-z.])(\+?)(\d{3,8})(?![0-9A-Za-z])(?!\.\d)")
_FALLBACK_REGIONS = ("TW",)  # "(02) 2345-6789": trunk-0 numbers that no CN area code explains


def _code_region(national: str, country_code: int | None, region: str) -> str | None:
    """The region whose service code ``national`` is, or None. ``country_code`` is the one written in front
    (``+852 18222``); without one, the default region's codes come first, then HK/TW/MO official codes."""
    regions = [region]
    if country_code is not None:
        written = phonenumbers.region_code_for_country_code(country_code)
        if written not in ("ZZ", "001"):
            regions.insert(0, written)
    for candidate in dict.fromkeys(regions):
        if (_is_service_code(national, candidate) or _is_family_code(national, candidate)
                or _regional_short(national, candidate) is not None):
            return candidate
    regional = _regional_short(national) if country_code is None else None
    return regional.region if regional is not None else None


def _is_mobile_shaped(num: PhoneNumber) -> bool:
    national = str(num.national_number)
    return num.country_code == 86 and len(national) in (10, 12) and national[:2] in {
        "13", "14", "15", "16", "17", "18", "19"}


def _find(text: str, region: str, official: frozenset[str], bare: bool, describe: bool = True) -> list[PhoneFact]:
    work = _prepare(text)
    blocked = [m.span() for m in _CARD_LIKE.finditer(work.text)]
    taken: list[tuple[int, int]] = []  # working-text spans already used
    facts: list[PhoneFact] = []

    def overlaps(s: int, e: int, spans: Iterable[tuple[int, int]]) -> bool:
        return any(s < b and a < e for a, b in spans)

    def add(fact: PhoneFact, s: int, e: int) -> None:
        taken.append((s, e))
        facts.append(fact)

    def obfuscated(ostart: int, oend: int) -> bool:
        raw = text[ostart:oend]
        mixed_width = any("０" <= c <= "９" for c in raw) and any("0" <= c <= "9" for c in raw)
        return mixed_width or any(p in work.touched for p in range(ostart, oend))

    for match in PhoneNumberMatcher(work.text, region, leniency=Leniency.POSSIBLE):
        s, e = match.start, match.end
        if overlaps(s, e, blocked) or (not bare and _strong_negative_before(work, s)):
            continue
        num = match.number
        raw_work = match.raw_string
        compact = "".join(c for c in raw_work if c == "+" or "0" <= c <= "9")
        has_prefix = compact.startswith(("+", "00")) or (
            compact.startswith("86") and compact[2:].lstrip("0") == str(num.national_number)
        )
        valid = phonenumbers.is_valid_number(num)
        regional = None if valid or has_prefix else _regional_full(str(num.national_number))
        if regional is not None:  # 8800 7777: Macao's anti-fraud line, written without +853
            num, valid = phonenumbers.parse(regional.key), True
        if not valid and raw_work.lstrip("(").startswith("0"):
            for other in _FALLBACK_REGIONS:
                try:
                    alt = phonenumbers.parse(raw_work, other)
                except NumberParseException:
                    continue
                if phonenumbers.is_valid_number(alt):
                    num, valid = alt, True
                    break
        ostart, oend = work.span(s, e)
        if not valid:
            national = str(num.national_number)
            code_region = _code_region(national, num.country_code if has_prefix else None, region)
            if code_region is not None:
                if has_prefix:  # "+86 95588", "+852 18222": a service code dressed as a full number
                    add(_fact_for_code(national, text[ostart:oend], (ostart, oend), code_region, _SPOOF_PLUS_CODE,
                                       obfuscated(ostart, oend), official), s, e)
                continue  # bare codes are handled with their context rules below
            if not bare:
                context = _context_before(work, s)
                phone_like = has_prefix or _is_mobile_shaped(num) or context == "phone"
                if not phone_like or context == "not_phone" or _unit_after(work, e):
                    continue
        add(_fact_for_number(num, text[ostart:oend], raw_work, (ostart, oend), obfuscated(ostart, oend), valid,
                             describe), s, e)

    for match in _SHORT_RUN.finditer(work.text):
        s, e = match.span()
        plus, digits = match.group(1), match.group(2)
        if overlaps(s, e, taken) or overlaps(s, e, blocked):
            continue
        family_only = _is_family_code(digits, region)
        code_region = region
        if not family_only and not _is_service_code(digits, region):
            # 18222, 165: Hong Kong's, Taiwan's anti-fraud lines. Not after "+": "+999 12345" is a country code.
            regional_code = None if plus else _regional_short(digits)
            if regional_code is None:
                continue
            code_region = regional_code.region
        if not bare:
            before = work.text[max(0, s - 1) : s]
            if before in {"¥", "$", "#", ":", "/", "-"} or _unit_after(work, e):
                continue
            context = _context_before(work, s)
            if context == "not_phone":
                continue
            # Short codes, and family codes that neither libphonenumber nor the allowlist know (12000 in
            # "转账12000" is an amount), count only next to a phone word; a known short code also when it is
            # the whole message ("165" sent alone asks about that number; "12000" alone may be an amount).
            needs_word = len(digits) <= 4 or (family_only and digits not in official)
            alone = not family_only and not work.text[:s].strip() and not work.text[e:].strip()
            if needs_word and not alone and context != "phone" and not _phone_word_after(work, e):
                continue
        ostart, oend = work.span(s, e)
        add(_fact_for_code(digits, text[ostart:oend], (ostart, oend), code_region,
                           _SPOOF_PLUS_CODE if plus else None, obfuscated(ostart, oend), official), s, e)

    facts.sort(key=lambda f: f.start)
    return facts


def find_numbers(text: str, default_region: str = "CN",
                 official_codes: frozenset[str] | None = None) -> list[PhoneFact]:
    """Every phone number and service code in ``text``, in order of appearance, one per span.

    ``official_codes``: number keys of official numbers; ``None`` reads ``data/allowlist.csv``.
    """
    official = load_official_codes() if official_codes is None else official_codes
    return _find(text, default_region.upper(), official, bare=False)


def parse_number(raw: str, default_region: str = "CN",
                 official_codes: frozenset[str] | None = None) -> PhoneFact:
    """One number typed by a user or moderator, in any written form; :class:`InvalidNumber` otherwise."""
    official = load_official_codes() if official_codes is None else official_codes
    return _parse_number(raw, default_region, official, describe=True)


_CONTACT_PREFIXES = ("+86", "0086", "86", "+")
_CONTACT_NOISE = re.compile(r"[\s\-–.()（）]")


def contact_number(raw: str) -> str:
    """The number of a shared contact card as its owner saved it, ready for :func:`parse_number`.

    Telegram apps put a contact's number in international form, adding a "+" (often the country code too)
    to whatever was saved: a card with the bank's 95588 arrives as ``+95588`` or ``+86 95588``. In a text
    that writing is the classic spoofed caller id; on a card it is the app's, so a mainland service code
    behind such a prefix is given back plain. Any other number is given back as it came.
    """
    compact = _CONTACT_NOISE.sub("", raw or "")
    for prefix in _CONTACT_PREFIXES:
        rest = compact[len(prefix):]
        if compact.startswith(prefix) and rest.isdigit() and (
                _is_service_code(rest, "CN") or _is_family_code(rest, "CN")):
            return rest
    return raw


def _parse_number(raw: str, default_region: str, official: frozenset[str], describe: bool) -> PhoneFact:
    text = (raw or "").strip()
    if not text:
        raise InvalidNumber("号码为空")
    facts = _find(text, default_region.upper(), official, bare=True, describe=describe)
    if len(facts) > 1:
        listed = "、".join(f.raw for f in facts)
        raise InvalidNumber(f"输入里有 {len(facts)} 个号码（{listed}），请一次只给一个")
    if facts and not _digits(_prepare(text[: facts[0].start] + text[facts[0].end :]).text):
        fact = facts[0]
        if fact.type == "invalid":
            reason = next(s.reason for s in fact.signals if s.key == "invalid")
            raise InvalidNumber(f"“{fact.raw}”{reason}")
        return fact
    work = _prepare(text)
    digits = _digits(work.text)
    if not digits:
        raise InvalidNumber(f"“{text}”里没有数字，不是电话号码")
    try:
        num = phonenumbers.parse(work.text, default_region.upper())
    except NumberParseException as exc:
        raise InvalidNumber(f"“{text}”不是电话号码：{_PARSE_ERRORS.get(exc.error_type, '无法识别')}") from exc
    if _CARD_LIKE.search(work.text):
        raise InvalidNumber(f"“{text}”像银行卡号或身份证号，不是电话号码")
    raise InvalidNumber(f"“{text}”{_invalid_reason(num)}")


_PARSE_ERRORS = {
    NumberParseException.INVALID_COUNTRY_CODE: "国家/地区代码不存在",
    NumberParseException.NOT_A_NUMBER: "无法识别为号码",
    NumberParseException.TOO_SHORT_AFTER_IDD: "国际前缀后的位数太少",
    NumberParseException.TOO_SHORT_NSN: "位数太少",
    NumberParseException.TOO_LONG: "位数太多",
}


def number_key(raw: str) -> str:
    """The store's key for a number: E.164 (``+8613800138000``) or a short code's digits (``95588``)."""
    fact = _parse_number(raw, "CN", frozenset(), describe=False)
    if fact.e164 is None:  # pragma: no cover - parse_number raises for invalid numbers
        raise InvalidNumber(f"“{raw}”不是有效号码")
    return fact.e164


def number_keys(raws: Iterable[str]) -> list[str | None]:
    """:func:`number_key` of each of ``raws``, None where one is not a usable number.

    The unit of work of a big CSV import's worker processes (``bot.store.csvfiles``). It lives here, not in
    the store, because a worker imports the module of the function it runs: this one is the number parser
    alone (~0.4 s to start), the store's would bring SQLAlchemy (~1.5 s per worker)."""
    keys: list[str | None] = []
    for raw in raws:
        try:
            keys.append(number_key(raw))
        except ValueError:
            keys.append(None)
    return keys


def mask_number(fact: PhoneFact) -> str:
    """A log-safe mask: ``138****8000`` for long numbers, fewer digits shown for shorter ones."""
    key = fact.e164 or _digits(fact.raw)
    prefix = ""
    national = _digits(key)
    if key.startswith("+"):
        try:
            num = phonenumbers.parse(key)
            national = str(num.national_number)
            prefix = "" if num.country_code == 86 else f"+{num.country_code} "
        except NumberParseException:
            pass
    if len(national) >= 10:
        return f"{prefix}{national[:3]}****{national[-4:]}"
    if len(national) >= 7:
        return f"{prefix}{national[:2]}****{national[-2:]}"
    return f"{prefix}{national[:2]}***"
