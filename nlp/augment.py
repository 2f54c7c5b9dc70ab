"""Augmentation for the register gap between the training sets and what people really forward.

The fraud rows of the shared sets are long, polite LLM monologues (telecom_fraud_texts_8) or masked,
word-segmented, punctuation-free spam (FBS); what users forward is often a terse SMS with a literal link or
number, or a long pasted chat log with names and timestamps. Everything here only *adds* rows to the training
split, and a flagged ``source="synthetic"`` slice to test:

* ``truncate``: SMS-length cuts (a prefix or the call-to-action tail) of long fraud texts;
* ``bracket``: an 【机构】 signature on fraud *and* advertising rows, so a bracket is no tell either way;
* ``contacts``: links, phone numbers and amounts written into ordinary normal texts (and links dropped from
  some phishing texts), so "has a link/number" is not a fraud tell;
* ``chat``: normal utterances of one NUS sender or one LCCC dialogue joined into a chat log with names and
  timestamps; fraud texts cut into turns and interleaved with a victim's replies;
* ``templates``: hand-written terse fraud SMS for every category, and hard negatives from the same mechanism
  (bank notices, 验证码 SMS that say 切勿泄露, courier pickup codes, operator bills, 96110 warnings,
  "换号了" between friends …). Templates are split by id: about a quarter of every category's templates
  only ever appear in the synthetic test slice, so that slice measures generalisation to unseen wording;
* ``families``: registers the real-register evaluation showed missing, written as frame families (terse
  【公安】/【法院】 SMS with a landline, 【信贷】 SMS with a 400 number, "I lost my phone" asks, Taiwan / Hong
  Kong police scripts, English scams aimed at Chinese speakers abroad, investment and luxury-goods pitches
  inside chats, and genuine chats about the same things). Each family is split by frame like the templates.

Augmented copies of real rows keep their group and are marked ``source="<source>+aug"``; template rows are
``source="synthetic"`` with group ``tpl:<label>:<template id>``.
"""

from __future__ import annotations

import json
import random
import re
import string
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from nlp import data as D
from nlp import normalize as N
from nlp.hardneg import hard_negative_examples, wide_slots

if TYPE_CHECKING:
    from nlp.data import Example
    from nlp.splits import Splits

SYNTHETIC = "synthetic"
AUG_SUFFIX = "+aug"
TEST_TEMPLATE_SHARE = 0.25
_DATA = json.loads((Path(__file__).parent / "templates" / "augment.json").read_text(encoding="utf-8"))
"""The templates and phrase banks, kept as data (``nlp/templates/augment.json``), not as code."""

# ------------------------------------------------------------------------------------------- slot values
_SHOPS = ("淘宝", "京东", "拼多多", "抖音商城", "唯品会", "苏宁易购", "天猫", "快手小店")
_COURIERS = ("顺丰", "中通", "圆通", "韵达", "申通", "京东物流", "极兔", "邮政EMS")
_PLATFORMS = ("支付宝", "微信支付", "京东金融", "美团", "抖音", "百度", "携程", "360借条", "花呗", "借呗", "微粒贷")
_LOAN_BRANDS = ("安心贷", "易借宝", "速金花", "闪电借款", "信用钱包", "惠民金融", "融易借", "快易贷")
_GAMES = ("王者荣耀", "和平精英", "原神", "梦幻西游", "英雄联盟", "逆水寒", "第五人格", "穿越火线", "我的世界")
_APPS = ("ZOOM", "瞩目", "屏幕共享", "会议宝", "云视讯", "钉钉", "易信", "蝙蝠聊天", "飞机Telegram", "安心借")
_SUBSIDIES = ("个人所得税退税", "失业", "育儿", "职业技能培训", "住房公积金", "高温", "燃油", "农机")
_AIRLINES = ("南方航空", "东方航空", "国航", "海南航空", "四川航空", "春秋航空")
_RELATIVES = ("爸", "妈", "老公", "老婆", "哥", "姐", "舅舅", "二姨")
_BOSSES = ("王总", "李总", "张局", "刘主任", "陈校长", "赵处长", "周经理")
_OPERATORS = ("中国移动", "中国联通", "中国电信")
_LEGIT_HOSTS = ("www.icbc.com.cn", "www.ccb.com", "www.cmbchina.com", "www.95599.cn", "www.bankcomm.com",
                "www.12306.cn", "www.chsi.com.cn", "www.gov.cn", "www.10086.cn", "www.189.cn", "u.10010.cn",
                "pan.baidu.com/s", "www.taobao.com", "www.jd.com", "meeting.tencent.com", "docs.qq.com",
                "www.sf-express.com", "www.zto.com", "www.chinatax.gov.cn", "www.12123.gov.cn")
