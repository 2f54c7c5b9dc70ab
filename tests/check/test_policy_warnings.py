"""What a warning may and may not be raised by. A warning quotes the scam it warns of, contact and all: the overseas
number or the short link it quotes is the scammer's, not a sign that the forwarded warning is one."""

from __future__ import annotations

from bot.policy import MODEL_HIGH, MODEL_SUSPICIOUS, Signals, decide
from bot.verdict import RiskLevel

HIGH, SUS, LOW = RiskLevel.HIGH, RiskLevel.SUSPICIOUS, RiskLevel.LOW


def test_a_risky_contact_quoted_in_a_warning_does_not_raise_it():
    quoted = Signals(fraud_probability=MODEL_SUSPICIOUS, risky_numbers=1, unofficial_contacts=1, warning_text=True)
    assert decide(quoted) == LOW  # the model alone, lowered by one as every warning is
    assert decide(Signals(fraud_probability=MODEL_SUSPICIOUS, risky_links=1, warning_text=True)) == LOW
    # The same contact in a text that is no warning makes the model's doubt high.
    assert decide(Signals(fraud_probability=MODEL_SUSPICIOUS, risky_numbers=1, unofficial_contacts=1)) == HIGH
    assert decide(Signals(fraud_probability=MODEL_SUSPICIOUS, risky_links=1)) == HIGH


def test_a_sure_model_and_a_quoted_contact_leave_a_warning_suspicious_at_most():
    signals = Signals(fraud_probability=MODEL_HIGH, risky_numbers=1, unofficial_contacts=1, warning_text=True)
    assert decide(signals) == SUS


def test_hard_facts_in_a_warning_keep_their_level():
    assert decide(Signals(blocklist_hits=1, warning_text=True)) == HIGH
    assert decide(Signals(impersonations=1, warning_text=True)) == HIGH
    assert decide(Signals(lookalike_links=1, risky_links=1, warning_text=True)) == SUS
