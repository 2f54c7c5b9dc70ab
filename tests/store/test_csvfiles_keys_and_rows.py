"""What an imported file stores: keys the checker's lookups find, prefixes, expiry cells, spreadsheet rows.

A key stored in another form than the one a lookup computes is an entry that never matches: the moderator
believes a number is blocked and users are told it is not known.
"""

from __future__ import annotations

import io
import pickle

import pytest

from bot.phones import number_key
from bot.store.csvfiles import (
    BadValue,
    CsvError,
    _cn_mobile_check,
    canonical_key,
    header_names,
    parse_allowlist_csv,
    parse_blocklist_csv,
    prefix_key,
    read_text,
    write_csv,
)


def _blocked(text: str) -> list[tuple[int, str, str]]:
    parsed = parse_blocklist_csv(text)
    assert parsed.errors == []
    return [(r.line, r.number_key, r.match) for r in parsed.rows]


@pytest.mark.parametrize(("written", "looked_up_as"), [
    ("+4407400123456", "+447400123456"),  # a UK mobile written "+44 (0)7400 123456", the trunk 0 kept
    ("+330612345678", "+33612345678"),    # a French mobile written the same way
    ("+49030123456", "+4930123456"),      # a Berlin line
])
def test_a_number_written_with_its_trunk_zero_is_stored_as_lookups_compute_it(written, looked_up_as):
    assert number_key(written) == looked_up_as
    assert _blocked(f"number,category\n{written},other\n") == [(2, looked_up_as, "exact")]
    [row] = parse_allowlist_csv(f"number,owner\n{written},Example Ltd\n").rows
    assert row.number_key == looked_up_as


def test_an_italian_number_keeps_its_leading_zero():
    # In Italy the 0 is part of the number: +39 02 … is Milan, and lookups keep it too.
    assert _blocked("number,category\n+390212345678,other\n") == [(2, number_key("+390212345678"), "exact")]
    assert number_key("+390212345678") == "+390212345678"


def test_the_fast_path_settles_no_number_with_a_zero_after_the_country_code():
    for raw in ("+4407400123456", "+330612345678", "+390212345678"):
        assert canonical_key(raw) is None  # left to the full parser, which knows what the zero means


def test_the_mainland_mobile_check_is_built_from_phonenumbers_own_data():
    """The import's fast check for +86 mobiles: it accepts every valid mobile shape and nothing else."""
    check = _cn_mobile_check()
    for raw in ("+8613800138000", "+8617012345678", "+8619912345678", "+8616612345678"):
        assert check(raw), raw
    for raw in ("+8612345678901", "+861380013800", "+86138001380001", "+8675588888888"):
        assert not check(raw), raw


@pytest.mark.parametrize(("cell", "key"), [("+447*", "+447"), ("+861*", "+861"), ("170*", "+86170"),
                                           ("+855 12*", "+85512")])
def test_a_prefix_row_covers_a_segment(cell, key):
    assert _blocked(f"number,category\n{cell},card_trafficking\n") == [(2, key, "prefix")]


@pytest.mark.parametrize("cell", ["+44*", "+86*", "+8*", "0086*", "+1*"])
def test_a_prefix_that_would_cover_a_whole_country_is_refused(cell):
    parsed = parse_blocklist_csv(f"number,category\n{cell},card_trafficking\n")
    assert parsed.rows == []
    assert [(e.line, e.key) for e in parsed.errors] == [(2, "short_prefix")]


def test_an_empty_expires_cell_means_never_and_says_the_column_was_given():
    [dated, open_ended] = parse_blocklist_csv(
        "number,category,evidence,expires\n+8613800138000,other,,2030-06-30\n+8613900139000,other,,\n").rows
    assert dated.expires_at is not None and dated.has_expires
    assert open_ended.expires_at is None and open_ended.has_expires
    [no_column] = parse_blocklist_csv("number,category\n+8613800138000,other\n").rows
    assert no_column.expires_at is None and not no_column.has_expires


