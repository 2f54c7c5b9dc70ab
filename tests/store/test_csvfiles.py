"""The pure CSV helpers: expiry dates, prefixes, aliases, and the canonical-key fast path."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from bot.phones import number_key
from bot.store.csvfiles import canonical_key, format_expiry, parse_expiry, prefix_key, split_aliases


def test_expiry_date_means_through_that_day_in_beijing_and_round_trips():
    moment = parse_expiry("2026-06-30")
    assert moment == datetime(2026, 6, 30, 16, 0, tzinfo=UTC)
    assert format_expiry(moment) == "2026-06-30"
    assert format_expiry(parse_expiry("2026-06-30T18:30")) == "2026-06-30T18:30:00+08:00"
    assert parse_expiry("2026-06-30T10:00+00:00") == datetime(2026, 6, 30, 10, tzinfo=UTC)
    assert parse_expiry("") is None and format_expiry(None) == ""
    for bad in ("2026-02-30", "30/06/2026", "soon"):
        with pytest.raises(ValueError, match="bad date"):
            parse_expiry(bad)


@pytest.mark.parametrize(("raw", "key"), [
    ("+86170", "+86170"), ("170", "+86170"), ("170*", "+86170"), ("0086 171", "+86171"),
    ("0755", "+86755"), ("+855 12", "+85512"), ("＋８６１６５", "+86165"),
])
def test_prefix_key(raw, key):
    assert prefix_key(raw) == key


@pytest.mark.parametrize("raw", ["+86", "0", "+8", "17a", "", "+1234567890123456"])
def test_bad_prefixes(raw):
    with pytest.raises(ValueError):
        prefix_key(raw)


def test_split_aliases():
    assert split_aliases(" 工行 | 工商银行||工行|ICBC ") == ("工行", "工商银行", "ICBC")


def _number_key_or_none(raw: str) -> str | None:
    try:
        return number_key(raw)
    except ValueError:
        return None


def test_canonical_fast_path_agrees_with_number_key():
    """The import's fast path accepts a string only when number_key maps it to itself."""
    rng = random.Random(7)
    samples = ["+8613800138000", "+8617012345678", "+864008123123", "+8675588888888", "+85512345678",
               "+390612345678", "+12025550123", "+8612345678901", "+86138001380001", "+0086138"]
    for _ in range(300):
        code = rng.choice(["86", "852", "855", "63", "95", "886", "1", "44", "7", "971"])
        samples.append("+" + code + "".join(rng.choice("0123456789") for _ in range(rng.randint(5, 12))))
    for _ in range(300):
        samples.append("+861" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9)))
    accepted = 0
    for raw in samples:
        fast = canonical_key(raw)
        if fast is not None:
            accepted += 1
            assert _number_key_or_none(raw) == fast, raw
    assert accepted > 200


def test_cn_mobile_fast_path_agrees_with_number_key_on_every_segment():
    """Every 4-digit mobile segment 1300-1999 (and 17400-17409, 16100-16109), valid or not."""
    rng = random.Random(11)
    samples = [f"+86{segment}{rng.randrange(10**7):07d}" for segment in range(1300, 2000)]
    samples += [f"+86{segment}{rng.randrange(10**6):06d}" for segment in (*range(17400, 17410), *range(16100, 16110))]
    samples += ["+8613800138000 ", "+86138001380000", "+8613800138", "+86 13800138000", "＋8613800138000"]
    accepted = 0
    for raw in samples:
        fast = canonical_key(raw)
        assert fast == (raw if _number_key_or_none(raw) == raw else None), raw
        accepted += fast is not None
    assert accepted > 500  # most segments are in use
