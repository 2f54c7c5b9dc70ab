"""What a moderator sees for the odd cells and files that reach an import: prefixes too long, too short or with
a stray letter, rows of the wrong width, a quote never closed, a tab-separated header, line breaks inside a
cell, and the number keys the list commands store."""

from __future__ import annotations

import csv

import pytest

from bot.store import csvfiles
from bot.store.csvfiles import (
    BadValue,
    _cn_mobile_check,
    header_names,
    parse_allowlist_csv,
    parse_blocklist_csv,
    prefix_key,
    write_csv,
)


def _errors(parsed: csvfiles.ParsedFile) -> list[tuple[int, str, dict[str, object]]]:
    return [(e.line, e.key, dict(e.params)) for e in parsed.errors]


# ── Prefixes ───────────────────────────────────────────────────────────────────────────────────────────


def test_a_prefix_as_long_as_the_longest_number_is_kept_one_digit_more_is_refused():
    assert prefix_key("+123456789012345") == "+123456789012345"  # 15 digits: E.164's longest
    with pytest.raises(BadValue) as refused:
        prefix_key("+1234567890123456")
    assert (refused.value.key, refused.value.params) == ("long_prefix", {"prefix": "+1234567890123456"})
    parsed = parse_blocklist_csv("number,category\n+1234567890123456*,card_trafficking\n+123456789012345*,other\n")
    assert [(r.line, r.number_key, r.match) for r in parsed.rows] == [(3, "+123456789012345", "prefix")]
    assert _errors(parsed) == [(2, "long_prefix", {"prefix": "+1234567890123456*"})]
    assert "+1234567890123456*" in parsed.errors[0].text("en")


@pytest.mark.parametrize("cell", ["170X*", "X170*", "0X755*"])
def test_a_prefix_with_a_stray_letter_is_refused_not_read_without_it(cell):
    parsed = parse_blocklist_csv(f"number,category\n{cell},card_trafficking\n")
    assert parsed.rows == []
    assert _errors(parsed) == [(2, "bad_prefix", {"prefix": cell})]


@pytest.mark.parametrize("raw", ["", "*"])
def test_a_prefix_of_no_digits_would_cover_every_number(raw):
    with pytest.raises(BadValue) as refused:
        prefix_key(raw)
    assert refused.value.key == "short_prefix"


def test_a_star_alone_in_a_blocklist_is_refused_as_too_short():
    assert _errors(parse_blocklist_csv("number,category\n*,card_trafficking\n")) == [
        (2, "short_prefix", {"prefix": "*"})]


def test_an_allowlist_holds_no_prefixes():
    """The allowlist names one official number per row: a segment written with * is no number."""
    parsed = parse_allowlist_csv("number,owner\n+86170*,某虚拟运营商\n")
    assert parsed.rows == []
    assert _errors(parsed) == [(2, "bad_number", {"number": "+86170*"})]


# ── Number keys the list commands store ─────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("written", "key"), [("138-0013-8000", "+8613800138000"), ("95588", "95588"),
                                               ("+44 (0)7400 123456", "+447400123456")])
def test_a_number_the_list_commands_are_given_is_stored_under_its_lookup_key(written, key):
    assert csvfiles.number_key(written) == key


def test_a_number_the_list_commands_cannot_read_is_refused():
    with pytest.raises(ValueError):
        csvfiles.number_key("12")


def test_the_mainland_mobile_check_takes_a_mobile_whose_digits_after_the_first_look_like_a_code():
    # 186 0059 2654: without its leading 1 it reads as 86…, which CN's general pattern allows at 7-8 digits only.
    assert _cn_mobile_check()("+8618600592654")
    assert csvfiles.canonical_key("+8618600592654") == "+8618600592654"


# ── Rows and headers ──────────────────────────────────────────────────────────────────────────────────


