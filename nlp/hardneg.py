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
  (card_trafficking), which no labelled set has.

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


_FRAMES = json.loads((Path(__file__).parent / "templates" / "hardneg.json").read_text(encoding="utf-8"))
NOTICES: tuple[str, ...] = tuple(_FRAMES["notices"])
WARNINGS: tuple[str, ...] = tuple(_FRAMES["warnings"])
MONEY_TALK: tuple[str, ...] = tuple(_FRAMES["money_talk"])
CARD_RECRUITMENT: tuple[str, ...] = tuple(_FRAMES["card_recruitment"])


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
            slots["issuer"] = rng.choice(_ISSUERS).format(**slots)
            text = normalize_for_model(frames[tid].format(**slots))
            if text not in seen:
                seen.add(text)
                into.append(Example(text, label, SOURCE, f"hn:{name}:{tid}"))
    return train, test


def hard_negative_examples(seed: int = 13) -> tuple[list[Example], list[Example]]:
    """(train rows, held-out-frame test rows) of every family above."""
    train: list[Example] = []
    test: list[Example] = []
    for frames, label, name, per in ((NOTICES, "normal", "notices", 90), (WARNINGS, "normal", "warnings", 90),
                                     (MONEY_TALK, "normal", "money_talk", 60),
                                     (CARD_RECRUITMENT, "card_trafficking", "cards", 40)):
        a, b = _family(frames, label, name, seed, per, held_share=0.25)
        train += a
        test += b
    return train, test
