"""Rules for the registers real messages are written in: terse official-looking SMS with a link or a landline,
chat pitches, Taiwan / Hong Kong / disguised 断卡 wording, English scams abroad; and the context that keeps
warnings, news and genuine notices quiet. Every sentence here is written for the test, none is from data/eval."""

import pytest

from bot.check import Checker, StoreLists
from bot.policy import Signals, decide
from bot.rules import find_card_trafficking, find_contact_handles, find_phrases, is_warning_text
from bot.verdict import RiskLevel
from nlp.textnorm import normalize_with_offsets

HIGH, SUS, LOW = RiskLevel.HIGH, RiskLevel.SUSPICIOUS, RiskLevel.LOW


def _ids(hits):
    return {h.rule.id for h in hits}


def _warning(text):
    return is_warning_text(normalize_with_offsets(text)[0])


# ── the scammer's own threat is not an anti-fraud warning ─────────────────────────────────────────────────


@pytest.mark.parametrize("text", [
    "马上把卡里的钱转入安全账户，不然就是犯罪",
    "今天之内把存款转到安全账户，否则以帮信罪论处",
    "请立即把资金转到安全账户，否则将追究你的刑事责任",
])
def test_a_threat_after_the_ask_keeps_the_ask(text):
    assert "safe_account" in _ids(find_phrases(text))


@pytest.mark.parametrize("text", [
    "理赔前要核对您的流水，请把卡里的钱先转到验证账户，验证完原路退回",
    "为保证资金安全，请将余额存入我们的过渡账户",
    "核查通过后全额返还，请先把钱打到这个核查账户",
])
def test_money_moved_to_be_verified_and_promised_back_is_a_strong_tactic(text):
    assert "verification_transfer" in _ids(find_phrases(text))


@pytest.mark.parametrize("text", [
    "退款已受理，款项将在 3 个工作日内原路退回您的支付账户",
    "请登录 App 验证账户信息后继续使用",
    "公安机关不会让你把钱转到任何验证账户，这是诈骗",
])
def test_real_refunds_account_checks_and_warnings_do_not_fire_it(text):
    assert "verification_transfer" not in _ids(find_phrases(text))


@pytest.mark.parametrize("text", [
    "您名下的账户涉及诈骗集团洗钱，检察官将依法拘提，请回电",
    "你的身份证被人用来开户，涉案金额150万，请配合调查",
    "【某区法院】您有一起诉讼未处理，点击 fy-notice.cc/k 查看起诉书",
    "这件事不会让你承担责任，你只要把卡寄过来",
    "你涉嫌违法犯罪，请马上配合",
])
def test_accusations_and_reassurances_are_not_warnings(text):
    assert not _warning(text)


@pytest.mark.parametrize("text", [
    "要求转到安全账户的都是诈骗",
    "出借你的银行卡，可能被诈骗集团利用，涉嫌帮信罪",
    "该团伙涉案金额达300万元，已被警方抓获",
    "今天收到一条短信说我的包裹地址不全，还附了链接——假嘅！邮局唔会咁发短讯",
    "这是典型的冒充客服诈骗，大家别上当",
    "提醒民众：把存折交给别人，可能沦为人头帐户",
    "The tax office will never call you to demand payment in gift cards. Report it to Action Fraud.",
])
def test_warnings_still_read_as_warnings(text):
    assert _warning(text)
    assert find_phrases(text) == [] and find_card_trafficking(text) == []


# ── a demand made through a link ───────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("text", [
    "【某某速运】您的快件因地址不完整无法派送，请于今日内更新：sy-kuaidi.top/u8",
    "【电力公司】您的电费已欠费，今晚将停电，请尽快通过 dl-jiaofei.cc 缴纳",
    "【監理站】您有罰鍰逾期未繳，請至 jianli-pay.xyz 繳納，逾期移送強制執行",
    "ParcelNow: your parcel is on hold due to an unpaid customs charge. Pay here: parcelnow-fees.top/p",
    "【某银行】您的账户已冻结，请至 https://www.icbc.com.cn@yh-jiedong.top/x 解冻",  # the real site is after the @
])
def test_trouble_sent_to_an_unofficial_link_is_a_tactic(text):
    assert _ids(find_phrases(text)) & {"problem_link", "en_problem_link"}


