"""Changes that wait for an admin, as made when the admin confirms them (exactly what the moderator asked,
in the admin's name), and the CSV imports a moderator cannot make alone."""

from __future__ import annotations

import pytest

from bot.moderation import AwaitingAdmin, Review, Role, parse_expires
from bot.store.csvfiles import parse_allowlist_csv, parse_blocklist_csv

from .conftest import ADMIN, MODERATOR, USER


def test_a_confirmed_short_prefix_is_blocked_as_the_moderator_asked(moderation, store):
    expires = parse_expires("2031-06-30")
    with pytest.raises(AwaitingAdmin) as held:
        moderation.block(MODERATOR, "+86170", "贷款", evidence="整段虚拟号诈骗", expires_at=expires, prefix=True)
    change = held.value.change
    assert (change.kind, change.number, change.requested_by) == ("block", "+86170*", MODERATOR)
    assert store.lookup("+8617012345678") is None  # nothing blocked yet
    confirmed, entry = moderation.decide_change(ADMIN, change.token, confirmed=True)
    assert confirmed.details["category"] == "loan_credit"
    assert (entry.number_key, entry.is_prefix, entry.category, entry.evidence) == (
        "+86170", True, "loan_credit", "整段虚拟号诈骗")
    assert entry.expires_at.date() == expires.date() and entry.added_by == "tg:1000"
    assert store.lookup("+8617012345678").number_key == "+86170"


def test_a_confirmed_short_prefix_without_an_expiry_never_expires(moderation, store):
    with pytest.raises(AwaitingAdmin) as held:
        moderation.block(MODERATOR, "+861", "other", prefix=True)
    _, entry = moderation.decide_change(ADMIN, held.value.change.token, confirmed=True)
    assert entry.expires_at is None and entry.evidence == "" and entry.is_prefix


def test_a_confirmed_allowlist_change_adds_and_removes_the_aliases_asked_for(moderation, store):
    moderation.allow(ADMIN, "17099998888", "中国工商银行", ["工行客服"])
    with pytest.raises(AwaitingAdmin) as held:
        moderation.allow(MODERATOR, "17099998888", "中国工商银行", ["ICBC客服"], remove_aliases=["工行客服"])
    assert Review.SHAPE in held.value.change.reasons
    _, entry = moderation.decide_change(ADMIN, held.value.change.token, confirmed=True)
    assert entry.aliases == ["ICBC客服"]
    assert store.get_allowlist("+8617099998888").aliases == ["ICBC客服"]


def test_an_official_line_for_an_organisation_of_no_known_kind_needs_no_admin(moderation, store):
    entry, created = moderation.allow(MODERATOR, "4008123123", "某某科技公司")
    assert created and entry.owner_category == ""
    with pytest.raises(ValueError, match="owner"):
        moderation.allow(MODERATOR, "4008123124", "   ")


def test_a_mobile_number_is_nobodys_official_line(moderation):
    assert moderation.allow_reasons("+8613812345678", "某某科技公司") == (Review.SHAPE,)
    assert moderation.allow_reasons("+864008123123", "某某科技公司") == ()


def test_a_number_reported_before_and_accepted_still_needs_an_admin(moderation):
    number = "+864008123125"
    for user in (1, 2, 3):
        moderation.submit_report(user, reported=f"客服 {number}", number_keys=[number],
                                 verdict={"risk_level": "high"})
    moderation.block_reported(MODERATOR, number, "other")
    moderation.unblock(MODERATOR, number)
    assert moderation.allow_reasons(number, "某某科技公司") == (Review.REPORTED,)


def test_retyping_a_banks_landline_under_another_name_still_needs_an_admin(moderation):
    """A bank answers on service codes, 400 and 800 numbers; a landline entry an admin made for a bank keeps the
    bank's kind, so retyping it under any name is checked as a bank's number."""
    entry, _ = moderation.allow(ADMIN, "01066668888", "中国工商银行")
    assert entry.owner_category == "bank"
    assert moderation.allow_reasons(entry.number_key, "随便一个名字") == (Review.SHAPE,)
    assert moderation.allow_reasons("+861066667777", "随便一个名字") == ()


def test_a_moderators_import_with_short_prefixes_or_risky_allowlist_rows_waits_for_an_admin(moderation):
    blocklist = parse_blocklist_csv("number,category\n+86170*,other\n+861709876*,other\n13800138000,other\n")
    assert moderation.import_reviews(MODERATOR, "blocklist", blocklist.rows) == [
        (2, "+86170*", (Review.SHORT_PREFIX,))]
    allowlist = parse_allowlist_csv("number,owner,aliases\n17099998888,中国工商银行,工行\n4008123123,某某科技公司,\n")
    assert moderation.import_reviews(MODERATOR, "allowlist", allowlist.rows) == [
        (2, "+8617099998888", (Review.SHAPE,))]
    assert moderation.import_reviews(ADMIN, "blocklist", blocklist.rows) == []
    assert moderation.import_reviews(ADMIN, "allowlist", allowlist.rows) == []


def test_roles_of_nobody_and_of_users(moderation):
    assert moderation.role(None) == Role.USER and not moderation.is_moderator(None)
    moderation.require(USER, Role.USER)  # anyone may do what users do
    moderation.require(ADMIN, Role.MODERATOR)
