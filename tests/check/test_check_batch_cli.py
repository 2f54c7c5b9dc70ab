"""``fanzha check --input/--output``: one verdict line per input line, errors per line, bad files refused whole."""

import json

from bot.cli import main


def test_batch_gives_one_verdict_per_line_in_order(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FANZHA_DATABASE_URL", f"sqlite:///{tmp_path}/f.db")
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(o, ensure_ascii=False) for o in [
        {"id": 1, "text": "【北京市公安局】你涉嫌洗钱，请把资金转到安全账户，不要告诉家人"},
        {"id": "two", "text": "   "},
        {"id": 3, "text": "晚上一起吃饭吗"},
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["check", "--no-model", "--input", str(src), "--output", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [1, "two", 3]
    assert rows[0]["risk_level"] == "high" and rows[0]["category_key"] == "impersonate_police"
    assert rows[1] == {"id": "two", "error": "empty"}
    assert rows[2]["risk_level"] == "low"
    assert "1 of 3 messages could not be checked" in capsys.readouterr().err


def test_a_malformed_line_is_named_and_nothing_is_written(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FANZHA_DATABASE_URL", f"sqlite:///{tmp_path}/f.db")
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "text": "你好"}\nnot json\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["check", "--no-model", "--input", str(src), "--output", str(out)]) == 1
    assert "line 2: not valid JSON" in capsys.readouterr().err
    assert not out.exists()
