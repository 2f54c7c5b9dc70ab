"""The keys a big CSV import computes for hand-written numbers, and the region a warning names.

A key that differs from a lookup's is a blocklist entry that never matches; a warning about an overseas number
names the country in Chinese, because that is what a user reads.
"""

from __future__ import annotations

import os

import pytest

from bot import phones
from bot.phones import InvalidNumber, load_official_codes, number_key, number_keys, parse_number


def test_each_hand_written_number_gets_its_key_and_an_unreadable_one_none_in_its_place():
    written = ["138 0013 8000", "12", "+44 (0)7400 123456", "95588", "", "电话"]
    assert number_keys(written) == ["+8613800138000", None, "+447400123456", "95588", None, None]
    assert number_keys([]) == []


def test_the_keys_are_the_ones_a_lookup_computes():
    written = ["(0755) 8888 8888", "0086 138-0013-8000", "+852 2123 4567"]
    assert number_keys(written) == [number_key(w) for w in written]


@pytest.mark.parametrize(("raw", "reasons"), [
    ("+44 7400 123456", ["境外号码（英国），国内机构不会用境外号码联系你"]),
    ("+852 2123 4567", ["香港号码，不是中国大陆号码", "港澳台号码（香港），冒充客服、公检法的来电常用"]),
    ("+855 96 123 4567", ["境外号码（柬埔寨），国内机构不会用境外号码联系你", "柬埔寨是跨境电信诈骗窝点集中地"]),
])
def test_an_overseas_warning_names_the_country_in_chinese(raw, reasons):
    assert [s.reason for s in parse_number(raw, official_codes=frozenset()).signals] == reasons


# ── What a number typed alone is told when it is none ─────────────────────────────────────────────────


@pytest.mark.parametrize(("typed", "message"), [
    ("12", "“12”号码无效：位数太少"),
    ("１２", "“１２”号码无效：位数太少"),
    ("1", "“1”不是电话号码：无法识别为号码"),
    ("00", "“00”不是电话号码：国际前缀后的位数太少"),
    ("110101199003077777", "“110101199003077777”像银行卡号或身份证号，不是电话号码"),
])
def test_a_typed_number_that_is_none_is_told_why_in_chinese(typed, message):
    with pytest.raises(InvalidNumber) as refused:
        parse_number(typed, official_codes=frozenset())
    assert str(refused.value) == message


# ── An edited allowlist, picked up without a restart ─────────────────────────────────────────────────


def test_an_edited_allowlist_counts_from_the_next_second_on(tmp_path, monkeypatch):
    """The bot rereads data/allowlist.csv when it changes, looking at the file at most once a second."""
    clock = [1000.0]
    monkeypatch.setattr(phones.time, "monotonic", lambda: clock[0])
    path = tmp_path / "allowlist.csv"
    path.write_text("number,owner\n95588,中国工商银行\n", "utf-8")
    assert load_official_codes(path) == {"95588"}
    path.write_text("number,owner\n95588,中国工商银行\n95599,中国农业银行\n", "utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    clock[0] = 1000.5
    assert load_official_codes(path) == {"95588"}  # looked at half a second ago: not again yet
    clock[0] = 1001.0
    assert load_official_codes(path) == {"95588", "95599"}
    path.unlink()
    clock[0] = 1001.5
    assert load_official_codes(path) == {"95588", "95599"}
    clock[0] = 1002.5
    assert load_official_codes(path) == frozenset()  # removed: no allowlist, no "unofficial" warnings


def test_two_allowlists_are_remembered_apart(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("number,owner\n95588,中国工商银行\n", "utf-8")
    second.write_text("number,owner\n10086,中国移动\n", "utf-8")
    assert (load_official_codes(first), load_official_codes(second)) == ({"95588"}, {"10086"})
    assert load_official_codes(first) == {"95588"}
