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
    assert normalize_text("请 拨 打 1 7 0 1 2 3 4 5 6 7 8") == "请拨打 17012345678"
    assert normalize_text("1.7.0.1.2.3.4.5.6.7.8") == "17012345678"
    assert normalize_text("P r e s s 1 now") == "Press 1 now"
    for kept in ("2024.05.01", "1 2 3", "138 0013 8000", "A B C", "I am ok"):
        assert normalize_text(kept) == kept
