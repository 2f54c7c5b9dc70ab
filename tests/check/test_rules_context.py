"""Rules that read context: warnings, reports and retold scams are not scams; 断卡 in Taiwan / Hong Kong and
disguised wording; English scams aimed at Chinese speakers abroad; obfuscated text reads as its clean form."""

import pytest

from bot.rules import find_card_trafficking, find_phrases


def _ids(hits):
    return {h.rule.id for h in hits}


def test_the_scammers_own_threat_does_not_hide_the_safe_account_ask():
    assert "safe_account" in _ids(find_phrases("请立即把资金转到安全账户，否则将追究你的刑事责任"))


@pytest.mark.parametrize("text", [
    "我行工作人员不会以任何理由要求您把钱转到安全账户，如有疑问请致电95588。",
    "我差点被骗了，对方让我下载会议软件共享屏幕，还好先打了96110。",
    "骗子让你下载会议软件，然后共享屏幕，大家千万小心。",
    "凡是要求你刷单返利的都是诈骗！",
    "出租出借银行卡是违法的，切勿参与。",
    "【断卡行动提醒】出租、出借、出售自己的银行卡、电话卡，是违法行为，最高可判三年有期徒刑。",
    "The embassy will never ask you to transfer money to a safe account. Scam alert!",
    "警方提醒：公检法机关不会通过电话办案，更不会要求将资金转入安全账户。",
])
def test_warnings_and_reports_give_no_hit(text):
    assert find_phrases(text) == [] and find_card_trafficking(text) == []


def test_a_negation_in_another_clause_does_not_make_a_warning():
    assert "safe_account" in _ids(find_phrases("不要挂电话，马上把钱转到安全账户"))


@pytest.mark.parametrize("text", [
    "收簿子 一本3萬 只要存摺跟提款卡 月領薪水",          # Taiwan: passbook and ATM card for pay
    "借戶口過數 一次2000 唔使你做嘢",                    # Hong Kong: lend your account to move money
    "高價收購銀行帳戶 網銀 提款卡 一套5萬",
    "有闲置的yhk吗 一张500 不用你操作",                  # pinyin initials
    "只需一张卡 躺着月入过万",
    "🏦卡 闲置的可以变现 一张2000",                       # emoji for characters
    "收 实 名 手 机 卡 一 套 五 百",                      # characters spread apart
    "我想借你的卡用一下 帮我走个账 给你200",
])
def test_card_trafficking_in_other_words(text):
    assert find_card_trafficking(text), text


@pytest.mark.parametrize("text", [
    "【工商银行】您尾号1234银行卡收入5000元，余额12000.00元。",
    "【浙江农商联合银行】您尾号7721的丰收卡03月11日完成代发交易，金额+4,260.00元。",
    "【工商银行】您尾号8105的信用卡已于11月25日收到还款人民币2,300.00元。",
    "我借你银行卡的钱下月还",
    "家纺四件套 特价出售",
])
def test_bank_notices_and_ordinary_text_are_not_card_trafficking(text):
    assert find_card_trafficking(text) == []


@pytest.mark.parametrize(("text", "rule"), [
    ("This is the Chinese Embassy. Your passport is involved in a money laundering case. Press 1 now.",
     "en_official_case"),
    ("DHL: a parcel under your name contained fake passports and was seized by customs.", "en_customs_parcel"),
    ("Please download AnyDesk so our security team can help you.", "en_remote_access"),
    ("Hi dear, today your task includes a combination order, top up the negative balance to withdraw.",
     "en_task_terms"),
    ("Mum it's me, on my friend's phone, mine broke. Can you send £740 to my landlord today?",
     "en_family_phone_money"),
    ("Your Apple ID has been locked. Unlock within 24h: apple-id-unlock.com", "en_locked_verify"),
])
def test_english_scams_abroad(text, rule):
    assert rule in _ids(find_phrases(text))


@pytest.mark.parametrize("obfuscated", [
    "请把钱转到安 全 账 户",
    "请把钱转到安\u200b全\u200b账\u200b户",
    "请把钱转到安.全.账.户",
    "請把錢轉到安全帳戶",
])
def test_obfuscated_tactics_match_like_the_clean_form(obfuscated):
    hits = find_phrases(obfuscated)
    assert "safe_account" in _ids(hits)
    hit = next(h for h in hits if h.rule.id == "safe_account")
    assert hit.text.startswith("安") and hit.text.endswith(("户", "戶"))  # the span covers the user's own text


@pytest.mark.parametrize(("text", "rule"), [
    ("【南山区人民法院】您名下有一张传票尚未签收，请于今日回电0755-26601234处理", "official_accusation"),
    ("【海关总署】您的国际包裹内查获违禁药品，已扣押，请速联系021-60001234", "official_accusation"),
    ("妈，我手机掉水里了，这是同学的号，先转我800交资料费", "new_number_money"),
    ("我是你们张局，这是我新号，存一下", "new_number_money"),
    ("您预订的MU5101航班因机械故障取消，每位旅客可获补贴300元，请联系010-65431234办理", "compensation_call"),
    ("您的订单被误设为会员自动续费，请联系客服取消", "compensation_call"),
    ("日结兼职 手机就能做 一单赚8块", "quick_money_lures"),
])
def test_terse_scam_kinds(text, rule):
    assert rule in _ids(find_phrases(text))


@pytest.mark.parametrize(("text", "rule"), [
    ("【深圳市南山区人民法院】您有一条立案信息，案号（2025）粤0305民初1234号，请登录人民法院在线服务查看。",
     "official_accusation"),
    ("我换了新号码，旧号下个月停，大家存一下哈", "new_number_money"),
    ("您乘坐的CA1301航班因天气原因取消，请通过中国国航APP办理改签或退票。", "compensation_call"),
])
def test_genuine_terse_messages_of_the_same_kinds(text, rule):
    assert rule not in _ids(find_phrases(text))


def test_a_victims_doubt_does_not_make_a_scam_chat_a_warning():
    chat = ("理赔专员：请下载会议软件，开启屏幕共享，我指导您退款\n我：你们不会是骗子吧？\n"
            "理赔专员：放心，我们是正规公司")
    assert "screen_share" in _ids(find_phrases(chat))


@pytest.mark.parametrize("text", [
    "出差的高铁票是我垫付的，回来找财务报销",                          # colleagues advance expenses
    "今晚一共846，六个人每人141，大家转我微信就行",                    # friends split a bill
    "定金交到我们公司的监管账户，签意向书时一起办",                      # real-estate escrow
    "申请了退款，秒到账，都不用打客服电话",                              # a real refund
    "IRCC: There is an update to your application. Please sign in to your IRCC secure account.",
    "今天我妈接了个电话，说是什么公安局的，说她涉嫌洗钱，幸好她没理。",  # a retold call
    "Just got a call from someone saying a parcel under my name had fake passports, obviously fake.",
])
def test_ordinary_money_talk_and_retellings_give_no_strong_hit(text):
    strong = [h.rule.id for h in find_phrases(text) + find_card_trafficking(text) if h.strong]
    assert strong == [], strong