def test_rows_of_only_commas_between_entries_import_cleanly_with_editor_line_numbers():
    text = "number,category,evidence,expires\n,,,\n+8613800138000,other,,\n , , , \n,,,\n13900139000,other,,\n"
    assert _blocked(text) == [(3, "+8613800138000", "exact"), (6, "+8613900139000", "exact")]


def test_an_export_with_only_comma_rows_and_a_header_has_nothing_to_import():
    parsed = parse_blocklist_csv("number,category,evidence,expires\n,,,\n,,,\n")
    assert parsed.rows == [] and parsed.errors == []


def test_reimporting_with_an_empty_expires_cell_makes_the_entry_permanent(store):
    store.import_blocklist_csv("number,category,evidence,expires\n+8613800138000,other,,2030-06-30\n")
    assert store.lookup("+8613800138000").expires_at is not None
    result = store.import_blocklist_csv("number,category,evidence,expires\n+8613800138000,other,,\n")
    assert result.updated == 1
    assert store.lookup("+8613800138000").expires_at is None


def test_reimporting_without_the_expires_column_keeps_the_date(store):
    store.import_blocklist_csv("number,category,evidence,expires\n+8613800138000,other,,2030-06-30\n")
    result = store.import_blocklist_csv("number,category\n+8613800138000,other\n")
    assert result.unchanged == 1
    assert store.lookup("+8613800138000").expires_at is not None


# ── Which list a file is for, and errors that cross process boundaries ─────────────────────────────────


@pytest.mark.parametrize(("text", "names"), [
    ("\ufeffNumber, Owner ,aliases,,\n95588,中国工商银行,工行,,\n", ["number", "owner", "aliases"]),
    ("\n,,\nnumber,category\n+8613800138000,other\n", ["number", "category"]),
    ("", []),
    ('"' + "x" * 200_000, []),  # a quote never closed: no header to read, the import says what is wrong
])
def test_the_header_a_sent_file_is_sorted_by(text, names):
    """The bot picks the blocklist, allowlist or domain import by these names (bot.telegram.moderation)."""
    assert header_names(text) == names


def test_a_number_error_survives_pickling_whole():
    """An error handed to another process still names its sentence and the cell it is about."""
    error = pickle.loads(pickle.dumps(BadValue("bad_number", number="12")))
    assert (error.key, error.params) == ("bad_number", {"number": "12"})
    assert str(error) == str(BadValue("bad_number", number="12"))
    assert "12" in str(error)


# ── Allowlist rows, cell errors, and what an export writes ──────────────────────────────────────────────


def test_allowlist_rows_keep_their_lines_owner_category_and_empty_aliases():
    parsed = parse_allowlist_csv("number,owner,aliases,category_of_owner\n"
                                 "95588,中国工商银行,,bank\n95599,,农行,bank\n,某公司,,\n")
    assert [(r.line, r.number_key, r.owner, r.aliases, r.owner_category) for r in parsed.rows] == [
        (2, "95588", "中国工商银行", (), "bank")]
    assert [(e.line, e.key) for e in parsed.errors] == [(3, "empty_owner"), (4, "empty_number")]


def test_an_empty_number_cell_is_named_as_such_in_a_blocklist_too():
    assert [(e.line, e.key) for e in parse_blocklist_csv("number,category\n,other\n").errors] == [
        (2, "empty_number")]


def test_a_prefix_written_with_plus_and_00_is_read_once():
    assert prefix_key("+0086 170") == "+86170"


@pytest.mark.parametrize("raw", ["17a", "+86 17a", "１７a"])
def test_a_prefix_with_letters_is_refused_naming_the_cell(raw):
    with pytest.raises(BadValue) as refused:
        prefix_key(raw)
    assert (refused.value.key, refused.value.params) == ("bad_prefix", {"prefix": raw})


def test_an_export_neutralises_formulas_and_leaves_empty_cells_empty():
    out = io.StringIO()
    text = write_csv(["number", "owner"], [["+8613800138000", "=cmd"], ["95588", None], ["95599", ""]], out)
    assert text == "number,owner\n'+8613800138000,'=cmd\n95588,\n95599,\n"
    assert out.getvalue() == text
    assert write_csv(["a"], []) == "a\n"


