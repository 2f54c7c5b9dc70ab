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
  only ever appear in the synthetic test slice, so that slice measures generalisation to unseen wording.

Augmented copies of real rows keep their group and are marked ``source="<source>+aug"``; template rows are
``source="synthetic"`` with group ``tpl:<label>:<template id>``.
"""

from __future__ import annotations

import random
import re
import string
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from nlp import data as D
from nlp.hardneg import hard_negative_examples

if TYPE_CHECKING:
    from nlp.data import Example
    from nlp.splits import Splits

SYNTHETIC = "synthetic"
AUG_SUFFIX = "+aug"
TEST_TEMPLATE_SHARE = 0.25

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
        "bank": rng.choice(D._BANKS), "city": rng.choice(D._CITIES), "place": D._value("PLACE", None, rng),
        "name": D._name(rng), "surname": rng.choice(D._SURNAMES),
        "mobile": D._mobile(rng), "landline": D._landline(rng), "hotline": D._hotline(rng),
        "url": D._url(rng), "phish_url": _phish_url(rng),
        "legit_url": rng.choice(("", "https://")) + rng.choice(_LEGIT_HOSTS) + rng.choice(("", "/", "/" + "".join(
            rng.choice(string.ascii_letters + string.digits) for _ in range(6)))),
        "wechat": D._wechat(rng), "qq": _rand_digits(rng, rng.randint(6, 10)),
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
TEMPLATES: dict[str, tuple[str, ...]] = {
    "impersonate_police": (
        "【{city}公安】您的身份信息涉嫌一起洗钱案件，请立即拨打{landline}联系{name}警官配合调查，逾期将冻结名下全部账户。",
        "您好，这里是{city}市公安局刑侦支队，您名下的{bank}银行卡涉嫌洗钱，案件编号{num4}，请保持电话畅通，不要告诉任何人。",
        "{city}市人民检察院通知：您涉嫌一起非法集资案，需将资金转入国家安全账户接受核查，核查后原路退回。联系电话{landline}",
        "【法院传票】您有一张传票未领取，案号({year})民初{num4}号，请于今日{time}前回电{landline}，否则将强制执行。",
        "医保中心通知：您的医保卡在{city}被违规套现{amount}元，已移交公安处理，如有疑问请按9转人工。",
        "我是{city}公安局的{name}，你的账户涉及诈骗资金流水，现在需要你下载{app}开视频做笔录，全程保密。",
        "你好，你寄往{city}的快递里查出{n}张银行卡和假护照，涉嫌走私，警方已立案，马上加QQ{qq}联系办案民警。",
        "通缉令：你涉嫌非法出境已被网上通缉，请在{time}前将存款转入清查账户{bankcard}，否则立即执行逮捕。",
        "这里是{city}市公安局网安大队，你的手机号被用于发送诈骗短信，请按提示下载{app}配合调查 {phish_url}",
        "【{city}市公安局】你名下有一张{bank}银行卡涉嫌洗钱，请登录 {phish_url} 查看逮捕令并填写资产清查信息。",
        "你好，我是{city}派出所的民警，有人用你的身份证办了{n}张电话卡，已涉嫌帮信犯罪，现在需要你做资金核查。",
    ),
    "loan_credit": (
        "【{loan_brand}】尊敬的客户，您的{wan}万元贷款额度已审批通过，无抵押当天到账，点击 {url} 领取，回T退订",
        "急用钱？{loan_brand}正规贷款，凭身份证即可办理，最高{wan}万，秒批秒到，详询{name}经理{mobile}",
        "您申请的{amount}元借款因银行卡号填写错误已被冻结，需缴纳{fee}元解冻费，请联系客服QQ{qq}处理。",
        "代办大额信用卡，黑户白户均可，额度{wan}万起，包下卡，先办卡后收费，微信{wechat}",
        "信用卡提额，不看征信，当天下卡，额度{wan}万，手续费{percent}个点，联系{mobile}",
        "您好，您的网贷账户流水不足，需要先转{fee}元验资才能放款，转完马上到账。",
        "无需征信无需抵押，学生上班族都能贷，{amount}元起贷，下载{loan_brand}APP立即申请 {url}",
        "【{loan_brand}】您的贷款已到账失败，原因：账户异常。请缴纳{fee}元保证金激活账户，客服{mobile}",
        "有房有车有社保就能贷，月息低至{small}厘，最快当天放款，{name}专员{mobile}（微信同号）",
        "您的征信良好，可申请{wan}万元信用贷，年化低至3.6%，仅限今天，回复1或点 {url} 办理",
    ),
    "fake_customer_service": (
        "【{shop}客服】您好，您购买的商品因质量问题需召回，我们将为您办理{amount}元双倍赔付，请加客服QQ{qq}办理退款。",
        "您好，我是{courier}快递理赔专员，您的快递在运输中丢失，我们将赔偿您{amount}元，请添加微信{wechat}办理理赔。",
        "【{platform}】您开通的百万保障服务即将每月自动扣费{fee}元，如需取消请拨打{landline}联系人工客服。",
        "您好，我是{platform}客服，您的账户被误开通会员，每月扣费{fee}元，不关闭将影响征信，请下载{app}共享屏幕取消。",
        "尊敬的{airline}旅客，您预订的{flight}航班因机械故障已取消，请联系客服{mobile}办理改签，可获{amount}元延误补偿。",
        "您好，我是{platform}平台客服，您的学生认证还没注销，会影响个人征信，需要按指引把借款额度转到指定账户清零。",
        "【{shop}】亲，您的订单{order}支付异常被冻结，客服将通过{mobile}联系您办理退款，请保持电话畅通。",
        "您好，这边是{shop}售后，您买的商品检测出甲醛超标，给您退款{amount}元，需要您打开{platform}备用金领取。",
        "【{courier}】您的快件{tracking}理赔已受理，赔付金额{amount}元，请添加理赔专员QQ{qq}领取赔款。",
        "您好，我是{platform}客服，系统检测到您是代理商身份，每月将扣除{fee}元代理费，取消请联系{hotline}转人工。",
    ),
    "impersonate_acquaintance": (
        "{relative}，我手机掉水里了，这是我新号，先存一下。我这边急要交{amount}块培训费，你先转到老师卡上{bankcard}，户名{name}",
        "在吗？我是{name}，换号了，加我新微信{wechat}，有急事找你。",
        "老同学，我是{name}，换了新号。在外地出了点急事，能先借我{amount}吗？明天就还你。",
        "小{surname}，我是{boss}，你现在方便吗？有笔{amount}元的款要急着付给合作方，你先帮我转一下，我在开会不方便，回头报销。",
        "家长您好，我是{grade}班班主任{name}老师，本学期资料费{fee}元，请转账到{mobile}，收到后回复孩子姓名。",
        "{relative}，我跟朋友出车祸了在医院，急需{amount}手术费，我现在不方便接电话，直接转到医生账户{bankcard}",
        "我是{name}，这是朋友的手机，我的被偷了，你先给我支付宝{mobile}转{amount}，回头还你。",
        "{name}，明天早上9点来我办公室一趟。——{boss}",
        "我是{boss}，我QQ号{qq}，加一下，有个文件要你处理。",
        "{relative}，我的微信被封了，用朋友号给你发的，你先帮我给这个卡号{bankcard}转{amount}，急用！",
    ),
    "task_rebate": (
        "【{platform}】招聘兼职，手机点赞关注即可，每单{small}元，日结{day_amount}元，加微信{wechat}领取任务",
        "在家动动手指就能赚钱！抖音点赞一个3元，一天轻松赚{day_amount}，名额有限，下载{app}注册 {url}",
        "您好，您已通过兼职审核，首单垫付{amount}元返{rebate}元佣金，联系接待员QQ{qq}",
        "宝妈学生兼职，刷单返利，做一单结一单，佣金{percent}%，加QQ群{qq}",
        "恭喜您获得{shop}会员任务资格，完成3单连单任务即可提现本金加佣金{rebate}元，卡单需补单才能提现。",
        "手机打字员招聘，无需经验，时间自由，日赚{day_amount}+，详情 {url}",
        "亲，给店铺写个好评就返{small}元红包，加微信{wechat}，先垫付后返现，一单一结。",
        "影视投票兼职，每票{small}元，一天几百块，进群领任务：QQ群{qq}，先做3单体验任务。",
        "您的任务佣金{rebate}元已到账但被冻结，因操作失误需再完成一组{amount}元的任务才能解冻提现。",
    ),
    "fake_investment": (
        "【内部消息】{name}老师带你抓涨停，明天这只票必涨，进VIP群{qq}免费领取牛股",
        "稳赚不赔！数字货币平台日收益{percent}%，导师一对一带单，下载{app}注册 {url}",
        "股友你好，我是{name}，刚建了个炒股交流群，每天推荐三只黑马股，已经连续{n}个涨停，加微信{wechat}进群",
        "投资{amount}元，每天返利{rebate}元，保本保息随时提现，平台有国资背景，扫码入群。",
        "外汇黄金内部渠道，跟单月收益{percent}%，不赚钱全额赔付，联系{mobile}",
        "原始股认购最后3天，上市后翻{n}倍，名额有限，{url}",
        "恭喜你被选入{name}教授的实战训练营，今晚8点直播讲解主力资金动向，入群口令{num4}",
        "机构打新内幕，新股中签率100%，首次入金{amount}送{rebate}，开户链接 {url}",
        "国家扶持养老项目，投资一万每月分红{rebate}元，满一年返还本金，名额仅剩{n}个，咨询{mobile}",
    ),
    "romance": (
        "哥哥你好呀，我是{age}岁的单身女孩，在{city}工作，想找个真诚的人聊聊天，加我微信{wechat}好吗",
        "亲爱的，我舅舅在博彩网站做技术，发现了一个漏洞，稳赚不赔，我们一起投点钱为结婚攒钱好不好 {url}",
        "宝贝，我从国外给你寄的包裹被海关扣了，里面有礼物和{amount}美金，需要交{fee}元清关费，你先帮我垫一下。",
        "你好，在婚恋网上看到你的资料，觉得很有缘分，我是做跨境电商的，可以加个微信吗？{wechat}",
        "老公，我妈住院急需{amount}，我的卡被冻结了，你先转给我好不好，等我发工资就还你。",
        "亲爱的，我在平台上赚了好多，你也注册一个，我教你操作，我们一起努力早点见面 {url}",
        "我是在{city}维和的军医，马上退役了，想回国和你结婚，但需要先交{amount}元手续费办理退役。",
        "宝宝，你上次说想跟我见面，我买机票还差{fee}，你先转我一下，见面给你。",
    ),
    "game_trading": (
        "低价出售{game}满级账号，带稀有皮肤，原价{amount}现{fee}出，先付定金，加QQ{qq}",
        "【{game}】恭喜您获得限量皮肤，登录 {phish_url} 领取，需验证游戏账号密码。",
        "您在交易平台出售的游戏账号已被买家拍下，但您的账户未开通保证金，请先缴纳{fee}元才能提现。",
        "{game}钻石点券五折充值，官方渠道，量大从优，先付款后充值，微信{wechat}",
        "兄弟，你的{game}号我要了，{amount}，咱们走第三方交易平台{url}，你先去平台注册一下。",
        "游戏交易提醒：您的账户因未实名认证被冻结，解冻需缴纳{fee}元保证金，客服QQ{qq}",
        "{game}免费领皮肤，扫码登录即送，仅限今天 {phish_url}",
        "代练{game}上王者，包上分，先付一半{fee}元，加微信{wechat}",
    ),
    "phishing": (
        "【{bank}银行】您的账户积分{points}即将清零，请登录 {phish_url} 兑换现金礼品，逾期作废。",
        "【ETC】您的ETC卡已失效，请登录 {phish_url} 重新认证，以免影响正常通行。",
        "【医保局】您的医保卡账户需年度认证，请及时登录 {phish_url} 完成，逾期将停用。",
        "【{city}人社局】您有一笔{amount}元的{subsidy}补贴待领取，请登录 {phish_url} 申领，当日有效。",
        "【{courier}】您的快递丢失，我司将赔偿{amount}元，请登录 {phish_url} 填写理赔信息。",
        "【{bank}银行】您的手机银行证书已过期，请登录 {phish_url} 更新，否则将冻结账户。",
        "【{operator}】您的话费积分{points}分可兑换{amount}元现金，今日到期 {phish_url}",
        "您的iCloud账户在异地登录，如非本人操作请访问 {phish_url} 验证。",
        "【{city}交警】您有一条交通违法未处理，请登录 {phish_url} 查询并缴纳罚款，逾期加倍。",
        "【个税】您有一笔个人所得税退税{amount}元待领取，请登录 {phish_url} 办理。",
        "{name}，这是我们同学聚会的照片，你看看有你吗 {phish_url}",
        "【{courier}】您的包裹因地址不详无法派送，请点击 {phish_url} 更新收货信息。",
        "【{bank}银行】您尾号{tail}的信用卡已获提额资格，登录 {phish_url} 输入卡号及验证码即可激活。",
    ),
    "illegal_service": (
        "代开各类正规发票，可验证后付款，{mobile} {name}",
        "办理毕业证、驾驶证、学位证，可查可验，微信{wechat}",
        "澳门{city}娱乐城，百家乐真人视讯，首充送{percent}%，{url}",
        "上门服务，学生兼职，包夜{fee}，{mobile}",
        "麻将机遥控器、扑克透视眼镜，起手好牌，现场看效果，{mobile}",
        "六合彩内部资料，期期必中，加QQ{qq}",
        "出售各地高速口罩、刻章办证，{mobile}（微信同号）",
    ),
}

# Hard negatives: real-world notices and personal messages that share the surface of fraud.
NEGATIVE_TEMPLATES: tuple[str, ...] = (
    "【{bank}银行】您尾号{tail}的储蓄卡{date}{time}消费支出人民币{amount}.00元，余额{balance}元。",
    "【{bank}银行】您尾号{tail}的信用卡本期账单{amount}.00元，最后还款日{date}，请按时还款。如已还款请忽略。",
    "【{platform}】验证码{code}，用于登录，5分钟内有效。验证码提供给他人可能导致账号被盗，请勿泄露，谨防被骗。",
    "【{bank}银行】您正在进行网上支付，验证码{code}，金额{amount}元。切勿泄露给任何人，银行工作人员不会向您索取。",
    "【{courier}】您的快递已到{place}菜鸟驿站，取件码{code4}，请于{date}前凭码取件。",
    "【丰巢】您的{courier}包裹已存入{place}丰巢柜，取件码{code}，超时将收取保管费。",
    "【{operator}】尊敬的客户，您{month}月消费{amount}元，当前余额{balance}元，本月套餐内流量已使用{mb}MB。",
    "【{operator}】您的话费余额不足10元，为避免停机请及时充值，可通过手机营业厅充值，详询{hotline}。",
    "【国家反诈中心】凡是自称公检法要求转账到安全账户的都是诈骗！接到96110来电请务必接听。",
    "【{city}公安】反诈提醒：刷单返利、网络贷款先交钱的都是诈骗，如有疑问请拨打96110咨询。",
    "【{bank}银行】温馨提示：银行不会以任何理由要求您转账到安全账户，请勿点击陌生链接，谨防电信诈骗。",
    "【ETC】您的车辆{plate}于{date}通过{city}收费站，通行费{small}.00元，已从绑定账户扣款。",
    "【{city}医保】您本月医保个人账户划入{small}.50元，当前余额{balance}元。",
    "妈，我这个月工资发了，给你转了{amount}，记得查收哈",
    "房租{amount}我已经转给房东了，你回头把你那份转我就行",
    "晚上聚餐AA，每人{small}0，微信转我就行",
    "我换号了，新号{mobile}，旧号下个月停，有事打这个",
    "明天的会改到{time}，腾讯会议号{num4} {code}，链接 {legit_url}",
    "你要的资料我放网盘了 {legit_url} 提取码{num4}",
    "快递帮我取一下，取件码{code4}，在{place}驿站",
    "【{shop}】您的退款{amount}元已原路退回，预计1-3个工作日到账，无需任何操作。",
    "【铁路12306】订单{order}，{name}您已购{date}{train}次{n}车{small}号座，请持身份证检票乘车。",
    "【{courier}】您的快件{tracking}正在派送中，派送员{name}，电话{mobile}，请保持电话畅通。",
    "【{city}人社】您的社保卡已制卡完成，请携带身份证到{place}领取。",
    "【{bank}银行】您尾号{tail}的账户{date}{time}转入人民币{amount}.00元，余额{balance}元。",
    "{name}，你上次借的{amount}不急，等你发工资再还我就行",
    "老板说下午{time}开会，地点在三楼会议室，别迟到",
    "【{airline}】尊敬的旅客，您乘坐的{flight}航班预计延误，请留意机场广播，改签退票请以官方App或{hotline}为准。",
    "【{platform}】您尾号{tail}的银行卡已成功绑定，如非本人操作，请立即致电官方客服{hotline}。",
    "宝贝，我到{city}了，酒店地址发你了，明天见",
    "哥，借我{amount}周转一下，下周一发工资就还你，我当面给你写个条",
    "【{city}交警】您的车辆{plate}年检即将到期，请通过交管12123官方App预约办理。",
    "您好，我是{shop}店铺客服，您的订单已发货，单号{tracking}，有问题随时联系我们。",
    "【{operator}】您已成功办理5G畅享套餐，月费{fee}元，次月生效。如非本人办理请拨打{hotline}。",
    "今天{place}有活动，全场五折，下班一起去逛逛？",
    "【招商银行】您的一卡通于{date}支出{amount}元（快捷支付），如有疑问请致电95555。",
    "【中国人民银行】征信知识：个人征信只能本人或授权机构查询，所谓'征信修复'都是骗局。",
    "爸，我到学校了，生活费收到了，不用担心",
)

# ------------------------------------------------------------------------------------------- transforms
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


_BRANDS = tuple(f"{b}银行" for b in D._BANKS) + _OPERATORS + _SHOPS + _COURIERS + _PLATFORMS


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
    return D.tidy_whitespace(_URL_IN_TEXT.sub("", text))


_CHAT_HEADERS: tuple[str, ...] = (
    "{name} {time}\n",
    "[{month}/{day} {time}] {name}: ",
    "{name}：",
    "{name} {year}/{month}/{day} {time}:{second}\n",
    "{name}:\n",
)


def chat_log(turns: list[tuple[int, str]], rng: random.Random) -> str:
    """Render (speaker index, text) turns as a pasted WeChat/QQ chat log with names and timestamps."""
    names = [D._name(rng), rng.choice(("我", D._name(rng), rng.choice(_RELATIVES), "客服小美", "Lily"))]
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
            text = D.normalize_for_model(text)
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
    return train + composed_train, test + composed_test


# ------------------------------------------------------------------------------------ composed templates
# Phrase banks per label: who is speaking, the pretext, the ask, the pressure, the contact. A composition
# draws one of each (some optional, order varied), so wording varies far more than whole-sentence templates.
# The pretext and ask options are split by seed: a held-out share only ever appears in the synthetic test slice.
OPENERS = ("", "", "", "您好，", "你好，", "喂，", "尊敬的用户，", "亲，", "尊敬的客户您好，", "打扰一下，")

COMPOSED: dict[str, dict[str, tuple[str, ...]]] = {
    "impersonate_police": {
        "who": ("我是{city}市公安局刑侦支队的{name}警官", "这里是{city}市人民检察院", "我是{city}派出所民警",
                "这边是{city}市反诈中心", "我是{city}市中级人民法院的工作人员", "这里是网警大队",
                "我是{city}公安经侦的",
                "我是社保局的，马上给你转接公安"),
        "why": ("你名下的一张{bank}银行卡涉嫌洗钱", "你的身份证被人冒用办理了电话卡，涉及一起诈骗案",
                "你寄往{city}的包裹里查出了违禁品", "你涉嫌参与一起非法集资案件，已经立案",
                "你的医保卡在外地被违规套现",
                "有人用你的身份信息注册了公司涉嫌偷税", "你的账户出现了大额可疑资金流水",
                "你的手机号被用来发送诈骗短信",
                "你被列为一起跨境赌博案的嫌疑人"),
        "ask": ("需要把你名下的资金转到国家安全账户进行清查", "现在需要你下载{app}跟我们视频做笔录",
                "请你打开屏幕共享配合我们核查资金", "你需要先缴纳{amount}元保证金才能办理取保候审",
                "请把银行卡号和验证码报给我们做资金冻结", "你要到宾馆开个房间单独配合调查",
                "需要你登录 {phish_url} 查看通缉令并填写资产信息", "你名下所有存款要转到我们指定的账户核验"),
        "push": ("案件涉密，不能告诉任何人包括家人", "否则将冻结你名下全部银行账户", "今天{time}前必须处理完",
                 "不配合的话我们会直接上门抓捕", "挂断电话后果自负", ""),
        "how": ("联系电话{landline}", "加我QQ{qq}", "案件编号{num4}", "", ""),
    },
    "loan_credit": {
        "who": ("我是{loan_brand}的客户经理{name}", "这里是{loan_brand}贷款中心", "我们是正规持牌金融机构",
                "我是{bank}银行信贷部的", "【{loan_brand}】", "我是做贷款的{name}"),
        "why": ("您有一笔{wan}万元的额度已经审批通过", "您的征信良好，可以申请无抵押信用贷款",
                "您申请的贷款因为银行卡号填错被冻结了", "您的网贷账户流水不足，暂时不能放款",
                "我们可以帮您代办大额信用卡，黑户也能办", "您的信用卡可以帮您提额到{wan}万",
                "学生和上班族凭身份证就能贷{amount}元", "您的贷款已经放款但显示账户异常"),
        "ask": ("需要先交{fee}元手续费才能放款", "请先转{fee}元解冻金到指定账户",
                "下载{loan_brand}APP填写资料就能秒到账",
                "先付{percent}个点的服务费，下卡后再付余款", "请缴纳{fee}元保证金验证还款能力",
                "点击 {url} 领取额度", "需要你往自己账户存{amount}元刷流水，我们再放款"),
        "push": ("名额有限今天截止", "超时额度自动作废", "不看征信当天到账", "月息低至{small}厘", ""),
        "how": ("详询{mobile}", "微信{wechat}", "回复1办理", "", ""),
    },
    "fake_customer_service": {
        "who": ("我是{shop}客服", "您好，这边是{courier}理赔中心", "我是{platform}官方客服", "我是{airline}客服专员",
                "【{shop}售后】", "我是{platform}的人工客服{name}"),
        "why": ("您购买的商品存在质量问题需要召回", "您的快递在运输途中丢失了",
                "您之前开通了百万保障服务，马上要每月扣费{fee}元",
                "您的账户被误设置为代理商，每月会扣{fee}元", "您预订的{flight}航班因故取消了",
                "您的学生认证没有注销会影响征信",
                "您的订单{order}支付异常被冻结", "系统检测到您被误开通了会员自动续费"),
        "ask": ("我们给您办理{amount}元双倍赔偿，需要您提供银行卡号和验证码", "需要您下载{app}共享屏幕帮您取消",
                "请打开{platform}备用金把额度转出来清零", "您需要先支付{fee}元改签费，稍后退还加补偿",
                "请扫码进入理赔页面填写信息", "请加理赔专员QQ{qq}办理退款", "登录 {phish_url} 申请退款"),
        "push": ("今天不处理就会一直扣费", "不取消会影响您的个人征信", "退款通道{time}关闭", ""),
        "how": ("客服电话{landline}", "专线{mobile}", "", ""),
    },
    "impersonate_acquaintance": {
        "who": ("{relative}，是我", "我是{name}，换新号了", "小{surname}，我是{boss}", "老同学，我是{name}",
                "家长您好，我是{grade}班班主任{name}老师", "我是你表哥{name}", "{relative}，我手机坏了用朋友的号"),
        "why": ("我在外地出了点急事", "我跟朋友出车祸了在医院", "有个合作方的款要急着付", "本学期资料费要统一交",
                "我微信被封了暂时用不了", "我在开会不方便接电话", "我这边急需交一笔培训费"),
        "ask": ("你先转{amount}到这个卡上{bankcard}", "先借我{amount}，明天就还你", "你先帮我垫付{amount}，回头报销",
                "把钱转到这个支付宝{mobile}", "加一下我新微信{wechat}，有事跟你说", "收款码发你了，扫码付{fee}元",
                "你帮我给这个账户打{amount}，户名{name}"),
        "push": ("急用！", "千万别跟别人说", "别打电话，我这边说话不方便", "今天之内一定要到账", ""),
        "how": ("", "", "这是我新号{mobile}", ""),
    },
    "task_rebate": {
        "who": ("【{platform}】", "您好，我是招聘专员{name}", "宝妈学生兼职看过来", "我是{shop}店铺的运营",
                "您好，我们是{platform}推广部"),
        "why": ("在家动动手指就能赚钱", "手机点赞关注一个{small}元", "给店铺刷单做好评，做一单结一单",
                "影视投票兼职，每票{small}元", "您已通过兼职审核", "完成三单连单任务就能提现本金加佣金"),
        "ask": ("首单垫付{amount}元返{rebate}元佣金", "加QQ群{qq}领取任务", "下载{app}注册接单 {url}",
                "先做体验单，佣金{percent}%", "需要再做一组{amount}元的任务才能解冻提现", "加微信{wechat}进群领红包"),
        "push": ("日结{day_amount}元", "名额有限先到先得", "时间自由不收任何费用", ""),
        "how": ("", "", "联系接待员{mobile}", ""),
    },
    "fake_investment": {
        "who": ("我是{name}老师的助理", "【内部消息】", "股友你好，我是{name}", "我是{platform}投资顾问",
                "恭喜你被选入{name}教授的训练营"),
        "why": ("明天这只票必涨停", "数字货币平台日收益{percent}%", "我们已经连续{n}个涨停",
                "外汇黄金内部渠道，跟单月收益{percent}%", "原始股认购上市后翻{n}倍",
                "国家扶持养老项目每月分红{rebate}元"),
        "ask": ("进VIP群{qq}免费领取牛股", "下载{app}注册入金 {url}", "首次入金{amount}送{rebate}",
                "加微信{wechat}进群跟单",
                "导师一对一带单，先充值{amount}"),
        "push": ("稳赚不赔", "不赚钱全额赔付", "名额仅剩{n}个", "保本保息随时提现", ""),
        "how": ("", "咨询{mobile}", "入群口令{num4}", ""),
    },
    "romance": {
        "who": ("哥哥你好呀，我是{age}岁的单身女孩", "亲爱的", "宝贝", "你好，我在婚恋网上看到你的资料",
                "我是在海外维和的军医", "老公"),
        "why": ("我舅舅在博彩平台做技术发现了漏洞", "我寄给你的包裹被海关扣了", "我妈住院急需用钱",
                "我在一个平台上赚了好多", "我想回国和你结婚", "我买机票见你还差一点钱"),
        "ask": ("你先帮我垫{fee}元清关费", "你也注册一个，我教你操作 {url}", "你先转我{amount}好不好",
                "加我微信{wechat}好吗", "一起投点钱为我们的未来攒钱", "先帮我交{amount}元手续费"),
        "push": ("等我发工资就还你", "见面就给你", "我只相信你了", ""),
        "how": ("", "", ""),
    },
    "game_trading": {
        "who": ("兄弟", "【{game}】", "您好，我是交易平台客服", "低价出号"),
        "why": ("{game}满级账号带稀有皮肤，原价{amount}现{fee}出", "恭喜您获得限量皮肤", "你的{game}号我要了，{amount}",
                "您出售的游戏账号已被买家拍下", "您的账户因未实名认证被冻结", "{game}点券五折充值"),
        "ask": ("先付定金", "登录 {phish_url} 领取，需验证账号密码", "咱们走第三方平台{url}交易",
                "请先缴纳{fee}元保证金才能提现",
                "先付款后充值", "解冻需缴纳{fee}元"),
        "push": ("仅限今天", "量大从优", "官方渠道放心", ""),
        "how": ("加QQ{qq}", "微信{wechat}", "", ""),
    },
    "phishing": {
        "who": ("【{bank}银行】", "【ETC服务】", "【医保局】", "【{city}人社局】", "【{courier}】", "【{operator}】",
                "【{city}交警】", "【个税APP】", "【Apple】"),
        "why": ("您的账户积分{points}即将清零", "您的ETC卡已失效", "您的医保卡需年度认证",
                "您有一笔{amount}元{subsidy}补贴待领取",
                "您的快递丢失将赔偿{amount}元", "您的手机银行证书已过期", "您的话费积分可兑换{amount}元现金",
                "您有一条交通违法未处理", "您有一笔退税{amount}元待领取", "您的账号在异地登录"),
        "ask": ("请登录 {phish_url} 兑换", "请点击 {phish_url} 重新认证", "请登录 {phish_url} 申领",
                "请访问 {phish_url} 验证身份",
                "登录 {phish_url} 填写银行卡号及验证码即可办理", "请尽快登录 {phish_url} 更新信息"),
        "push": ("逾期作废", "当日有效", "否则将停用", "以免影响正常使用", "逾期将冻结账户", ""),
        "how": ("", "", "回T退订"),
    },
}

NEGATIVE_PARTS: dict[str, tuple[str, ...]] = {
    "who": ("【{bank}银行】", "【{operator}】", "【{courier}】", "【{platform}】", "【{shop}】", "【{city}医保】",
            "【国家反诈中心】", "【{city}公安】", "【铁路12306】", "【丰巢】"),
    "what": ("您尾号{tail}的账户{date}{time}支出{amount}.00元，余额{balance}元", "验证码{code}，5分钟内有效",
             "您的快件{tracking}已签收", "您{month}月账单{amount}元已出，最后还款日{date}",
             "您的退款{amount}元已原路退回",
             "您的包裹已到{place}驿站，取件码{code4}", "您本月套餐流量已使用{mb}MB", "您已成功绑定尾号{tail}的银行卡",
             "您的社保卡已制卡完成，请到{place}领取", "您的积分{points}分将于年底到期，可在官方App内兑换",
             "凡是要求转账到安全账户的都是诈骗", "刷单返利、网络贷款先交钱的都是诈骗"),
    "safety": ("切勿泄露给他人", "工作人员不会向您索取验证码", "如非本人操作请致电官方客服{hotline}", "谨防电信诈骗",
               "请勿点击陌生链接", "如有疑问请拨打96110", "无需任何操作", ""),
}


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
        text = D.normalize_for_model(text.format(**_slots(rng)))
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
        text = D.tidy_whitespace(text)
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
