"""``fanzha run`` refuses bad start-up settings at once, with exit code 2 and a message saying what to do."""

from __future__ import annotations

import pytest

from bot.cli import main


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from the working directory
    for name in ("TELEGRAM_BOT_TOKEN", "FANZHA_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)


def test_without_token(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in capsys.readouterr().err


def test_blank_token_counts_as_missing(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "   ")
    assert main(["run"]) == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in capsys.readouterr().err


def test_webhook_needs_a_url(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:abc")
    assert main(["run", "--webhook"]) == 2
    assert "--webhook needs --url" in capsys.readouterr().err


def test_webhook_secret_must_use_telegrams_characters(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:abc")
    assert main(["run", "--webhook", "--url", "https://x.example/hook", "--secret-token", "no spaces!"]) == 2
    assert "A-Z, a-z, 0-9, _ and -" in capsys.readouterr().err


def test_bad_setting_is_reported_not_a_traceback(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:abc")
    monkeypatch.setenv("FANZHA_ADMIN_IDS", "alice,bob")
    assert main(["run"]) == 2
    assert "bad setting" in capsys.readouterr().err
