"""nlp.evaluate: the figures on hand-checked inputs, and ``fanzha evaluate`` end to end on the fixtures."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli import main
from nlp import evaluate as E
from nlp.data import Example

FIXTURES = Path(__file__).parent / "fixtures" / "shared"


@dataclass
class P:
    label: str
    category_key: str | None
    fraud_probability: float


def ex(label: str, source: str = "tf8") -> Example:
    return Example(f"{label}-{source}", label, source, "g")


def test_prf_and_empty_cases():
    assert E.prf(8, 2, 2) == {"precision": 0.8, "recall": 0.8, "f1": pytest.approx(0.8)}
    assert E.prf(0, 0, 0) == {"precision": None, "recall": None, "f1": None}


def test_per_class_and_confusion():
    gold = ["normal", "normal", "phishing", "phishing", "romance"]
    pred = ["normal", "phishing", "phishing", "normal", "romance"]
    classes = E.per_class(gold, pred, ["normal", "phishing", "romance"])
    assert classes["phishing"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert classes["romance"]["f1"] == 1.0
    assert E.confusion(gold, pred, ["normal", "phishing", "romance"]) == [[1, 1, 0], [1, 1, 0], [0, 0, 1]]


def test_slice_metrics_binary_fpr_personal_and_thresholds():
    examples = [ex("normal", "nus"), ex("normal", "lccc"), ex("normal", "tf5"), ex("normal", "fbs"),
                ex("phishing", "fbs"), ex("impersonate_police"), ex("illegal_service", "fbs")]
    preds = [P("fraud", "phishing", 0.8), P("normal", None, 0.1), P("illegal", "illegal_service", 0.05),
             P("normal", None, 0.4), P("fraud", "phishing", 0.9), P("fraud", "romance", 0.6),
             P("normal", None, 0.2)]
    m = E.slice_metrics(examples, preds)
    assert m["fpr_normal"] == pytest.approx(2 / 4)  # one called fraud, one called illegal
    assert m["fpr_personal"] == pytest.approx(1 / 2)
    assert m["fraud_vs_rest"]["tp"] == 2 and m["fraud_vs_rest"]["fp"] == 1 and m["fraud_vs_rest"]["fn"] == 0
    assert m["flagged_vs_normal"]["fn"] == 1  # the illegal row predicted normal
    assert m["fraud_category_accuracy"] == pytest.approx(1 / 2)
    by_t = {row["threshold"]: row for row in m["thresholds"]}
    assert by_t[0.5]["recall_fraud"] == 1.0 and by_t[0.7]["recall_fraud"] == 0.5
    assert by_t[0.3]["fpr_normal"] == pytest.approx(2 / 4) and by_t[0.5]["fpr_normal"] == pytest.approx(1 / 4)
    fprs = [row["fpr_normal"] for row in m["thresholds"]]
    assert fprs == sorted(fprs, reverse=True)


def test_slices_keep_synthetic_out_of_the_real_figures():
    test = [ex("normal", "nus"), ex("phishing", "fbs"),
            Example("t", "phishing", "synthetic", "tpl:phishing:3"), Example("c", "normal", "synthetic", "nus:u1")]
    slices = E._slices(test)
    assert slices["real"] == [0, 1] and slices["synthetic"] == [2, 3]
    assert slices["synthetic:templates"] == [2] and slices["synthetic:shifted"] == [3]
    assert slices["personal"] == [0]


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory) -> tuple[int, Path]:
    out = tmp_path_factory.mktemp("eval")
    empty_model = tmp_path_factory.mktemp("no_model")
    code = main(["evaluate", "--data-dir", str(FIXTURES), "--out", str(out), "--model-dir", str(empty_model)])
    return code, out


def test_cli_writes_markdown_and_json_and_reports_the_peer_alone_without_a_model(cli_run):
    code, out = cli_run
    assert code == 0
    report = (out / "eval_seed13.md").read_text()
    result = json.loads((out / "eval_seed13.json").read_text())
    assert list(result["models"]) == ["tfidf"]
    assert any("transformer NOT evaluated" in n for n in result["notes"])
    for section in ("## Held-out real test rows", "## Per source", "## Threshold trade-off",
                    "## Per class", "## Confusion matrix: tfidf", "## Synthetic slice", "## Split counts"):
        assert section in report
    real = result["models"]["tfidf"]["slices"]["real"]
    assert real["rows"] == result["slices"]["real"]
    assert {row["threshold"] for row in real["thresholds"]} >= {0.3, 0.5, 0.7, 0.9}


def test_cli_missing_data_dir_is_a_clear_error(tmp_path, capsys):
    assert main(["evaluate", "--data-dir", str(tmp_path / "nope"), "--out", str(tmp_path)]) == 1
    assert "data folder not found" in capsys.readouterr().err


def test_cli_rejects_unknown_leave_out(tmp_path, capsys):
    assert main(["evaluate", "--data-dir", str(FIXTURES), "--leave-out", "nope", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "unknown source 'nope'" in err and "tf8" in err  # names the sources one may leave out


def test_transformer_and_peer_side_by_side(tiny_base, tmp_path):
    """The real ``Prediction`` of a tiny trained transformer goes through the same figures as the peer's."""
    from nlp.baseline import BaselineConfig, train_baseline
    from nlp.classifier import FraudClassifier
    from nlp.splits import load_splits
    from nlp.train import TrainConfig, train_on_splits

    labels = ("normal", "impersonate_police", "romance", "phishing", "illegal_service")
    splits = load_splits(FIXTURES)
    train = [e for e in splits.train if e.label in labels]
    test = [e for e in splits.test if e.label in labels]
    config = TrainConfig(num_layers=2, trainable_layers=1, max_length=32, epochs=1, samples_per_epoch=32,
                         batch_size=8, threads=1, quantize=False, cache_batch_size=16)
    train_on_splits(train, splits.dev, test[:40], tmp_path / "tiny", config, labels=labels, base_dir=tiny_base)
    transformer = FraudClassifier.from_pretrained(tmp_path / "tiny", tiny_base, quantize=False)
    peer = train_baseline(train, BaselineConfig(max_iter=100), labels=labels)
    result = E.evaluate_models(test, {"transformer": transformer.predict,
                                      "tfidf": lambda t: peer.predict(t, normalized=True)})
    result.update({"seed": 13, "leave_out": None, "command": "test", "date": "-", "data_dir": "fixtures"})
    report = E.render_markdown(result)
    assert "| metric | transformer | tfidf |" in report
    assert "## Confusion matrix: transformer" in report and "## Confusion matrix: tfidf" in report
    for model in ("transformer", "tfidf"):
        real = result["models"][model]["slices"]["real"]
        assert real["rows"] == sum(e.source != "synthetic" for e in test)
        assert sum(map(sum, real["confusion"]["matrix"])) == real["rows"]
    json.dumps(result)  # the JSON report can be written
