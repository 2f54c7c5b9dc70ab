"""Loading, normalisation, label policy and grouped splits of the shared Chinese fraud/spam sets.

Label policy (the same text is in data/MODEL_CARD.md):

* ``normal``: telecom_fraud_texts_5 ``label00`` (ads + notifications), FBS ``AD_*`` and ``Other`` (advertising is
  *normal*: annoying, not fraud), sms800k ham (web/Weibo fragments), sms800k spam that passes the advertising
  rule below, NUS personal SMS (grouped by ``user_id``), LCCC utterances and whole multi-turn LCCC dialogues
  joined into one chat-like text (grouped by dialogue).
* Advertising rule, one rule for every advertising source (tf5 normal, FBS AD_*, sms800k spam): an ad whose
  offer is a loan / credit card / cash-out (``_LOAN_OFFER``) is **dropped**: such ads are the lure of the
  ``loan_credit`` fraud class and cannot be told apart by text. sms800k spam is unreviewed, so it also loses
  rows that look like illegal services, prizes or phishing (``_SPAM_REVIEW``); what is left is ordinary ads.
* fraud categories (keys of ``bot/categories.py``): telecom_fraud_texts_8 classes 1–7 → impersonate_police,
  loan_credit, fake_customer_service, impersonate_acquaintance, task_rebate, romance, game_trading (the _5 fraud
  files are subsets of _8 and are not loaded); FBS ``FR_Phishing_Bank``/``FR_Phishing_Other`` → phishing,
  ``FR_Other`` → phishing if it carries a link (the "看完这相册 URL" lures), else dropped (mostly bare bank
  card numbers), ``FR_Financial`` → fake_investment.
* ``illegal_service``: FBS ``IL_Gambling``, ``IL_Escort_service``, ``IL_Fake_ID_and_invoice``.
  ``IL_Political_propaganda`` is dropped: it is not a service nor fraud, and the bot has no class for it.
* A text that occurs under two labels after normalisation is dropped everywhere.

Normalisation (``normalize_for_model``, used at inference too): NFKC + Traditional→Simplified
(``nlp.textnorm``), every mask style rewritten to one placeholder scheme and then realised as plausible values
(see the masks section below), whitespace tidied. Deduplication and grouping use the placeholder form, so two
copies of a template with different masked values are one text.

Splits: near-duplicates (character 3-gram Jaccard ≥ 0.5 via MinHash/LSH, verified exactly), NUS messages of one
sender and LCCC utterances of one dialogue form one group; groups go whole to train, dev or test (70/15/15 per
source × label, seeded). Train gets augmentation (``nlp.augment``); dev/test hold real rows only, plus a
flagged ``source="synthetic"`` slice of held-out templates in test.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import re
import string
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from nlp.labels import CATEGORY_ZH, FRAUD_LABELS, ILLEGAL, LABELS, NORMAL, decide  # noqa: F401  (re-exported)
from nlp.textnorm import fold_obfuscation, normalize_text

SOURCES: tuple[str, ...] = ("tf5", "tf8", "fbs", "nus", "sms800k", "lccc", "tgspam", "cofacts", "synthetic")
PERSONAL_SOURCES: tuple[str, ...] = ("nus", "lccc")  # personal SMS / chat: the false-alarm figure that matters

TF8_LABELS = {1: "impersonate_police", 2: "loan_credit", 3: "fake_customer_service", 4: "impersonate_acquaintance",
              5: "task_rebate", 6: "romance", 7: "game_trading"}
FBS_LABELS: dict[str, str | None] = {
    "AD_Loan": "normal", "AD_Network_service": "normal", "AD_Other": "normal", "AD_Real_estate": "normal",
    "AD_Retail": "normal", "Other": "normal",
    "FR_Financial": "fake_investment", "FR_Other": "phishing", "FR_Phishing_Bank": "phishing",
    "FR_Phishing_Other": "phishing",
    "IL_Escort_service": "illegal_service", "IL_Fake_ID_and_invoice": "illegal_service",
    "IL_Gambling": "illegal_service", "IL_Political_propaganda": None,
}

_LOAN_OFFER = re.compile(r"贷款|信贷|车贷|房贷|借款|放款|下款|信用贷|无抵押|低息|提额|套现|"
                         r"代办信用卡|办信用卡|信用卡办理|急用钱|网贷")
_SPAM_REVIEW = re.compile(
    r"发票|开票|办证|证件|刻章|印章|职称|文凭|学历|赌|博彩|彩票|六合|时时彩|百家乐|棋牌|娱乐城|真人|美女|靓女|小姐|"
    r"按摩|上门|特殊服务|中奖|奖金|幸运|获得|领取|积分|兑换|验证码|密码|账户|帐户|转账|汇款|链接|点击|网址|"
    r"理财|投资|收益|股票|炒股|牛股|兼职|刷单|佣金|日赚|代还|征信|pos|POS|微信|QQ|qq"
)


# ------------------------------------------------------------------------------------------------- masks
# The shared sets hide contacts in different ways: FBS uses URL/DIGIT/PLACE/NAME/CELLPHONE/PHONE/WECHAT/
# HOTLINE/BANK, the 800k set and part of telecom_fraud_texts use x/X runs, NUS uses <#>/<DECIMAL>/<TIME>/<DATE>/
# <URL>/<EMAIL> and **. The mask style correlates with the label, so a model trained on raw text learns
# "has a placeholder => normal". Every style is rewritten to one placeholder ⟦KIND⟧ (⟦NUM:n⟧ for an x-run of
# length n) -- the form dedup and grouping see -- and then realised as a plausible value drawn from an RNG
# seeded by the text, so a text always gets the same values and fraud and normal rows share one distribution.
OPEN, CLOSE = "⟦", "⟧"

# FBS-style upper-case placeholders (sometimes glued to each other or to residue letters: "URLdfge",
# "CELLPHONEWECHAT", "jlnPHONE"). Longest first so CELLPHONE wins over PHONE.
_UPPER_MASK = re.compile(r"(?<!⟦)(?:CELLPHONE|HOTLINE|WECHAT|DIGIT|PLACE|PHONE|NAME|BANK|URL)")
_URL_RESIDUE = re.compile(r"(⟦URL⟧)[a-z0-9]+")
_ANGLE_MASK = re.compile(r"<\s*(#|DECIMAL|TIME|DATE|URL|EMAIL)\s*>", re.IGNORECASE)
_STARS = re.compile(r"\*{2,}")
_SOMEWHERE = re.compile(r"[(（]某地\d*[)）]")
_SPACED_X = re.compile(r"(?<![A-Za-z])[xX](?: [xX]){2,}(?![A-Za-z])")
# A run of x: alone between non-letters ("x月xx日"), or 3+ long even next to letters ("XXXMB", "nxxxxx"),
# but not a clothing size ("XXL", "XXXL").
_X_RUN = re.compile(r"(?<![A-Za-z])[xX]+(?![A-Za-z])|[xX]{3,}(?![xXlL])")
_LITERAL_ESCAPE = re.compile(r"\\+u[0-9a-fA-F]{4}")
_PLACEHOLDER = re.compile(r"⟦([A-Z]+)(?::(\d+))?⟧")

_ANGLE_KIND = {"#": "DIGIT", "DECIMAL": "DECIMAL", "TIME": "TIME", "DATE": "DATE", "URL": "URL", "EMAIL": "EMAIL"}

# Context rules for x/X runs (the only mask whose meaning depends on the words around it).
_X_BEFORE = [
    (re.compile(r"(微信号?|vx|VX|wx)[:：是为]?\s*$"), "WECHAT"),
    (re.compile(r"(QQ群?号?|qq群?号?|群号|会议号码?|会议号)[:：是为]?\s*$"), "QQ"),
    (re.compile(r"(链接|网址|网站|官网|下载地址|地址是)[:：是为]?\s*$"), "URL"),
    (re.compile(r"(手机号码?|电话号码?|电话|手机|热线|致电|拨打|联系方式|新号码?|号码)[:：是为]?\s*$"), "CELL"),
    (re.compile(r"(卡号|账号|账户|帐号|帐户|尾号|验证码|密码|编号|单号|订单号|口令)[:：是为]?\s*$"), "NUM"),
    (re.compile(r"(APP|app|App|公众号|平台)[:：是为叫]?\s*$"), "APP"),
]
_X_AFTER_ORG = re.compile(r"^(银行|公司|集团|机构|教育|平台|网|商城|科技|医院|学校|中学|小学|大学|派出所|公安局|法院|"
                          r"检察院|分局|支行|分行|酒店|店|岗位|部门|市|省|区|县|路|街)")
_X_AFTER_NUM = re.compile(r"^\s*([%％元万千百块号日月年天点分秒折倍个件台位人次期楼层室栋米斤克G]"
                          r"|MB|mb|GB|gb|\.|-|:|：)")
_X_BEFORE_NAME = re.compile(r"(我是|是|叫|找|姓|代表|警官|经理|老师|先生|女士|同学|主任|员)\s*$")


def _x_kind(before: str, run: str, after: str) -> str:
    """Guess what an x-run stood for from the words around it."""
    for pattern, kind in _X_BEFORE:
        if pattern.search(before):
            return kind
    if _X_AFTER_ORG.match(after):
        return "ORG"
    if _X_AFTER_NUM.match(after) or (before and before[-1].isdigit()) or (after and after[0].isdigit()):
        return "NUM"
    if _X_BEFORE_NAME.search(before):
        return "NAME"
    # The 800k set masks digits with lower-case x; the LLM-written sets use "XXX" for a name.
    return "NUM" if len(run) >= 5 or run.islower() else "NAME"


def _canon_x(text: str) -> str:
    text = _SPACED_X.sub(lambda m: m.group(0).replace(" ", ""), text)
    out: list[str] = []
    last = 0
    for m in _X_RUN.finditer(text):
        run = m.group(0)
        # Lone lower-case "x" is usually a real letter or "times" (3x4); only mask if digits/CJK context.
        before, after = text[max(0, m.start() - 8):m.start()], text[m.end():m.end() + 6]
        if len(run) == 1 and not (_X_AFTER_NUM.match(after) or (before and (before[-1].isdigit()
                                                                              or before[-1] in ".-/:~"))):
            continue
        kind = _x_kind(before, run, after)
        out.append(text[last:m.start()])
        out.append(f"{OPEN}NUM:{len(run)}{CLOSE}" if kind == "NUM" else f"{OPEN}{kind}{CLOSE}")
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def canonicalize_masks(text: str) -> str:
    """Rewrite every source's mask style into ``⟦KIND⟧`` placeholders (input already NFKC + simplified)."""
    text = _LITERAL_ESCAPE.sub("", text)
    text = _ANGLE_MASK.sub(lambda m: f"{OPEN}{_ANGLE_KIND[m.group(1).upper()]}{CLOSE}", text)
    text = _UPPER_MASK.sub(lambda m: f"{OPEN}{'CELL' if m.group(0) == 'CELLPHONE' else m.group(0)}{CLOSE}", text)
    text = _URL_RESIDUE.sub(r"\1", text)
    text = _SOMEWHERE.sub(f"{OPEN}PLACE{CLOSE}", text)
    text = _STARS.sub(f"{OPEN}NAME{CLOSE}", text)
    return _canon_x(text)


