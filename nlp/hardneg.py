"""Hard negatives (and 断卡 positives) in the registers the real sets lack, for training only.

The labelled sets teach style, not fraud: their normal rows are ads, web fragments and personal chat, so a
structured bank alert (交易时间 / 交易金额 / 余额), a bank's own safety tip that names 安全账户, or a family
member asking for the rent looks like nothing the model saw as normal, and it calls them scams. This module
writes such texts, built from the vocabulary of real bill exports (``shared/data/bill_export_formats``:
transaction kinds such as 快捷支付, 代发工资, 财付通, 银联消费, 结息) and from how real notices are laid out:

* ``notices``: bank, card, payment, operator and utility transaction notices and reminders (normal);
* ``warnings``: anti-fraud warnings, bank safety tips, police notices and people retelling a scam they escaped,
  each naming a real tactic inside a negation or a report (normal);
* ``money_talk``: rent, loans, 红包, AA and expenses between family, friends and colleagues (normal);
* ``card_recruitment``: 断卡 recruitment in Taiwan / Hong Kong wording and in disguised Simplified
  (card_trafficking), which no labelled set has;
* ``warnings_more``, ``warnings_hant``, ``warnings_en``: more warnings and news that *name* a tactic (police
  and bank tips, case reports, retold escapes), in Simplified, in Taiwan / Hong Kong Traditional (165, 18222)
  and in English for Chinese speakers abroad (normal): the transformer rated about a fifth of such texts high;
* ``notices_en``, ``chat_en``: genuine English bank, courier, consulate and university notices and ordinary
  English messages (normal), which the labelled sets barely have;
* ``money_talk_more``: family money talk and shop refunds / after-sales, Simplified and Traditional (normal).

The frames are data (``nlp/templates/hardneg.json``). Every family is split by frame: a held-out share of
frames appears only in the synthetic test slice, so that
slice measures wording the model never saw. Values come from a seeded RNG.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

from nlp.data import Example, normalize_for_model

SOURCE = "synthetic"

_BANKS = (("工商银行", "95588"), ("建设银行", "95533"), ("农业银行", "95599"), ("中国银行", "95566"),
          ("招商银行", "95555"), ("交通银行", "95559"), ("邮储银行", "95580"), ("兴业银行", "95561"),
          ("浦发银行", "95528"), ("民生银行", "95568"), ("中信银行", "95558"), ("光大银行", "95595"),
          ("平安银行", "95511"), ("广发银行", "95508"), ("华夏银行", "95577"), ("北京银行", "95526"))
_KINDS_OUT = ("快捷支付", "财付通", "支付宝", "银联消费", "消费", "网上支付", "POS消费", "转账支出", "ATM取款",
              "自动还款", "跨行转出", "手机银行转账", "代扣水费", "代扣电费", "燃气费", "社保代扣", "话费充值",
              "京东支付", "美团支付", "抖音支付", "拼多多支付", "网联支付")
_KINDS_IN = ("工资", "代发工资", "代发住房公积金", "他行汇入", "转账存入", "退款", "结息", "理财赎回",
             "基金赎回", "报销款", "奖金", "跨行转入", "零钱提现", "余额宝转出到卡", "医保个人账户划入")
_MERCHANTS = ("美团", "滴滴出行", "星巴克", "盒马鲜生", "国家电网", "中国石化", "麦当劳", "京东商城", "淘宝",
              "拼多多", "瑞幸咖啡", "沃尔玛", "永辉超市", "物业服务中心", "中国移动", "12306", "携程", "饿了么")
_PEOPLE = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄丽", "周强", "吴婷", "徐杰", "孙悦")
_TACTICS = ("把钱转到安全账户", "共享屏幕", "下载会议软件", "提供短信验证码", "缴纳解冻费", "先交保证金",
            "注销校园贷账户", "关闭百万保障", "刷单返利", "点赞返佣金", "出租出借银行卡", "帮人收款走账",
            "修复征信", "办理无抵押贷款先交手续费", "投资虚拟币稳赚不赔", "下载陌生APP", "点击陌生链接领补贴",
            "以快递丢失为由理赔", "配合资金清查", "冒充领导让财务转账")
_ISSUERS = ("国家反诈中心", "全国反诈专线96110", "{city}公安局反诈中心", "{city}市公安局", "{bank}", "支付宝",
            "微信支付", "{city}派出所", "学校保卫处", "社区居委会", "公司行政部", "{city}反诈骗中心")
_CITIES = ("北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安", "重庆", "苏州", "长沙")
_FAMILY = ("妈", "爸", "哥", "姐", "老婆", "老公", "闺女", "儿子", "舅舅", "小姨")

# Traditional (Taiwan / Hong Kong) and English slot values for the families in those registers.
_BANKS_T = (("臺灣銀行", "0800-025-168"), ("國泰世華銀行", "(02)2383-1000"), ("中國信託", "(02)2745-8080"),
            ("玉山銀行", "(02)2182-1313"), ("台新銀行", "(02)2655-3355"), ("第一銀行", "0800-031-111"),
            ("滙豐銀行", "2233 3000"), ("中銀香港", "3988 2388"), ("恒生銀行", "2822 0228"),
            ("中華郵政", "0800-700-365"))
_TACTICS_T = ("把存款轉到監管帳戶", "解除分期付款設定", "到ATM操作取消扣款", "提供網銀密碼", "交出存摺和提款卡",
              "加LINE配合偵查", "購買遊戲點數", "下載遠端操控APP", "匯款到指定帳戶", "繳交保證金才能出金",
              "把錢交給到府收款的專員", "提供簡訊驗證碼", "投資穩賺不賠的飆股群", "出租帳戶賺外快",
              "以解凍帳戶為由先付手續費", "在視訊中配合「資產清查」")
_CITIES_T = ("臺北", "新北", "桃園", "臺中", "臺南", "高雄", "新竹", "基隆")
_FAMILY_T = ("媽", "爸", "阿嬤", "阿公", "老婆", "哥", "姊", "阿姨")
_BANKS_EN = ("HSBC", "Barclays", "Lloyds Bank", "NatWest", "Chase", "Bank of America", "Wells Fargo",
             "Commonwealth Bank", "ANZ", "Westpac", "RBC", "TD Bank", "DBS", "OCBC", "ASB")
_TACTICS_EN = ("transfer your savings to a 'safe account'", "pay a customs fee to release a parcel",
               "join a video call with 'Chinese police'", "share your screen", "read out the code we text you",
               "buy gift cards and send the numbers", "keep the call secret from your family",
               "pay a deposit before a loan is released", "move money to avoid your account being frozen",
               "install a remote access app", "wire money to clear your name in a money laundering case",
               "hand cash to a courier", "pay a fee to unlock your investment profits",
               "confirm your card details through a link", "stay in a hotel room alone for an 'investigation'")
_CITIES_EN = ("London", "Manchester", "Sydney", "Melbourne", "Toronto", "Vancouver", "New York", "Auckland",
              "Singapore", "Los Angeles", "Birmingham", "Brisbane")
_COURIERS_EN = ("DHL", "FedEx", "Royal Mail", "Australia Post", "UPS", "Canada Post", "Evri", "USPS")
_MERCHANTS_EN = ("Tesco", "Amazon", "Woolworths", "Costco", "Uniqlo", "Deliveroo", "Apple", "Walmart", "IKEA",
                 "Sainsbury's", "Coles", "Target")
_NAMES_EN = ("Amy", "Kevin", "Jessica", "Tom", "Lily", "Jason", "Grace", "Daniel", "Wei", "Vivian", "Eric")
_UNIS_EN = ("University of Sydney", "UCL", "University of Toronto", "UNSW", "University of Manchester",
            "University of Melbourne", "UBC", "NYU")
_TELCOS_EN = ("Vodafone", "EE", "Optus", "Telstra", "Rogers", "Verizon", "O2", "T-Mobile")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")


def _amount(rng: random.Random, low: float = 1, high: float = 8000) -> str:
    value = rng.uniform(low, high) if rng.random() < 0.8 else rng.choice((100, 200, 500, 1000, 2000, 5000))
    return f"{value:,.2f}" if rng.random() < 0.3 else f"{value:.2f}"


def _date(rng: random.Random) -> str:
    m, d, h, mi = rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59)
    return rng.choice((f"{m}月{d}日{h:02d}:{mi:02d}", f"{m:02d}月{d:02d}日 {h:02d}:{mi:02d}",
                       f"2025-{m:02d}-{d:02d} {h:02d}:{mi:02d}:{rng.randint(0, 59):02d}", f"{m}月{d}日"))


def _tail(rng: random.Random) -> str:
    return f"{rng.randint(0, 9999):04d}"


def _slots(rng: random.Random) -> dict[str, str]:
    bank, hotline = rng.choice(_BANKS)
    return {"bank": bank, "hotline": hotline, "tail": _tail(rng), "date": _date(rng), "amt": _amount(rng),
            "bal": _amount(rng, 10, 90000), "kind_out": rng.choice(_KINDS_OUT), "kind_in": rng.choice(_KINDS_IN),
            "merchant": rng.choice(_MERCHANTS), "person": rng.choice(_PEOPLE), "tactic": rng.choice(_TACTICS),
            "tactic2": rng.choice(_TACTICS), "city": rng.choice(_CITIES), "fam": rng.choice(_FAMILY),
            "code": f"{rng.randint(0, 999999):06d}", "n": str(rng.randint(2, 12)), "day": str(rng.randint(1, 28)),
            "small": str(rng.choice((50, 100, 200, 300, 500, 800, 1000, 1500, 2000, 3000))),
            "month": str(rng.randint(1, 12))}


def _money_en(rng: random.Random) -> str:
    value = rng.choice((rng.uniform(3, 300), rng.uniform(300, 5000), float(rng.choice((20, 50, 100, 500)))))
    return f"{rng.choice(('$', '£', 'A$', 'C$'))}{value:,.2f}"


def wide_slots(rng: random.Random) -> dict[str, str]:
    """``_slots`` plus Traditional and English values, for the families written in those registers."""
    slots = _slots(rng)
    bank_t, hotline_t = rng.choice(_BANKS_T)
    month = rng.randrange(12)
    slots.update({
        "bank_t": bank_t, "hotline_t": hotline_t, "tactic_t": rng.choice(_TACTICS_T), "city_t": rng.choice(_CITIES_T),
        "fam_t": rng.choice(_FAMILY_T), "age": str(rng.randint(19, 82)),
        "bank_en": rng.choice(_BANKS_EN), "tactic_en": rng.choice(_TACTICS_EN), "tactic2_en": rng.choice(_TACTICS_EN),
        "city_en": rng.choice(_CITIES_EN), "money_en": _money_en(rng), "money2_en": _money_en(rng),
        "merchant_en": rng.choice(_MERCHANTS_EN), "courier_en": rng.choice(_COURIERS_EN),
        "track_en": rng.choice(("JD", "1Z", "RM", "TBA")) + f"{rng.randint(10 ** 9, 10 ** 10 - 1)}",
        "date_en": rng.choice((f"{rng.randint(1, 28)} {_MONTHS_EN[month][:3]}",
                               f"{_MONTHS_EN[month]} {rng.randint(1, 28)}",
                               f"{rng.randint(1, 28):02d}/{month + 1:02d}")),
        "hour": str(rng.randint(8, 16)), "name_en": rng.choice(_NAMES_EN),
        "order": str(rng.randint(10 ** 6, 10 ** 8)),
        "uni_en": rng.choice(_UNIS_EN), "telco_en": rng.choice(_TELCOS_EN), "month_en": _MONTHS_EN[month]})
    slots["hour2"] = str(int(slots["hour"]) + rng.randint(1, 4))
    return slots


_FRAMES = json.loads((Path(__file__).parent / "templates" / "hardneg.json").read_text(encoding="utf-8"))
NOTICES: tuple[str, ...] = tuple(_FRAMES["notices"])
WARNINGS: tuple[str, ...] = tuple(_FRAMES["warnings"])
MONEY_TALK: tuple[str, ...] = tuple(_FRAMES["money_talk"])
CARD_RECRUITMENT: tuple[str, ...] = tuple(_FRAMES["card_recruitment"])
WARNINGS_MORE: tuple[str, ...] = tuple(_FRAMES["warnings_more"])
WARNINGS_HANT: tuple[str, ...] = tuple(_FRAMES["warnings_hant"])
WARNINGS_EN: tuple[str, ...] = tuple(_FRAMES["warnings_en"])
NOTICES_EN: tuple[str, ...] = tuple(_FRAMES["notices_en"])
CHAT_EN: tuple[str, ...] = tuple(_FRAMES["chat_en"])
MONEY_TALK_MORE: tuple[str, ...] = tuple(_FRAMES["money_talk_more"])


def _family(frames: tuple[str, ...], label: str, name: str, seed: int, per_frame: int,
            held_share: float, fill: Callable[[random.Random], dict[str, str]] = _slots
            ) -> tuple[list[Example], list[Example]]:
    ids = list(range(len(frames)))
    random.Random(f"{seed}:hn:{name}").shuffle(ids)
    n_test = max(1, round(len(frames) * held_share))
    rng = random.Random(f"{seed}:hn:{name}:fill")
    train: list[Example] = []
    test: list[Example] = []
    for rank, tid in enumerate(ids):
        into = test if rank < n_test else train
        count = per_frame if into is train else max(5, per_frame // 4)
        seen: set[str] = set()
        for _ in range(count * 3):
            if len(seen) >= count:
                break
            slots = fill(rng)
            slots.setdefault("issuer", rng.choice(_ISSUERS).format(**slots))
            text = normalize_for_model(frames[tid].format(**slots))
            if text not in seen:
                seen.add(text)
                into.append(Example(text, label, SOURCE, f"hn:{name}:{tid}"))
    return train, test


def hard_negative_examples(seed: int = 13) -> tuple[list[Example], list[Example]]:
    """(train rows, held-out-frame test rows) of every family above."""
    train: list[Example] = []
    test: list[Example] = []
    for frames, label, name, per, fill in (
            (NOTICES, "normal", "notices", 90, _slots), (WARNINGS, "normal", "warnings", 90, _slots),
            (MONEY_TALK, "normal", "money_talk", 60, _slots),
            (CARD_RECRUITMENT, "card_trafficking", "cards", 40, _slots),
            (WARNINGS_MORE, "normal", "warnings_more", 60, _slots),
            (WARNINGS_HANT, "normal", "warnings_hant", 60, wide_slots),
            (WARNINGS_EN, "normal", "warnings_en", 60, wide_slots),
            (NOTICES_EN, "normal", "notices_en", 50, wide_slots), (CHAT_EN, "normal", "chat_en", 30, wide_slots),
            (MONEY_TALK_MORE, "normal", "money_talk_more", 40, _slots)):
        a, b = _family(frames, label, name, seed, per, held_share=0.25, fill=fill)
        train += a
        test += b
    return train, test
