"""Warnings, news and retold escapes are read as such, whatever tactic they quote: police posts, news reports with
their 李某 and 记者获悉, a neighbour's "他就挂了", tips lists ("4. 不开启屏幕共享"), English PSAs and retellings. And
the scam that only sounds like one ("If you did not send it, …") is not. Every sentence is written for the test,
none is from data/eval."""

from __future__ import annotations

import pytest

from bot.check import Checker, StoreLists
from bot.rules import find_card_trafficking, find_phrases, is_warning_text
from bot.store import Store
from bot.verdict import RiskLevel
from nlp.textnorm import normalize_with_offsets


def _warning(text: str) -> bool:
    return is_warning_text(normalize_with_offsets(text)[0])


def _strong(text: str) -> set[str]:
    return {h.rule.id for h in find_phrases(text) if h.strong} | {h.rule.id for h in find_card_trafficking(text)}


@pytest.mark.parametrize("text", [
    # a retold call or chat
    "刚才一个陌生号码打来，说我涉嫌一起洗钱案，要把我转到公安局，我说你直接让派出所来找我吧，他就挂了",
    "今天又有人私信我说可以帮忙办理大额贷款，先交3000手续费，我回了句先放款再收费行不行，对方秒删好友。",
    "上周我差一点就转钱了。对方自称是学校老师，在群里发了个缴资料费的二维码，还好我先给班主任打了个电话。",
    "我挂了之后打顺丰官方电话，人家说根本没这回事。",
    "杭州一大学生兼职刷单，前三单拿到了佣金，后来垫付了2万多元才发现被骗。",
    "我同事被网恋对象拉进一个投资平台，充了20多万提不出来。大家千万小心这种所谓的带你赚钱。",
    "前几天群里有人推荐老师，还让加助理领牛股，我一看这不就是杀猪盘吗，赶紧退群了。",
    "收到一条短信：“您的医保卡已被冻结，请在24小时内致电解冻。”我问了医保局，没有这回事。",
    # news and police
    "经查，犯罪嫌疑人李某通过网络招募卡农，以每张卡500元的价格收购银行卡，转卖给境外团伙。",
    "记者从市公安局获悉，犯罪嫌疑人在股票群中以老师身份推荐股票，再引导事主在虚假平台入金。",
    "市民陈先生反映，他在二手平台卖手机，买家称平台要求卖家先交保证金才能收款，陈先生随即报警。",
    "新聞：一名中學生誤信網上高薪兼職，將自己的銀行戶口借給陌生人，結果被警方以洗黑錢罪名拘捕。",
    "学校保卫处提醒：有人在校园里高价收购学生的银行卡和手机卡，说是做流水不犯法。",
    "【反诈提醒】近期，不法分子冒充电商平台客服，以订单异常需退款为由，诱导受害人开启屏幕共享。",
    "【温馨提示】近期出现冒充航空公司发送航班取消理赔短信的情况，请以航空公司官方APP通知为准。",
    "骗子的套路一般是这样的：先说你的快递丢了，再说要给你理赔，然后让你下载APP开屏幕共享。",
    "【警惕】“您的快递丢失，请添加客服QQ办理双倍理赔”，这种短信千万别回！",
    "各位亲戚，我表姐的微信被盗了，正在用她的号到处借钱，说急用钱先转我5000，大家别转！",
    "财务同事们注意：凡是通过微信以老板名义要求紧急转账的，一律先电话或当面确认。",
    "这类投资诈骗最近很多，结果是假平台，出金时就被要求缴保证金。",
    # English
    "Here's how the scam works: the caller says they are from your bank and asks you to move your money into a "
    "safe account which they control.",
    "I nearly fell for one of those parcel calls today. Hung up and called the real DHL, they had no record of it.",
    "Saw this on WeChat: 'Chinese Embassy: your passport will be cancelled within 24 hours, press 1.' Absolutely "
    "fake.",
    "Virtual kidnapping scams target Chinese students overseas and demand a ransom from the family.",
    "Victims are told to keep the investigation secret and to isolate themselves in hotel rooms.",
    "Many students have received calls from people claiming to be immigration officers demanding a visa penalty.",
])
def test_warnings_news_and_retellings_are_warnings_and_give_no_tactic(text):
    assert _warning(text), text
    assert _strong(text) == set(), text


@pytest.mark.parametrize("text", [
    # the scammer's own words that happen to look like a warning's
    "DHL: your shipment was seized because illegal substances were found inside. If you did not send it, I can "
    "connect you to the Guangzhou police.",
    "你涉嫌违法犯罪，请立即把资金转到安全账户配合调查，否则将被依法逮捕",
    "有人用你的身份证办了卡，涉嫌洗钱，请配合调查",
    "这种情况需要配合调查，请开启屏幕共享",
    "Your account was compromised. If you did not make this purchase press 1 to speak to an advisor.",
])
def test_scams_that_sound_like_warnings_are_not(text):
    assert not _warning(text), text
    assert _strong(text), text


@pytest.mark.parametrize(("text", "rule"), [
    # the clause negates the tactic: a tips list's bare 不, a negation further back in a long clause
    ("防诈小贴士：4. 不开启屏幕共享，不下载陌生App。", "screen_share"),
    ("支付宝工作人员也不会让您通过转账来“注销账户”“解除百万保障扣费”", "customer_service_refund"),
    # reported: 骗徒 / 声称 / 要求其 …
    ("近日有騙徒假扮中國公安致電學生，聲稱學生涉及刑事案件，要求其「配合調查」", "money_laundering_case"),
    ("Police say scammers pose as couriers, saying 'your parcel contained fake passports and was seized'.",
     "en_customs_parcel"),
])
def test_negated_and_reported_tactics_do_not_count(text, rule):
    assert rule not in {h.rule.id for h in find_phrases(text, warning_text=False)}


@pytest.mark.parametrize(("text", "rule"), [
    ("不好意思 请开启屏幕共享", "screen_share"),         # 不好 is not a negation of the ask
    ("在北京可以视频看狗 但是不能上门哦 我们在外地\n1800包邮 先付定金800", "ask_amount"),  # the line ends the 不能
    ("If you did not make this purchase press 1 to speak to an advisor.", "en_press_digit"),
])
def test_a_negation_out_of_reach_leaves_the_tactic(text, rule):
    assert rule in {h.rule.id for h in find_phrases(text, warning_text=False)}


def test_a_scam_that_says_its_own_tactic_is_a_scam_inside_the_match_is_a_warning():
    text = "If a text says you owe a redelivery fee, it's a scam. Don't click the link."
    assert "en_redelivery_fee" not in {h.rule.id for h in find_phrases(text, warning_text=False)}


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('warnings') / 'fanzha.db'}")
    checker = Checker(StoreLists(store), None)
    yield checker
    checker.close()
    store.close()


@pytest.mark.parametrize("text", [
    "经查，犯罪嫌疑人李某以每张卡500元的价格收购银行卡，再转卖给诈骗团伙。",  # a 断卡 hit alone is high
    "我表弟把自己的微信号借给别人收款，说一天给他200，结果还被派出所叫去做笔录了。",
])
def test_warnings_a_user_forwards_are_not_flagged(checker, text):
    assert checker.check_text_sync(text).risk_level == RiskLevel.LOW