_PHISH_WORDS = ("icbc", "ccb", "abc", "boc", "cmb", "etc", "ybj", "yibao", "jf", "jifen", "gov", "12123", "95588",
                "95533", "10086", "kuaidi", "lipei", "tuishui", "bt", "cn", "vip", "kf", "app", "rz", "renzheng",
                "sb", "wx", "zfb", "pay")
_PHISH_TLDS = (".top", ".cc", ".vip", ".xyz", ".com", ".cn", ".net", ".icu", ".shop", ".work", ".club")
_REPLIES = ("啊？", "真的吗", "那怎么办", "好的", "我没有那么多钱", "你是谁啊", "嗯嗯", "需要我做什么？", "好", "可以",
            "什么意思", "我现在在上班", "稍等一下", "怎么操作？", "我不太懂", "是吗", "哦哦", "已经转了", "然后呢",
            "这个安全吗", "能不能少一点", "我考虑一下", "行", "知道了", "你发我吧")


def _rand_digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(rng.choice(string.digits) for _ in range(n - 1))


def _phish_url(rng: random.Random) -> str:
    words = [rng.choice(_PHISH_WORDS) for _ in range(rng.randint(1, 3))]
    host = rng.choice(("-", "", "")).join(words) + (str(rng.randint(1, 99)) if rng.random() < 0.3 else "")
    host += rng.choice(_PHISH_TLDS)
    if rng.random() < 0.4:
        host = rng.choice(("www.", "m.", "wap.")) + host
    path = rng.choice(("", "", "/", "/m", "/index.html", "/login", "/#/", "/?id=" + _rand_digits(rng, 5)))
    return rng.choice(("", "", "http://", "https://")) + host + path


def _slots(rng: random.Random) -> dict[str, str]:
    """One fresh set of slot values; templates use the ones they need."""
    amount = rng.choice((rng.randint(2, 99) * 100, rng.randint(1, 50) * 1000, rng.randint(101, 9999)))
    card = "62" + "".join(rng.choice(string.digits) for _ in range(rng.choice((14, 17))))
    return {
        "bank": rng.choice(N._BANKS), "city": rng.choice(N._CITIES), "place": N._value("PLACE", None, rng),
        "name": N._name(rng), "surname": rng.choice(N._SURNAMES),
        "mobile": N._mobile(rng), "landline": N._landline(rng), "hotline": N._hotline(rng),
        "url": N._url(rng), "phish_url": _phish_url(rng),
        "legit_url": rng.choice(("", "https://")) + rng.choice(_LEGIT_HOSTS) + rng.choice(("", "/", "/" + "".join(
            rng.choice(string.ascii_letters + string.digits) for _ in range(6)))),
        "wechat": N._wechat(rng), "qq": _rand_digits(rng, rng.randint(6, 10)),
        "amount": str(amount), "fee": str(rng.choice((99, 199, 299, 500, 680, 1000, 2000, 3000, 4999))),
        "small": str(rng.randint(2, 30)), "day_amount": str(rng.choice((150, 200, 300, 500, 800))),
        "rebate": str(rng.randint(10, 300)), "wan": str(rng.randint(2, 50)), "percent": str(rng.randint(2, 40)),
        "points": str(rng.randint(2000, 98000)), "n": str(rng.randint(2, 10)), "age": str(rng.randint(22, 35)),
        "code": _rand_digits(rng, 6), "code4": f"{rng.randint(1, 30)}-{rng.randint(1, 6)}-{rng.randint(1000, 9999)}",
        "tail": "".join(rng.choice(string.digits) for _ in range(4)), "bankcard": card,
        "balance": f"{rng.randint(10, 99999)}.{rng.randint(0, 99):02d}", "mb": str(rng.randint(100, 30000)),
        "month": str(rng.randint(1, 12)), "day": str(rng.randint(1, 28)),
        "date": f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
        "time": f"{rng.randint(7, 22)}:{rng.choice(('00', '05', '15', '30', '42', '50'))}",
        "year": str(rng.randint(2021, 2025)), "num4": _rand_digits(rng, 4),
        "shop": rng.choice(_SHOPS), "courier": rng.choice(_COURIERS), "platform": rng.choice(_PLATFORMS),
        "loan_brand": rng.choice(_LOAN_BRANDS), "game": rng.choice(_GAMES), "app": rng.choice(_APPS),
        "subsidy": rng.choice(_SUBSIDIES), "airline": rng.choice(_AIRLINES),
        "flight": rng.choice(("CZ", "MU", "CA", "HU", "3U", "9C")) + _rand_digits(rng, 4),
        "relative": rng.choice(_RELATIVES), "boss": rng.choice(_BOSSES), "operator": rng.choice(_OPERATORS),
        "plate": rng.choice("京沪粤浙苏川鲁豫鄂湘") + rng.choice("ABCDEFG") + "".join(
            rng.choice(string.ascii_uppercase[:8] + string.digits) for _ in range(5)),
        "train": rng.choice("GDKZT") + str(rng.randint(10, 9999)),
        "grade": f"{rng.randint(1, 6)}年级{rng.randint(1, 9)}",
        "order": _rand_digits(rng, 10), "tracking": rng.choice(("SF", "JT", "YT", "ZT")) + _rand_digits(rng, 12),
    }


