"""How rules match: letters in any case, every match of a rule judged on its own, spans that survive text whose
normalised form is longer, warnings judged by the whole text and by what follows a match, and the rule files
themselves (read afresh here, not from an earlier test's cache)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.rules import card_trafficking_rules, find_card_trafficking, find_phrases, phrase_rules


@pytest.fixture(autouse=True)
def rules_read_afresh() -> Iterator[None]:
    """Each test reads the rule files itself, so what it asserts covers loading them too."""
    phrase_rules.cache_clear()
    card_trafficking_rules.cache_clear()
    yield
    phrase_rules.cache_clear()
    card_trafficking_rules.cache_clear()


def _ids(hits) -> set[str]:
    return {h.rule.id for h in hits}


# --- letters in any case ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "rule"), [
    ("老师让大家加入Zoom会议听课", "screen_share"),
    ("客服说要进ZOOM会议才能处理退款", "screen_share"),
    ("买Usdt找我，一手货源", "investment"),
    ("您的Etc卡已失效，请尽快处理", "phishing_lure"),
    ("您的etc卡已失效，请尽快处理", "phishing_lure"),
])
def test_latin_words_match_in_any_case(text, rule):
    assert rule in _ids(find_phrases(text))


def test_card_trafficking_slang_matches_in_capitals():
    assert find_card_trafficking("高价收购YHK，一张500")
    assert find_card_trafficking("高价收购yhk，一张500")


# --- the rule files --------------------------------------------------------------------------------------

def test_english_tactics_are_strong_and_keep_their_scam_type():
    [hit] = [h for h in find_phrases("Please download AnyDesk so our security team can help you.")
             if h.rule.id == "en_remote_access"]
    assert hit.strong and hit.rule.strength == "strong"
    assert hit.rule.category == "fake_customer_service"


def test_a_tactic_without_a_scam_type_has_none_rather_than_an_empty_one():
    [hit] = [h for h in find_phrases("这件事不要告诉家人") if h.rule.id == "secrecy"]
    assert hit.rule.category is None
    assert hit.strong


def test_weak_tactics_stay_weak():
    [hit] = [h for h in find_phrases("您的验证码是123456") if h.rule.id == "code_word"]
    assert not hit.strong


def test_card_rules_fill_in_the_shared_word_lists():
    """card_trafficking.toml writes its actions and objects once ({actions}, {objects}); a rule that used them
    literally would find nothing."""
    assert "rent_or_sell" in _ids(find_card_trafficking("出租对公账户，月入过万"))
    assert "rent_or_sell" in _ids(find_card_trafficking("長期收購網銀，一套5萬"))


# --- every match of a rule is judged on its own ----------------------------------------------------------

def test_a_negated_first_mention_does_not_hide_a_later_real_ask():
    text = "不要转到其他所谓的安全账户，只能转到我们公安局的安全账户"
    hits = [h for h in find_phrases(text) if h.rule.id == "safe_account"]
    assert [h.start for h in hits] == [text.rindex("安全账户")]


def test_a_negation_at_the_very_start_of_the_text_counts():
    assert "safe_account" not in _ids(find_phrases("别转到安全账户"))
    assert "safe_account" not in _ids(find_phrases("勿将资金转入安全账户"))


# --- spans into text whose normalised form has another length ------------------------------------------

@pytest.mark.parametrize("text", [
    "……请转到安全账户……",            # each "…" normalises to three dots
    "请把资金转到……安全账户",
    "请转到ＡＢＣ安全账户",            # full-width letters
    "……ＺＯＯＭ……请转到安全账户",
])
def test_spans_quote_the_right_words_when_normalising_changes_the_length(text):
    [hit] = [h for h in find_phrases(text) if h.rule.id == "safe_account"]
    assert hit.text == "安全账户" == text[hit.start:hit.end]


def test_a_card_hit_after_ellipses_quotes_the_users_words():
    text = "……兄弟……高价收购银行卡，一套日结300元"
    hits = find_card_trafficking(text)
    assert hits
    for hit in hits:
        assert text[hit.start:hit.end] == hit.text and "银行卡" in hit.text


# --- the whole text as a warning -------------------------------------------------------------------------

def test_a_retold_scam_is_a_warning_even_when_the_sentence_itself_does_not_say_so():
    assert find_phrases("我差点被骗了，他让我把钱转到安全账户") == []
    # the same sentence on its own is the ask
    assert "safe_account" in _ids(find_phrases("他让我把钱转到安全账户"))


def test_a_doubt_before_a_real_warning_does_not_hide_the_warning():
    assert find_phrases("这是诈骗吗？我差点被骗了，他让我把钱转到安全账户") == []


@pytest.mark.parametrize("chat", [
    # the target asks "is this a scam?" (a doubt after the words)
    "客服：请开启屏幕共享，我会一步一步指导您完成退款操作\n我：这是诈骗吗？\n客服：放心，我们是正规公司",
    # the target wonders "could it be a scam" (a doubt before them, at the very start of the text)
    "难道是诈骗，他一直让我开启屏幕共享",
])
def test_a_targets_doubt_is_not_a_warning(chat):
    assert "screen_share" in _ids(find_phrases(chat))


def test_the_checkers_decision_on_the_whole_text_is_used_as_given():
    """The checker decides once whether a text is a warning and passes that to both rule sets."""
    assert find_phrases("他让我把钱转到安全账户", warning_text=True) == []
    assert "safe_account" in _ids(find_phrases("我差点被骗了，他让我把钱转到安全账户", warning_text=False))
    assert find_card_trafficking("高价收购银行卡，一套日结300元", warning_text=True) == []


# --- what follows a match --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "高价收购银行卡，这种做法均为违法",
    "出售、出租银行卡构成犯罪，请勿参与",
    "收购银行卡的人均为违法，大家注意",
])
def test_a_clause_calling_the_tactic_a_crime_makes_it_a_warning(text):
    assert find_card_trafficking(text) == []


@pytest.mark.parametrize("chat", [
    "客服：请开启屏幕共享，我指导您退款\n我：这是诈骗吗？",
    "对方：把钱转到安全账户就行\n我：这不是骗局吧",
])
def test_the_targets_question_right_after_a_tactic_does_not_cancel_it(chat):
    """The look-after check reads "是诈骗" after a tactic as the text calling it a scam; asked as a question it is
    the target doubting, and the tactic counts."""
    assert _ids(find_phrases(chat)) & {"screen_share", "safe_account"}


def test_a_crime_named_in_the_next_sentence_is_the_scammers_accusation_not_a_warning():
    assert "safe_account" in _ids(find_phrases("请立即把资金转到安全账户。你已涉嫌帮信罪"))


def test_the_scammers_or_else_threat_is_not_a_warning():
    assert "safe_account" in _ids(find_phrases("请立即把资金转到安全账户，否则将追究你的刑事责任"))
    assert "safe_account" in _ids(find_phrases("请把钱转到安全账户，不然就是帮信罪"))


# --- a scammer's accusation is not a warning ------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "您涉嫌违法犯罪，请立即把资金转到安全账户配合调查",       # the crime the reader is accused of
    "你的身份证被冒用，涉案金额280万，请把资金转到安全账户",   # said to the reader, first word of the text
    "请点击链接查看起诉书，并把保证金转到安全账户",           # the "indictment" to open
])
def test_an_accusation_aimed_at_the_reader_does_not_make_the_scam_a_warning(text):
    assert "safe_account" in _ids(find_phrases(text))


def test_a_threat_quoted_in_a_warning_does_not_hide_the_warning():
    assert find_phrases("收到短信：请立即把资金转到安全账户，否则将被起诉。警方提醒：这是诈骗！") == []


def test_an_accusation_quoted_before_a_retelling_does_not_hide_the_retelling():
    assert find_phrases("他说你的身份证涉案金额280万，让你把钱转到安全账户。幸好你没转") == []


def test_a_warning_addressed_to_the_reader_is_still_a_warning():
    assert find_phrases("你知道吗，我差点被骗了，他让我把钱转到安全账户") == []


def test_news_of_a_scam_gang_is_a_warning():
    assert find_card_trafficking("诈骗集团以高薪招聘为名收购银行卡") == []


def test_telling_the_reader_their_card_could_serve_crime_is_a_warning():
    assert find_card_trafficking("你的银行卡如果出租出借给别人，可能被用于违法犯罪") == []


def test_the_overdue_lawsuit_threat_is_the_scammers_not_a_warning():
    assert "safe_account" in _ids(find_phrases("您的网贷已逾期，再不处理将逾期起诉，请立即把欠款转到安全账户"))


def test_news_that_someone_was_prosecuted_is_a_warning():
    assert find_card_trafficking("出租银行卡的人已被检察院起诉") == []
