"""Pitches inside chats — stock groups and their "teachers", promised returns, luxury goods at a fraction of the
price, flight-cancellation compensation, ticket resellers — by tactic, and the genuine chats about the same things.
Every sentence is written for the test, none is from data/eval."""

from __future__ import annotations

import pytest

from bot.check import Checker, StoreLists
from bot.rules import find_phrases
from bot.store import Store
from bot.verdict import RiskLevel


def _strong(text: str) -> set[str]:
    return {h.rule.id for h in find_phrases(text) if h.strong}


@pytest.mark.parametrize(("text", "rule"), [
    ("入金后可以跟着老师同步买卖，保证每月15%以上的收益", "guaranteed_return"),
    ("AI量化交易，亏损由平台全额赔付", "guaranteed_return"),
    ("打新配额，中签率百分之百，上市即翻倍", "guaranteed_return"),
    ("私募份额，合同写明保底收益", "guaranteed_return"),
    ("我们的模型胜率在九成以上", "guaranteed_return"),
    ("保本理财，年化收益12%，一万起投", "guaranteed_return"),
    ("跟着老师同步买卖就行", "follow_the_teacher"),
    ("需要跟单的联系我", "follow_the_teacher"),
    ("老师看了您的持仓，建议清仓换到我们推荐的标的", "follow_the_teacher"),
    ("这是我表哥在券商内部拿到的通道", "follow_the_teacher"),
    ("投五万每个月返两千利息", "monthly_payout"),
    ("这个养老项目一年分红两次，利息比银行高", "monthly_payout"),
    ("想要票的扫码进VIP，名额满了就关闭", "stock_group"),
    ("爱马仕 Birkin 内部价只要六万多", "luxury_insider_price"),
    ("劳力士绿水鬼 比专柜便宜四万", "luxury_insider_price"),
    ("全新未使用 走私货 不退不换", "luxury_insider_price"),
    ("价格只有专柜三分之一", "luxury_insider_price"),
    ("需要您配合在手机银行上操作一下验证", "banking_app_guided"),
    ("航班取消了，我们可以给您双倍赔付", "customer_service_refund"),
    ("行李丢失的赔偿，请提供银行卡号和预留手机号", "compensation_call"),
    ("黄牛：内场前排2800一张，先付定金500锁票", "ticket_pay_first"),
    ("走闲鱼的话平台扣手续费 直接微信转账吧", "off_platform_prepay"),
    ("我是主办方工作人员，可以拿到工作票", "off_platform_prepay"),
    ("今天必须出 直接转我支付宝 我截图票给你", "off_platform_prepay"),
    ("宝贝，我有个朋友在做黄金期货，我教你怎么操作", "romance_money"),
])
def test_pitch_tactics(text, rule):
    assert rule in _strong(text), _strong(text)


@pytest.mark.parametrize("text", [
    "老王：今天大盘跌得厉害，我那只白酒股又套了\n老李：别慌，长期拿着吧",
    "儿子，你推荐的那个基金我在支付宝买了两千，先定投看看",
    "银行理财经理：您的定期下周到期，可以在手机银行续存。理财有风险，投资需谨慎。",
    "理财有风险，本产品不保证收益，过往业绩不代表未来表现。",
    "我在券商APP上买了一只货币基金，七日年化2.1%，就当活期放着。",
    "存五万一年利息一千五，比放余额宝强一点",
    "闲鱼上收了个二手的LV钱包，走了平台验货，花了两千多",
    "托朋友在日本免税店带了两支口红，比国内便宜一点，我把钱微信转她了",
    "【中国国航】您的航班因天气原因取消，您可通过国航APP免费办理退票或改签。",
    "航班延误超过4小时可以在APP里申请补偿",
    "五月天的票我在拓元搶到了！兩張 看台區 我先付了 你再轉給我一半就好",
    "演唱会的票我在猫眼上退了，扣了一点手续费，还是官方的靠谱",
    "今天先扒一扒内幕消息",
])
def test_genuine_chats_about_the_same_things_carry_no_tactic(text):
    assert _strong(text) == set()


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('pitches') / 'fanzha.db'}")
    checker = Checker(StoreLists(store), None)
    yield checker
    checker.close()
    store.close()


@pytest.mark.parametrize("text", [
    "陈教授：这波行情十年一遇，我们机构拿到的是打新配额，中签率百分之百，上市即翻倍，名额有限，先到先得。",
    "朋友在迪拜免税店上班 爱马仕 Birkin 25 内部价只要六万多 比国内便宜一半 先付全款排单",
    "黄牛：演唱会门票都有，内场前排2800一张，保真，先付定金500锁票，出不了全额退。",
    "小区邻居阿姨：这个养老项目是国家支持的，投五万每个月返两千利息，你要不要也先投五万？",
])
def test_pitches_are_high_on_the_rules_alone(checker, text):
    assert checker.check_text_sync(text).risk_level == RiskLevel.HIGH


def test_the_payout_promise_alone_is_suspicious_until_the_ask_comes():
    """One tactic is not enough for high without the model: the neighbour's pitch turns high with its ask."""
    assert _strong("这个养老项目是国家支持的，投五万每个月返两千利息") == {"monthly_payout"}
