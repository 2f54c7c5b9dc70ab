"""What the checker does with the model's answer: the verdict's scam type and confidence, the model evidence,
answers kept for texts seen before, batches, the batch API and stages skipped for time.

The classifier here is a stand-in answering what each test chooses per text, so every line the checker draws on
the model's probability can be asserted exactly; the shipped model itself is tested in test_checker_model.py.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from bot.check import MAX_TEXT_CHARS, Checker, EmptyInput, StoreLists, TextTooLong
from bot.store import Store
from bot.verdict import Advice, EvidenceKind, RiskLevel, SkipReason, Stage

BORROW = "老同学，最近手头有点紧，能不能先借我五千块周转一下，下个月一定还你"   # no rule fires on it
SAFE_ACCOUNT = "请把资金转到安全账户"                                            # a strong tactic of police impostors
SECRECY = "这件事不要告诉家人"                                                   # a strong tactic with no scam type
MEETING = "明天下午三点开会，记得带电脑"
ENGLISH = "Your parcel is held at customs, please call us back"


@dataclass(frozen=True)
class Answer:
    fraud_probability: float
    category_key: str | None


class ScriptedModel:
    """The classifier port answering, per text, what the test set (``default`` for any other text)."""

    def __init__(self, answers: dict[str, tuple[float, str | None]] | None = None,
                 default: tuple[float, str | None] = (0.05, None)) -> None:
        self.answers = answers or {}
        self.default = default
        self.batches: list[list[str]] = []

    def predict(self, texts: list[str]) -> list[Answer]:
        self.batches.append(list(texts))
        return [Answer(*self.answers.get(text, self.default)) for text in texts]

    @property
    def texts_read(self) -> list[str]:
        return [text for batch in self.batches for text in batch]


@pytest.fixture(scope="module")
def lists(tmp_path_factory):
    """One store for the module: these tests read the shipped allowlist and write nothing."""
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('model-answers') / 'fanzha.db'}")
    yield StoreLists(store)
    store.close()


@pytest.fixture
def checker_with(lists):
    """``checker_with(model, budget_seconds=None)``: a checker over the module's store with that model."""
    made: list[Checker] = []

    def make(model: ScriptedModel | None, budget_seconds: float | None = None) -> Checker:
        checker = Checker(lists, model, budget_seconds=budget_seconds)
        made.append(checker)
        return checker

    yield make
    for checker in made:
        checker.close()


def _model_evidence(verdict) -> list[dict]:
    return [e.detail for e in verdict.evidence if e.kind == EvidenceKind.MODEL]


# --- the scam type and the confidence ---------------------------------------------------------------------

def test_a_sure_model_names_the_scam_type_and_is_shown_as_evidence(checker_with):
    verdict = checker_with(ScriptedModel({BORROW: (0.912345678, "impersonate_acquaintance")})).check_text_sync(BORROW)
    assert verdict.risk_level == RiskLevel.SUSPICIOUS
    assert verdict.fraud_probability == 0.912345678
    assert (verdict.category_key, verdict.confidence) == ("impersonate_acquaintance", 0.912345678)
    assert _model_evidence(verdict) == [{"fraud_probability": 0.9123, "category_key": "impersonate_acquaintance"}]
    assert verdict.advice[0] == Advice.VERIFY_IN_PERSON


def test_an_unsure_model_leaves_the_scam_type_to_the_tactic(checker_with):
    verdict = checker_with(ScriptedModel({SAFE_ACCOUNT: (0.3, "romance")})).check_text_sync(SAFE_ACCOUNT)
    assert verdict.risk_level == RiskLevel.SUSPICIOUS
    assert (verdict.category_key, verdict.confidence) == ("impersonate_police", 0.7)
    assert verdict.advice[0] == Advice.POLICE_NO_TRANSFER


def test_a_tactics_type_takes_the_models_confidence_when_the_model_is_surer(checker_with):
    verdict = checker_with(ScriptedModel({SAFE_ACCOUNT: (0.95, None)})).check_text_sync(SAFE_ACCOUNT)
    assert verdict.risk_level == RiskLevel.HIGH  # a strong tactic and the model agree
    assert (verdict.category_key, verdict.confidence) == ("impersonate_police", 0.95)


def test_a_low_verdict_names_no_type_and_is_as_sure_as_the_model_is_of_it(checker_with):
    verdict = checker_with(ScriptedModel({MEETING: (0.2, "romance")})).check_text_sync(MEETING)
    assert verdict.risk_level == RiskLevel.LOW
    assert verdict.category_key is None and verdict.confidence == pytest.approx(0.8)
    without_model = checker_with(None).check_text_sync(MEETING)
    assert without_model.category_key is None and without_model.confidence == 0.5


def test_a_raised_level_with_no_type_anywhere_is_other(checker_with):
    verdict = checker_with(None).check_text_sync(SECRECY)
    assert verdict.risk_level == RiskLevel.SUSPICIOUS
    assert (verdict.category_key, verdict.confidence) == ("other", 0.6)
    assert verdict.advice[:2] == [Advice.NO_TRANSFER, Advice.NO_CODES]


