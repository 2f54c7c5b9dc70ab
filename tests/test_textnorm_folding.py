"""Obfuscation folding: what a filter-dodging scam hides is read as its clean form, offsets still map back."""

from nlp.textnorm import fold_obfuscation, normalize_text, normalize_with_offsets


def test_invisible_characters_and_spread_cjk_are_removed():
    assert normalize_text("安\u200b全\u2060账\ufeff户") == "安全账户"
    assert normalize_text("出.租.银.行.卡") == "出租银行卡"
    assert normalize_text("请 把 钱 转 到") == "请把钱转到"


def test_ordinary_spacing_is_kept():
    assert normalize_text("北京 上海") == "北京 上海"      # two words, not a spread-out one
    assert normalize_text("apple iphone") == "apple iphone"
    assert normalize_text("北京、上海、广州") == "北京、上海、广州"


def test_lookalike_letters_and_digits():
    assert normalize_text("Теlеgram") == "Telegram"          # Cyrillic е
    assert normalize_text("①③⑧ｚｏｏｍ") == "138zoom"
    assert normalize_text("🏦卡🈶") == "银行卡有"


def test_offsets_point_into_the_original_text():
    text = "转到安 全 账 户吧"
    normalized, origin = normalize_with_offsets(text)
    start = normalized.index("安全账户")
    assert text[origin[start]] == "安" and text[origin[start + 3]] == "户"
    folded, folded_origin = fold_obfuscation("a\u200bb")
    assert folded == "ab" and folded_origin == [0, 2]


def test_digits_and_letters_spread_one_by_one_are_joined():
    assert normalize_text("请 拨 打 1 7 0 1 2 3 4 5 6 7 8") == "请拨打17012345678"
    assert normalize_text("1.7.0.1.2.3.4.5.6.7.8") == "17012345678"
    assert normalize_text("P r e s s 1 now") == "Press 1 now"
    for kept in ("2024.05.01", "1 2 3", "138 0013 8000", "A B C", "I am ok"):
        assert normalize_text(kept) == kept


def test_a_whole_message_spread_with_one_separator_reads_as_written():
    """Spreading puts the separator between every character, the message's own spaces and punctuation
    included; folding takes exactly those separators out, whatever the characters between them are."""
    for clean in ("您好，您的快递丢失，请点击 www.sf-lp.cn 办理三倍理赔，客服 400-820-1234",
                  "Your parcel is held. Pay the fee at usps-fee.com within 24 hours",
                  "【工商银行】尊敬的客户：您的e卡将于今日过期，请登录 icbc-e.vip 激活"):
        for sep in (" ", ".", "-", "*", "/", "\u3000", "·"):
            assert normalize_text(sep.join(clean)) == normalize_text(clean), (sep, clean)
    text = "小林：姐 我在马来西亚做外汇"
    _, origin = normalize_with_offsets(".".join(text))
    assert "".join(".".join(text)[i] for i in origin) == normalize_text(text).replace(":", "：")


def test_a_spread_stretch_inside_ordinary_text_keeps_the_words_around_it():
    assert normalize_text("hello w o r l d s today") == "hello worlds today"
    assert normalize_text("速来 领 取 养 老 补 贴 金 今天截止") == "速来领取养老补贴金今天截止"
    for kept in ("v1.2.3", "a......b", "1. 2. 3. 4.", "等等……真的吗", "----------", "第1-2-3-4-5-6期"):
        assert fold_obfuscation(kept)[0] == kept, kept