def has_placeholder(text: str) -> bool:
    return OPEN in text


# --------------------------------------------------------------------------------------------- realisation
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞"
)
_GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯鑫"
    "鹏辉欣怡思雨晨阳婷雪琳瑶晓峰建国志刚海波子涵梓轩一诺浩然佳琪"
)
_CITIES = (
    "北京", "上海", "广州", "深圳", "杭州", "南京", "成都", "重庆", "武汉", "西安",
    "天津", "苏州", "郑州", "长沙", "青岛", "沈阳", "大连", "厦门", "福州", "济南",
    "合肥", "昆明", "南宁", "贵阳", "哈尔滨", "长春", "石家庄", "太原", "南昌", "兰州",
    "佛山", "东莞", "无锡", "宁波", "温州", "泉州", "烟台", "潍坊", "保定", "邯郸",
    "洛阳", "襄阳", "宜昌", "柳州", "绵阳", "运城", "丰镇", "义乌", "昆山", "常州",
)
_PLACE_SUFFIX = (
    "", "", "", "市", "区", "万达广场", "人民路", "中山路", "解放路", "步行街",
    "新区", "开发区", "火车站", "大学城", "中心医院", "体育馆", "国贸中心", "银泰城", "汽车站",
)
_BANKS = (
    "工商", "建设", "农业", "中国", "招商", "交通", "邮储", "浦发", "民生", "兴业",
    "光大", "中信", "平安", "广发", "华夏",
)
_ORGS = (
    "鑫源", "华信", "恒通", "宏达", "金诚", "中科", "华夏", "瑞丰", "天润", "博远",
    "新东方", "众诚", "安信", "盛世",
)
_SHORT_HOSTS = ("t.cn", "dwz.cn", "u.10010.cn", "url.cn", "m.tb.cn", "3.cn", "sourl.cn", "c.tb.cn", "s.jd.com",
                "j.map.baidu.com", "v.douyin.com", "b23.tv", "mp.weixin.qq.com/s")