# ---------------------------------------------------------------------------------------------- templates
# Terse, SMS/IM-style wording, written for this project. {slot}s are filled by _slots().
TEMPLATES: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _DATA["templates"].items()}
"""Whole-sentence terse SMS per label, ``{slot}`` placeholders filled by ``_slots`` (text in templates/augment.json)."""
NEGATIVE_TEMPLATES: tuple[str, ...] = tuple(_DATA["negative_templates"])
"""Hard negatives in the same register (genuine notices, warnings, "I changed my number" between friends)."""


_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n~])")
_URL_IN_TEXT = re.compile(r"(?:https?://)?(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?:/[A-Za-z0-9._~/?#=&%-]*)?")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


# Words that carry the fraud in a text; an SMS-length cut must keep at least one, or its label would be noise.
FRAUD_CUES = re.compile(
    r"转账|汇款|打款|转到|转给|账户|账号|卡号|验证码|密码|链接|网址|登录|登陆|点击|扫码|下载|APP|app|微信|QQ|qq|加我|"
    r"联系|客服|保证金|解冻|冻结|手续费|安全账户|佣金|返利|返现|刷单|任务|垫付|贷款|借款|额度|征信|放款|信用卡|涉嫌|"
    r"洗钱|逮捕|通缉|立案|传票|理赔|退款|赔偿|赔付|充值|共享屏幕|屏幕共享|投资|收益|涨停|股票|带单|平台|账户|积分|"
    r"兑换|认证|过期|失效|中奖|领取|补贴|退税|装备|皮肤|游戏|账户|钱|元"
)


def truncate_to_sms(text: str, rng: random.Random) -> str | None:
    """Whole sentences, 30–70 characters, keeping the part with most fraud cues, as in a terse SMS.

    Returns ``None`` when no short window holds a cue (the cut would no longer be fraud).
    """
    parts = sentences(text)
    limit = rng.randint(30, 70)
    best: tuple[int, int, int] | None = None  # (cues, start, end)
    for i in range(len(parts)):
        length = 0
        for j in range(i, len(parts)):
            length += len(parts[j])
            if length > limit and j > i:
                break
            cues = len(FRAUD_CUES.findall("".join(parts[i:j + 1])))
            if cues and (best is None or cues > best[0] or (cues == best[0] and rng.random() < 0.3)):
                best = (cues, i, j + 1)
    if best is None:
        return None
    cut = "".join(parts[best[1]:best[2]])
    if len(cut) > limit + 20:
        cut = cut[:limit + 20]
    return cut if cut != text else None


_BRANDS = tuple(f"{b}银行" for b in N._BANKS) + _OPERATORS + _SHOPS + _COURIERS + _PLATFORMS


