"""How moderator commands read their arguments: numbers written with spaces, ``expires=``, CSV kind."""

from __future__ import annotations

import pytest

from bot.telegram.moderation import csv_kind, number_key_of, split_expires, split_number


@pytest.mark.parametrize(("tokens", "number", "rest"), [
    (["13800138000", "冒充公检法", "自称公安"], "13800138000", ["冒充公检法", "自称公安"]),
    (["+86", "138", "0013", "8000", "断卡"], "+8613800138000", ["断卡"]),
    (["138-0013-8000", "其他"], "138-0013-8000", ["其他"]),
    (["(0755)", "8888", "8888", "other"], "(0755)88888888", ["other"]),
    (["+86170*", "card_trafficking"], "+86170*", ["card_trafficking"]),
    (["１３８００１３８０００", "其他"], "１３８００１３８０００", ["其他"]),
    (["冒充公检法"], None, ["冒充公检法"]),
])
def test_split_number_takes_the_leading_number_tokens(tokens, number, rest):
    assert split_number(tokens) == (number, rest)


def test_split_expires_finds_the_option_anywhere():
    assert split_expires(["13800138000", "expires=2026-06-30", "其他", "证据"]) == (
        "2026-06-30", ["13800138000", "其他", "证据"])
    assert split_expires(["到期：2026-01-01"]) == ("2026-01-01", [])
    assert split_expires(["其他"]) == (None, ["其他"])


def test_number_key_normalizes_numbers_and_prefixes():
    assert number_key_of("+8613800138000") == ("+8613800138000", False)
    assert number_key_of("(0755)88888888") == ("+8675588888888", False)
    assert number_key_of("170*") == ("+86170", True)


def test_csv_kind_is_read_from_the_header():
    assert csv_kind("number,owner,aliases\n95588,工行,\n".encode()) == "allowlist"
    assert csv_kind("\ufeffnumber,category\n".encode()) == "blocklist"
    assert csv_kind(b"") == "blocklist"
