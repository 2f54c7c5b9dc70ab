"""The synthetic families for the registers the real-register set showed missing deliver what they promise.

A family that labels a warning as fraud, or a scam as normal, would teach the model the very mistake it was
written to fix; a "Traditional" family written in Simplified would add nothing the model has not seen; a held-out
frame that leaks into training would make the never-seen-wording figure meaningless.
"""

from collections import defaultdict

import opencc
import pytest

from bot.categories import BY_KEY
from nlp import augment as A
from nlp import hardneg as H
from nlp.normalize import normalize_for_model

_T2S = opencc.OpenCC("t2s")
_S2TW = opencc.OpenCC("s2tw")
_S2HK = opencc.OpenCC("s2hk")


@pytest.fixture(scope="module")
def hard_negatives():
    train, test = H.hard_negative_examples(13)
    return train, test


@pytest.fixture(scope="module")
def families():
    return A.family_examples(13)


def _rows(rows, group_prefix):
    return [e for e in rows if e.group.startswith(group_prefix)]


def _simplified_only(text: str) -> list[str]:
    """Characters that Taiwan and Hong Kong writing would both replace (so the text is not Traditional there)."""
    return [c for c in text if _T2S.convert(c) == c and _S2TW.convert(c) != c and _S2HK.convert(c) != c]


def test_every_english_warning_is_normal_and_names_a_tactic(hard_negatives):
    train, test = hard_negatives
    rows = _rows(train + test, "hn:warnings_en:")
    tactics = [normalize_for_model(t) for t in H._TACTICS_EN]
    assert len(rows) >= 300
    assert {e.label for e in rows} == {"normal"}
    assert all(any(t in e.text for t in tactics) for e in rows)
    assert all(not any("\u4e00" <= c <= "\u9fff" for c in e.text) for e in rows)


@pytest.mark.parametrize("name", ["warnings_more", "warnings_hant"])
def test_chinese_warnings_are_normal_and_name_a_tactic(hard_negatives, name):
    train, test = hard_negatives
    rows = _rows(train + test, f"hn:{name}:")
    tactics = [normalize_for_model(t) for t in H._TACTICS + H._TACTICS_T]
    assert len(rows) >= 200
    assert {e.label for e in rows} == {"normal"}
    assert all(any(t in e.text for t in tactics) for e in rows)


def test_traditional_frames_are_written_in_traditional():
    frames = list(H.WARNINGS_HANT)
    terse = next(f for f in A.FAMILIES if f["name"] == "terse_hant")
    frames += [A.family_frame(terse, i)[1] for i in range(len(terse["frames"]))]
    assert len(frames) >= 20
    for frame in frames:
        assert _T2S.convert(frame) != frame, frame  # it has Traditional characters …
        assert _simplified_only(frame) == [], frame  # … and none that only Simplified uses


def test_rows_reach_the_model_in_simplified(hard_negatives, families):
    hant = _rows(hard_negatives[0], "hn:warnings_hant:") + _rows(families[0], "tpl:fam:terse_hant:")
    assert hant
    assert all(_T2S.convert(e.text) == e.text for e in hant)


def test_english_negatives_are_normal(hard_negatives):
    train, test = hard_negatives
    for name in ("notices_en", "chat_en"):
        rows = _rows(train + test, f"hn:{name}:")
        assert len(rows) >= 50, name
        assert {e.label for e in rows} == {"normal"}
        assert all(not any("\u4e00" <= c <= "\u9fff" for c in e.text) for e in rows), name


def test_scam_families_are_labelled_with_fraud_categories(families):
    train, test = families
    by_family: dict[str, set[str]] = defaultdict(set)
    for e in train + test:
        by_family[e.group.split(":")[2]].add(e.label)
    assert by_family["chat_genuine"] == {"normal"}
    for name in ("terse_police", "terse_loan", "lost_phone", "terse_hant", "en_police", "en_phishing",
                 "en_acquaintance", "en_invest", "chat_invest"):
        assert by_family[name], name
        assert all(label in BY_KEY and label != "other" for label in by_family[name]), name
    assert by_family["terse_police"] == by_family["en_police"] == {"impersonate_police"}
    assert by_family["terse_loan"] == {"loan_credit"}


def test_terse_official_sms_carry_a_bracket_and_a_number(families):
    train, _ = families
    police = _rows(train, "tpl:fam:terse_police:")
    assert sum(e.text.startswith("【") for e in police) >= len(police) * 0.7
    loan = _rows(train, "tpl:fam:terse_loan:")
    assert loan and all("400" in e.text for e in loan)


def test_chat_families_are_multi_turn_logs(families):
    train, _ = families
    chats = _rows(train, "tpl:fam:chat_")
    assert chats
    assert all(e.text.count("\n") >= 2 for e in chats)  # at least three turns, each on its own line


def test_held_out_frames_never_reach_training(hard_negatives, families):
    for train, test in (hard_negatives, families):
        train_groups = {e.group for e in train}
        test_groups = {e.group for e in test}
        assert test_groups and not train_groups & test_groups
    held_families = {e.group.split(":")[2] for e in families[1]}
    assert held_families == {f["name"] for f in A.FAMILIES if len(f["frames"]) > 1}


def test_family_rows_join_the_held_out_template_slice():
    train, test = A.template_examples(13)
    assert any(e.group.startswith("tpl:fam:en_police:") for e in test)
    assert any(e.group.startswith("tpl:fam:en_police:") for e in train)
