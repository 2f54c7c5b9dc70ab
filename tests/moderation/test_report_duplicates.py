"""When a report is "already reported": what a reporter sees when they report again, and what moderators then
find in the queue. A duplicate adds no weight; a different message is a new report, even from the same person."""

from __future__ import annotations

from bot.moderation import MAX_NUMBERS_PER_REPORT, ReportStatus

from .conftest import MODERATOR, USER

NUMBER = "+8613800138000"
OTHER = "+8613900139000"
VERDICT = {"risk_level": "high", "category_key": "phishing", "evidence": [{"kind": "phrase"}]}
PRIZE = "恭喜您获得积分兑换，点击链接领取"
PARCEL = "您的快递丢失，双倍赔偿，请点击链接办理"


def _text_report(moderation, user: int, text: str, *, keep: bool = True):
    return moderation.submit_report(user, reported=text, verdict=VERDICT, keep_text=keep)


def test_the_same_reporter_may_report_two_different_texts_without_numbers(moderation, store):
    assert _text_report(moderation, USER, PRIZE).status == ReportStatus.STORED
    second = _text_report(moderation, USER, PARCEL)
    assert (second.status, second.stored) == (ReportStatus.STORED, 1)
    assert moderation.reports_in_window(moderation.reporter_hash(USER)) == 2


def test_the_same_text_again_is_already_reported_whatever_its_script_or_spacing(moderation):
    assert _text_report(moderation, USER, PRIZE).status == ReportStatus.STORED
    for again in (PRIZE, "恭喜您獲得積分兌換，點擊鏈接領取", f"  {PRIZE} "):
        result = _text_report(moderation, USER, again)
        assert (result.status, result.stored) == (ReportStatus.DUPLICATE, 0), again
    assert moderation.reports_in_window(moderation.reporter_hash(USER)) == 1


def test_a_text_reported_with_a_number_does_not_make_a_text_without_one_a_duplicate(moderation):
    with_number = moderation.submit_report(USER, reported=f"{PRIZE} {NUMBER}", number_keys=[NUMBER], verdict=VERDICT)
    assert with_number.status == ReportStatus.STORED
    assert _text_report(moderation, USER, f"{PRIZE} {NUMBER}").status == ReportStatus.STORED


def test_once_the_earlier_report_is_decided_the_same_text_can_be_reported_again(moderation):
    for user in (1, 2, 3):
        _text_report(moderation, user, PRIZE)
    [item] = moderation.queue()
    assert moderation.decide_text(MODERATOR, int(item.ref), accepted=False) == 3
    assert _text_report(moderation, 1, PRIZE).status == ReportStatus.STORED


def test_a_new_number_in_a_message_is_reported_and_the_known_one_is_not_again(moderation, store):
    first = moderation.submit_report(USER, reported=f"客服 {NUMBER}", number_keys=[NUMBER], verdict=VERDICT)
    assert first.stored == 1
    second = moderation.submit_report(USER, reported=f"客服 {NUMBER} 或 {OTHER}", number_keys=[NUMBER, OTHER],
                                      verdict=VERDICT)
    assert (second.status, second.stored) == (ReportStatus.STORED, 1)
    assert len(store.reports_for(NUMBER)) == 1 and len(store.reports_for(OTHER)) == 1
    third = moderation.submit_report(USER, reported=f"另一条短信 {OTHER}", number_keys=[OTHER], verdict=VERDICT)
    assert third.status == ReportStatus.DUPLICATE  # the number is what moderators review: no weight twice


def test_a_message_full_of_numbers_reports_each_once_and_at_most_five(moderation, store):
    numbers = [f"+86138001380{i:02d}" for i in range(7)]
    result = moderation.submit_report(USER, reported=" ".join(numbers), number_keys=[numbers[0], *numbers],
                                      verdict=VERDICT)
    assert (result.status, result.stored) == (ReportStatus.STORED, MAX_NUMBERS_PER_REPORT)
    assert [len(store.reports_for(n)) for n in numbers] == [1, 1, 1, 1, 1, 0, 0]


