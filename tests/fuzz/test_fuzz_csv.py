"""A moderator's CSV file is imported whole or refused whole, with line numbers, whatever is in it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fuzz_profile import examples
from fuzz_strategies import phone_like
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.store import Store
from bot.store.csvfiles import CsvError

CATEGORIES = ("冒充公检法", "card_trafficking", "断卡", "刷单返利", "unknown-kind", "")
CELL = st.one_of(st.text(max_size=20), phone_like(), st.sampled_from(CATEGORIES),
                 st.sampled_from(("2026-06-30", "2026-13-40", "", "2026-06-30T18:00+08:00", "=1+1", "@SUM(A1)")))


def csv_file() -> st.SearchStrategy[str]:
    """A header (right, wrong or missing) and rows of cells, quoted or not, with blank and comma-only lines."""
    header = st.sampled_from(("number,category,evidence,expires", "number,category", "category,number",
                              "numero,kind", ""))
    cell = CELL.map(lambda c: '"' + c.replace('"', '""') + '"' if any(x in c for x in ',"\n\r') else c)
    row = st.lists(cell, min_size=0, max_size=5).map(",".join)
    return st.builds(lambda h, rows: "\n".join([h, *rows]), header, st.lists(row, max_size=8))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path_factory.mktemp('fuzzcsv') / 'fanzha.db'}")
    try:
        yield opened
    finally:
        opened.close()


def _snapshot(store: Store) -> list[tuple[object, ...]]:
    return sorted((e.number_key, e.match, e.category, e.evidence, str(e.expires_at), e.active)
                  for e in store.blocklist_entries(include_removed=True))


@settings(max_examples=examples(1500))
@given(st.one_of(csv_file(), st.binary(max_size=300).map(lambda b: b.decode("latin-1"))))
def test_import_is_all_or_nothing_with_line_numbers(store: Store, text: str) -> None:
    before = _snapshot(store)
    lines = len(re.split(r"\r\n|\r|\n", text))  # as a text editor counts them
    try:
        store.import_blocklist_csv(text.encode("utf-8"), actor="fuzz")
    except CsvError as exc:
        assert exc.errors, "a refused file says why"
        for error in exc.errors:
            assert 1 <= error.line <= lines + 1, f"line {error.line} of a {lines}-line file"
            assert error.reason
        assert _snapshot(store) == before, "a refused file changed the blocklist"


@settings(max_examples=examples(1000))
@given(st.binary(max_size=400))
def test_any_bytes_are_imported_or_refused_never_crash(store: Store, data: bytes) -> None:
    before = _snapshot(store)
    try:
        store.import_blocklist_csv(data, actor="fuzz")
    except CsvError as exc:
        assert exc.errors
        assert _snapshot(store) == before
