"""Phrase rules and 断卡 (card-trafficking) recruitment rules, with spans into the user's text.

The rule lists are data (``data/rules/phrases.toml``, ``data/rules/card_trafficking.toml``); this module
only loads and matches them. Matching runs on normalised text (NFKC + Simplified) and spans are mapped
back to the original text, so Traditional input gives the same hits at the right places.

A match is discarded as a *warning* when its clause negates or reports it before (不要/切勿/谨防, 骗子让你…,
以…为由, never …) or calls it a crime or a scam after (…是违法的/涉嫌帮信罪/is a scam) — but not when that
clause opens with "or else" (否则/不然 …): that is the scammer's threat. A text that says outright that
something is a scam, or retells one ("都是诈骗", "我差点被骗", "警方提醒"), gives no hit at all: anti-fraud
notices, news and people warning each other quote scam tactics.

Some rules are a demand made through a link ("逾期未缴 请至 xx.top 缴纳"); they count only when the link is not
an official site (``unofficial_link`` in the rule file). ``find_contact_handles`` finds the private chat
accounts (加V, QQ, LINE, Telegram) a text gives as the way to reach its sender.
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
# A tactic is a warning, not a scam, when its clause negates it just before …
_NEGATED_BEFORE = re.compile(
    r"(不要|不得|不能|不会|不可|切勿|请勿|勿|别|谨防|警惕|提防|防范|严禁|禁止|绝不|决不|从不|拒绝|远离|谨慎|"
    r"\bnever\b|\bnot\b|n't\b|\bbeware\b|\bavoid\b|\brefuse\b|\bignore\b)[^。！!？?；;，,.]{0,14}$",
    re.IGNORECASE,
)
# … or its sentence reports it as someone else's doing (骗子让你…, 以…为由, 冒充…, 凡是…).
_REPORTED_BEFORE = re.compile(
    r"(骗子|冒充|假冒|谎称|自称|诱导|诱骗|骗取|以[^。！!？?；;]{0,12}为由|(对方|他们|那人)(让|要|要求|叫|说|称)|"
    r"凡是|如遇|如果有人|若有人|一旦有人|接到[^。！!？?；;]{0,10}(电话|短信)|接了?(个|一个|一通)?(陌生)?(电话|短信)|"
    r"说是什么|\bscammers?\b|\bfraudsters?\b|\bsaying\b|\bclaim(ing|ed)\b|\bpretend\w*)"
    r"[^。！!？?；;]{0,30}$",
    re.IGNORECASE,
)
# … or the clause after it calls it a crime or a scam. Not "否则追究你的刑事责任" nor "不然就是帮信罪": a clause that
# opens with "or else" is the scammer's threat.
_WARNING_AFTER = re.compile(
    r"^(?![^。！!？?；;]{0,3}(否则|不然|要不然|要不|如不|若不|如果不|逾期|拒不|不配合|or else|otherwise))"
    r"[^。！!？?；;]{0,12}((是|属于?|均为|均是|都是|就是|系|构成|即为|一律是?)[^。！!？?；;]{0,6}(违法|犯罪|诈骗|骗局|骗子|帮信)"
    r"|涉嫌帮[助信]|帮信罪|被判|判刑|(is|are) (a |always a )?(scam|fraud))",
    re.IGNORECASE,
)
# A text that says outright that something is a scam, or retells one, is a warning or a report as a whole:
# anti-fraud notices, news, a neighbour's "我差点被骗了". None of these is what a scammer writes to a target
# (fake police say 涉嫌诈骗 and 诈骗所得, which the look-ahead keeps out).
_WARNING_TEXT = re.compile(
    # "this is a scam / a crime / fake" said of something
    r"(?<!不)(是|都是|就是|一律是|均为|均是|系|属于|属)(电信|网络|新型)*(诈骗|骗局|骗子|假的|帮信罪?)(?!所得|资金|案|款|犯罪|团伙|嫌疑)|"
    r"诈骗(手法|套路|陷阱|伎俩|集团|案件|类型)|(有|遇到|碰到|小心|当心|提防|谨防|警惕)骗子|骗子(冒充|会|常|都|打来|发来)|"
    # a retold or reported case
    r"(差点|险些|差一点)(就)?(被骗|上当)|(幸好|还好|幸亏)[^。！？]{0,20}(没|发现|识破|挂|问|核实)|被骗了|被骗走|骗走|上当受骗|涉案金额|发案|案例|据[^。！？]{0,8}(通报|报道)|"
    r"(是|属于?)(违法|犯罪)(行为)?|违法犯罪|触法|(?<!一)起诉|被判|判处|有期徒刑|审理|"
    # who warns
    r"防骗|防诈|反诈(宣传|提醒|小课堂|知识|预警|课堂)|(警方|民警|派出所|反诈中心)(温馨)?提[醒示]|提高警惕|谨防|"
    # institutions saying what they never do, and what the reader must not do
    r"(不会|从不|从未|绝不|决不)(以任何(理由|名义|方式))?(要求|让|通过电话|打电话|发短信|索要|主动)"
    r"(?![^。！!？?，,\n]{0,6}(承担|负责|吃亏|有事|有风险|出事|担心|查到|知道))|"
    r"(切勿|请勿)(告知|泄露|透露|转[账帐]|相信|轻信|点击|出租|出借|出售|扫码)|千万(不要|别)(相信|轻信|转[账帐]|点击|透露|泄露|出租|出借|扫码)|"
    r"如遇[^。！!？?；;]{0,24}(报警|110|96110|165|18222)|"
    # a quoted scam called fake, the typical case named, the reader told what to do with it
    r"(是|系)假(的|嘅)|假嘅|(唔会|不会|从不|从来不)(咁|这样|这么)[^。！!？?，,\n]{0,4}(发|寄|打|要求)|典型的?[^。！!？?\n]{0,16}(诈骗|骗局)|"
    r"连环诈骗|(这种|这类)[^。！!？?\n]{0,8}叫[^。！!？?\n]{0,4}诈骗|别信这种|(别|不要)上当|遇到(也)?(别理|不要理)|"
    r"(正在|可能)(遭遇|遇到)(了)?(电信)?诈骗|被转走|提醒(民众|市民|广大)|沦为|"
    r"人头[账帐]?户|车手(?!续)|傀儡户口|断卡行动|两卡|"
    r"(一|某|一名|一位)(女子|男子|市民|老人|大学生|学生|阿姨|大爷)[^。！!？?\n]{0,10}(接到|遭遇|被|收到|轻信)|"
    r"\b(will|would|does|did)(n't| not| never) (call|ask|text|email|demand|request|contact|threaten|send)|"
    r"\b(never|don't|do not) (pay|send|share|give|click|transfer|reply|tell anyone your)\b|"
    r"\bif (you|someone|anyone) (gets?|receives?|is asked)\b|\breport (it|this|them|scams?) to\b|"
    r"\b(action fraud|scamwatch|scamshield|report ?fraud|antiscam|anti-scam|ftc\.gov|7726)\b|\bred flags?\b|"
    r"\bprotect yourself\b|\b(this|it|these|that) (is|are|was) (fake|fraudulent|not (real|genuine|from))\b|"
    r"scam alert|fraud alert|beware of|is a scam|are scams|(will|would) (never|only) ask|\bscammers\b|\bfraudsters\b|"
    r"pretending to be|\blost (£|\$|€|rm|s\$)\s?\d|scam types|common scams|recent scams|scam warning|"
    r"\bscams? (often|usually|typically|commonly|may|begin)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Rule:
    id: str
    pattern: re.Pattern[str]
    category: str | None
    strength: str  # "strong" | "weak"
    # The tactic is a demand made through a link ("逾期未缴 请至 xx.top 缴纳"): it counts only when the link in
    # its span is not an official one (a real bank's "详情见 95599.cn" is the same words with the real site).
    unofficial_link: bool = False


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
            unofficial_link=bool(item.get("unofficial_link", False)),
        ))
    return tuple(rules)


@lru_cache(maxsize=1)
def phrase_rules() -> tuple[Rule, ...]:
    """Chinese tactics (phrases.toml) and those of English scams aimed at Chinese speakers abroad (english.toml)."""
    return (_load(RULES_DIR / "phrases.toml", default_category=None, default_strength="weak")
            + _load(RULES_DIR / "english.toml", default_category=None, default_strength="strong"))


@lru_cache(maxsize=1)
def card_trafficking_rules() -> tuple[Rule, ...]:
    return _load(RULES_DIR / "card_trafficking.toml", default_category="card_trafficking", default_strength="strong")


# A written link: a scheme or www, or a host with a top-level domain (sh-fygov.cc/q, gs-etax.com.cn.xyz).
_LINK = re.compile(r"(?:https?://|www\.)[^\s，。！？、]+|(?<![\w@.])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*"
                   r"\.[a-z]{2,12}(?![a-z0-9-])(?:/[^\s，。！？、]*)?", re.IGNORECASE)
# Government sites are official wherever the allowlist has not caught up with them.
_GOVERNMENT_HOST = re.compile(r"(^|\.)(gov|govt|gc|gouv|mil)(\.[a-z]{2})?$|\.gov\.[a-z]{2,3}$", re.IGNORECASE)


def _has_unofficial_link(span: str) -> bool:
    """A link in ``span`` whose site is neither an official domain (data/rules/official_domains.toml) nor a
    government's."""
    from bot.urls import official_owner, registrable_domain

    for m in _LINK.finditer(span):
        authority = re.split(r"[/?#\\]", re.sub(r"^https?://", "", m.group(0), flags=re.IGNORECASE), maxsplit=1)[0]
        host = authority.rpartition("@")[2].split(":")[0].lower()  # where a browser goes, as bot.urls reads it
        if not host or "." not in host:
            continue
        if official_owner(registrable_domain(host)) is None and not _GOVERNMENT_HOST.search(host):
            return True
    return False


