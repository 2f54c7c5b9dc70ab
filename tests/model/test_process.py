"""The classifier in a child process answers like the classifier itself, fails loudly, and survives a crash."""

from __future__ import annotations

import functools
import os
import signal
from pathlib import Path

import pytest

from nlp.classifier import FraudClassifier, ModelNotFoundError, build_model, read_model_spec
from nlp.process import ProcessClassifier

TEXTS = ["妈，我今晚回家吃饭", "您好，我是公安局的，您涉嫌洗钱，请把资金转到安全账户", "刷单返利日结", "好的"]


def tiny_classifier(base: str, labels: tuple[str, ...]) -> FraudClassifier:
    """Built the same way in the parent and in the child (seeded), so their answers must agree."""
    import torch

    torch.manual_seed(3)
    model, tokenizer = build_model(Path(base), {"num_layers": 2, "labels": list(labels)})
    torch.nn.init.normal_(model.classifier.weight, std=1.0)
    return FraudClassifier(model, tokenizer, labels)


def missing_model() -> FraudClassifier:
    return read_model_spec(Path("/nonexistent/fanzha-model"))  # raises ModelNotFoundError


@pytest.fixture(scope="module")
def remote(tiny_base, labels):
    classifier = ProcessClassifier(functools.partial(tiny_classifier, str(tiny_base), tuple(labels)))
    yield classifier
    classifier.close()


def test_child_answers_like_the_classifier_in_process(remote, tiny_base, labels):
    local = tiny_classifier(str(tiny_base), tuple(labels)).predict(TEXTS)
    answered = remote.predict(TEXTS)
    assert [p.label for p in answered] == [p.label for p in local]
    assert [p.category_key for p in answered] == [p.category_key for p in local]
    for a, b in zip(answered, local, strict=True):
        assert a.fraud_probability == pytest.approx(b.fraud_probability, abs=1e-6)
    assert remote.child_pid() not in (None, os.getpid())
    assert "FraudClassifier" in repr(remote)


def test_a_missing_model_fails_at_start_with_its_own_error():
    with pytest.raises(ModelNotFoundError, match="no fine-tuned model"):
        ProcessClassifier(missing_model)


def test_a_killed_child_is_replaced_and_the_batch_still_answered(remote):
    before = remote.predict(["刷单返利日结"])
    pid = remote.child_pid()
    os.kill(pid, signal.SIGKILL)
    after = remote.predict(["刷单返利日结"])
    assert remote.child_pid() not in (None, pid)
    assert after[0].fraud_probability == pytest.approx(before[0].fraud_probability, abs=1e-6)


def test_closed_classifier_refuses_work(tiny_base, labels):
    classifier = ProcessClassifier(functools.partial(tiny_classifier, str(tiny_base), tuple(labels)))
    classifier.close()
    with pytest.raises(RuntimeError, match="closed"):
        classifier.predict(["好的"])