def add_bracket(text: str, rng: random.Random) -> str:
    brand = rng.choice(_BRANDS)
    return f"【{brand}】{text}" if rng.random() < 0.7 else f"{text}【{brand}】"


_CONTACT_FRAMES = (
    "{text} 链接发你了：{legit_url}", "{text}，我新号{mobile}", "{text} 打我电话{mobile}", "{text}，{amount}块我转你了",
    "{text}，地址：{place}，电话{landline}", "{text} {url}", "{url} {text}", "{text}，加我微信{wechat}",
    "{text} 你看看这个 {url}", "{text}。有事打{mobile}", "{text}，一共{amount}元", "{text}（{time}前回复）",
)


def add_contacts(text: str, rng: random.Random) -> str:
    return rng.choice(_CONTACT_FRAMES).format(text=text.rstrip("。"), **_slots(rng))


def drop_links(text: str) -> str:
    return N.tidy_whitespace(_URL_IN_TEXT.sub("", text))


_CHAT_HEADERS: tuple[str, ...] = (
    "{name} {time}\n",
    "[{month}/{day} {time}] {name}: ",
    "{name}：",
    "{name} {year}/{month}/{day} {time}:{second}\n",
    "{name}:\n",
)


def chat_log(turns: list[tuple[int, str]], rng: random.Random) -> str:
    """Render (speaker index, text) turns as a pasted WeChat/QQ chat log with names and timestamps."""
    names = [N._name(rng), rng.choice(("我", N._name(rng), rng.choice(_RELATIVES), "客服小美", "Lily"))]
    header = rng.choice(_CHAT_HEADERS)
    day = {"year": rng.randint(2019, 2025), "month": rng.randint(1, 12), "day": rng.randint(1, 28)}
    minutes = rng.randint(7 * 60, 22 * 60)
    lines = []
    for speaker, text in turns:
        minutes += rng.randint(0, 3)
        stamp = f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"
        lines.append(header.format(name=names[speaker % 2], time=stamp, second=rng.randint(10, 59), **day) + text)
    return "\n".join(lines)


def fraud_chat(text: str, rng: random.Random, replies: list[str]) -> str:
    """A fraud text cut into the scammer's turns, answered by the target."""
    parts = sentences(text) or [text]
    turns: list[tuple[int, str]] = []
    if rng.random() < 0.5:
        turns.append((1, rng.choice(replies)))
    i = 0
    while i < len(parts):
        k = rng.randint(1, 3)
        turns.append((0, "".join(parts[i:i + k])))
        i += k
        if i < len(parts) or rng.random() < 0.5:
            turns.append((1, rng.choice(replies)))
    return chat_log(turns, rng)


# ------------------------------------------------------------------------------------------------ driver
def _template_ids(label: str, count: int, seed: int) -> tuple[list[int], list[int]]:
    """Split a category's template ids into train / held-out test ids (at least one each when possible)."""
    ids = list(range(count))
    random.Random(f"{seed}:{label}").shuffle(ids)
    n_test = max(1, round(count * TEST_TEMPLATE_SHARE)) if count > 1 else 0
    return sorted(ids[n_test:]), sorted(ids[:n_test])


def render_templates(label: str, templates: tuple[str, ...], ids: list[int], per_template: int,
                     rng: random.Random) -> list[Example]:
    out: list[Example] = []
    for tid in ids:
        seen: set[str] = set()
        for _ in range(per_template * 3):
            if len(seen) >= per_template:
                break
            text = templates[tid].format(**_slots(rng))
            if rng.random() < 0.2:
                text = text.replace("，", " ").replace("。", " ")
            text = N.normalize_for_model(text)
            if text in seen:
                continue
            seen.add(text)
            out.append(D.Example(text, label, SYNTHETIC, f"tpl:{label}:{tid}"))
    return out


