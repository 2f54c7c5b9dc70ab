"""``fanzha feedback export``: reviewed items become JSON Lines training rows; text only where consented."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.moderation import Moderation
from bot.store import Store

ROOT = Path(__file__).resolve().parents[2]


def _fanzha(args: list[str], db_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FANZHA_DATABASE_URL": db_url}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_export_writes_reviewed_consented_items_with_labels(db_url, tmp_path):
    with Store.open(db_url) as store:
        service = Moderation(store, admin_ids=[1], secret="s")
        legit = service.submit_feedback(5, verdict={"risk_level": "high", "category_key": "phishing"},
                                        text="您的快递已到驿站，取件码 1234").item
        fraud = service.submit_feedback(6, verdict={"risk_level": "low"}, text="加我微信做任务，日赚三百").item
        right = service.submit_feedback(7, verdict={"risk_level": "high", "category_key": "loan_credit"},
                                        text="无抵押秒批贷款，先交保证金").item
        unsure = service.submit_feedback(8, verdict={"risk_level": "suspicious"}, text="点这个链接").item
        private = service.submit_feedback(9, verdict={"risk_level": "high"}, text=None).item
        service.submit_feedback(10, verdict={"risk_level": "low"}, text="还没审核")  # pending: left out
        service.review_feedback(1, legit.id, accepted=True, label="legit")
        service.review_feedback(1, fraud.id, accepted=True, label="刷单返利")
        service.review_feedback(1, right.id, accepted=False)
        service.review_feedback(1, unsure.id, accepted=False)
        service.review_feedback(1, private.id, accepted=True, label="legit")

    out = tmp_path / "sub" / "feedback.jsonl"
    done = _fanzha(["feedback", "export", "--output", str(out)], db_url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows == [
        {"text": "您的快递已到驿站，取件码 1234", "label": "normal", "category": None},
        {"text": "加我微信做任务，日赚三百", "label": "fraud", "category": "task_rebate"},
        {"text": "无抵押秒批贷款，先交保证金", "label": "fraud", "category": "loan_credit"},
    ]
    assert "exported 3" in done.stderr and "skipped 1 without consented text" in done.stderr

    to_stdout = _fanzha(["feedback", "export"], db_url, cwd=tmp_path)
    assert to_stdout.returncode == 0 and to_stdout.stdout == out.read_text(encoding="utf-8")


def test_export_to_an_unwritable_place_fails_clearly(sqlite_url, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = _fanzha(["feedback", "export", "--output", str(blocker / "out.jsonl")], sqlite_url, cwd=tmp_path)
    assert done.returncode == 1 and "cannot write" in done.stderr and "Traceback" not in done.stderr
