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

Every family is split by frame: a held-out share of frames appears only in the synthetic test slice, so that
slice measures wording the model never saw. Values come from a seeded RNG.
"""

from __future__ import annotations

import random
from collections.abc import Callable

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


NOTICES = (
    "【{bank}】您尾号{tail}的储蓄卡{date}{kind_out}支出人民币{amt}元，余额{bal}元。",
    "您尾号{tail}卡{date}{kind_in}收入(工资)人民币{amt}元，活期余额{bal}元。【{bank}】",
    "【{bank}】您账户{tail}于{date}发生{kind_out}交易，金额{amt}元，对方户名：{merchant}，可用余额{bal}元。",
    "交易提醒\n交易时间：{date}\n交易类型：{kind_out}\n交易金额：-{amt}元\n账户余额：{bal}元\n交易对方：{merchant}",
    "动账通知：尾号{tail}账户{date}{kind_in}+{amt}元，余额{bal}元。如有疑问请致电{hotline}。",
    "【{bank}】您的信用卡{month}月账单已出，本期应还{amt}元，最低还款{small}元，到期还款日{month}月{day}日。",
    "【{bank}】您尾号{tail}的信用卡{date}在{merchant}消费{amt}元。",
    "【{bank}】验证码{code}，您正在进行{kind_out}，金额{amt}元。任何人索要验证码都是诈骗，切勿告知他人。",
    "【支付宝】你的花呗{month}月账单{amt}元，{month}月{day}日到期，请按时还款，可在支付宝内查看账单。",
    "微信支付凭证\n付款金额 ¥{amt}\n收款方 {merchant}\n支付方式 零钱\n交易时间 {date}",
    "【余额宝】昨日收益{small}.{day}元，累计收益{amt}元，详情请在支付宝中查看。",
    "【{bank}】您尾号{tail}账户{date}收到{person}转账{amt}元，附言：{kind_in}。",
    "【中国移动】尊敬的客户，您{month}月话费账单已生成，消费{amt}元，当前余额{small}元。查询请发送CXZD到10086。",
    "【国家电网】户号{tail}{code}，本期电费{amt}元，已从您尾号{tail}的账户扣款成功。",
    "【{bank}】您的{kind_in}{amt}元已到账，尾号{tail}账户余额{bal}元，感谢您的使用。",
    "【{bank}】您尾号{tail}的借记卡于{date}ATM取款{small}.00元，手续费0.00元，余额{bal}元。",
    "财付通提醒：{date}您在{merchant}成功支付{amt}元，付款卡{bank}({tail})。",
    "【{bank}】您申请的账单分期已办理成功，分{n}期，每期应还{amt}元，详询{hotline}。",
    "【{bank}】您尾号{tail}卡本月结息{small}.{day}元已入账，余额{bal}元。",
    "【个人所得税】您申报的{month}年度个人所得税综合所得汇算退税{amt}元已退至您尾号{tail}的{bank}账户。",
    "【{bank}】您尾号{tail}账户向{person}转账{amt}元成功，手续费0元。非本人操作请致电{hotline}。",
    "【{merchant}】您的订单退款{amt}元已原路退回至{bank}尾号{tail}，预计1-3个工作日到账。",
)
WARNINGS = (
    "【{bank}】温馨提示：我行工作人员不会以任何理由要求您{tactic}，如有疑问请致电{hotline}。",
    "{issuer}提醒：凡是要求您{tactic}的都是诈骗！如遇可疑情况请拨打110或96110。",
    "警惕！近期有不法分子冒充客服，以各种理由诱导群众{tactic}。切勿轻信，谨防上当。",
    "我差点被骗了，对方让我{tactic}，还好我先打了96110问了一下。",
    "{fam}，今天社区民警来讲了，说凡是让你{tactic}的都是骗子，你千万别信。",
    "{city}一女子接到陌生电话，对方要求她{tactic}，随后损失{small}元，警方提醒广大市民提高警惕。",
    "反诈小课堂：骗子常用的套路是让你{tactic}或者{tactic2}，记住，遇到这种情况立即挂断。",
    "{issuer}：公检法机关不会通过电话办案，更不会要求{tactic}。",
    "新闻：{city}警方破获一起电信诈骗案，嫌疑人以{tactic}为由骗取受害人{amt}元。",
    "同学们注意，近期有人在群里发消息让大家{tactic}，这是诈骗，请勿参与，发现请报告辅导员。",
    "{issuer}温馨提示：不听、不信、不转账，凡是{tactic}的一律是诈骗。",
    "朋友圈看到的，转给大家：有人打电话自称{bank}工作人员让{tactic}，我打{hotline}一问根本没这回事。",
)
MONEY_TALK = (
    "{fam}，这个月房租{amt}我转你了，你查收一下",
    "上次借你的{small}块下周发工资就还你哈",
    "群里发了红包，大家抢一下，{fam}生日快乐！",
    "今天聚餐一共{amt}，AA每人{small}，我收下款",
    "报销单我交财务了，垫付的{amt}元下个月随工资发",
    "{fam}你学费交了没？我给你转了{small}，不够再说",
    "水电费这个月{amt}，三个人平摊，我发个收款码到群里",
    "师傅，定金{small}我微信转你了，明天记得来装空调",
    "老王，你那{small}不急，手头宽裕了再说",
    "妈，我换新手机号了，旧的下个月停，以后打这个",
    "物业费{amt}元我在物业APP上交了，发票在APP里能下",
    "婚宴场地定金{small}已经交了，合同照片我发你看看",
)
CARD_RECRUITMENT = (
    "收簿子 一本{small}起 只要存摺跟提款卡 月領薪水 私訊我",
    "家庭代工 在家就能做 只需提供帳戶 每月領{small} 不用出門",
    "高價收購銀行帳戶 網銀 提款卡 一套{small} 當天給現",
    "借戶口過數 一次{small} 唔使你做嘢 有意PM",
    "出租你嘅轉數快FPS 每日{small}蚊 穩陣",
    "辦門號送現金 一個門號{small} 辦完交給我們就好",
    "有闲置的yhk吗 一张{small} 不用你操作",
    "收dhk 四件套 价格美丽 日结 私聊",
    "只需一张卡 躺着月入过万 正规项目 有意私",
    "有卡的兄弟来 走个流水 一天{small} 当天结",
    "收微信号 实名满一年 一个{small}",
    "招人帮忙收款 点位{n}个点 日结 不用押金",
)


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
