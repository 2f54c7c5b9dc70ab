"""The training run end to end on a tiny random encoder and a few dozen examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from bot.cli import main as fanzha
from nlp.classifier import MODEL_FILE, WEIGHTS_FILE, FraudClassifier
from nlp.data import Example
from nlp.train import TrainConfig, train_on_splits

NORMAL = ["妈，我今晚回家吃饭", "明天一起去图书馆吗？", "好的收到谢谢", "今晚吃饭吗", "我到家了", "明天见"]
PHISHING = ["【工商银行】您的账户存在异常，请立即点击链接验证身份", "账户异常请点击链接", "工商银行验证身份"]
POLICE = ["您好，我是公安局的，您涉嫌洗钱，请把资金转到安全账户", "公安局：您涉嫌洗钱", "资金转到安全账户"]
ILLEGAL = ["澳门赌场上线，充值送彩金", "代开发票办证", "赌场充值送彩金"]
LABELS = ("normal", "impersonate_police", "phishing", "illegal_service")


def examples(texts: list[str], label: str, copies: int) -> list[Example]:
    return [Example(t + "。" * i, label, "tiny", f"{label}-{j}-{i}")
            for i in range(copies) for j, t in enumerate(texts)]


def tiny_config(**overrides) -> TrainConfig:
    base = {"num_layers": 2, "trainable_layers": 1, "max_length": 32, "epochs": 2, "samples_per_epoch": 48,
            "batch_size": 8, "threads": 1, "quantize": False, "cache_batch_size": 16, "lr_layers": 1e-3,
            "lr_head": 1e-2}
    return TrainConfig(**{**base, **overrides})


@pytest.fixture(scope="module")
def splits():
    train = (examples(NORMAL, "normal", 4) + examples(PHISHING, "phishing", 4)
             + examples(POLICE, "impersonate_police", 4) + examples(ILLEGAL, "illegal_service", 4))
    dev = (examples(NORMAL[:3], "normal", 1) + examples(PHISHING[:2], "phishing", 1)
           + examples(ILLEGAL[:1], "illegal_service", 1))
    test = examples(NORMAL[3:], "normal", 1) + examples(POLICE[:2], "impersonate_police", 1)
    return train, dev, test


@pytest.fixture(scope="module")
def trained(tiny_base, splits, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run")
    train_on_splits(*splits, out, tiny_config(), labels=LABELS, base_dir=tiny_base)
    return out


def test_artefacts_are_written(trained):
    for name in (MODEL_FILE, WEIGHTS_FILE, "train.log", "metrics.json", "outputs_dev.jsonl", "outputs_test.jsonl"):
        assert (trained / name).is_file(), name
    spec = json.loads((trained / MODEL_FILE).read_text())
    assert spec["labels"] == list(LABELS)
    assert spec["num_layers"] == 2 and spec["trainable_layers"] == [1]
    assert spec["category_names"]["phishing"] == "钓鱼链接" and "normal" not in spec["category_names"]
    weights = load_file(str(trained / WEIGHTS_FILE))
    assert all(t.dtype == torch.float16 for t in weights.values())
    assert any(k.startswith("bert.encoder.layer.1.") for k in weights)
    assert not any(k.startswith("bert.encoder.layer.0.") or k.startswith("bert.embeddings") for k in weights)
    metrics = json.loads((trained / "metrics.json").read_text())
    assert metrics["figures"]["dev"]["n"] == 6 and len(metrics["history"]) == 2
    assert "epoch 2" in (trained / "train.log").read_text()


def test_the_saved_model_loads_and_reproduces_training_outputs(trained, tiny_base, splits):
    """The inference path (full model from the artefacts) matches what training measured on the cached states."""
    classifier = FraudClassifier.from_pretrained(trained, tiny_base, quantize=False)
    dev = splits[1]
    probs = classifier.predict_proba([e.text for e in dev], normalized=True)
    rows = [json.loads(line) for line in (trained / "outputs_dev.jsonl").read_text().splitlines()]
    assert [r["label"] for r in rows] == [e.label for e in dev]
    for row, p in zip(rows, probs.tolist(), strict=True):
        assert [row["scores"][k] for k in LABELS] == pytest.approx(p, abs=2e-3)  # fp16 weights
    preds = classifier.predict([e.text for e in dev])
    assert all(p.label in ("normal", "fraud", "illegal") for p in preds)


def test_training_learns_the_toy_task(trained):
    metrics = json.loads((trained / "metrics.json").read_text())
    assert metrics["history"][-1]["train_loss"] < metrics["history"][0]["train_loss"]


def test_same_seed_same_weights(tiny_base, splits, trained, tmp_path):
    train_on_splits(*splits, tmp_path, tiny_config(), labels=LABELS, base_dir=tiny_base)
    a, b = load_file(str(trained / WEIGHTS_FILE)), load_file(str(tmp_path / WEIGHTS_FILE))
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_classify_command_round_trip(trained, tiny_base, tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "妈，我今晚回家吃饭"}\n\n{"id": "b", "text": "账户异常请点击链接"}\n',
                      encoding="utf-8")
    target = tmp_path / "out.jsonl"
    code = fanzha(["classify", "--input", str(source), "--output", str(target), "--model-dir", str(trained),
                   "--base-dir", str(tiny_base)])
    assert code == 0
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [1, "b"]
    for r in rows:
        assert set(r) == {"id", "label", "category", "fraud_probability"}
        assert 0.0 <= r["fraud_probability"] <= 1.0
        assert (r["category"] is None) == (r["label"] == "normal")


def test_classify_reports_the_bad_line(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "好"}\n{"id": 2, "text": 这不是JSON}\n', encoding="utf-8")
    assert fanzha(["classify", "--input", str(source)]) == 1
    err = capsys.readouterr().err
    assert "line 2" in err and "Traceback" not in err
    source.write_text('{"id": 1, "text": 5}\n', encoding="utf-8")
    assert fanzha(["classify", "--input", str(source)]) == 1
    assert "line 1" in capsys.readouterr().err


def test_classify_without_a_model_says_so(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "好"}\n', encoding="utf-8")
    assert fanzha(["classify", "--input", str(source), "--model-dir", str(tmp_path / "none")]) == 1
    assert "no fine-tuned model" in capsys.readouterr().err
