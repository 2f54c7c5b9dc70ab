"""Rules that count only with a link that is not an official site (a notice of trouble sending the reader to a
link), and the private chat accounts a text gives as its contact."""

from __future__ import annotations

import pytest

from bot.rules import card_trafficking_rules, find_contact_handles, find_phrases, phrase_rules
from nlp.textnorm import normalize_with_offsets


@pytest.fixture(autouse=True)
def rules_read_afresh():
    """Each test reads the rule files itself, so what it asserts covers loading them too."""
    phrase_rules.cache_clear()
    card_trafficking_rules.cache_clear()
    yield
    phrase_rules.cache_clear()
    card_trafficking_rules.cache_clear()


def _ids(text: str) -> set[str]:
    return {h.rule.id for h in find_phrases(text)}


@pytest.mark.parametrize("text", [
    "您的ETC已停用，请登录 https://etc-cx.top 重新认证",
    "您的ETC已停用，请登录 HTTPS://ETC-CX.TOP/a?b=1 重新认证",       # a scheme in capitals
    "您的交通违章未处理，请登录 122.gov.cn.jtgl.top 处理",            # a government name in a scam host
    "您的包裹地址不全，请登录 https://sf-express.com.cn.delivery-cn.top/x 更新地址",
    "详见 http://t http://fee.top 缴费",                            # a link with no site does not hide the next
    "您的话费已欠费，请登录 http://user:pw@fee-pay.top/x 缴费",       # a browser goes to fee-pay.top
    "您的话费已欠费，请登录 https://www.10086.cn@fee-pay.top/pay 缴费",
])
def test_a_notice_of_trouble_with_a_link_to_an_unofficial_site_is_a_tactic(text):
    assert "problem_link" in _ids(text)


@pytest.mark.parametrize("text", [
    "您的话费已欠费，请登录 https://www.10086.cn/pay 缴费",
    "您的话费已欠费，请登录 https://www.10086.cn?from=sms 缴费",
    "您的话费已欠费，请登录 https://10086.cn 缴费",
    "您的话费已欠费，请登录 HTTPS://WWW.10086.CN/pay?x=1 缴费",
    "您的交通违章未处理，请登录 https://www.122.gov.cn 处理",          # a government site
    "您的交通违章未处理，请登录 https://WWW.122.GOV.CN 处理",
    "您的社保待遇资格认证未通过，请登录 https://www.sz.gov.cn/cn/xxgk 重新认证",   # any government's site
    "您的社保待遇资格认证未通过，请登录 https://www.sz.gov.cn?id=1 重新认证",
    "您的社保待遇资格认证未通过，请登录 https://www.sz.gov.cn:8443/x 重新认证",   # with a port
    "您的话费已欠费，请登录 http://user:pw@www.10086.cn/x 缴费",                  # a browser goes to 10086.cn
    "您的账户已冻结，请访问 http://intranet 处理",                     # a link that names no site
])
def test_the_same_notice_with_the_official_site_is_not(text):
    assert "problem_link" not in _ids(text)


def test_an_official_notice_before_a_scam_notice_does_not_hide_it():
    text = "您的话费已欠费，请登录 https://www.10086.cn 缴费；您的ETC已停用，请登录 https://etc-cx.top 重新认证"
    hits = [h for h in find_phrases(text) if h.rule.id == "problem_link"]
    assert [h.text.endswith("etc-cx.top") for h in hits] == [True]


def test_english_notices_of_trouble_count_only_with_an_unofficial_site():
    assert "en_problem_link" in _ids("Your toll is unpaid, pay at https://ezpass-toll.top now")
    assert "en_problem_link" not in _ids("Your parcel is on hold, see usps.gov")


@pytest.mark.parametrize(("text", "handles"), [
    ("加V：abc123 详聊", ["abc123"]),
    ("QQ 2930184756", ["2930184756"]),
    ("联系 @scam_helper 领取", ["scam_helper"]),
    ("WeChat: LiLei_88", ["LiLei_88"]),
    ("LINE ID：happy88 或者 @lucky_boss", ["happy88", "lucky_boss"]),
    ("Telegram @Please", []),                  # a word, not an account
    ("请联系 @Official 客服", []),
    ("今天天气不错", []),
])
def test_private_chat_accounts_given_as_a_contact(text, handles):
    assert find_contact_handles(normalize_with_offsets(text)[0]) == handles