def template_examples(seed: int, *, train_per_label: int = 240, test_per_template: int = 30,
                      negatives_train: int = 1500) -> tuple[list[Example], list[Example]]:
    """Fraud/illegal templates per label and the hard negatives; train from some ids, test from the rest."""
    rng = random.Random(f"templates:{seed}")
    train: list[Example] = []
    test: list[Example] = []
    groups = [*TEMPLATES.items(), ("normal", NEGATIVE_TEMPLATES)]
    for label, templates in groups:
        train_ids, test_ids = _template_ids(label, len(templates), seed)
        budget = negatives_train if label == "normal" else train_per_label
        per = max(1, budget // max(1, len(train_ids)))
        train += render_templates(label, templates, train_ids, per, rng)
        test += render_templates(label, templates, test_ids, test_per_template, rng)
    composed_train, composed_test = composed_examples(seed)
    family_train, family_test = family_examples(seed)
    return train + composed_train + family_train, test + composed_test + family_test


# --------------------------------------------------------------------------------------- frame families
_EMBASSIES_EN = ("Chinese Embassy in the UK", "Chinese Consulate-General in Sydney", "Chinese Embassy in Canada",
                 "Chinese Consulate in New York",
                 "Chinese Consulate-General in Toronto", "Chinese Embassy in Singapore")
_APPS_EN = ("Zoom", "Skype", "Telegram", "WhatsApp", "AnyDesk", "TeamViewer", "Signal")
_SURNAMES_EN = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu")
_PHISH_HOSTS_EN = ("parcel-redeliver", "tax-refund", "toll-pay", "secure-verify", "id-check", "visa-fee", "gov-uk",
                   "auspost-help", "usps-track", "hmrc-claim", "bank-secure", "account-review")


def _slots_en(rng: random.Random) -> dict[str, str]:
    """Slots of the English families: the Chinese slots plus English names, phones, links and amounts."""
    slots = {**_slots(rng), **wide_slots(rng)}
    country = rng.choice((("+44 7", 9), ("+1 ", 10), ("+61 4", 8), ("+64 2", 8), ("+65 ", 8)))
    slots.update({
        "embassy_en": rng.choice(_EMBASSIES_EN), "app_en": rng.choice(_APPS_EN),
        "surname_en": rng.choice(_SURNAMES_EN), "case_no": f"{rng.choice('ABCDGHKSZ')}{rng.randint(10 ** 5, 10 ** 7)}",
        "phone_en": country[0] + "".join(rng.choice(string.digits) for _ in range(country[1])),
        "phish_en": rng.choice(("", "https://", "http://")) + rng.choice(_PHISH_HOSTS_EN)
        + rng.choice(_PHISH_TLDS) + rng.choice(("", "/", "/login", "/pay", "/?ref=" + _rand_digits(rng, 4)))})
    return slots


def _slots_zh(rng: random.Random) -> dict[str, str]:
    """``_slots`` plus a 400 service number, the number terse loan and bank SMS give."""
    slots = _slots(rng)
    slots["h400"] = rng.choice(("400-{}-{}", "400{}{}", "400 {} {}")).format(_rand_digits(rng, 3),
                                                                            _rand_digits(rng, 4))
    return slots


FAMILIES: tuple[dict, ...] = tuple(_DATA.get("families", ()))
"""Frame families (name, label, slots ``zh``/``en``, chat turns joined by ``||``, frames); see ``family_examples``.

A frame is a string, or ``{"label", "text"}`` when one pitch of a family is another fraud type (a chat family
mixes investment, order-brushing and fake-compensation pitches because they arrive in the same register)."""


def family_frame(family: dict, tid: int) -> tuple[str, str]:
    """(label, frame text) of one frame of a family."""
    frame = family["frames"][tid]
    return (frame["label"], frame["text"]) if isinstance(frame, dict) else (family["label"], frame)


def _render_family(family: dict, tid: int, count: int, rng: random.Random, into: list[Example]) -> None:
    fill = _slots_en if family["slots"] == "en" else _slots_zh
    label, frame = family_frame(family, tid)
    seen: set[str] = set()
    for _ in range(count * 3):
        if len(seen) >= count:
            break
        text = frame.format(**fill(rng))
        if family["chat"]:
            text = chat_log([(i % 2, turn) for i, turn in enumerate(text.split("||"))], rng)
        text = N.normalize_for_model(text)
        if text not in seen:
            seen.add(text)
            into.append(D.Example(text, label, SYNTHETIC, f"tpl:fam:{family['name']}:{tid}"))


def family_examples(seed: int, *, train_per_frame: int = 30, test_per_frame: int = 8
                    ) -> tuple[list[Example], list[Example]]:
    """Rows of every frame family: a quarter of each family's frames only ever appear in the test slice."""
    rng = random.Random(f"families:{seed}")
    train: list[Example] = []
    test: list[Example] = []
    for family in FAMILIES:
        train_ids, test_ids = _template_ids(f"fam:{family['name']}", len(family["frames"]), seed)
        for tid in train_ids:
            _render_family(family, tid, train_per_frame, rng, train)
        for tid in test_ids:
            _render_family(family, tid, test_per_frame, rng, test)
    return train, test


# ------------------------------------------------------------------------------------ composed templates
# Phrase banks per label: who is speaking, the pretext, the ask, the pressure, the contact. A composition
# draws one of each (some optional, order varied), so wording varies far more than whole-sentence templates.
# The pretext and ask options are split by seed: a held-out share only ever appears in the synthetic test slice.
OPENERS: tuple[str, ...] = tuple(_DATA["openers"])
COMPOSED: dict[str, dict[str, tuple[str, ...]]] = {
    label: {part: tuple(options) for part, options in bank.items()} for label, bank in _DATA["composed"].items()}
"""Phrase banks per label: who / why / ask / pressure / contact (see ``composed_examples``)."""
NEGATIVE_PARTS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _DATA["negative_parts"].items()}