def _is_warning(normalized: str, start: int, end: int) -> bool:
    """Whether the tactic at ``start:end`` is negated, reported, or called a crime or a scam right after it. A
    question is not that call: "请开启屏幕共享…我：这是诈骗吗？" is the target doubting, and the tactic stands."""
    before = normalized[max(0, start - 40):start]
    if _NEGATED_BEFORE.search(before) or _REPORTED_BEFORE.search(before):
        return True
    after = _WARNING_AFTER.search(normalized[end:end + 24])
    return after is not None and not _DOUBT_AFTER.search(normalized[end + after.end():end + after.end() + 6])


_DOUBT_BEFORE = re.compile(r"(是不是|会不会|不会|莫非|难道|怕|该不会|不是)[^。！!？?，,]{0,3}$")
_DOUBT_AFTER = re.compile(r"^[^。！!]{0,4}[吗吧呢？?]")
# A scammer's threat or accusation, not a warning: "不然就是犯罪", "否则将被起诉", "你涉嫌违法犯罪",
# "你的账户涉及诈骗集团洗钱案", "查看起诉书". Fake police and courts name the crime they accuse the reader of; a
# warning names the scam it warns of, in words these guards leave alone (都是诈骗, 警方提醒, 千万不要 …).
_THREAT_BEFORE = re.compile(r"(否则|不然|要不然|如不|若不|拒不)[^。！!？?；;\n]{0,12}$")
_SUSPECT_BEFORE = re.compile(r"(涉嫌|涉及|牵涉|卷入)[^。！!？?，,；;\n]{0,4}$")
_ACCUSATIONS = re.compile(r"诈骗集团|起诉|涉案金额|违法犯罪")
# "你的身份证…涉案金额280万" is the accusation itself; but "你的银行卡可能被诈骗集团利用", "出借银行卡将被起诉" are how
# warnings put it, so only the amount of the case is read this way.
_AT_READER_BEFORE = re.compile(r"(你|您)[^。！!？?\n]{0,40}$")


