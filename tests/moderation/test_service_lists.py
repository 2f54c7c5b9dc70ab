"""Blocklist and allowlist work as a moderator meets it: what ``/block``, ``/unblock`` and ``/allow`` store,
which changes wait for an admin (and exactly what the admin then confirms), and which CSV import rows a
moderator cannot bring in alone.

On the ``service`` fixture (SQLite, one template database copied per test; seeded with the shipped
allowlist, so 95588 is 中国工商银行's with kind ``bank``): these tests judge ``bot/moderation.py``'s mutants.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import bot.store.community as community
from bot.moderation import (
    APPROVAL_TTL,
    MIN_PREFIX_DIGITS,
    AwaitingAdmin,
    NotAllowed,
    PendingChange,
    Review,
    Role,
    parse_expires,
    prefix_digits,
)
from bot.store import NotFound, keyed_hash
from bot.store.community import APPROVAL_PREFIX
from bot.store.csvfiles import parse_allowlist_csv, parse_blocklist_csv
from bot.store.models import utcnow

from .conftest import ADMIN, MODERATOR, USER

NUMBER = "+8613800138000"
MOBILE = "+8617099998888"


def _held(call, *args, **kwargs) -> PendingChange:
    with pytest.raises(AwaitingAdmin) as held:
        call(*args, **kwargs)
    return held.value.change


# --- /block and /unblock ----------------------------------------------------------------------------------

def test_a_block_stores_the_category_evidence_and_expiry_in_the_moderators_name(service, sqlite_store):
    expires = parse_expires("2031-06-30")
    entry, created = service.block(MODERATOR, "138 0013 8000", "贷款", evidence="自称银行放贷", expires_at=expires)
    assert created and not entry.is_prefix
    assert (entry.number_key, entry.category, entry.evidence, entry.added_by) == (
        NUMBER, "loan_credit", "自称银行放贷", "tg:2000")
    assert entry.expires_at == expires
    assert sqlite_store.lookup(NUMBER).category == "loan_credit"
    entry, created = service.block(MODERATOR, NUMBER, "other")
    assert not created and entry.category == "other"


def test_a_user_can_neither_block_nor_unblock(service, sqlite_store):
    with pytest.raises(NotAllowed):
        service.block(USER, NUMBER, "other")
    service.block(MODERATOR, NUMBER, "other")
    with pytest.raises(NotAllowed):
        service.unblock(USER, NUMBER)
    assert sqlite_store.lookup(NUMBER) is not None


def test_unblock_takes_the_entry_off_with_the_reason_and_refuses_a_number_not_listed(service, sqlite_store):
    service.block(MODERATOR, NUMBER, "other")
    removed = service.unblock(MODERATOR, NUMBER, reason="误报")
    assert (removed.active, removed.removed_by, removed.removed_reason) == (False, "tg:2000", "误报")
    assert sqlite_store.lookup(NUMBER) is None
    with pytest.raises(NotFound):
        service.unblock(MODERATOR, NUMBER)
    service.block(MODERATOR, NUMBER, "other")
    removed = service.unblock(MODERATOR, NUMBER)
    assert removed.removed_reason == ""  # no reason given, none made up


def test_a_prefix_of_seven_digits_is_blocked_by_a_moderator_alone(service, sqlite_store):
    entry, created = service.block(MODERATOR, "+861709876", "other", prefix=True)
    assert created and entry.is_prefix and entry.number_key == "+861709876"
    assert sqlite_store.lookup("+8617098765432").number_key == "+861709876"
    entry, created = service.block(MODERATOR, "+861709877*", "other")  # a written star is a prefix too
    assert created and entry.is_prefix


@pytest.mark.parametrize("prefix", ["+86170987", "+86170", "+861"])
def test_a_shorter_prefix_waits_for_an_admin_and_blocks_nothing(service, sqlite_store, prefix):
    change = _held(service.block, MODERATOR, prefix, "冒充公检法", evidence="整段", prefix=True)
    assert (change.kind, change.number, change.reasons, change.requested_by) == (
        "block", prefix + "*", (Review.SHORT_PREFIX,), MODERATOR)
    assert change.details == {"category": "impersonate_police", "evidence": "整段", "expires_at": None}
    assert sqlite_store.lookup(prefix + "12345678"[: 14 - len(prefix)]) is None
    assert sqlite_store.get_blocklist(prefix, prefix=True) is None


def test_an_admins_short_prefix_and_a_moderators_full_number_are_made_directly(service, sqlite_store):
    entry, created = service.block(ADMIN, "+86170", "other", prefix=True)
    assert created and entry.is_prefix and entry.added_by == "tg:1000"
    entry, created = service.block(MODERATOR, "+8617012345678", "other")
    assert created and not entry.is_prefix and entry.number_key == "+8617012345678"


def test_prefix_digits_are_counted_after_the_country_code():
    assert MIN_PREFIX_DIGITS == 7
    assert [prefix_digits(k) for k in ("+861", "+86170", "+861709876", "+85512", "+1202", "+8521234")] == [
        1, 3, 7, 2, 3, 4]
    assert prefix_digits("+999123") == 6  # no country code recognised: every digit counts
    assert prefix_digits("+") == 0


def test_an_expiry_date_must_be_given():
    assert parse_expires("2026-06-30") == datetime(2026, 6, 30, 16, 0, tzinfo=UTC)
    for empty in ("", "   "):
        with pytest.raises(ValueError):
            parse_expires(empty)


# --- a short prefix, confirmed or refused -----------------------------------------------------------------

def test_a_confirmed_prefix_is_blocked_as_asked_in_the_admins_name(service, sqlite_store):
    expires = parse_expires("2031-06-30")
    change = _held(service.block, MODERATOR, "+86170", "贷款", evidence="虚拟号段", expires_at=expires, prefix=True)
    assert change.details["expires_at"] == expires.isoformat()
    with pytest.raises(NotAllowed) as refused:
        service.decide_change(MODERATOR, change.token, confirmed=True)
    assert refused.value.needed == Role.ADMIN
    confirmed, entry = service.decide_change(ADMIN, change.token, confirmed=True)
    assert confirmed.token == change.token
    actions = [(a.actor, a.action) for a in sqlite_store.audit_log(limit=3)]
    assert actions == [("tg:1000", "blocklist.add"), ("tg:1000", "approval.confirm"), ("tg:2000", "approval.request")]
    assert (confirmed.kind, confirmed.number, confirmed.reasons, confirmed.requested_by) == (
        "block", "+86170*", (Review.SHORT_PREFIX,), MODERATOR)
    assert confirmed.details == {"category": "loan_credit", "evidence": "虚拟号段", "expires_at": expires.isoformat()}
    assert (entry.number_key, entry.is_prefix, entry.category, entry.evidence, entry.added_by) == (
        "+86170", True, "loan_credit", "虚拟号段", "tg:1000")
    assert entry.expires_at == expires
    assert sqlite_store.lookup("+8617012345678").number_key == "+86170"
    with pytest.raises(NotFound):
        service.decide_change(ADMIN, change.token, confirmed=True)


def test_a_confirmed_prefix_without_expiry_or_evidence_never_expires(service, sqlite_store):
    change = _held(service.block, MODERATOR, "+861", "other", prefix=True)
    _, entry = service.decide_change(ADMIN, change.token, confirmed=True)
    assert (entry.number_key, entry.is_prefix, entry.expires_at, entry.evidence) == ("+861", True, None, "")


def test_a_refused_change_changes_nothing_and_is_audited(service, sqlite_store):
    change = _held(service.block, MODERATOR, "+86170", "other", prefix=True)
    refused, entry = service.decide_change(ADMIN, change.token, confirmed=False)
    assert entry is None and refused.number == "+86170*"
    assert sqlite_store.get_blocklist("+86170", prefix=True) is None
    actions = [(a.actor, a.action) for a in sqlite_store.audit_log(limit=2)]
    assert actions == [("tg:1000", "approval.refuse"), ("tg:2000", "approval.request")]


def test_a_waiting_change_is_kept_for_seven_days_under_the_moderators_hash(service, sqlite_store):
    assert timedelta(days=7) == APPROVAL_TTL
    before = utcnow()
    change = _held(service.block, MODERATOR, "+86170", "other", prefix=True)
    [expiry] = sqlite_store.flow_expiries(APPROVAL_PREFIX).values()
    assert before + APPROVAL_TTL <= expiry <= utcnow() + APPROVAL_TTL
    [request] = sqlite_store.audit_log(target=f"approval:{change.token}")
    assert request.after == {"kind": "block", "number": "+86170*", "reasons": ["short_prefix"],
                             "requested_by": MODERATOR, "category": "other", "evidence": "", "expires_at": None}
    flow = sqlite_store.get_flow(APPROVAL_PREFIX + change.token)
    assert flow.owner_hash == keyed_hash(MODERATOR, "test-secret")


def test_a_change_left_unanswered_for_a_week_lapses(service, sqlite_store, monkeypatch):
    change = _held(service.block, MODERATOR, "+86170", "other", prefix=True)
    later = utcnow() + APPROVAL_TTL + timedelta(minutes=1)
    monkeypatch.setattr(community, "utcnow", lambda: later)
    with pytest.raises(NotFound):
        service.decide_change(ADMIN, change.token, confirmed=True)
    assert sqlite_store.get_blocklist("+86170", prefix=True) is None


def test_each_waiting_change_has_its_own_token(service):
    first = _held(service.block, MODERATOR, "+86170", "other", prefix=True)
    second = _held(service.block, MODERATOR, "+86171", "other", prefix=True)
    assert first.token != second.token and len(first.token) >= 10
    _, entry = service.decide_change(ADMIN, second.token, confirmed=True)
    assert entry.number_key == "+86171"
    _, entry = service.decide_change(ADMIN, first.token, confirmed=True)
    assert entry.number_key == "+86170"


def test_a_change_stored_with_only_the_required_fields_is_still_made(service, sqlite_store):
    """A waiting change keeps its details as JSON; one written without the optional fields (an earlier
    version's) is made with their defaults."""
    sqlite_store.add_approval("old-block", actor="tg:2000", owner_hash="h", ttl=APPROVAL_TTL,
                              data={"kind": "block", "number": "+86170*", "requested_by": str(MODERATOR),
                                    "category": "other"})
    change, entry = service.decide_change(ADMIN, "old-block", confirmed=True)
    assert (change.reasons, change.requested_by, change.details) == ((), MODERATOR, {"category": "other"})
    assert (entry.number_key, entry.is_prefix, entry.evidence, entry.expires_at) == ("+86170", True, "", None)
    sqlite_store.add_approval("old-allow", actor="tg:2000", owner_hash="h", ttl=APPROVAL_TTL,
                              data={"kind": "allow", "number": MOBILE, "reasons": ["shape"],
                                    "requested_by": MODERATOR, "owner": "中国工商银行"})
    change, entry = service.decide_change(ADMIN, "old-allow", confirmed=True)
    assert change.reasons == ("shape",) and change.details == {"owner": "中国工商银行"}
    assert (entry.number_key, entry.owner, entry.aliases, entry.owner_category) == (
        MOBILE, "中国工商银行", [], "bank")


def test_a_pending_change_reads_back_what_it_wrote():
    change = PendingChange("t", "allow", MOBILE, ("shape", "reported"), MODERATOR, {"owner": "某公司"})
    data = change.to_json()
    assert data == {"kind": "allow", "number": MOBILE, "reasons": ["shape", "reported"],
                    "requested_by": MODERATOR, "owner": "某公司"}
    assert PendingChange.from_json("t", data) == change


# --- /allow -----------------------------------------------------------------------------------------------

def test_allow_needs_a_moderator_and_an_owner(service, sqlite_store):
    with pytest.raises(NotAllowed):
        service.allow(USER, "4008123123", "某某科技公司")
    for blank in ("", "   "):
        with pytest.raises(ValueError) as refused:
            service.allow(MODERATOR, "4008123123", blank)
        assert str(refused.value) == "the owner of an allowlisted number cannot be empty"
    assert sqlite_store.get_allowlist("+864008123123") is None


def test_an_unremarkable_line_is_allowlisted_at_once_in_the_moderators_name(service, sqlite_store):
    entry, created = service.allow(MODERATOR, "400 812 3123", "某某科技公司", ["某某客服"])
    assert created and (entry.number_key, entry.owner, entry.aliases, entry.owner_category) == (
        "+864008123123", "某某科技公司", ["某某客服"], "")
    [audit] = sqlite_store.audit_log(target="allowlist:+864008123123")
    assert (audit.actor, audit.action) == ("tg:2000", "allowlist.add")


def test_a_new_entry_takes_the_kind_of_the_one_organisation_its_names_stand_for(service):
    entry, _ = service.allow(MODERATOR, "95567", "某银行热线", ["工行"])  # an alias names 中国工商银行
    assert entry.owner_category == "bank"
    entry, _ = service.allow(ADMIN, "4008123124", "工行", ["顺丰"])  # a bank and a courier: no kind
    assert entry.owner_category == ""
    entry, _ = service.allow(MODERATOR, "4008123125", "某某科技公司")
    assert entry.owner_category == ""


def test_retyping_an_entry_keeps_its_kind_and_changes_only_the_aliases_given(service):
    entry, created = service.allow(MODERATOR, "95588", "中国工商银行", ["工行热线"], remove_aliases=["ICBC"])
    assert not created and entry.owner_category == "bank"
    assert "工行热线" in entry.aliases and "ICBC" not in entry.aliases and "工行" in entry.aliases
    entry, _ = service.allow(MODERATOR, "95588", "工商银行客服中心")  # a new name of no known kind
    assert (entry.owner, entry.owner_category) == ("工商银行客服中心", "bank")


def test_a_landline_named_for_a_bank_by_an_alias_waits_for_an_admin(service, sqlite_store):
    change = _held(service.allow, MODERATOR, "010 6666 8888", "某某热线", ["工行"])
    assert change.reasons == (Review.SHAPE,)
    assert sqlite_store.get_allowlist("+861066668888") is None


def test_a_change_a_moderator_cannot_make_alone_is_made_as_asked_when_confirmed(service, sqlite_store):
    service.allow(ADMIN, "17099998888", "中国工商银行", ["工行客服"])
    change = _held(service.allow, MODERATOR, "170 9999 8888", "中国工商银行", ["ICBC客服"],
                   remove_aliases=["工行客服"])
    assert (change.kind, change.number, change.reasons) == ("allow", MOBILE, (Review.SHAPE,))
    assert change.details == {"owner": "中国工商银行", "aliases": ["ICBC客服"], "remove_aliases": ["工行客服"]}
    assert sqlite_store.get_allowlist(MOBILE).aliases == ["工行客服"]  # nothing changed yet
    confirmed, entry = service.decide_change(ADMIN, change.token, confirmed=True)
    assert confirmed.details == change.details
    assert (entry.aliases, entry.owner_category) == (["ICBC客服"], "bank")
    assert sqlite_store.audit_log(limit=1)[0].actor == "tg:1000"


def test_a_confirmed_new_entry_takes_the_kind_of_its_organisation(service, sqlite_store):
    change = _held(service.allow, MODERATOR, "17099998888", "中国工商银行")
    _, entry = service.decide_change(ADMIN, change.token, confirmed=True)
    assert (entry.owner, entry.owner_category, entry.added_by) == ("中国工商银行", "bank", "tg:1000")


# --- why a change needs a second look ---------------------------------------------------------------------

@pytest.mark.parametrize(("number", "owner", "reasons"), [
    ("+8617099998888", "某某科技公司", (Review.SHAPE,)),          # a mobile is nobody's official line
    ("+445601234567", "某某科技公司", (Review.SHAPE,)),            # nor is a VoIP number
    ("+861066668888", "某某科技公司", ()),                        # a company's landline is fine
    ("+861066668888", "中国工商银行", (Review.SHAPE,)),            # not for a bank
    ("+861066668888", "支付宝", (Review.SHAPE,)),                  # a payment platform
    ("+861066668888", "中国移动", (Review.SHAPE,)),                # an operator
    ("+861066668888", "顺丰速运", ()),                            # a courier may answer on a landline
    ("95567", "中国工商银行", ()),                                 # a service code
    ("+864008123123", "中国工商银行", ()),                         # a 400 number
    ("+868001234567", "中国工商银行", ()),                         # an 800 number
])
def test_the_kind_of_number_must_fit_the_organisation(service, number, owner, reasons):
    assert service.allow_reasons(number, owner) == reasons


def test_a_platforms_landline_needs_a_second_look(service, sqlite_store):
    sqlite_store.update_allowlist("95000", "某某平台", actor="cli", owner_category="platform")
    assert service.allow_reasons("+861066668888", "某某平台") == (Review.SHAPE,)
    assert service.allow_reasons("+861066668888", "随便", ["某某平台"]) == (Review.SHAPE,)  # named by an alias


def test_an_entry_keeps_the_checks_of_its_kind_under_any_name(service):
    entry, _ = service.allow(ADMIN, "01066668888", "中国工商银行")
    assert service.allow_reasons(entry.number_key, "随便一个名字") == (Review.SHAPE,)


def test_reported_and_listed_numbers_need_a_second_look_whatever_they_are(service, sqlite_store):
    service.submit_report(USER, reported="客服 13800138000", number_keys=[NUMBER])
    assert service.allow_reasons(NUMBER, "某某科技公司") == (Review.REPORTED, Review.SHAPE)
    service.block(MODERATOR, NUMBER, "other")
    assert service.allow_reasons(NUMBER, "某某科技公司") == (Review.REPORTED, Review.BLOCKLISTED, Review.SHAPE)
    service.block(MODERATOR, "+864008123", "other", prefix=True)
    assert service.allow_reasons("+864008123123", "某某科技公司") == (Review.BLOCKLISTED,)  # under a prefix


def test_reports_count_until_rejected(service):
    number = "+864008123125"
    for user in (1, 2, 3):
        service.submit_report(user, reported=f"客服 {number}", number_keys=[number])
    assert service.allow_reasons(number, "某某科技公司") == (Review.REPORTED,)
    service.block_reported(MODERATOR, number, "other")
    service.unblock(MODERATOR, number)
    assert service.allow_reasons(number, "某某科技公司") == (Review.REPORTED,)  # accepted reports still count
    other = "+864008123126"
    for user in (1, 2, 3):
        service.submit_report(user, reported=f"客服 {other}", number_keys=[other])
    service.reject_reported(MODERATOR, other)
    assert service.allow_reasons(other, "某某科技公司") == ()


def test_an_expired_entry_is_no_reason_for_a_second_look(service):
    service.block(MODERATOR, "+864008123123", "other", expires_at=parse_expires("2020-01-01"))
    assert service.allow_reasons("+864008123123", "某某科技公司") == ()


def test_a_reported_number_waits_even_for_an_unremarkable_owner(service, sqlite_store):
    service.submit_report(USER, reported="客服 4008123123", number_keys=["+864008123123"])
    change = _held(service.allow, MODERATOR, "4008123123", "某某科技公司")
    assert change.reasons == (Review.REPORTED,)
    entry, created = service.allow(ADMIN, "4008123123", "某某科技公司")
    assert created and entry.added_by == "tg:1000"


# --- imports ----------------------------------------------------------------------------------------------

def test_a_moderators_import_lists_the_rows_an_admin_must_see(service):
    blocklist = parse_blocklist_csv(
        "number,category\n+86170*,other\n+861709876*,other\n13800138000,other\n+86170987*,other\n")
    assert service.import_reviews(MODERATOR, "blocklist", blocklist.rows) == [
        (2, "+86170*", (Review.SHORT_PREFIX,)), (5, "+86170987*", (Review.SHORT_PREFIX,))]
    allowlist = parse_allowlist_csv(
        "number,owner,aliases\n17099998888,某某科技公司,\n4008123123,某某科技公司,\n01066668888,某公司,工行\n")
    assert service.import_reviews(MODERATOR, "allowlist", allowlist.rows) == [
        (2, MOBILE, (Review.SHAPE,)), (4, "+861066668888", (Review.SHAPE,))]
    assert service.import_reviews(MODERATOR, "other", blocklist.rows) == []
    assert service.import_reviews(ADMIN, "blocklist", blocklist.rows) == []
    assert service.import_reviews(ADMIN, "allowlist", allowlist.rows) == []