def test_a_model_raised_level_without_a_type_from_the_model_is_other(checker_with):
    verdict = checker_with(ScriptedModel({BORROW: (0.6, None)})).check_text_sync(BORROW)
    assert verdict.risk_level == RiskLevel.SUSPICIOUS
    assert (verdict.category_key, verdict.confidence) == ("other", 0.6)


def test_a_weak_tactics_type_names_a_model_raised_verdict_when_the_model_gives_none(checker_with):
    text = "低息贷款，有意向回复"
    verdict = checker_with(ScriptedModel({text: (0.6, None)})).check_text_sync(text)
    assert verdict.risk_level == RiskLevel.SUSPICIOUS
    assert [e.detail["strength"] for e in verdict.evidence if e.kind == EvidenceKind.PHRASE] == ["weak"]
    assert (verdict.category_key, verdict.confidence) == ("loan_credit", 0.6)
    assert verdict.advice[0] == Advice.LOAN_NO_FEES


# --- what the model reads --------------------------------------------------------------------------------

async def test_a_text_in_another_language_is_not_given_to_the_model_and_the_verdict_says_so(checker_with):
    model = ScriptedModel(default=(0.99, "phishing"))
    checker = checker_with(model)
    for verdict in (checker.check_text_sync(ENGLISH), await checker.check_text(ENGLISH),
                    checker.check_texts_sync([ENGLISH])[0]):
        assert verdict.fraud_probability is None
        assert _model_evidence(verdict) == [{"skipped": "not_chinese"}]
    assert model.texts_read == []
    assert _model_evidence(checker_with(None).check_text_sync(ENGLISH)) == []  # no model: nothing to say


async def test_a_text_seen_before_is_answered_without_asking_the_model_again(checker_with):
    model = ScriptedModel({BORROW: (0.9, "impersonate_acquaintance"), MEETING: (0.1, None)})
    checker = checker_with(model)
    first = await checker.check_text(BORROW)
    again = await checker.check_text(BORROW)
    other = await checker.check_text(MEETING)
    assert model.texts_read == [BORROW, MEETING]
    assert again.fraud_probability == first.fraud_probability == 0.9
    assert (again.category_key, again.risk_level) == ("impersonate_acquaintance", RiskLevel.SUSPICIOUS)
    assert other.risk_level == RiskLevel.LOW and other.fraud_probability == 0.1


async def test_one_checker_batches_messages_that_wait_together(checker_with):
    texts = [f"第{i}条：您好，请问明天的会议改到几点了？" for i in range(40)]
    model = ScriptedModel({text: (i / 100, None) for i, text in enumerate(texts)})
    checker = checker_with(model)
    verdicts = await asyncio.gather(*(checker.check_text(text) for text in texts))
    assert [v.fraud_probability for v in verdicts] == [i / 100 for i in range(40)]
    assert sorted(model.texts_read) == sorted(texts)
    assert max(len(batch) for batch in model.batches) <= 32


# --- many messages at once (the batch CLI) ---------------------------------------------------------------

class _Progress:
    def __init__(self) -> None:
        self.done = 0

    def update(self, n: int) -> None:
        self.done += n


def test_the_batch_api_answers_each_message_in_its_place(checker_with):
    model = ScriptedModel({BORROW: (0.9, "impersonate_acquaintance"), MEETING: (0.1, None)})
    progress = _Progress()
    texts = ["  ", "啊" * (MAX_TEXT_CHARS + 1), BORROW, ENGLISH, MEETING]
    results = checker_with(model).check_texts_sync(texts, batch_size=2, progress=progress)
    assert isinstance(results[0], EmptyInput) and isinstance(results[1], TextTooLong)
    assert results[2].fraud_probability == 0.9 and results[2].category_key == "impersonate_acquaintance"
    assert results[3].fraud_probability is None
    assert results[4].fraud_probability == 0.1 and results[4].risk_level == RiskLevel.LOW
    assert progress.done == 5
    assert model.batches == [[BORROW], [MEETING]]  # two messages at a time; only Chinese text is read


def test_the_batch_api_without_a_model_uses_rules_and_lists(checker_with):
    [verdict] = checker_with(None).check_texts_sync([SAFE_ACCOUNT])
    assert verdict.risk_level == RiskLevel.SUSPICIOUS and verdict.fraud_probability is None
    assert verdict.skipped_stages == {}


def test_the_batch_api_uses_batches_of_256_unless_told(checker_with):
    model = ScriptedModel()
    texts = [f"第{i}条：明天的会议改到几点了？" for i in range(300)]
    checker_with(model).check_texts_sync(texts)
    assert [len(batch) for batch in model.batches] == [256, 44]


# --- out of time -----------------------------------------------------------------------------------------

async def test_a_check_with_no_time_left_asks_nothing_and_says_which_stages_it_skipped(checker_with):
    model = ScriptedModel(default=(0.99, "phishing"))
    checker = checker_with(model, budget_seconds=0.0)
    everything = {stage: SkipReason.BUDGET for stage in Stage}
    for verdict in (checker.check_text_sync(BORROW), await checker.check_text(BORROW),
                    checker.check_texts_sync([BORROW])[0]):
        assert verdict.skipped_stages == everything
        assert list(verdict.skipped_stages) == list(Stage)  # in the order the stages run
        assert verdict.fraud_probability is None and verdict.risk_level == RiskLevel.LOW
    assert model.texts_read == []
