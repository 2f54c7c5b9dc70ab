"""Which short codes are called unofficial, and which nearby word decides whether digits are a phone number.

A user sees both: an "unofficial service code" warning on the police's 110 would teach people to distrust the
real line, and a number read out of an order or meeting id is a false alarm about nothing.
"""

from __future__ import annotations

import pytest

from bot.phones import InvalidNumber, contact_number, find_numbers, mask_number, parse_number, regional_official

# A non-empty allowlist without the emergency numbers: they must be exempt by being emergency numbers.
BANK_ONLY = frozenset({"95588"})


def _found(text: str, official: frozenset[str] = BANK_ONLY) -> dict[str, tuple[str, ...]]:
    return {f.raw: f.signal_keys for f in find_numbers(text, official_codes=official)}


@pytest.mark.parametrize(("text", "code"), [("报警请拨打110", "110"), ("急救电话120", "120")])
def test_emergency_numbers_in_a_text_are_never_called_unofficial(text, code):
    assert _found(text) == {code: ()}


@pytest.mark.parametrize("code", ["110", "119", "120"])
def test_an_emergency_number_checked_alone_carries_no_warning(code):
    assert parse_number(code, official_codes=BANK_ONLY).signal_keys == ()


def test_the_road_accident_line_checked_alone_carries_no_warning():
    """122 is not an emergency number in libphonenumber's CN data: the shipped allowlist says it is official."""
    assert parse_number("122").signal_keys == ()
    assert parse_number("122", official_codes=BANK_ONLY).signal_keys == ("unofficial_service_code",)


def test_a_service_code_off_the_allowlist_is_called_unofficial_alone_and_in_a_text():
    assert parse_number("12345", official_codes=BANK_ONLY).signal_keys == ("unofficial_service_code",)
    assert _found("请拨打 95123 咨询") == {"95123": ("unofficial_service_code",)}
    assert _found("请拨打 95588 咨询") == {"95588": ()}


def test_without_an_allowlist_no_code_is_called_unofficial():
    assert parse_number("12345", official_codes=frozenset()).signal_keys == ()
    assert _found("请拨打 95123 咨询", official=frozenset()) == {"95123": ()}


@pytest.mark.parametrize(("text", "found"), [
    # The phone word is nearer the digits than the code word: a number to call.
    ("验证码请致电 95588", {"95588": ()}),
    ("订单电话 1234567", {"1234567": ("invalid",)}),
    # The code word is nearer: digits of a code, an order or a meeting, no number at all.
    ("电话验证码 95588", {}),
    ("电话订单 1234567", {}),
    # 会议号码 ends in the phone word 号码, at the same place: the longer, more specific word decides.
    ("会议号码 12345678", {}),
    ("号码 12345678", {"12345678": ("invalid",)}),
    # Each number is judged by its own nearest word.
    ("会议号 95588 电话 95599", {"95599": ("unofficial_service_code",)}),
])
def test_the_nearest_word_before_the_digits_decides(text, found):
    assert _found(text) == found


@pytest.mark.parametrize(("text", "code"), [("110、报警", "110"), ("110 报警", "110"), ("110报警", "110"),
                                         ("有事 123 咨询", "123")])
def test_a_short_code_right_before_a_phone_word_is_a_number(text, code):
    assert code in _found(text)


def test_a_phone_word_must_follow_the_code_at_once():
    assert _found("我 123 再咨询") == {}


# ── Shared contact cards and what the logs show ─────────────────────────────────────────────────────────


@pytest.mark.parametrize(("card", "number"), [
    ("+95588", "95588"), ("+86 95588", "95588"), ("0086 95588", "95588"), ("8695588", "95588"),
    ("+86 11183", "11183"),  # EMS: a code of an official family that libphonenumber's data lacks
])
def test_a_contact_card_of_a_service_code_gives_the_code_back_plain(card, number):
    assert contact_number(card) == number


@pytest.mark.parametrize("card", ["+8613800138000", "13800138000", "+86 12345678901", ""])
def test_a_contact_card_of_any_other_number_is_left_as_it_came(card):
    assert contact_number(card) == card


@pytest.mark.parametrize(("number", "masked"), [
    ("13800138000", "138****8000"),
    ("010 6552 9988", "106****9988"),
    ("+44 20 7946 0958", "+44 207****0958"),
    ("+1 212 555 0100", "+1 212****0100"),
    ("+855 12 345 678", "+855 12****78"),
    ("+852 6123 4567", "+852 61****67"),
    ("95588", "95***"),
    ("110", "11***"),
])
def test_logs_show_a_number_masked(number, masked):
    assert mask_number(parse_number(number, official_codes=frozenset())) == masked


def test_an_invalid_number_is_masked_from_its_digits():
    (fact,) = find_numbers("电话 1234567", official_codes=frozenset())
    assert fact.e164 is None and mask_number(fact) == "12****67"


# ── A number checked alone: what the user is told ───────────────────────────────────────────────────────


def test_a_number_checked_alone_is_described_with_its_carrier_and_place():
    fact = parse_number("13800138000", official_codes=frozenset())
    assert (fact.carrier, fact.location) == ("中国移动", "北京市")
    assert fact.to_json()["type_zh"] == "手机"


def test_a_number_checked_alone_is_judged_against_the_shipped_allowlist_by_default():
    assert parse_number("95123").signal_keys == ("unofficial_service_code",)
    assert parse_number("95588").signal_keys == ()


@pytest.mark.parametrize(("typed", "message"), [
    ("", "号码为空"),
    ("   ", "号码为空"),
    ("13800138000 13900139000", "输入里有 2 个号码（13800138000、13900139000），请一次只给一个"),
])
def test_what_cannot_be_checked_as_one_number_is_said_in_chinese(typed, message):
    with pytest.raises(InvalidNumber) as refused:
        parse_number(typed, official_codes=frozenset())
    assert str(refused.value) == message


def test_only_the_listed_numbers_of_hong_kong_taiwan_and_macao_are_their_official_lines():
    assert regional_official(parse_number("18222", "HK", official_codes=frozenset())).region == "HK"
    assert regional_official(parse_number("+852 6123 4567", official_codes=frozenset())) is None
    assert regional_official(parse_number("13800138000", official_codes=frozenset())) is None