@pytest.mark.parametrize("text", [
    "【工商银行】您的信用卡已逾期，详情请登录 icbc.com.cn 查看",
    "【交管】您有违章未处理，请登录 www.122.gov.cn 查询",
    "【某商城】您的优惠券即将到期，点击 mall-coupon.cn/a 领取新人红包",
    "【某运营商】本月流量即将清零，点击 yys-act.top 领取补贴",
])
def test_official_links_and_coupon_ads_are_not(text):
    assert not _ids(find_phrases(text)) & {"problem_link", "en_problem_link"}


# ── tactics of the registers ───────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("text", "rule"), [
    ("您寄往广西的包裹里查出违禁药品，已转交警方，请回电核实", "parcel_contraband"),
    ("您的社保卡已暂停使用，查询请按9转人工", "press_digit"),
    ("这边是物流客服，现在帮您转接到市公安局刑侦大队", "transfer_to_police"),
    ("我刚才不小心把验证码发到你手机了，能告诉我那几个数字吗", "code_sent_to_you"),
    ("小猫在外地猫舍，没法当面交易，你先付一半定金我就安排托运", "remote_seller_prepay"),
    ("明天开盘前公布下一只涨停票，要代码的私信助理", "stock_group"),
    ("平台周年庆，充20万送5万，体验金也能提现", "deposit_bonus"),
    ("柜员问你转账干什么，你就说是给亲戚买房", "coached_answer"),
    ("案件属于侦查不公开，现在视频笔录，不要挂电话", "investigation_terms"),
    ("因课程平台整改，您可以申请全额退费，先下载APP", "refund_by_topup"),
    ("我在陪客户吃饭不方便接电话，你马上转18万到这个账户，单子回来补签", "boss_pay_now"),
    ("我之前那个微信被盗了，这是新的\n有急事 先帮我付一下\n户名 王某某 卡号 6222", "new_contact_pay_account"),
    ("帮我去便利店买两张MyCard，拍卡片背面传给我", "gift_card_photo"),
    ("因系统失误把您设定为批发商家会员，每月将扣款，稍后银行专员协助解除设定", "wrong_membership"),
    ("门票已经出了，但是改实名需要交300保证金才能入场", "fee_to_release"),
    ("出两张看台票，我人在外地，你先转账我再转赠给你", "ticket_pay_first"),
    ("办学历 学信网可查 不成功不收费", "forged_papers"),
])
def test_register_tactics(text, rule):
    assert rule in _ids(find_phrases(text)), text


@pytest.mark.parametrize(("text", "rule"), [
    ("This is the Chinese Consulate. A document in your name is pending and will be destroyed, press 1.",
     "en_consulate_document"),
    ("Your national insurance number has been suspended after suspicious use.", "en_identity_flagged"),
    ("Please settle the fine today at a Bitcoin ATM near you.", "en_odd_payment"),
    ("No experience needed, flexible hours, earn $300 per day from your phone.", "en_easy_job"),
    ("Don't mention this to the bank staff, we think someone at the branch is involved.", "en_coached_secrecy"),
    ("We've sent you a one-time code, can you read it back to me to stop the payment?", "en_code_read_back"),
    ("Your visa file has an error. Pay the correction fee today to avoid refusal.", "en_visa_fee_deadline"),
    ("Your order of a laptop was charged $899. If you did not authorise this, call our billing desk.",
     "en_renewal_call"),
])
def test_english_tactics(text, rule):
    assert rule in _ids(find_phrases(text)), text


