"""The level a user is shown for real-register messages at the model thresholds, and what each risky contact adds.

The checker runs for real (rules, number and link analysis, lists); only the model's probability is fixed, so
each case sits exactly where ``bot.policy`` draws a line. The thresholds are also tied to the evaluation that
chose them (bench/results/eval/realset/thresholds.md): moving one without a new evaluation fails here.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from bot import PROJECT_ROOT
from bot.check import Checker, StoreLists
from bot.policy import MODEL_HIGH, MODEL_SUSPICIOUS, PictureLevel, Signals, decide, picture_level
from bot.store import Store
from bot.verdict import RiskLevel

HIGH, SUS, LOW = RiskLevel.HIGH, RiskLevel.SUSPICIOUS, RiskLevel.LOW
THRESHOLDS_MD = PROJECT_ROOT / "bench" / "results" / "eval" / "realset" / "thresholds.md"

# The "new number" pretext: no rule calls it fraud by itself (换号了 is a weak phrase), so its level rests on
# the model and on the contact it gives.
NEW_NUMBER = "爸，我换号了，以后联系我打这个 {}"
PERSONAL = "晚上一起吃火锅吗？我请客"


class _FixedModel:
    """The classifier port answering one probability for every text."""

    def __init__(self, probability: float) -> None:
        self.probability = probability

    def predict(self, texts: list[str]) -> list[SimpleNamespace]:
        return [SimpleNamespace(fraud_probability=self.probability, category_key="impersonate_acquaintance")
                for _ in texts]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    opened = Store.open(f"sqlite:///{tmp_path_factory.mktemp('policy') / 'fanzha.db'}")
    yield opened
    opened.close()


@pytest.fixture
def level_at(store):
    """``level_at(text, p)``: the level of ``text`` when the model says ``p`` (None: no model)."""
    checkers: list[Checker] = []

    def level(text: str, probability: float | None) -> RiskLevel:
        checker = Checker(StoreLists(store), None if probability is None else _FixedModel(probability))
        checkers.append(checker)
        return checker.check_text_sync(text).risk_level

    yield level
    for checker in checkers:
        checker.close()


def test_a_new_number_message_turns_high_exactly_at_model_high(level_at):
    text = NEW_NUMBER.format("13912345678")
    assert level_at(text, None) == LOW
    assert level_at(text, 0.80) == HIGH  # the model and the unofficial number agree
    assert level_at(text, 0.79) == SUS
    assert level_at(text, 0.50) == SUS
    assert level_at(text, 0.49) == LOW


def test_a_personal_message_without_a_contact_is_never_high_however_sure_the_model(level_at):
    assert level_at(PERSONAL, 0.999) == SUS
    assert level_at(PERSONAL, 0.50) == SUS
    assert level_at(PERSONAL, 0.49) == LOW


@pytest.mark.parametrize(("contact", "signal"), [
    ("+855 12 345 678", "overseas"),
    ("+852 6123 4567", "overseas"),
    ("+44 20 7946 0958", "overseas"),
    ("95123", "unofficial_service_code"),
    ("10690000", "unofficial_service_code"),
    ("+86 95588", "spoof_format"),
    ("125901", "invalid"),
    ("http://192.168.10.5/login", "ip_address"),
    ("https://t.cn/A6abcd", "shortener"),
])
def test_a_risky_contact_raises_a_suspicious_message_to_high(level_at, contact, signal):
    # Below MODEL_HIGH the same message with an ordinary mobile number stays suspicious.
    assert level_at(NEW_NUMBER.format("13912345678"), 0.6) == SUS
    assert level_at(NEW_NUMBER.format(contact), 0.6) == HIGH, signal


def test_contacts_that_are_not_risky_leave_the_level_alone(level_at):
    # A virtual-operator segment is shown but used by millions; an official link is no warning sign.
    assert level_at(NEW_NUMBER.format("17012345678"), 0.6) == SUS
    assert level_at(NEW_NUMBER.format("https://www.icbc.com.cn/"), 0.6) == SUS
    # The bank's own hotline as the only contact lowers a model-only level by one.
    assert level_at(NEW_NUMBER.format("95588"), 0.6) == LOW


def test_the_bank_hotline_written_as_a_spoofed_caller_id_is_suspicious_without_any_model(level_at):
    assert level_at(NEW_NUMBER.format("+86 95588"), None) == SUS
    assert level_at(NEW_NUMBER.format("95588"), None) == LOW


@pytest.mark.parametrize(("number", "level"), [
    ("95588", LOW),             # official: allowlisted
    ("110", LOW),               # the police
    ("13912345678", LOW),       # an ordinary mobile says nothing alone
    ("17012345678", LOW),       # virtual operator: shown, not raised
    ("+855 12 345 678", SUS),   # overseas
    ("+852 6123 4567", SUS),    # overseas (Hong Kong)
    ("95123", SUS),             # a 95xxx code that is no one's official number
    ("+86 95588", SUS),         # the bank's code dressed as a spoofed caller id
])
def test_a_number_checked_alone(store, number, level):
    checker = Checker(StoreLists(store))
    try:
        assert checker.check_number_sync(number).risk_level == level
    finally:
        checker.close()


# ── What a picture's reading may claim ──────────────────────────────────────────────────────────────────


def test_an_unsure_reading_that_found_nothing_says_could_not_tell():
    assert picture_level(LOW, unsure=True) == PictureLevel(LOW, could_not_tell=True)


@pytest.mark.parametrize("level", [SUS, HIGH])
def test_an_unsure_reading_keeps_what_it_found(level):
    assert picture_level(level, unsure=True) == PictureLevel(level, could_not_tell=False)


@pytest.mark.parametrize("level", [LOW, SUS, HIGH])
def test_a_clear_reading_is_taken_as_read(level):
    assert picture_level(level, unsure=False) == PictureLevel(level, could_not_tell=False)


# ── The thresholds and the evaluation that chose them ──────────────────────────────────────────────────


def _tune_rows() -> dict[tuple[float, float], dict[str, float]]:
    """(high ≥, suspicious ≥) → the tune half's figures, from the evaluation's table."""
    rows = {}
    for line in THRESHOLDS_MD.read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 8 and cells[2] == "tune" and re.fullmatch(r"[\d.]+", cells[0]):
            high, sus, _, scams_high, _, fp_high, fp_flagged, _ = cells
            rows[float(high), float(sus)] = {"scams_high": float(scams_high), "fp_high": float(fp_high),
                                             "fp_flagged": float(fp_flagged)}
    return rows


def test_model_high_is_the_lowest_grid_threshold_with_the_fewest_false_alarms():
    """bot/policy.py: 0.8 rates more scams high than 0.9 with no more false alarms (the figures move with the
    rules; the choice must not)."""
    rows = _tune_rows()
    at = {high: r for (high, sus), r in rows.items() if sus == MODEL_SUSPICIOUS}
    fewest = min(r["fp_high"] for r in at.values())
    assert at[MODEL_HIGH]["fp_high"] == fewest
    assert min(high for high, r in at.items() if r["fp_high"] == fewest) == MODEL_HIGH
    assert at[MODEL_HIGH]["scams_high"] > at[0.9]["scams_high"]


def test_model_suspicious_is_the_lowest_grid_threshold_within_the_false_alarm_budget():
    """bot/policy.py: "a suspicious threshold under 0.5 flags more genuine messages than the 3 % the product
    allows" — 3 % as the module states it, to the whole percent."""
    rows = {sus: r for (high, sus), r in _tune_rows().items() if high == MODEL_HIGH}
    within = [sus for sus, r in rows.items() if round(r["fp_flagged"] * 100) <= 3]
    assert min(within) == MODEL_SUSPICIOUS
    assert any(sus < MODEL_SUSPICIOUS for sus in rows)  # the grid did try lower thresholds


def test_a_lookalike_link_is_high_unless_the_text_warns_about_it():
    """A warning quotes the phishing SMS it warns of, link and all: the link is shown, the level suspicious."""
    assert decide(Signals(lookalike_links=1)) == HIGH
    assert decide(Signals(lookalike_links=1, warning_text=True)) == SUS
    assert decide(Signals(impersonations=1, warning_text=True)) == HIGH  # an impersonation stays a hard fact
