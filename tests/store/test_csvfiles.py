"""The pure CSV helpers: expiry dates, prefixes, aliases, the canonical-key fast path, and reading files as
moderators' tools save them (encodings, spreadsheet quirks, errors in the moderator's language)."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime

import phonenumbers
import pytest

from bot.locales import LANGUAGES
from bot.phones import number_key
from bot.store.csvfiles import (
    canonical_key,
    format_expiry,
    neutralise_cell,
    parse_allowlist_csv,
    parse_blocklist_csv,
    parse_expiry,
    prefix_key,
    restore_cell,
    split_aliases,
)


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
    """The import's fast path accepts a string exactly when number_key maps it to itself: an export of keys
    imports back without the parser (seconds, not minutes, for a big list), and nothing else skips it."""
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
        if _number_key_or_none(raw) != raw:
            assert fast is None, raw
        elif not phonenumbers.parse(raw).italian_leading_zero:  # +39 06…: left to the parser, which knows the 0
            assert fast == raw, raw
        accepted += fast is not None and not raw.startswith("+86")
    assert accepted > 10  # keys of other countries too, not only mainland mobiles


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


def test_neutralised_cells_never_start_a_formula_and_restore_exactly():
    """Random cells of formula starts, quotes and text: the export's quote comes off, and only it."""
    rng = random.Random(3)
    samples = ["", "'", "''=", "=1+1", "+8613800138000", "-", "@", "\t=x", "\r", "'=x", "a=b", "工行"]
    samples += ["".join(rng.choice("'=+-@\t\r a工") for _ in range(rng.randint(1, 5))) for _ in range(2000)]
    for cell in samples:
        written = neutralise_cell(cell)
        assert written[:1] not in ("=", "+", "-", "@", "\t", "\r"), repr(cell)
        assert restore_cell(written) == cell, repr(cell)


BLOCK = "number,category,evidence\n138-0013-8000,冒充公检法,自称公安局，要求转账到安全账户\n+86170*,断卡,虚拟运营商\n"


def _rows(parsed) -> list[tuple[int, str, str, str | None]]:
    assert parsed.errors == []
    return [(r.line, r.number_key, r.category, r.evidence) for r in parsed.rows]


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-16", "utf-16-le-bom", "utf-8", "utf-8-sig"])
def test_each_encoding_a_moderators_tool_saves_in_reads_the_same(encoding):
    text = BLOCK.replace("\n", "\r\n")  # Windows line ends
    data = ("\ufeff" + text).encode("utf-16-le") if encoding == "utf-16-le-bom" else text.encode(encoding)
    assert _rows(parse_blocklist_csv(data)) == [
        (2, "+8613800138000", "impersonate_police", "自称公安局，要求转账到安全账户"),
        (3, "+86170", "card_trafficking", "虚拟运营商")]


def test_excel_unicode_text_is_utf16_and_tab_separated():
    data = "number\towner\taliases\n95599\t中国农业银行\t农行|ABC\n".encode("utf-16")
    [row] = parse_allowlist_csv(data).rows
    assert (row.number_key, row.owner, row.aliases) == ("95599", "中国农业银行", ("农行", "ABC"))


def test_spreadsheet_rows_of_commas_and_empty_columns_at_the_end_are_skipped():
    text = ("number,category,evidence,,\n"
            "+8613800138000,other,x,,\n"
            ",,,,\n"
            ",,,,\n"
            "+8613900139000,other,,,\n"
            "+8613700137000,other,,stray,\n"
            ",,,,\n")
    parsed = parse_blocklist_csv(text)
    assert [(r.line, r.number_key) for r in parsed.rows] == [(2, "+8613800138000"), (5, "+8613900139000")]
    assert [(e.line, e.key) for e in parsed.errors] == [(6, "column_count")]


def test_errors_are_worded_in_each_language_with_their_lines():
    text = ("number,category,evidence,expires\n"
            "12,其他,,\n"
            "+8613800138000,,,\n"
            "+8613900139000,其他,,2030-13-45\n"
            "+8*,其他,,\n"
            "13900139000,其他,,\n")
    errors = parse_blocklist_csv(text).errors
    assert [(e.line, e.key) for e in errors] == [
        (2, "bad_number"), (3, "empty_category"), (4, "bad_date"), (5, "short_prefix"), (6, "duplicate")]
    zh = [e.text("zh-Hans") for e in errors]
    assert zh[0].startswith("第 2 行：号码“12”") and zh[4] == "第 6 行：号码“13900139000”在第 4 行已经有了"
    assert not [line for line in zh if re.search("[A-Za-z]", line)]  # no English inside the Chinese
    assert errors[3].text("zh-Hant") == "第 5 行：號段「+8*」太短：會把整個國家的號碼都算進去"
    assert str(errors[2]) == "line 4: bad date '2030-13-45': use YYYY-MM-DD (e.g. 2026-06-30)"
    for lang in LANGUAGES:
        assert all(e.text(lang) for e in errors)
