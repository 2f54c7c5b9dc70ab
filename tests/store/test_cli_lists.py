"""``fanzha blocklist …`` / ``fanzha allowlist …`` through ``bot.cli.main`` on a brand-new database."""

from __future__ import annotations

import pytest

from bot.cli import main


@pytest.fixture
def cli(db_url, monkeypatch, tmp_path, capsys):
    """Run ``fanzha`` with FANZHA_DATABASE_URL set, from an unrelated working directory."""
    monkeypatch.setenv("FANZHA_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_blocklist_add_show_remove(cli):
    code, out, _ = cli("blocklist", "add", "138 0013 8000", "--category", "冒充公检法",
                       "--evidence", "自称公安", "--expires", "2030-01-31")
    assert code == 0 and "added: +8613800138000 (impersonate_police)" in out
    code, out, _ = cli("blocklist", "show", "+86-138-0013-8000")
    assert code == 0
    assert "status:    active" in out and "冒充公检法" in out and "2030-02-01 00:00" in out
    assert "blocklist.add" in out and "by cli" in out
    code, out, _ = cli("blocklist", "remove", "13800138000", "--reason", "number reassigned")
    assert code == 0 and "removed: +8613800138000" in out
    code, out, _ = cli("blocklist", "show", "13800138000")
    assert code == 0 and "removed" in out and "number reassigned" in out and "blocklist.remove" in out


def test_blocklist_prefix_and_covered_number(cli):
    assert cli("blocklist", "add", "+86170", "--prefix", "-c", "断卡")[0] == 0
    code, out, _ = cli("blocklist", "show", "17012345678")
    assert code == 0 and "covered by the prefix +86170*" in out


def test_blocklist_errors_are_one_clear_line(cli):
    code, _, err = cli("blocklist", "show", "13900139000")
    assert code == 1 and "not on the blocklist" in err
    code, _, err = cli("blocklist", "add", "13900139000", "--category", "外星人")
    assert code == 1 and "unknown category" in err and "冒充公检法(impersonate_police)" in err
    code, _, err = cli("blocklist", "add", "12", "--category", "other")
    assert code == 1 and err.startswith("fanzha blocklist add: ") and "Traceback" not in err
    code, _, err = cli("blocklist", "add", "13900139000", "--category", "other", "--expires", "soon")
    assert code == 1 and "bad date" in err
    code, _, err = cli("blocklist", "remove", "13900139000")
    assert code == 1 and "not on the blocklist" in err


def test_blocklist_import_export(cli, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("number,category,evidence,expires\n+8613800138000,刷单返利,x,\n170*,断卡,,\n",
                    encoding="utf-8")
    code, out, _ = cli("blocklist", "import", str(good))
    assert code == 0 and "added 2, updated 0, unchanged 0" in out
    code, out, _ = cli("blocklist", "import", str(good))
    assert code == 0 and "added 0, updated 0, unchanged 2" in out

    bad = tmp_path / "bad.csv"
    bad.write_text("number,category,evidence,expires\n+8613900139000,other,,\n+8613700137000,bogus,,\n",
                   encoding="utf-8")
    code, _, err = cli("blocklist", "import", str(bad))
    assert code == 1 and "line 3: unknown category 'bogus'" in err
    assert err.startswith(f"fanzha blocklist import: {bad} was not imported; nothing changed:\n")
    code, out, _ = cli("blocklist", "export")
    assert code == 0
    assert out.splitlines() == ["number,category,evidence,expires", "'+8613800138000,task_rebate,x,",
                                "'+86170*,card_trafficking,,"]
    target = tmp_path / "out.csv"
    assert cli("blocklist", "export", str(target))[0] == 0
    assert target.read_text(encoding="utf-8") == out
    code, _, err = cli("blocklist", "import", str(tmp_path / "missing.csv"))
    assert code == 1 and "missing.csv" in err


def test_allowlist_commands(cli, tmp_path):
    code, out, _ = cli("allowlist", "show", "95588")
    assert code == 0 and "中国工商银行" in out and "工行" in out
    code, out, _ = cli("allowlist", "add", "4008-123-123", "--owner", "示例公司", "--aliases", "示例|Example")
    assert code == 0 and "added: +864008123123 示例公司" in out
    code, out, _ = cli("allowlist", "show", "+86 400 812 3123")
    assert code == 0 and "示例 | Example" in out and "allowlist.add" in out
    code, out, _ = cli("allowlist", "export")
    assert "'+864008123123,示例公司,示例|Example," in out
    exported = tmp_path / "allow.csv"
    exported.write_text(out, encoding="utf-8")
    assert cli("allowlist", "remove", "4008123123")[0] == 0
    code, _, err = cli("allowlist", "show", "4008123123")
    assert code == 1 and "not on the allowlist" in err
    code, out, _ = cli("allowlist", "import", str(exported))
    assert code == 0 and "added 1" in out


def test_import_reads_a_gbk_file_and_names_the_line_of_a_spreadsheet_formula(cli, tmp_path):
    """A list saved as "CSV" by Excel on Chinese Windows (GBK, CRLF, trailing rows of commas) imports; the
    export it becomes keeps a formula-looking evidence harmless and imports back unchanged."""
    listed = tmp_path / "excel.csv"
    listed.write_bytes("number,category,evidence,expires\r\n13800138000,冒充公检法,=自称公安局,\r\n"
                       "170*,断卡,,\r\n,,,\r\n".encode("gbk"))
    code, out, err = cli("blocklist", "import", str(listed))
    assert (code, err) == (0, "") and "added 2, updated 0, unchanged 0" in out
    code, out, _ = cli("blocklist", "export")
    assert "'+8613800138000,impersonate_police,'=自称公安局," in out.splitlines()
    exported = tmp_path / "exported.csv"
    exported.write_text(out, encoding="utf-8")
    code, out, _ = cli("blocklist", "import", str(exported))
    assert code == 0 and "added 0, updated 0, unchanged 2" in out

    broken = tmp_path / "broken.csv"
    broken.write_bytes("number,category\r\n13900139000,其他\r\n13700137000,外星人\r\n".encode("gbk"))
    code, _, err = cli("blocklist", "import", str(broken))
    assert code == 1 and "line 3: unknown category '外星人'" in err