def _held_out(key: str, n: int, seed: int, share: float = 0.3) -> set[int]:
    """Indices of a phrase bank reserved for the synthetic test slice (none if the bank is tiny)."""
    ids = list(range(n))
    random.Random(f"{seed}:{key}").shuffle(ids)
    return set(ids[:max(1, round(n * share))]) if n >= 3 else set()


def _compose_fraud(bank: dict[str, tuple[str, ...]], pick: dict[str, int], rng: random.Random) -> str:
    who = bank["who"][pick["who"]]
    why, ask = bank["why"][pick["why"]], bank["ask"][pick["ask"]]
    push = rng.choice(bank["push"]) if rng.random() < 0.7 else ""
    how = rng.choice(bank["how"])
    body = [why, ask] if rng.random() < 0.8 else [ask, why]
    body += [p for p in (push, how) if p]
    sep = rng.choice(("，", "，", "，", "。", " ", "！"))
    text = sep.join(body)
    if rng.random() < 0.85:
        text = who + text if who.startswith("【") else rng.choice(OPENERS) + who + rng.choice(("，", "。", " ")) + text
    return text + rng.choice(("。", "", "！", "。"))


def composed_examples(seed: int, *, train_per_label: int = 400, test_per_label: int = 40,
                      negatives_train: int = 800, negatives_test: int = 120) -> tuple[list[Example], list[Example]]:
    """Compositions from the phrase banks; the test slice uses only held-out pretexts *and* asks."""
    rng = random.Random(f"composed:{seed}")
    train: list[Example] = []
    test: list[Example] = []

    def emit(label: str, text: str, group: str, into: list[Example], seen: set[str]) -> None:
        text = N.normalize_for_model(text.format(**_slots(rng)))
        if text not in seen:
            seen.add(text)
            into.append(D.Example(text, label, SYNTHETIC, group))

    for label, bank in COMPOSED.items():
        held = {slot: _held_out(f"{label}:{slot}", len(bank[slot]), seed) for slot in ("why", "ask")}
        seen: set[str] = set()
        for into, count, held_side in ((train, train_per_label, False), (test, test_per_label, True)):
            options = {slot: [i for i in range(len(bank[slot])) if (i in held[slot]) == held_side]
                       for slot in ("why", "ask")}
            if not options["why"] or not options["ask"]:
                continue
            for _ in range(count):
                pick = {"who": rng.randrange(len(bank["who"])), "why": rng.choice(options["why"]),
                        "ask": rng.choice(options["ask"])}
                side = "test" if held_side else "train"
                emit(label, _compose_fraud(bank, pick, rng), f"tpl:cmp:{label}:{side}:{pick['why']}", into, seen)
    held_what = _held_out("normal:what", len(NEGATIVE_PARTS["what"]), seed)
    seen = set()
    for into, count, held_side in ((train, negatives_train, False), (test, negatives_test, True)):
        whats = [i for i in range(len(NEGATIVE_PARTS["what"])) if (i in held_what) == held_side]
        for _ in range(count):
            i = rng.choice(whats)
            safety = rng.choice(NEGATIVE_PARTS["safety"])
            text = (rng.choice(NEGATIVE_PARTS["who"]) + NEGATIVE_PARTS["what"][i]
                    + ("，" + safety if safety else "") + "。")
            emit("normal", text, f"tpl:cmp:normal:{'test' if held_side else 'train'}:{i}", into, seen)
    return train, test


