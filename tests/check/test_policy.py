"""The combination policy (bot.policy.decide), rule by rule."""

from bot.policy import MODEL_HIGH, MODEL_SUSPICIOUS, Signals, decide
from bot.verdict import RiskLevel

HIGH, SUS, LOW = RiskLevel.HIGH, RiskLevel.SUSPICIOUS, RiskLevel.LOW


def test_nothing_is_low():
    assert decide(Signals()) == LOW
    assert decide(Signals(fraud_probability=0.01)) == LOW


def test_high_on_its_own():
    assert decide(Signals(blocklist_hits=1, fraud_probability=0.0)) == HIGH
    assert decide(Signals(impersonations=1)) == HIGH
    assert decide(Signals(lookalike_links=1)) == HIGH
    assert decide(Signals(card_trafficking_hits=1)) == HIGH


def test_model_thresholds():
    # The model alone, however sure, is one signal: suspicious, never high.
    assert decide(Signals(fraud_probability=0.999)) == SUS
    assert decide(Signals(fraud_probability=MODEL_SUSPICIOUS)) == SUS
    assert decide(Signals(fraud_probability=MODEL_SUSPICIOUS - 0.01)) == LOW


def test_confident_model_and_an_unofficial_contact_agree():
    assert decide(Signals(fraud_probability=MODEL_HIGH, unofficial_contacts=1)) == HIGH
    assert decide(Signals(fraud_probability=MODEL_HIGH - 0.01, unofficial_contacts=1)) == SUS
    assert decide(Signals(fraud_probability=MODEL_SUSPICIOUS - 0.01, unofficial_contacts=3)) == LOW


def test_warning_text_lowers_model_only_levels():
    assert decide(Signals(fraud_probability=MODEL_HIGH, unofficial_contacts=1, warning_text=True)) == SUS
    assert decide(Signals(fraud_probability=MODEL_SUSPICIOUS, warning_text=True)) == LOW
    # A hard fact stands whatever the framing.
    assert decide(Signals(impersonations=1, warning_text=True)) == HIGH


def test_phrases():
    assert decide(Signals(strong_phrase_rules={"safe_account"})) == SUS
    assert decide(Signals(strong_phrase_rules={"safe_account", "secrecy"})) == HIGH
    assert decide(Signals(strong_phrase_rules={"safe_account"}, fraud_probability=MODEL_SUSPICIOUS)) == HIGH


def test_risky_contact_raises_suspicious_only():
    assert decide(Signals(strong_phrase_rules={"task_rebate"}, risky_numbers=1)) == HIGH
    assert decide(Signals(fraud_probability=MODEL_SUSPICIOUS, risky_links=1)) == HIGH
    assert decide(Signals(risky_numbers=1, risky_links=1)) == LOW


def test_bare_number():
    assert decide(Signals(bare_number=True)) == LOW
    assert decide(Signals(bare_number=True, number_allowlisted=True)) == LOW
    assert decide(Signals(bare_number=True, risky_numbers=1)) == SUS
    assert decide(Signals(bare_number=True, blocklist_hits=1)) == HIGH


def test_official_contacts_only_lowers_model_only_levels():
    assert decide(Signals(fraud_probability=0.999, official_contacts_only=True)) == LOW
    assert decide(Signals(fraud_probability=MODEL_SUSPICIOUS, official_contacts_only=True)) == LOW
    # …but never a level a rule set.
    assert decide(Signals(strong_phrase_rules={"screen_share"}, official_contacts_only=True)) == SUS
    assert decide(Signals(impersonations=1, official_contacts_only=True)) == HIGH


def test_the_chosen_thresholds_are_where_the_levels_change():
    """0.80 / 0.50, chosen on the real-register tune half (bot/policy.py says with which false-alarm rates)."""
    contact = {"unofficial_contacts": 1}
    assert decide(Signals(fraud_probability=0.80, **contact)) == HIGH
    assert decide(Signals(fraud_probability=0.79, **contact)) == SUS
    assert decide(Signals(fraud_probability=0.50)) == SUS
    assert decide(Signals(fraud_probability=0.49)) == LOW


def test_an_official_number_dressed_as_a_spoofed_caller_id_makes_a_quiet_text_suspicious():
    assert decide(Signals(spoofed_officials=1, risky_numbers=1)) == RiskLevel.SUSPICIOUS
    assert decide(Signals(spoofed_officials=1, risky_numbers=1, warning_text=True)) == RiskLevel.LOW
    assert decide(Signals(spoofed_officials=1, risky_numbers=1, strong_phrase_rules={"safe_account"})) \
        == RiskLevel.HIGH


def test_a_text_giving_the_banks_hotline_as_plus_86_is_not_called_safe(tmp_path):
    from bot.check import Checker, StoreLists
    from bot.store import Store

    store = Store.open(f"sqlite:///{tmp_path / 'fanzha.db'}")
    checker = Checker(StoreLists(store))
    try:
        assert checker.check_text_sync("您的账户异常，请致电 +86 95588 处理").risk_level == RiskLevel.SUSPICIOUS
        assert checker.check_text_sync("您的账户异常，请致电 0086 95588 处理").risk_level == RiskLevel.SUSPICIOUS
        assert checker.check_text_sync("您的账户异常，请致电 95588 处理").risk_level == RiskLevel.LOW
    finally:
        checker.close()
        store.close()