_WORDS = ("jf", "vip", "app", "kf", "ly", "hd", "mall", "shop", "pay", "bank", "etc", "ybj", "gov", "card", "huodong",
          "m", "wap", "h5", "service", "tao", "jd", "you", "le", "bao", "xin", "hui", "jia", "yun", "go", "dl")
_TLDS = (".cn", ".com", ".com.cn", ".net", ".top", ".vip", ".cc", ".xyz", ".org", ".info", ".com.cn")
_APPS = ("安心借", "ZOOM", "钉钉", "云闪付", "易信", "蝙蝠", "Telegram", "QQ", "飞聊", "米聊", "抖音", "快手", "闲鱼")


def _digits(rng: random.Random, n: int, *, lead_nonzero: bool = True) -> str:
    first = rng.choice("123456789" if lead_nonzero else string.digits)
    return first + "".join(rng.choice(string.digits) for _ in range(n - 1))


def _mobile(rng: random.Random) -> str:
    prefix = rng.choice(("13", "15", "17", "18", "19", "14", "16")) + rng.choice(string.digits)
    number = prefix + _digits(rng, 8, lead_nonzero=False)
    style = rng.random()
    if style < 0.1:
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    if style < 0.18:
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    return number


def _landline(rng: random.Random) -> str:
    area = rng.choice(("010", "021", "020", "0755", "0571", "025", "028", "023", "027", "029", "0531", "0371", "0731"))
    local = _digits(rng, 8 if len(area) == 3 else rng.choice((7, 8)))
    return rng.choice((f"{area}-{local}", f"{area}{local}", f"({area}){local}"))