def _is_personal(e: Example) -> bool:
    return e.source in D.PERSONAL_SOURCES


def _augment_real(rows: list[Example], rng: random.Random, *, scale: float = 1.0,
                  source_of: Callable[[Example], str]) -> list[Example]:
    """Truncations, brackets, contacts and chat logs derived from the given real rows."""
    out: list[Example] = []
    fraud = [e for e in rows if e.label != "normal"]
    normal = [e for e in rows if e.label == "normal"]
    short_normal = [e.text for e in normal if _is_personal(e) and len(e.text) <= 20 and "\n" not in e.text]
    replies = list(_REPLIES) + rng.sample(short_normal, min(len(short_normal), 300))

    def keep(e: Example, text: str | None, tag: str) -> None:
        if text is None:
            return
        text = N.tidy_whitespace(text)
        if text and text != e.text:
            out.append(D.Example(text, e.label, source_of(e), f"{e.group}" if tag == "" else f"{tag}:{e.group}"))

    for e in fraud:
        if len(e.text) > 60 and rng.random() < 0.5 * scale:
            keep(e, truncate_to_sms(e.text, rng), "")
        if rng.random() < 0.1 * scale:
            keep(e, add_bracket(e.text, rng), "")
        if e.label == "phishing" and rng.random() < 0.2 * scale:
            keep(e, drop_links(e.text), "")
        if rng.random() < 0.08 * scale:
            keep(e, fraud_chat(e.text, rng, replies), "")
    for e in normal:
        if e.source in ("fbs", "tf5", "sms800k") and len(e.text) > 25 and rng.random() < 0.08 * scale:
            keep(e, add_bracket(e.text, rng), "")
        if e.source in ("nus", "lccc", "sms800k") and "\n" not in e.text and rng.random() < 0.05 * scale:
            keep(e, add_contacts(e.text, rng), "")
    by_group: dict[str, list[Example]] = defaultdict(list)
    for e in normal:
        if _is_personal(e) and "\n" not in e.text:
            by_group[e.group].append(e)
    names = sorted(by_group)
    n_chats = int(min(len(names) * 3, len(normal) * 0.02) * scale)
    for _ in range(n_chats):
        items = by_group[rng.choice(names)]
        start = rng.randrange(len(items))
        chunk = items[start:start + rng.randint(3, 10)]
        if len(chunk) < 2:
            continue
        turns = [(i % 2 if rng.random() < 0.8 else rng.randint(0, 1), e.text) for i, e in enumerate(chunk)]
        out.append(D.Example(chat_log(turns, rng), "normal", source_of(chunk[0]), chunk[0].group))
    return out


def augment_splits(splits: Splits, *, seed: int = 13) -> None:
    """Add augmented rows to ``splits.train`` and a flagged synthetic slice to ``splits.test`` (in place)."""
    rng = random.Random(f"augment:{seed}")
    train_tpl, test_tpl = template_examples(seed)
    hard_train, hard_test = hard_negative_examples(seed)
    train_tpl += hard_train
    test_tpl += hard_test
    splits.train.extend(_augment_real(splits.train, rng, source_of=lambda e: e.source + AUG_SUFFIX))
    splits.train.extend(train_tpl)
    # The synthetic test slice: held-out templates, plus register-shifted copies of real test rows.
    shifted = _augment_real(splits.real_test, rng, scale=1.0, source_of=lambda e: SYNTHETIC)
    splits.test.extend(test_tpl)
    splits.test.extend(shifted)
    splits.notes.append(f"augmented: train +{len(train_tpl)} template rows; synthetic test slice "
                        f"{len(test_tpl)} held-out-template rows + {len(shifted)} shifted copies of real test rows")
