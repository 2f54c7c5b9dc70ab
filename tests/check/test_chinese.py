"""bot.chinese: which texts the Chinese classifier may read."""

import pytest

from bot.chinese import is_mostly_chinese


@pytest.mark.parametrize("text", [
    "【中国银行】您尾号1234的银行卡已被冻结，请立即致电 4008123456 解冻",
    "【Apple】您的iCloud账户存在异常，请登录 http://apple-id-verify.com/login/secure/account 验证",
    "您好，請點擊 https://example.com/a/very/long/path/with/many/words 領取",
    "ETC认证失效",
    "13800138000",
    "OK",
    "妈，我换了新号，WeChat 也换了",
])
def test_chinese_and_short_texts_are_read_by_the_model(text):
    assert is_mostly_chinese(text)


@pytest.mark.parametrize("text", [
    "Your parcel is held at customs. Pay the release fee within 24 hours at http://post-cn-fee.top",
    "Hi mum, I lost my phone, this is my new number. Can you send me 500 today?",
    "Xin chào, bạn đã trúng thưởng một chiếc iPhone, hãy bấm vào liên kết",
])
def test_other_languages_are_not(text):
    assert not is_mostly_chinese(text)