def _hotline(rng: random.Random) -> str:
    return rng.choice((f"400-{_digits(rng, 3, lead_nonzero=False)}-{_digits(rng, 4, lead_nonzero=False)}",
                       f"400{_digits(rng, 7, lead_nonzero=False)}", f"95{_digits(rng, 3, lead_nonzero=False)}",
                       f"800-{_digits(rng, 3)}-{_digits(rng, 4)}", f"10{rng.choice('01086')}{_digits(rng, 2)}"))


def _url(rng: random.Random) -> str:
    alnum = string.ascii_letters + string.digits
    if rng.random() < 0.45:
        host = rng.choice(_SHORT_HOSTS)
        path = "/" + "".join(rng.choice(alnum) for _ in range(rng.randint(5, 8)))
    else:
        words = [rng.choice(_WORDS) for _ in range(rng.randint(1, 2))]
        sep = rng.choice(("", "-", ""))
        host = sep.join(words) + (str(rng.randint(1, 999)) if rng.random() < 0.3 else "") + rng.choice(_TLDS)
        if rng.random() < 0.5:
            host = rng.choice(("www.", "m.", "wap.")) + host
        path = rng.choice(("", "", "/", "/index.html", "/m", "/login", "/h5/" + _digits(rng, 4)))
    scheme = rng.choice(("", "", "http://", "https://"))
    return scheme + host + path


def _name(rng: random.Random) -> str:
    given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 1, 2))))
    if rng.random() < 0.15:
        return rng.choice(_SURNAMES) + rng.choice(("总", "经理", "老师", "先生", "女士", "姐", "哥"))
    return rng.choice(_SURNAMES) + given


def _wechat(rng: random.Random) -> str:
    letters = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 7)))
    return rng.choice((letters + _digits(rng, rng.randint(2, 6)), "wxid_" + letters + _digits(rng, 3),
                       letters + "_" + _digits(rng, 4), _mobile(rng).replace("-", "").replace(" ", "")))


def _number(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.45:
        return str(rng.randint(1, 99))
    if r < 0.8:
        return str(rng.randint(100, 9999))
    if r < 0.9:
        return str(rng.randint(10000, 500000))
    return f"{rng.randint(1, 999)}.{rng.randint(0, 99):02d}"


# A number right before one of these is a date/time/discount part: keep it in range ("12月28日", "8折").
_UNIT_RANGE = {"月": (1, 12), "日": (1, 28), "号": (1, 28), "时": (0, 23), "点": (0, 23), "分": (0, 59),
               "折": (1, 9), "%": (1, 99), "岁": (18, 70), "年": (1, 10)}


def _value(kind: str, arg: str | None, rng: random.Random, after: str = "") -> str:
    if kind == "DIGIT" or (kind == "NUM" and int(arg or 3) <= 2):
        unit = _UNIT_RANGE.get(after[:1])
        if unit:
            return str(rng.randint(*unit))
    if kind == "NUM":
        n = int(arg or 3)
        if n == 11 and rng.random() < 0.6:
            return _mobile(rng).replace("-", "").replace(" ", "")
        return _digits(rng, n)
    if kind == "DIGIT":
        return _number(rng)
    if kind == "CELL":
        return _mobile(rng)
    if kind == "PHONE":
        return _landline(rng) if rng.random() < 0.7 else _mobile(rng)
    if kind == "HOTLINE":
        return _hotline(rng)
    if kind == "URL":
        return _url(rng)
    if kind == "WECHAT":
        return _wechat(rng)
    if kind == "QQ":
        return _digits(rng, rng.randint(6, 10))
    if kind == "NAME":
        return _name(rng)
    if kind == "PLACE":
        return rng.choice(_CITIES) + rng.choice(_PLACE_SUFFIX)
    if kind == "BANK":
        card = "62" + _digits(rng, rng.choice((14, 17)), lead_nonzero=False)
        return rng.choice((card, " ".join(card[i:i + 4] for i in range(0, len(card), 4)),
                           rng.choice(_BANKS) + "银行" + card))
    if kind == "ORG":
        return rng.choice(_ORGS + _BANKS + tuple(_CITIES[:15]))
    if kind == "APP":
        return rng.choice(_APPS)
    if kind == "EMAIL":
        user = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 8))) + _digits(rng, 3)
        return user + rng.choice(("@qq.com", "@163.com", "@126.com", "@sina.com", "@gmail.com"))
    if kind == "TIME":
        return f"{rng.randint(7, 22)}:{rng.choice(('00', '15', '30', '45', '10', '20'))}"
    if kind == "DATE":
        return f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
    if kind == "DECIMAL":
        return f"{rng.randint(0, 99)}.{rng.randint(1, 9)}"
    return ""