def is_warning_text(normalized: str) -> bool:
    """The text presents itself as a warning, a news report or a retold scam (see ``_WARNING_TEXT``).

    A doubt is not a warning: in a scam chat the target often asks "你不会是骗子吧？" or "这是诈骗吗". Nor is a
    threat or an accusation: fake police write "否则以帮信罪论处" and "你的账户涉及诈骗集团洗钱案".
    """
    for m in _WARNING_TEXT.finditer(normalized):
        before = normalized[max(0, m.start() - 16):m.start()]
        if _DOUBT_BEFORE.search(before[-8:]) or _DOUBT_AFTER.search(normalized[m.end():m.end() + 6]):
            continue
        if _THREAT_BEFORE.search(before):
            continue
        if _ACCUSATIONS.fullmatch(m.group(0)) and (
                _SUSPECT_BEFORE.search(before) or normalized.startswith("书", m.end())
                or (m.group(0) == "涉案金额" and _AT_READER_BEFORE.search(normalized[max(0, m.start() - 48):m.start()]))
                or (m.group(0) == "起诉" and before.endswith("逾期"))):
            continue
        return True
    return False


def match_rules(
    text: str, rules: tuple[Rule, ...], *, normalized: tuple[str, list[int]] | None = None,
    warning_text: bool | None = None,
) -> list[RuleHit]:
    """Every non-warning hit of ``rules`` in ``text``, spans into ``text``; one hit per rule and place."""
    norm, origin = normalized or normalize_with_offsets(text)
    if is_warning_text(norm) if warning_text is None else warning_text:
        return []
    hits: list[RuleHit] = []
    for rule in rules:
        for m in rule.pattern.finditer(norm):
            if m.end() == m.start() or _is_warning(norm, m.start(), m.end()):
                continue
            if rule.unofficial_link and not _has_unofficial_link(m.group(0)):
                continue
            start, end = original_span(origin, m.start(), m.end(), len(text))
            hits.append(RuleHit(rule=rule, start=start, end=end, text=text[start:end]))
    hits.sort(key=lambda h: (h.start, h.end))
    return hits


