"""Normalisation shared by training and inference: one mask scheme, realised values, whitespace, script.

``normalize_for_model`` is what the model reads, in training and in the bot alike: obfuscation folding, NFKC and
Traditional→Simplified (``nlp.textnorm``), every mask style of the data sets rewritten to one placeholder scheme
``⟦KIND⟧`` and realised as plausible values (seeded by the text, so a text always gets the same values), and
whitespace tidied. ``canonical_text`` is the placeholder form that deduplication and grouping compare.
"""

from __future__ import annotations

import hashlib
import random
import re
import string
import unicodedata
from functools import lru_cache
from importlib import resources

from nlp.textnorm import fold_obfuscation, normalize_text

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