def realize_masks(canonical: str, *, salt: str = "") -> str:
    """Replace ``⟦KIND⟧`` placeholders with values from an RNG seeded by the text (and ``salt``)."""
    if OPEN not in canonical:
        return canonical
    seed = int.from_bytes(hashlib.blake2b((salt + "\x1f" + canonical).encode(), digest_size=8).digest(), "big")
    rng = random.Random(seed)
    return _PLACEHOLDER.sub(
        lambda m: _value(m.group(1), m.group(2), rng, m.string[m.end():m.end() + 1]), canonical)


# ------------------------------------------------------------------------------------------ normalisation
_WS = re.compile(r"[ \t\u00a0\u3000\u200b\ufeff]+")
_NL = re.compile(r"\n{3,}")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_LATIN_EDGE = re.compile(r"[A-Za-z0-9]")


def tidy_whitespace(text: str) -> str:
    """Unify line ends, collapse runs of spaces, trim lines, at most one blank line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_WS.sub(" ", line).strip() for line in text.split("\n")]
    return _NL.sub("\n\n", "\n".join(lines)).strip()


@lru_cache(maxsize=1)
def _traditional_triggers() -> frozenset[str] | None:
    """Characters without which OpenCC t2s leaves a text unchanged (read from its own dictionaries).

    Converting is ~0.1 ms per text in pure Python and only ~1 % of the corpus needs it, so texts without any
    of these characters skip the call; the result is identical by construction (every other dictionary entry
    maps a phrase to itself). ``None`` if the dictionaries cannot be read: then every text is converted.
    """
    try:
        folder = resources.files("opencc") / "dictionary"
        chars = {line.split("\t", 1)[0] for line in
                 (folder / "TSCharacters.txt").read_text(encoding="utf-8").splitlines() if line}
        triggers = set("".join(chars))
        for line in (folder / "TSPhrases.txt").read_text(encoding="utf-8").splitlines():
            key, _, values = line.partition("\t")
            if key and key != values.split(" ")[0] and not triggers.intersection(key):
                triggers.update(key)
        return frozenset(triggers)
    except (OSError, ModuleNotFoundError):
        return None


def _nfkc_simplified(text: str) -> str:
    """``nlp.textnorm.normalize_text`` (folding + NFKC + t2s), skipping OpenCC for texts it would not change."""
    text = fold_obfuscation(text)[0]
    nfkc = unicodedata.normalize("NFKC", text)
    triggers = _traditional_triggers()
    if triggers is not None and triggers.isdisjoint(nfkc):
        return nfkc
    return normalize_text(text)


def canonical_text(text: str) -> str:
    """NFKC + simplified + one placeholder mask scheme + tidy whitespace: the key for dedup and grouping."""
    return tidy_whitespace(canonicalize_masks(_nfkc_simplified(text)))


def normalize_for_model(text: str) -> str:
    """What the model sees, in training and at inference: the canonical text with masks realised."""
    return realize_masks(canonical_text(text))


def join_segmented(text: str) -> str:
    """Re-join word-segmented Chinese: drop spaces except between two Latin/digit tokens ("apple iphone")."""
    tokens = text.split()
    if not tokens:
        return ""
    out = [tokens[0]]
    for token in tokens[1:]:
        if _LATIN_EDGE.match(out[-1][-1]) and _LATIN_EDGE.match(token[0]):
            out.append(" ")
        out.append(token)
    return "".join(out)


def join_spaced_chars(text: str) -> str:
    """LCCC separates every character (and every Latin letter) by a space: remove them all."""
    return "".join(text.split())


# ------------------------------------------------------------------------------------------------ parsers
@dataclass(frozen=True)
class Example:
    text: str
    label: str
    source: str
    group: str


@dataclass(frozen=True)
class RawRow:
    """A parsed row before normalisation: its text, label, source, and the group the data itself gives."""

    text: str
    label: str
    source: str
    base_group: str


def read_text_file(path: Path) -> str:
    """UTF-8, or GB18030 for the one legacy file (label04-last.csv); BOM tolerated."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def read_content_csv(path: Path) -> Iterator[tuple[str, str]]:
    """telecom_fraud_texts: ``content,label`` with a header; quoted fields may span lines."""
    reader = csv.reader(io.StringIO(read_text_file(path), newline=""))
    header = next(reader, None)
    if header is None:
        return
    if [h.strip().lower() for h in header[:2]] != ["content", "label"]:
        raise ValueError(f"{path}: expected header 'content,label', got {header!r}")
    for row in reader:
        if len(row) >= 2:
            yield ",".join(row[:-1]), row[-1].strip()
        elif len(row) == 1:
            yield row[0], ""