def test_the_text_is_kept_only_with_consent_and_only_when_there_is_some(moderation, store):
    moderation.submit_report(1, reported=f"客服 {NUMBER}", number_keys=[NUMBER], verdict=VERDICT, keep_text=True)
    moderation.submit_report(2, reported=f"客服 {NUMBER}", number_keys=[NUMBER], verdict=VERDICT, keep_text=False)
    moderation.submit_report(3, reported="   ", number_keys=[NUMBER], verdict=VERDICT, keep_text=True)
    assert [r.text for r in store.reports_for(NUMBER)] == [f"客服 {NUMBER}", None, None]
    [item] = moderation.queue()
    assert item.texts == [f"客服 {NUMBER}"]


def test_nothing_to_report_is_said_so(moderation):
    assert moderation.submit_report(USER, reported="   ").status == ReportStatus.EMPTY
    # a deleted message's verdict is only a report when it comes from a stored check
    assert moderation.submit_report(USER, reported="", verdict=VERDICT).status == ReportStatus.EMPTY
    assert moderation.submit_report(USER, reported="", check_id="gone").status == ReportStatus.EMPTY


def test_a_deleted_messages_report_keeps_its_verdict_and_never_reaches_the_queue(moderation, store):
    for user in (1, 2, 3, 4):
        result = moderation.submit_report(user, reported="", verdict=VERDICT, check_id="deleted")
        assert (result.status, result.stored) == (ReportStatus.STORED, 1)
    assert moderation.queue() == []
    assert moderation.reports_in_window(moderation.reporter_hash(1)) == 1


def test_reporters_told_how_many_items_wait_and_which_numbers_this_report_queued(moderation):
    for user in (1, 2, 3):
        _text_report(moderation, user, PRIZE)
    for user in (1, 2):
        moderation.submit_report(user, reported=f"客服 {NUMBER}", number_keys=[NUMBER], verdict=VERDICT)
    third = moderation.submit_report(3, reported=f"客服 {NUMBER} {OTHER}", number_keys=[NUMBER, OTHER],
                                     verdict=VERDICT)
    assert third.queued_numbers == (NUMBER,) and third.newly_queued == (NUMBER,)
    assert third.reports_queued == 2  # the text and the number


def test_the_same_message_checked_twice_is_reported_once(moderation, store):
    """Two verdicts of one message (checked again, or forwarded twice): the second report adds nothing."""
    first = moderation.submit_report(USER, reported=PRIZE, verdict=VERDICT, keep_text=True, check_id="check-1")
    again = moderation.submit_report(USER, reported=PRIZE, verdict=VERDICT, keep_text=True, check_id="check-2")
    assert (first.status, again.status) == (ReportStatus.STORED, ReportStatus.DUPLICATE)
    with_number = moderation.submit_report(USER, reported=f"客服 {NUMBER}", number_keys=[NUMBER], verdict=VERDICT,
                                           check_id="check-3")
    number_again = moderation.submit_report(USER, reported=f"客服 {NUMBER}", number_keys=[NUMBER],
                                            verdict=VERDICT, check_id="check-4")
    assert (with_number.status, number_again.status) == (ReportStatus.STORED, ReportStatus.DUPLICATE)
    # the same verdict once more is a duplicate whatever it carries now
    assert moderation.submit_report(USER, reported=PARCEL, verdict=VERDICT, check_id="check-1").status \
        == ReportStatus.DUPLICATE


def test_a_deleted_messages_report_does_not_hide_the_reports_after_it(moderation):
    moderation.submit_report(1, reported="", verdict=VERDICT, check_id="deleted")
    for user in (2, 3, 4):
        _text_report(moderation, user, PRIZE)
    [item] = moderation.queue()
    assert (item.kind, item.reporters) == ("text", 3)