def find_phrases(text: str, *, normalized: tuple[str, list[int]] | None = None,
                 warning_text: bool | None = None) -> list[RuleHit]:
    """Scam-tactic phrases (安全账户, 屏幕共享, 验证码, 刷单 …) in ``text``."""
    return match_rules(text, phrase_rules(), normalized=normalized, warning_text=warning_text)


def find_card_trafficking(text: str, *, normalized: tuple[str, list[int]] | None = None,
                          warning_text: bool | None = None) -> list[RuleHit]:
    """断卡 recruitment (renting/selling cards and accounts, 跑分, 帮人走账) in ``text``."""
    return match_rules(text, card_trafficking_rules(), normalized=normalized, warning_text=warning_text)

# A private chat account given as the way to reach the sender: 加V：xxx, QQ 2930184756, LINE ID：xxx, Telegram
# @xxx, WeChat: xxx. Scams move the reader to a chat the platform does not watch; the policy counts such an
# account as a contact off the allowlist, like a number or a link.
_CONTACT_HANDLE = re.compile(
    r"(?<![a-z])(?:微信|薇信|威信|v信|vx|wx|wechat|qq|扣扣|(?-i:LINE)|line ?id|telegram|whatsapp"
    r"|(?<=[加添私找系聊])[vq]|[vq](?=\s*+[:：])|id(?=\s*+[:：]))\s*+(?:号|id)?\s*+[:：]?\s*+(?:@\s*+)?"
    r"(?P<handle>[a-z][a-z0-9_.-]{3,30}|\d{5,12})(?![a-z0-9_])"
    r"|(?<![\w.@])@(?P<at>[a-z][a-z0-9_]{3,31})(?![\w.])",
    re.IGNORECASE,
)
_NOT_HANDLES = frozenset({"http", "https", "www", "official", "account", "accounts", "group", "groups", "chat", "call",
                          "calls", "moments", "please", "today", "only", "number", "message", "messages", "video"})


def find_contact_handles(normalized: str) -> list[str]:
    """Private chat accounts (WeChat, QQ, LINE, Telegram, WhatsApp ids) that ``normalized`` gives as a contact."""
    found = []
    for m in _CONTACT_HANDLE.finditer(normalized):
        handle = m.group("handle") or m.group("at")
        if handle and handle.lower() not in _NOT_HANDLES:
            found.append(handle)
    return found