def parse_tf5(folder: Path) -> Iterator[RawRow]:
    """Only ``label00`` (normal): the _5 fraud files are subsets of _8's and are read from there."""
    path = folder / "label00-last.csv"
    if not path.exists():
        return
    for i, (text, _label) in enumerate(read_content_csv(path)):
        if _LOAN_OFFER.search(text):
            continue  # the advertising rule (module docstring)
        yield RawRow(text, "normal", "tf5", f"tf5:{i}")


def parse_tf8(folder: Path) -> Iterator[RawRow]:
    for path in sorted(folder.glob("label*-*.csv")):
        m = re.match(r"label(\d+)-", path.name)
        if not m or int(m.group(1)) not in TF8_LABELS:
            continue
        label = TF8_LABELS[int(m.group(1))]
        for i, (text, _label) in enumerate(read_content_csv(path)):
            yield RawRow(text, label, "tf8", f"tf8:{m.group(1)}:{i}")


def _fbs_label(stem: str, text: str) -> str | None:
    label = FBS_LABELS.get(stem)
    if stem == "FR_Other" and "URL" not in text:
        return None
    return label


def parse_fbs(folder: Path) -> Iterator[RawRow]:
    """One message per line, file name = class, word-segmented: masks first, then re-join CJK tokens."""
    for path in sorted(folder.glob("*.txt")):
        if path.stem not in FBS_LABELS:
            continue
        for i, line in enumerate(read_text_file(path).splitlines()):
            label = _fbs_label(path.stem, line)
            if label is None or not line.strip():
                continue
            # Canonical placeholders are non-Latin, so "NAME NAME" joins to two adjacent values.
            text = join_segmented(canonicalize_masks(line))
            if path.stem.startswith("AD_") and _LOAN_OFFER.search(text):
                continue
            yield RawRow(text, label, "fbs", f"fbs:{path.stem}:{i}")


def parse_nus(folder: Path) -> Iterator[RawRow]:
    path = folder / "nus_sms_zh.csv"
    if not path.exists():
        return
    reader = csv.DictReader(io.StringIO(read_text_file(path), newline=""))
    missing = {"user_id", "text"} - set(reader.fieldnames or ())
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    for row in reader:
        yield RawRow(row["text"] or "", "normal", "nus", f"nus:{row['user_id']}")


def parse_sms800k(folder: Path) -> Iterator[RawRow]:
    """``label,text`` without quoting: split at the first comma only."""
    path = folder / "dataset.csv"
    if not path.exists():
        return
    for i, line in enumerate(read_text_file(path).splitlines()):
        label, sep, text = line.partition(",")
        if not sep or label.strip() not in ("0", "1"):
            continue
        if label.strip() == "1" and (_LOAN_OFFER.search(text) or _SPAM_REVIEW.search(text)):
            continue  # unreviewed spam: keep only plain advertising (see module docstring)
        yield RawRow(text, "normal", "sms800k", f"sms800k:{i}")


def parse_lccc(folder: Path) -> Iterator[RawRow]:
    """Utterances of the two-turn txt files and the multi-turn json; multi-turn dialogues also joined whole."""
    for name in ("toy_train.txt", "toy_valid.txt"):
        path = folder / name
        if not path.exists():
            continue
        for i, line in enumerate(read_text_file(path).splitlines()):
            group = f"lccc:{path.stem}:{i}"
            for utterance in line.split("\t"):
                yield RawRow(join_spaced_chars(utterance), "normal", "lccc", group)
    path = folder / "toy_data.json"
    if path.exists():
        data = json.loads(read_text_file(path))
        for split in sorted(data):
            for i, dialogue in enumerate(data[split]):
                group = f"lccc:json:{split}:{i}"
                turns = [join_spaced_chars(u) for u in dialogue if isinstance(u, str)]
                for turn in turns:
                    yield RawRow(turn, "normal", "lccc", group)
                if len(turns) >= 3:
                    yield RawRow("\n".join(turns), "normal", "lccc", group)


# tg_spam_zh: real Telegram/IM spam, labelled spam/not-spam only. Spam is not fraud, so a spam row is kept only
# when it is plainly one of our classes: 断卡 / money-mule and account-rental recruitment (收卡, 公户, 盾卡, 跑分,
# 账密 租号 上号 …) → card_trafficking; gambling, sex services and personal-data selling → illegal_service.
# Everything else (obfuscated ads whose offer cannot be read, job lures of unknown kind) is dropped unreviewed.
_TG_CARD = re.compile(
    r"收卡|卡商|卡农|公户|对公|盾卡|U盾|手银|[四五六]件套|银行卡|(收|租|借|买|卖|出|求购)[^，。,\s]{0,3}(卡|户|号)|跑分|码商|"
    r"接码|账密|租号|上号|号主|号商|收.{0,4}(微信|支付宝|QQ|抖音|陌陌)号?|走账|过账|代收|代付|收款码", re.IGNORECASE)