def test_a_refused_file_lists_every_bad_line_one_per_line():
    parsed = parse_blocklist_csv("number,category\n,other\n+8613800138000,\n")
    with pytest.raises(CsvError) as refused:
        parsed.raise_if_errors()
    assert refused.value.errors == parsed.errors
    assert str(refused.value) == "line 2: empty number\nline 3: empty category"
    parse_blocklist_csv("number,category\n+8613800138000,other\n").raise_if_errors()  # nothing to say


# ── The header line, and reading the bytes a moderator sends ───────────────────────────────────────────

BLOCKLIST_HEADER = "number,category,evidence,expires"


@pytest.mark.parametrize(("text", "error"), [
    ("", (1, "empty_file", {"header": BLOCKLIST_HEADER})),
    ("\n\n", (1, "empty_file", {"header": BLOCKLIST_HEADER})),
    ("number,kategorie,evidence\n1,2,3\n",
     (1, "unknown_columns", {"columns": "'kategorie'", "header": BLOCKLIST_HEADER})),
    ("number,evidence\n1,2\n", (1, "missing_columns", {"columns": "category", "header": BLOCKLIST_HEADER})),
    ("evidence\n1\n", (1, "missing_columns", {"columns": "number, category", "header": BLOCKLIST_HEADER})),
    ("number,category,number\n1,2,3\n",
     (1, "repeated_columns", {"columns": "number", "header": BLOCKLIST_HEADER})),
    ("\n,,\nnumber,category,category,evidence,evidence\n",
     (3, "repeated_columns", {"columns": "category, evidence", "header": BLOCKLIST_HEADER})),
])
def test_a_wrong_header_is_the_one_error_reported_with_the_header_to_use(text, error):
    parsed = parse_blocklist_csv(text)
    assert parsed.rows == []
    assert [(e.line, e.key, dict(e.params)) for e in parsed.errors] == [error]


def test_an_allowlist_header_names_the_allowlist_columns():
    [error] = parse_allowlist_csv("number,aliases\n95588,工行\n").errors
    assert (error.key, dict(error.params)) == (
        "missing_columns", {"columns": "owner", "header": "number,owner,aliases,category_of_owner"})


def test_files_are_read_as_their_tools_saved_them(tmp_path):
    assert read_text(b"") == ""
    assert read_text("\ufeffnumber,owner\n") == "number,owner\n"
    assert read_text("number,owner\n".encode("utf-16")) == "number,owner\n"
    saved = tmp_path / "allowlist.csv"
    saved.write_bytes("number,owner\n95588,工行\n".encode("gb18030"))
    assert read_text(saved) == "number,owner\n95588,工行\n"


def test_bytes_in_no_known_encoding_are_refused_at_their_line():
    with pytest.raises(CsvError) as refused:
        read_text(b"number,category\n\xff\xfe\xfa\xfb\xfc,other\n")
    assert [(e.line, e.key) for e in refused.value.errors] == [(2, "encoding")]


def test_numbers_parsed_in_worker_processes_keep_their_rows_and_errors(monkeypatch):
    """A big file's hand-written numbers are parsed by worker processes: each key and error must come back
    to its own line, exactly as when they are parsed inline."""
    from bot.store import csvfiles

    rows = [f"138 0013 {8000 + i}" for i in range(9)] + ["12", "+44 (0)7400 123456"]
    text = "number,category\n" + "".join(f"{number},other\n" for number in rows)
    inline = parse_blocklist_csv(text)
    monkeypatch.setattr(csvfiles, "PARALLEL_THRESHOLD", 2)
    in_workers = parse_blocklist_csv(text)
    assert [(r.line, r.number_key) for r in in_workers.rows] == [(r.line, r.number_key) for r in inline.rows]
    assert [(r.line, r.number_key) for r in in_workers.rows][:2] == [(2, "+8613800138000"), (3, "+8613800138001")]
    assert [(r.line, r.number_key) for r in in_workers.rows][-1] == (12, "+447400123456")
    assert [(e.line, e.key, dict(e.params)) for e in in_workers.errors] == [(11, "bad_number", {"number": "12"})]
