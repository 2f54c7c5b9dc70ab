"""``fanzha check --image FILE`` and image lines in ``--input`` batches: the picture's text is checked, the
output says it came from a picture, and a bad picture is refused politely (alone) or on its own line (batch)."""

import json
import shutil
from pathlib import Path

from bot.cli import main

SHOTS = Path(__file__).resolve().parents[1] / "fixtures" / "screenshots"


def test_a_scam_screenshot_is_read_and_checked(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FANZHA_DATABASE_URL", f"sqlite:///{tmp_path}/f.db")
    assert main(["check", "--no-model", "--image", str(SHOTS / "wechat_safe_account_dark.png")]) == 0
    out = capsys.readouterr().out
    assert "高风险" in out
    assert "我从图片里读出的文字" in out and "安全账户" in out
    assert "看不清" not in out  # a clean reading is not called unsure


def test_json_adds_what_was_read(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FANZHA_DATABASE_URL", f"sqlite:///{tmp_path}/f.db")
    assert main(["check", "--no-model", "--json", "--image", str(SHOTS / "sms_bank_notice.png")]) == 0
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["risk_level"] == "low"
    assert set(verdict["ocr"]) == {"text", "confidence", "unsure"}
    assert verdict["ocr"]["text"].startswith("【工商银行】") and "95588" in verdict["ocr"]["text"]
    assert verdict["ocr"]["unsure"] is False and verdict["ocr"]["confidence"] > 0.9


def test_a_file_that_is_not_a_picture_is_refused_before_the_store_opens(tmp_path, monkeypatch, capsys):
    db = tmp_path / "f.db"
    monkeypatch.setenv("FANZHA_DATABASE_URL", f"sqlite:///{db}")
    text = tmp_path / "message.txt"
    text.write_text("【工商银行】您的账户异常", encoding="utf-8")
    assert main(["check", "--image", str(text)]) == 1
    assert "不是图片" in capsys.readouterr().err
    assert not db.exists()


def test_image_and_text_together_are_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FANZHA_DATABASE_URL", f"sqlite:///{tmp_path}/f.db")
    assert main(["check", "--image", str(SHOTS / "qq_meeting.png"), "你好"]) == 1
    assert "--image" in capsys.readouterr().err


def test_a_batch_mixes_texts_and_pictures_and_a_bad_picture_fails_only_its_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FANZHA_DATABASE_URL", f"sqlite:///{tmp_path}/f.db")
    shutil.copy(SHOTS / "qq_card_rental_dark.png", tmp_path / "shot.png")
    (tmp_path / "notes.txt").write_text("not a picture", encoding="utf-8")
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(o, ensure_ascii=False) for o in [
        {"id": 1, "image": "shot.png"},
        {"id": 2, "image": "notes.txt"},
        {"id": 3, "text": "晚上一起吃饭吗"},
        {"id": 4, "image": "missing.png"},
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["check", "--no-model", "--input", str(src), "--output", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [1, 2, 3, 4]
    assert rows[0]["risk_level"] == "high" and "出租" in rows[0]["ocr"]["text"]
    assert rows[1]["error"] == "not_an_image"
    assert rows[2]["risk_level"] == "low" and "ocr" not in rows[2]
    assert rows[3]["error"] == "not_found"
    assert "2 of 4 messages could not be checked" in capsys.readouterr().err


def test_a_batch_line_with_neither_text_nor_image_is_named(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FANZHA_DATABASE_URL", f"sqlite:///{tmp_path}/f.db")
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "text": "你好"}\n{"id": 2, "image": 5}\n', encoding="utf-8")
    assert main(["check", "--no-model", "--input", str(src), "--output", str(tmp_path / "o.jsonl")]) == 1
    assert 'line 2: "image" must be a file path' in capsys.readouterr().err