_TG_ILLEGAL = re.compile(
    r"博彩|投注|菠菜|棋牌|彩票|上分|下分|百家乐|娱乐城|首充|彩金|老虎机|电子游戏|体育|真人|赌|哈希|盘口|"
    r"私密|裸|上门|约炮|资源|色|妹|少女|福利|视频|看P|楼凤|外围|包夜|温柔体贴|"
    r"开房记录|定位|机主|户籍|社工|查档|身份证|[三四]要素|名下", re.IGNORECASE)


def _tg_label(text: str) -> str | None:
    folded = unicodedata.normalize("NFKC", text)
    if _TG_CARD.search(folded):
        return "card_trafficking"
    if _TG_ILLEGAL.search(folded):
        return "illegal_service"
    return None


def parse_tgspam(folder: Path) -> Iterator[RawRow]:
    """``target,input`` (1 = spam). Normal rows stay normal; spam rows only by the rule above."""
    for name in ("train.csv", "eval.csv"):
        path = folder / name
        if not path.exists():
            continue
        reader = csv.DictReader(io.StringIO(read_text_file(path), newline=""))
        for i, row in enumerate(reader):
            text = row.get("input") or ""
            label = "normal" if row.get("target") == "0" else _tg_label(text)
            if label is not None:
                yield RawRow(text, label, "tgspam", f"tgspam:{path.stem}:{i}")


# cofacts_rumors_dev: real LINE forwards from Taiwan with topic tags, not verdicts. Tag 10 (免費訊息詐騙) with a
# link that is not LINE's own sticker shop or news → phishing (free-gift lures that harvest accounts); tag 10
# without such a link, 13 (ads, some 家庭代工 job scams) and 14 (only a URL) are dropped; every other tag
# (health, politics, news, policy …) is a long genuine forward → normal.
_COFACTS_LINK = re.compile(r"https?://(?!(?:today\.)?line\.me/|www\.youtube\.com/)\S+|bit\.ly/\S+|goo\.gl/\S+")


def parse_cofacts(folder: Path) -> Iterator[RawRow]:
    path = folder / "dev.csv"
    if not path.exists():
        return
    reader = csv.DictReader(io.StringIO(read_text_file(path), newline=""))
    for row in reader:
        tag, text = (row.get("label") or "").strip(), row.get("text") or ""
        if tag in ("13", "14"):
            continue
        if tag == "10":
            if not _COFACTS_LINK.search(text):
                continue
            label = "phishing"
        else:
            label = "normal"
        yield RawRow(text, label, "cofacts", f"cofacts:{row.get('id')}")


PARSERS = {
    "telecom_fraud_texts_5": parse_tf5,
    "telecom_fraud_texts_8": parse_tf8,
    "fbs_sms": parse_fbs,
    "nus_sms_zh": parse_nus,
    "sms800k_sample50k": parse_sms800k,
    "lccc_toy": parse_lccc,
    "tg_spam_zh": parse_tgspam,
    "cofacts_rumors_dev": parse_cofacts,
}


def read_raw_rows(data_dir: Path) -> list[RawRow]:
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise FileNotFoundError(f"data folder not found: {data_dir}")
    rows: list[RawRow] = []
    for folder, parser in PARSERS.items():
        if (data_dir / folder).is_dir():
            rows.extend(parser(data_dir / folder))
    if not rows:
        raise ValueError(f"{data_dir}: none of the expected data folders ({', '.join(PARSERS)}) holds rows")
    return rows


@dataclass
class _Row:
    canonical: str
    label: str
    source: str
    base_group: str


def _clean_rows(rows: Iterable[RawRow]) -> list[_Row]:
    """Normalise, drop empties, drop texts seen under two labels, keep the first copy of each text.

    Texts are compared without whitespace, so a segmented and an unsegmented copy are one text.
    """
    labels_of: dict[str, set[str]] = defaultdict(set)
    cleaned: list[tuple[str, _Row]] = []
    for row in rows:
        canonical = canonical_text(row.text)
        if not _has_content(canonical):
            continue
        key = "".join(canonical.split())
        labels_of[key].add(row.label)
        cleaned.append((key, _Row(canonical, row.label, row.source, row.base_group)))
    seen: set[str] = set()
    out: list[_Row] = []
    for key, row in cleaned:
        if len(labels_of[key]) > 1 or key in seen:
            continue
        seen.add(key)
        out.append(row)
    return out


_CONTENT = re.compile(rf"[{_CJK}A-Za-z0-9]")


def _has_content(canonical: str) -> bool:
    return bool(_CONTENT.search(_PLACEHOLDER.sub("", canonical)) or _PLACEHOLDER.search(canonical))


