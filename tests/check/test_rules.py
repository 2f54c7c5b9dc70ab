"""Phrase and 断卡 rules: hits, warnings that are not hits, spans into the user's text, both scripts."""

import pytest

from bot.rules import find_card_trafficking, find_phrases


def _ids(hits):
    return {h.rule.id for h in hits}


@pytest.mark.parametrize(("text", "rule"), [
    ("请把资金转到安全账户进行核查", "safe_account"),
    ("請把資金轉到安全帳戶進行核查", "safe_account"),
    ("您涉嫌洗钱，需要配合调查", "money_laundering_case"),
    ("这件事不要告诉家人", "secrecy"),
    ("奶奶，我在外面被抓了，需要保释金，千万别告诉爸妈", "secrecy"),
    ("请下载腾讯会议，开启屏幕共享", "screen_share"),
    ("請開啟屏幕共享", "screen_share"),
    ("把验证码发给我就可以退款", "give_code"),
    ("兼职刷单，佣金日结", "task_rebate"),
    ("您的征信有问题需要修复", "credit_repair"),
    ("放款前需要先交解冻费", "loan_fee"),
    ("老师带单，稳赚不赔", "investment"),
    ("您的快递丢失，我们给您双倍赔偿", "customer_service_refund"),
    ("您的积分即将清零，请尽快兑换", "points_expiry"),
    ("您的医保卡已被停用，请点击链接重新认证", "phishing_lure"),
    ("ETC认证失效，请点击链接重新认证", "phishing_lure"),
    ("百家乐真人娱乐，首充送彩金", "illegal_service"),
    ("恭喜您获得抖音周年庆活动三等奖，奖金8888元，请点击 http://dy-gift.top 领取", "prize_claim"),
    ("恭喜您獲得周年慶活動三等獎，請點擊 http://dy-gift.top 領取", "prize_claim"),
    ("恭喜您中奖了，领奖前需先交个人所得税2000元", "prize_claim"),
])
def test_phrase_hits(text, rule):
    assert rule in _ids(find_phrases(text))


@pytest.mark.parametrize("text", [
    "警惕！公检法不会要求转账到安全账户",
    "切勿向任何人透露验证码，不要开启屏幕共享",
    "谨防刷单诈骗",
    "妈，我今晚回家吃饭",
    "明天下午三点开会，记得带电脑",
    "恭喜中奖！请到门店出示会员卡领取奖品",  # a real shop's prize: no link, no fee
    "联通秒杀活动回馈新老用户，奖品包括手机等好礼，马上点击 https://x.cn/h5 即有机会赢取",  # an ad: no win yet
])
def test_warnings_and_ordinary_text_have_no_strong_hits(text):
    assert not [h for h in find_phrases(text) if h.strong]


def test_spans_point_into_the_original_traditional_text():
    text = "您好，請您將資金轉到安全帳戶，並且不要告訴家人。"
    hits = find_phrases(text)
    spans = {h.rule.id: text[h.start:h.end] for h in hits}
    assert spans["safe_account"] == "安全帳戶"
    assert spans["secrecy"] == "不要告訴家人"
    for h in hits:
        assert text[h.start:h.end] == h.text


def test_spans_survive_full_width_characters():
    text = "①②③请转到安全账户"
    hit = next(h for h in find_phrases(text) if h.rule.id == "safe_account")
    assert text[hit.start:hit.end] == "安全账户"


# 断卡 recruitment, written for these tests in both scripts.
CARD_RECRUITMENT = [
    "高价收购银行卡、电话卡，一套日结300元",
    "高價收購銀行卡、電話卡，一套日結300元",
    "出租对公账户，月入过万，有意私聊",
    "出租對公帳戶，月入過萬，有意私聊",
    "跑分平台招人，手机操作，日赚500",
    "跑分平臺招人，手機操作，日賺500",
    "长期收一类卡，带U盾，价格美丽",
    "帮忙收款走账，每笔给3个点佣金",
    "幫忙收款走帳，每筆給3個點佣金",
    "你有闲置的银行卡吗？借给我用一个月就能赚2000",
    "出售微信号、支付宝账号，实名老号",
    "兄弟，最近手头紧吗？有个兼职，用你的银行卡帮忙走账，一天能赚500",
    "兄弟，最近手頭緊嗎？有個兼職，用你的銀行卡幫忙走帳，一天能賺500",
]

NOT_RECRUITMENT = [
    "不要出租出借银行卡、电话卡",
    "出租出借银行卡是违法行为，可能构成帮信罪",
    "嚴禁買賣銀行卡",
    "我收到银行卡的短信了",
    "明天去银行办张银行卡",
    "帮我收一下快递，谢谢",
    "营业厅的电话卡套餐怎么选",
]


@pytest.mark.parametrize("text", CARD_RECRUITMENT)
def test_card_trafficking_recruitment_is_found(text):
    assert find_card_trafficking(text), text


@pytest.mark.parametrize("text", NOT_RECRUITMENT)
def test_card_trafficking_warnings_and_ordinary_text_are_not(text):
    assert not find_card_trafficking(text), [h.text for h in find_card_trafficking(text)]


@pytest.mark.parametrize(("simplified", "traditional"), [
    (CARD_RECRUITMENT[0], CARD_RECRUITMENT[1]),
    (CARD_RECRUITMENT[2], CARD_RECRUITMENT[3]),
    (CARD_RECRUITMENT[4], CARD_RECRUITMENT[5]),
    (CARD_RECRUITMENT[7], CARD_RECRUITMENT[8]),
])
def test_traditional_and_simplified_card_hits_agree(simplified, traditional):
    assert _ids(find_card_trafficking(simplified)) == _ids(find_card_trafficking(traditional))


@pytest.mark.parametrize("text", [
    "家纺大牌牛货裸价哄抢！原价1209元四件套仅29元",   # bedding sets, not card kits
    "徐州终于有了第一家迪卡农店了",                   # Decathlon, not 卡农
    "龙口金店足金零元换款，钻石彩金珍珠铂金新品上柜",   # coloured gold, not a casino bonus
    "今天先扒一扒内幕消息",                           # gossip, not stock tips
    "退订回复n即可取消订阅信息推送服务",               # unsubscribe, not a fake refund
])
def test_ordinary_ads_and_chat_found_in_the_data_are_not_tactics(text):
    """False alarms seen on the shared sets' normal rows (bench/check_bench + a scan); kept as regressions."""
    assert not [h for h in find_phrases(text) if h.strong]
    assert not find_card_trafficking(text)
