"""Phrase rules and 断卡 (card-trafficking) recruitment rules, with spans into the user's text.

The rule lists are data (``data/rules/phrases.toml``, ``data/rules/card_trafficking.toml``); this module
only loads and matches them. Matching runs on normalised text (NFKC + Simplified) and spans are mapped
back to the original text, so Traditional input gives the same hits at the right places.

A match is discarded as a *warning* when its clause negates or reports it before (不要/切勿/谨防, 骗子让你…,
以…为由, never …) or calls it a crime or a scam after (…是违法的/涉嫌帮信罪/is a scam) — but not when that
clause opens with "or else" (否则/不然 …): that is the scammer's threat. A text that says outright that
something is a scam, or retells one ("都是诈骗", "我差点被骗", "警方提醒"), gives no hit at all: anti-fraud
notices, news and people warning each other quote scam tactics.

Support tactics (``support.toml``: an amount asked for, a deadline, "call us back", "trust me") are what genuine
notices and friends write too: alone they count for nothing, beside a strong tactic of another rule they count as
its ask (``RuleHit.strong``).

Some rules are a demand made through a link ("逾期未缴 请至 xx.top 缴纳"); they count only when the link is not
an official site (``unofficial_link`` in the rule file). ``find_contact_handles`` finds the private chat
accounts (加V, QQ, LINE, Telegram) a text gives as the way to reach its sender.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from bot import PROJECT_ROOT
from nlp.textnorm import normalize_with_offsets, original_span

RULES_DIR = PROJECT_ROOT / "data" / "rules"
# A tactic is a warning, not a scam, when its clause negates it just before …
_NEGATED_BEFORE = re.compile(
    # (not the question "要不要 / 会不会 / 能不能": "你要不要也先投五万" is the ask)
    r"((?<!要)不要|不得|(?<!能)不能|(?<!会)不会|(?<!可)不可|切勿|请勿|勿|别|谨防|警惕|提防|防范|严禁|禁止|绝不|决不|从不|拒绝|远离|谨慎)"
    r"[^。！!？?；;，,.\n]{0,20}$"
    # (English words are longer than characters, and "if you did not make this purchase, press 1" is the ask)
    r"|(\bnever\b|\bnot\b|n't\b|\bbeware\b|\bavoid\b|\brefuse\b|\bignore\b)[^。！!？?；;，,.\n]{0,14}$"
    # a tips list's bare 不 right before its verb: "不开启屏幕共享", "不点击陌生链接"
    r"|(?<![要会能可得])不[^。！!？?；;，,.\s]{0,2}$",
    re.IGNORECASE,
)
# … or its sentence reports it as someone else's doing (骗子让你…, 以…为由, 冒充…, 凡是…).
_REPORTED_BEFORE = re.compile(
    r"(骗子|骗徒|歹徒|诈骗集团|诈团|冒充|假冒|假扮|伪装|谎称|自称|声称|宣称|佯称|诱导|诱骗|骗取|以[^。！!？?；;]{0,12}为由|"
    r"(对方|他们|那人|那个人|此人|买家|卖家)(让|要|要求|叫|说|称)|(要求|让|叫|诱使|引导)(其|受害人|事主|市民|民众|学生|老人|家长)|"
    r"(打来|打过来|来电)[^。！!？?；;]{0,6}(说|称)|"
    r"凡是|如遇|如果有人|若有人|一旦有人|接到[^。！!？?；;]{0,10}(电话|短信)|接了?(个|一个|一通)?(陌生)?(电话|短信)|说是什么)"
    r"[^。！!？?；;]{0,30}$"
    # English sentences are longer: the report reaches to the sentence's end.
    r"|(\bscammers?\b|\bfraudsters?\b|\bcriminals\b|\bsaying\b|\bclaim(ing|ed|s)\b|\bpretend\w*|\bposing as\b|"
    r"\bimpersonat\w*|\bif (someone|anyone|a caller|the caller)\b)[^.!?。！？；;]{0,70}$",
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
    r"(差点|险些|差一点)(就)?(被骗|上当|转(钱|账|了)|汇|信了|中招)|(幸好|还好|幸亏)[^。！？]{0,20}(没|发现|识破|挂|问|核实|打|确认|查)|"
    r"被骗了|被骗走|骗走|上当受骗|涉案金额|发案|案例|据[^。！？]{0,8}(通报|报道)|"
    r"(发现|才知道|知道|意识到|明白)(自己|他|她|我)?(是)?(被骗|上当|遇到了?(骗子|诈骗))|(根本)?没(有)?(这回事|这种事|这件事)|"
    r"(收到|接到)(了)?(一条|一个|一通|条|个)?[^。！？\n]{0,6}(短信|电话|消息|来电|信息|私信)[：:，,]?\s*[“\"「『]|"
    r"(他|她|对方|那人|骗子)(就|立马|马上|直接|立刻)?(挂了|挂断了|把我删了|删了我|拉黑了我|秒删|不回了|没声了)|秒删|"
    r"(有人|有个人|陌生人|一个陌生(号码|人))(私信|私聊|加|打电话给|发消息给|发短信给|打来|打过来|来电)(我)?[^。！？\n]{0,4}(说|称)|"
    r"(近期|最近|近日|日前)[^。！？\n]{0,6}(出现|发生|有人|有不法分子|频发|多发)[^。！？\n]{0,4}(冒充|假冒|以)|"
    r"杀猪盘|(直接|已经?|果断|马上|赶紧)(拉黑|退群|删了|挂了|挂断了)|所谓的?[“\"「『]|(这种|那种|这些|什么)所谓的?|"
    r"(我|他|她)(就|直接|果断|已经?)?拉黑了|(结果|原来)是假|(为|是|属于?)钓鱼(邮件|短信|链接|网站|网址)?|"
    # news: who reports it, and people named as news names them (李某, 陈先生)
    r"(记者|本报|新华社|央视|通讯员)[^。！？\n]{0,8}(获悉|了解到|报道|讯)|经查[，,]|据了解|据悉|(民警|警方)(介绍|表示|说)|"
    r"(犯罪)?嫌疑人[\u4e00-\u9fff]某|(市民|居民|网友|读者|事主|受害人|当事人)[\u4e00-\u9fff]{0,3}(先生|女士|某)|"
    r"虚假(投资|理财|平台|网站|APP|app|贷款|客服)|(随即|随后|于是|赶紧|这才|当即)报警|"
    # a reported case or a warned-of kind of message
    r"(冒充|假冒|假扮)[^。！!？?，,\n]{0,8}(诈骗|骗局)(?!案|犯罪|集团|嫌疑|团伙)|"
    r"(不法|诈骗|犯罪)分子(冒充|假冒|假扮|惯用|专门)|(诈骗|骗子|骗局)[^。！？\n]{0,4}(常见|常用|惯用)?话术|"
    r"(这种|这类|此类|类似)[^。！!？?\n]{0,10}(诈骗|骗局|骗术)(?!案|犯罪|集团|嫌疑|团伙|资金)|"
    r"大家(千万|一定|都|也)?(要)?(小心|当心|警惕|提防|注意防|别信|不要信|别上当|不要上当|留个?心眼)|大家(千万)?(别|不要)(转|信|理|回|点)|"
    r"(这种|这类|此类)(短信|电话|消息|链接|来电)|(这种|这类|此类|类似的?)(骗局|套路)|"
    r"【(警惕|防骗|反诈|防诈)[^】]{0,6}】|"
    r"骗取(钱财|资金|信任|个人信息|验证码|财物)|劝(她|他|我|你|大家|家人|老人)?(别|不要)|(微信|QQ|号|账号|帐号)(被盗|被人盗)了?[^。！？\n]{0,16}(到处|冒充|假冒)|"
    r"被[^。！？\n]{0,8}(叫去|传唤|带走)[^。！？\n]{0,6}了|(?<![将会能])被(警方|警察|公安|检方)?以[^。！？\n]{0,10}罪名?(拘捕|逮捕|刑拘|拘留|起诉)|误信|"
    r"(诈骗|骗子|骗局|骗徒|歹徒)的?(常见|常用|惯用|一般)?(话术|套路|手法|伎俩|手段)|"
    r"(不会|从不|从来不)(在|通过|用)[^。！？\n]{0,8}(借钱|找你借|问你借)|"
    r"(是|属于?)(违法|犯罪)(行为)?|违法犯罪|触法|(?<!一)起诉|被判|判处|有期徒刑|审理|"
    # who warns
    r"防骗|防诈|反诈(宣传|提醒|小课堂|知识|预警|课堂)|(警方|民警|派出所|反诈中心|刑事局|警署|警务处|保卫处|165)[^。！？\n]{0,4}"
    r"(温馨)?(提[醒示]|呼吁|忠告|警告)|"
    # a quoted scam called fake, the typical case named, the reader told what to do with it
    r"(是|系)假(的|嘅)|假嘅|(唔会|不会|从不|从来不)(咁|这样|这么)[^。！!？?，,\n]{0,4}(发|寄|打|要求)|典型的?[^。！!？?\n]{0,16}(诈骗|骗局)|"
    r"连环诈骗|(这种|这类)[^。！!？?\n]{0,8}叫[^。！!？?\n]{0,4}诈骗|别信这种|(别|不要)上当|遇到(也)?(别理|不要理)|"
    r"(正在|可能)(遭遇|遇到)(了)?(电信)?诈骗|被转走|提醒(民众|市民|广大)|沦为|"
    r"人头[账帐]?户|车手(?!续)|傀儡户口|断卡行动|两卡|"
    r"(一|某|一名|一位)(女子|男子|市民|老人|大学生|学生|阿姨|大爷)[^。！!？?\n]{0,10}(接到|遭遇|被|收到|轻信)|"
    r"\b(action fraud|scamwatch|scamshield|report ?fraud|antiscam|anti-scam|ftc\.gov)\b|\bred flags?\b|"
    r"\b(this|it|these|that) (is|are|was) (fake|fraudulent|not (real|genuine|from))\b|"
    r"scam alert|fraud alert|beware of|is a scam|are scams|\bscammers\b|\bfraudsters\b|"
    r"\b(people|students|customers|residents|many|some|several|members|parents) (have |had )?(been )?"
    r"(received|reported|got|getting|receiving) (calls|texts|messages|emails|reports)\b|"
    r"\b(a|the|any) (text|message|call|caller|email) (says|claims|asking|asks|saying)\b|"
    r"\b(kidnapping|investment|romance|phishing|rental|job|task|delivery|impersonation|parcel|tax|visa|crypto|toll|"
    r"recovery|tech support) scams\b|\bvictims? (are|were|is|was) (told|asked|convinced|instructed|often|then)\b|"
    r"pretending to be|\blost (£|\$|€|rm|s\$)\s?\d|scam types|common scams|recent scams|scam warning|"
    r"\bscams? (often|usually|typically|commonly|may|begin)|\bhow (the|this|these|that) scams? works?\b|"
    r"\b(nearly|almost) (fell for|got scammed|lost|sent|paid|transferred|believed)\b|\bfell for\b|"
    r"\b(absolutely|totally|obviously|clearly|definitely|100%) (fake|a scam|a fraud|fraudulent|bogus)\b",
    re.IGNORECASE,
)


# What genuine notices print on every message, and what some scams copy to look genuine: "请勿泄露验证码",
# "谨防诈骗", "我行不会要求您…", "never share this code". Read as a warning all the same: letting a tactic that stands
# beside it outweigh it (the scam dressed as its bank) was tried on the real-register set and flagged four times
# as many held-out warnings — one of them high — as it recovered scams.
_WARNING_BOILERPLATE = re.compile(
    # institutions saying what they never do, and what the reader must not do
    r"(不会|从不|从未|绝不|决不)(以任何(理由|名义|方式))?(要求|让|通过电话|打电话|发短信|索要|主动)"
    r"(?![^。！!？?，,\n]{0,6}(承担|负责|吃亏|有事|有风险|出事|担心|查到|知道))|"
    r"(切勿|请勿)(告知|泄露|透露|转[账帐]|相信|轻信|点击|出租|出借|出售|扫码|理会|回应|回复)|"
    r"千万(不要|别)(相信|轻信|转[账帐]|点击|透露|泄露|出租|出借|扫码|碰|参与|贪|信|理|上当)|"
    r"(不要|切勿|请勿|严禁|不得|别)[^，,。！？\n]{0,16}(出租|出借|出售|借给|租给|卖给|交给|提供给)(他人|别人|陌生人)|"
    r"如遇[^。！!？?；;]{0,24}(报警|110|96110|165|18222)|提高警[惕觉]|谨防|拨打(96110|165|18222)|"
    r"不要(拨打|回拨|点击|回复|扫描)[^。！？\n]{0,6}(短信|陌生|不明|来历不明)|以[^。！？\n]{0,16}官方[^。！？\n]{0,16}为准|"
    r"(先|务必|一定要?|一律)(先)?(打)?(电话|当面|视频)(或当面|或电话)?(确认|核实)|一律(不要|别|不)(理会|理|相信|信|转)|"
    r"(?<!you )(?<!\bi )\b(will|would|does|did)(n't| not| never) "
    r"(call|ask|text|email|demand|request|contact|threaten|send)|"
    r"\b(never|don't|do not) (pay|send|share|give|click|transfer|reply|tell anyone your)\b|"
    r"\bif (you|someone|anyone) (gets?|receives?|is asked)\b|\breport (it|this|them|scams?) to\b|\b7726\b|"
    r"\bprotect yourself\b|(will|would) (never|only) ask",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Rule:
    id: str
    pattern: re.Pattern[str]
    category: str | None
    strength: str  # "strong" | "support" | "weak" (see ``RuleHit.strong``)
    # The tactic is a demand made through a link ("逾期未缴 请至 xx.top 缴纳"): it counts only when the link in
    # its span is not an official one (a real bank's "详情见 95599.cn" is the same words with the real site).
    unofficial_link: bool = False


@dataclass(frozen=True)
class RuleHit:
    rule: Rule
    start: int  # offsets into the ORIGINAL text
    end: int
    text: str   # the original text of the span
    backed: bool = False  # a strong tactic of another rule stands in the same text

    @property
    def strong(self) -> bool:
        """Whether the hit counts as a tactic for the policy. A *support* tactic (a payment asked for with its
        amount, a deadline, "call back now") is what genuine notices and friends write too, so alone it counts
        for nothing; beside a strong tactic it is the scam's ask, and the policy sees two tactics that agree,
        as it does a strong tactic beside an unofficial contact (``bot.policy`` rule 3)."""
        return self.rule.strength == "strong" or (self.rule.strength == "support" and self.backed)


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
    """Chinese tactics (phrases.toml), those of English scams aimed at Chinese speakers abroad (english.toml), and
    the support tactics of both (support.toml: the ask and the pressure, counted only beside a strong tactic)."""
    return (_load(RULES_DIR / "phrases.toml", default_category=None, default_strength="weak")
            + _load(RULES_DIR / "english.toml", default_category=None, default_strength="strong")
            + _load(RULES_DIR / "support.toml", default_category=None, default_strength="support"))


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
    before = normalized[max(0, start - 80):start]
    if _NEGATED_BEFORE.search(before) or _REPORTED_BEFORE.search(before):
        return True
    if _WARNING_INSIDE.search(normalized, start, end):  # a long tactic that reaches the sentence calling it a scam
        return True
    after = _WARNING_AFTER.search(normalized[end:end + 24])
    return after is not None and not _DOUBT_AFTER.search(normalized[end + after.end():end + after.end() + 6])


_WARNING_INSIDE = re.compile(r"\b(it'?s|is|are) (a |always a )?(scam|fraud)\b|(是|都是|就是)(诈骗|骗局|骗子)",
                             re.IGNORECASE)
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
    return _says_warning(normalized, _WARNING_TEXT) or _says_warning(normalized, _WARNING_BOILERPLATE)


def _says_warning(normalized: str, markers: re.Pattern[str]) -> bool:
    """Whether one of ``markers`` is in ``normalized`` and is not a doubt, a threat or an accusation."""
    for m in markers.finditer(normalized):
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
    if any(h.rule.strength == "strong" for h in hits):
        hits = [replace(h, backed=True) if h.rule.strength == "support" else h for h in hits]
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