@pytest.mark.parametrize("text", [
    "你那本沒在用的簿子跟提款卡寄來，密碼寫在紙條上，月領兩萬",
    "公司需要帳戶收款，每個帳戶月薪三萬",
    "你個戶口借俾我公司收吓數，俾返你$3000",
    "陪你去银行开两张卡，开完卡交给我们，当场给你800现金",
    "去ATM帮忙取一次钱，取一次给你300",
    "接码兼职，用你的手机号收验证码，一条3元",
    "一类二类都要，长期收",
    "有营业执照和对公账户的一起收，价格好谈",
    "挂名法人，每个月给你3000，不用你操作",
    "借你身份证去办张卡，给你500辛苦费",
])
def test_card_trafficking_wordings(text):
    assert find_card_trafficking(text), text


@pytest.mark.parametrize("text", [
    "【某银行】您尾号0021的账户收入工资8,600.00元",
    "我去ATM取点钱，等我一下",
    "你的银行卡不用了可以去网点注销",
    "老卡换新卡请带身份证到网点办理",
    "接码平台的验证码经常收不到",
    "他在车站办车手续",
])
def test_ordinary_text_is_not_card_trafficking(text):
    assert find_card_trafficking(text) == []


@pytest.mark.parametrize("text", [
    "【某商城】春季上新，全场内部员工同价，详询门店",
    "原始股东会议定于下周召开",
    "下午去办理房产证所需的手续",
    "这部复刻版游戏挺好玩",
    "今晚8:10 电视台首播，画面比例1:1",
    "关注酒店公众号即送50元优惠券",
])
def test_ads_and_ordinary_text_are_not_tactics(text):
    assert {h.rule.id for h in find_phrases(text) if h.strong} == set(), text


# ── contacts and the policy ────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("text", "handle"), [
    ("详情加V：fx_laoshi77", "fx_laoshi77"),
    ("私聊Q：3301928744", "3301928744"),
    ("领取任务请加LINE：@job_tw88", "job_tw88"),
    ("Add my WeChat uk_rooms_2025 for the contract", "uk_rooms_2025"),
    ("message our receptionist on Telegram @task_help_01", "task_help_01"),
])
def test_chat_accounts_given_as_contacts(text, handle):
    assert handle in find_contact_handles(normalize_with_offsets(text)[0])


@pytest.mark.parametrize("text", [
    "我微信转你了", "发到我QQ邮箱", "please stay on the line today", "email me at a.b@mail.com",
])
def test_ordinary_mentions_of_chat_apps_are_not_contacts(text):
    assert find_contact_handles(normalize_with_offsets(text)[0]) == []


def test_one_strong_tactic_with_a_contact_off_the_allowlist_is_high():
    assert decide(Signals(strong_phrase_rules={"parcel_contraband"}, unofficial_contacts=1)) == HIGH
    assert decide(Signals(strong_phrase_rules={"parcel_contraband"})) == SUS
    # A weak phrase and a number is nothing: genuine notices carry both.
    assert decide(Signals(unofficial_contacts=2)) == LOW


def test_a_lookalike_link_quoted_in_a_warning_is_shown_not_high():
    assert decide(Signals(lookalike_links=1)) == HIGH
    assert decide(Signals(lookalike_links=1, warning_text=True)) == SUS
    assert decide(Signals(lookalike_links=1, blocklist_hits=1, warning_text=True)) == HIGH


@pytest.fixture
def checker(store):
    checker = Checker(StoreLists(store), classifier=None)
    yield checker
    checker.close()


@pytest.mark.parametrize("text", [
    "【某市中级人民法院】您有一份传票未签收，涉嫌合同诈骗，请速联系 020-83716254",
    "您寄往云南的包裹查出违禁物品，已移交公安，请回电 021-61829304",
])
def test_terse_official_accusation_with_a_landline_is_high(checker, text):
    assert checker.check_text_sync(text).risk_level == HIGH


def test_the_same_accusation_told_as_a_warning_is_not_flagged(checker):
    text = "警方提醒：接到“法院”短信说你有传票未签收、让你回电 020-83716254 的，都是诈骗。"
    assert checker.check_text_sync(text).risk_level == LOW