def test_a_row_of_the_wrong_width_says_how_many_cells_it_has_and_the_header_to_follow():
    parsed = parse_blocklist_csv("number,category\n+8613800138000,other,extra\n+8613900139000,other\n")
    assert [(r.line, r.number_key) for r in parsed.rows] == [(3, "+8613900139000")]
    assert _errors(parsed) == [(2, "column_count", {"expected": 2, "header": "number,category", "got": 3})]
    assert parsed.errors[0].text("en").startswith("line 2: ")
    assert "number,category" in parsed.errors[0].text("en")


def test_every_unknown_column_is_named():
    [error] = parse_blocklist_csv("number,category,kategorie,beweis\n").errors
    assert (error.line, error.key, error.params["columns"]) == (1, "unknown_columns", "'kategorie', 'beweis'")


def test_a_quote_never_closed_stops_the_import_at_its_line_keeping_the_errors_before_it():
    text = ("number,category\n"
            "+8613800138000,other,extra\n"
            "+8613900139000,other\n"
            '"+8613700137000,other\n' + "x" * 200_000 + "\n")
    parsed = parse_blocklist_csv(text)
    assert parsed.rows == []  # nothing of a file cut short is imported
    assert _errors(parsed) == [
        (2, "column_count", {"expected": 2, "header": "number,category", "got": 3}),
        (4, "cell_too_long", {"limit": csv.field_size_limit()}),
    ]


def test_a_quote_never_closed_on_the_first_data_line_is_reported_there():
    parsed = parse_allowlist_csv('\n\nnumber,owner\n"95588,工行\n' + "x" * 200_000)
    assert _errors(parsed) == [(4, "cell_too_long", {"limit": csv.field_size_limit()})]


@pytest.mark.parametrize("text", ["number\towner", "number\towner\n", "  \n\t\t\nnumber\towner\n"])
def test_a_tab_separated_header_is_read_as_such_alone_or_after_blank_lines(text):
    assert header_names(text) == ["number", "owner"]
    assert parse_allowlist_csv(text).errors == []


def test_a_tab_separated_file_after_a_blank_line_imports():
    parsed = parse_allowlist_csv("   \nnumber\towner\taliases\n95599\t中国农业银行\t农行|ABC\n")
    assert [(r.line, r.number_key, r.owner, r.aliases) for r in parsed.rows] == [
        (3, "95599", "中国农业银行", ("农行", "ABC"))]


def test_commas_in_a_tab_separated_file_stay_inside_their_cells():
    [row] = parse_allowlist_csv("number\towner\taliases\n95588\t中国工商银行,总行\t工行\n").rows
    assert (row.owner, row.aliases) == ("中国工商银行,总行", ("工行",))


# ── Line breaks inside a cell ─────────────────────────────────────────────────────────────────────────


def test_evidence_with_windows_line_breaks_survives_export_and_reimport_byte_for_byte():
    """An export edited and sent back must not show every multi-line note as changed."""
    evidence = "自称公安局\r\n要求转账到安全账户\r第二条"
    text = write_csv(["number", "category", "evidence"], [["+8613800138000", "other", evidence]])
    assert text == f"number,category,evidence\n'+8613800138000,other,\"{evidence}\"\n"
    [row] = parse_blocklist_csv(text).rows
    assert (row.line, row.number_key, row.evidence) == (2, "+8613800138000", evidence)
    assert parse_blocklist_csv(text.encode("utf-8")).rows[0].evidence == evidence


def test_a_stray_tab_at_the_end_of_a_comma_separated_header_is_ignored():
    [row] = parse_blocklist_csv("number,category\t\n+8613800138000,other\n").rows
    assert (row.line, row.number_key) == (2, "+8613800138000")


def test_a_header_with_as_many_tabs_as_commas_is_read_as_comma_separated():
    [error] = parse_allowlist_csv("number,owner\taliases\n95588,工行\n").errors
    assert (error.line, error.key, error.params["columns"]) == (1, "unknown_columns", "'owner\\taliases'")


def test_a_file_saved_with_old_mac_line_ends_imports_with_its_line_numbers():
    parsed = parse_allowlist_csv("number,owner\r95588,中国工商银行\r95599,中国农业银行\r")
    assert [(r.line, r.number_key) for r in parsed.rows] == [(2, "95588"), (3, "95599")]
    assert parsed.errors == []
