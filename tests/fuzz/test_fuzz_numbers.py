"""Number parsing never crashes and never points outside the text, whatever is typed."""

from __future__ import annotations

from fuzz_profile import examples
from fuzz_strategies import message_text, phone_like
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import phones


@settings(max_examples=examples(2500))
@given(st.one_of(phone_like(), message_text()))
def test_find_numbers_spans_point_into_the_text(text: str) -> None:
    for fact in phones.find_numbers(text):
        assert 0 <= fact.start < fact.end <= len(text)
        # the evidence a user is shown is a piece of what they sent
        assert fact.raw == text[fact.start:fact.end] or fact.raw.strip() in text


@settings(max_examples=examples(2500))
@given(phone_like())
def test_parse_number_answers_or_says_why_not(raw: str) -> None:
    try:
        fact = phones.parse_number(raw)
    except phones.InvalidNumber as exc:
        assert str(exc)  # a reason the user can read, not an empty error
        return
    if fact.e164:  # a parsed number keys the blocklist the same way every time
        assert phones.number_key(fact.e164) == phones.number_key(raw)