# ----------------------------------------------------------------------------------- near-duplicate groups
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def _shingle_hashes(texts: list[str], k: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of character k-grams of every text (whitespace removed), vectorised; returns (hashes, starts)."""
    compact = ["".join(t.split()) for t in texts]
    lengths = np.fromiter((len(t) for t in compact), dtype=np.int64, count=len(compact))
    codes = np.frombuffer("".join(compact).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    n_grams = np.maximum(lengths - (k - 1), 1)
    gram_starts = np.concatenate(([0], np.cumsum(n_grams)[:-1]))
    total = int(n_grams.sum())
    owner = np.repeat(np.arange(len(texts)), n_grams)
    pos = starts[owner] + (np.arange(total) - gram_starts[owner])
    h = np.zeros(total, dtype=np.uint64)
    mult = np.uint64(0x100000001B3)
    with np.errstate(over="ignore"):
        for j in range(k):
            idx = pos + j
            valid = idx < ends[owner]
            c = np.where(valid, codes[np.minimum(idx, len(codes) - 1)] if len(codes) else 0, 0).astype(np.uint64)
            h = (h ^ (c + np.uint64(j + 1))) * mult
    return h, gram_starts


def _placeholder_char(m: re.Match[str]) -> str:
    return chr(0xE000 + sum(map(ord, m.group(1))) % 4096)


def near_duplicate_pairs(texts: list[str], *, threshold: float = 0.5, min_chars: int = 10,
                         bands: int = 10, rows: int = 2) -> list[tuple[int, int]]:
    """Pairs (i, j) with character 3-gram Jaccard ≥ threshold, found by MinHash LSH and verified exactly.

    10 bands × 2 rows find a pair at Jaccard 0.5 with probability ≈ 0.94 (20 bands: 0.997, +3 % pairs). Any
    change here regroups and therefore reshuffles the whole split: the shipped model was trained on this one
    (``Splits.fingerprint``), so change it only together with retraining.

    Texts shorter than ``min_chars`` take no part: short replies ("好的呀") would otherwise chain unrelated
    senders together; exact duplicates are already gone.
    """
    # A placeholder counts as one character, so "⟦NAME⟧…⟦URL⟧" skeletons do not look alike by their brackets.
    compact = ["".join(_PLACEHOLDER.sub(_placeholder_char, t).split()) for t in texts]
    eligible = [i for i, t in enumerate(compact) if len(t) >= min_chars]
    if len(eligible) < 2:
        return []
    sub = [compact[i] for i in eligible]
    hashes, starts = _shingle_hashes(sub)
    rng = np.random.default_rng(20240513)
    n_perm = bands * rows
    a = rng.integers(1, 2**63, size=n_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=n_perm, dtype=np.uint64)
    sig = np.empty((n_perm, len(sub)), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for p in range(n_perm):
            sig[p] = np.minimum.reduceat(hashes * a[p] + b[p], starts)
    ends = np.append(starts[1:], len(hashes))
    sets_cache: dict[int, set[int]] = {}

    def shingles(i: int) -> set[int]:
        s = sets_cache.get(i)
        if s is None:
            s = sets_cache[i] = set(hashes[starts[i]:ends[i]].tolist())
        return s

    parent = list(range(len(sub)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    pairs: list[tuple[int, int]] = []
    for band in range(bands):
        keys = sig[band * rows:(band + 1) * rows]
        combined = keys[0]
        with np.errstate(over="ignore"):
            for r in range(1, rows):
                combined = combined * np.uint64(0x9E3779B97F4A7C15) ^ keys[r]
        order = np.argsort(combined, kind="stable")
        sorted_keys = combined[order]
        boundaries = np.flatnonzero(np.diff(sorted_keys)) + 1
        for bucket in np.split(order, boundaries):
            if len(bucket) < 2:
                continue
            rep = int(bucket[0])
            rep_set = shingles(rep)
            for other in bucket[1:].tolist():
                if find(rep) == find(other):
                    continue
                other_set = shingles(other)
                inter = len(rep_set & other_set)
                if inter / (len(rep_set) + len(other_set) - inter) >= threshold:
                    parent[find(other)] = find(rep)
                    pairs.append((eligible[rep], eligible[other]))
    return pairs


def _assign_groups(rows: list[_Row]) -> list[str]:
    """Union of the data's own groups (sender, dialogue) and near-duplicate links; a stable name per group."""
    parent = list(range(len(rows)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: int, y: int) -> None:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)

    first_of: dict[str, int] = {}
    for i, row in enumerate(rows):
        j = first_of.setdefault(row.base_group, i)
        if j != i:
            union(i, j)
    for i, j in near_duplicate_pairs([r.canonical for r in rows]):
        union(i, j)
    return [rows[find(i)].base_group for i in range(len(rows))]


def load_examples(data_dir: Path) -> list[Example]:
    """Every set, parsed, normalised (masks realised), deduplicated, with its group."""
    rows = _clean_rows(read_raw_rows(Path(data_dir)))
    groups = _assign_groups(rows)
    return [Example(realize_masks(r.canonical), r.label, r.source, g) for r, g in zip(rows, groups, strict=True)]
