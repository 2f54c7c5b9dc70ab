"""The shipped TF-IDF peer (nlp.peer) and the transformer + peer ensemble (nlp.ensemble) on a tiny model."""

from __future__ import annotations

import io
import json
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from bot.cli import main as fanzha
from nlp.classifier import FraudClassifier, Prediction
from nlp.data import Example
from nlp.ensemble import (
    ENSEMBLE_FILE,
    EnsembleClassifier,
    combine,
    load_shipped_classifier,
    select_weight,
    write_ensemble_spec,
)
from nlp.peer import COEF_FILE, IDF_FILE, INTERCEPT_FILE, SPEC_FILE, Peer, PeerConfig, train_peer
from nlp.train import TrainConfig, train_on_splits

NORMAL = ["妈，我今晚回家吃饭", "明天一起去图书馆吗？", "好的收到谢谢", "今晚吃饭吗", "我到家了", "明天见"]
PHISHING = ["【工商银行】您的账户存在异常，请立即点击链接验证身份", "账户异常请点击链接", "工商银行验证身份"]
POLICE = ["您好，我是公安局的，您涉嫌洗钱，请把资金转到安全账户", "公安局：您涉嫌洗钱", "资金转到安全账户"]
ILLEGAL = ["澳门赌场上线，充值送彩金", "代开发票办证", "赌场充值送彩金"]
LABELS = ("normal", "impersonate_police", "phishing", "illegal_service")
PROBES = ["妈，我今晚回家吃饭", "公安局说我涉嫌洗钱，要把资金转到安全账户", "【工商银行】账户异常，点击链接",
          "代开发票", "明天一起吃饭吗", ""]
SMALL = PeerConfig(n_features=2**12, max_iter=200)


def examples(texts: list[str], label: str, copies: int, source: str = "tiny") -> list[Example]:
    return [Example(t + "。" * i, label, source, f"{label}-{j}-{i}")
            for i in range(copies) for j, t in enumerate(texts)]


@pytest.fixture(scope="module")
def splits():
    train = (examples(NORMAL, "normal", 4) + examples(PHISHING, "phishing", 4)
             + examples(POLICE, "impersonate_police", 4) + examples(ILLEGAL, "illegal_service", 4))
    dev = (examples(NORMAL, "normal", 1, "nus") + examples(PHISHING, "phishing", 1)
           + examples(POLICE, "impersonate_police", 1) + examples(ILLEGAL, "illegal_service", 1))
    return train, dev, dev


@pytest.fixture(scope="module")
def peer(splits) -> Peer:
    return train_peer(splits[0], SMALL, labels=LABELS)


@pytest.fixture(scope="module")
def model_dir(tiny_base, splits, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tiny-model")
    config = TrainConfig(num_layers=2, trainable_layers=1, max_length=32, epochs=2, samples_per_epoch=48,
                         batch_size=8, threads=1, quantize=False, cache_batch_size=16, lr_layers=1e-3, lr_head=1e-2)
    train_on_splits(*splits, out, config, labels=LABELS, base_dir=tiny_base)
    return out


@pytest.fixture(scope="module")
def transformer(model_dir, tiny_base) -> FraudClassifier:
    return FraudClassifier.from_pretrained(model_dir, tiny_base, quantize=False)


# ------------------------------------------------------------------------------------------------- peer
def test_peer_learns_the_tiny_task(peer):
    preds = peer.predict(PROBES[:4])
    assert [p.label for p in preds] == ["normal", "fraud", "fraud", "illegal"]
    assert [p.category_key for p in preds] == [None, "impersonate_police", "phishing", "illegal_service"]
    assert preds[2].category == "钓鱼链接"
    probs = peer.predict_proba(PROBES)
    assert probs.shape == (len(PROBES), len(LABELS)) and np.allclose(probs.sum(axis=1), 1.0)


def test_peer_save_load_round_trip_is_exact_and_needs_no_pickle(peer, tmp_path):
    folder = peer.save(tmp_path / "peer")
    assert {p.name for p in folder.iterdir()} == {SPEC_FILE, IDF_FILE, COEF_FILE, INTERCEPT_FILE}
    assert np.load(folder / COEF_FILE, allow_pickle=False).dtype == np.float16
    assert np.load(folder / IDF_FILE, allow_pickle=False).dtype == np.float32
    spec = json.loads((folder / SPEC_FILE).read_text())
    assert spec["vectorizer"]["n_features"] == 2**12 and spec["labels"] == list(LABELS)
    loaded = Peer.load(folder)
    assert np.array_equal(loaded.predict_proba(PROBES), peer.predict_proba(PROBES))
    assert loaded.predict(PROBES) == peer.predict(PROBES)


def test_peer_load_errors_are_clear(tmp_path, peer):
    from nlp.peer import PeerNotFoundError

    with pytest.raises(PeerNotFoundError, match="no TF-IDF peer"):
        Peer.load(tmp_path)
    folder = peer.save(tmp_path / "broken")
    (folder / COEF_FILE).write_bytes(b"not numpy")
    with pytest.raises(PeerNotFoundError, match="cannot read"):
        Peer.load(folder)


def test_peer_gives_labels_it_never_saw_zero_probability(peer):
    wider = ("normal", "impersonate_police", "romance", "phishing", "illegal_service")
    probs = peer.predict_proba(PROBES, labels=wider)
    assert np.all(probs[:, 2] == 0) and np.allclose(probs.sum(axis=1), 1.0)


# --------------------------------------------------------------------------------------------- ensemble
def test_combine_geometric_and_arithmetic():
    pt = np.array([[0.7, 0.2, 0.1]])
    pp = np.array([[0.1, 0.6, 0.3]])
    geo = np.sqrt(pt * pp) / np.sqrt(pt * pp).sum()
    assert combine(pt, pp, 0.5) == pytest.approx(geo)
    assert combine(pt, pp, 0.25, "arithmetic") == pytest.approx(0.25 * pt + 0.75 * pp)
    assert np.array_equal(combine(pt, pp, 1.0), pt) and np.array_equal(combine(pt, pp, 0.0), pp)
    with pytest.raises(ValueError):
        combine(pt, pp, 1.5)


def test_weight_one_is_the_transformer_and_zero_the_peer(transformer, peer):
    alone = transformer.predict(PROBES)
    assert EnsembleClassifier(transformer, peer, 1.0).predict(PROBES) == alone
    by_peer = EnsembleClassifier(transformer, peer, 0.0).predict(PROBES)
    for ens, p in zip(by_peer, peer.predict(PROBES), strict=True):
        assert (ens.label, ens.category_key, ens.category) == (p.label, p.category_key, p.category)
        assert ens.fraud_probability == pytest.approx(p.fraud_probability)
        assert ens.scores == pytest.approx(p.scores)


def test_ensemble_returns_the_transformers_prediction_dataclass(transformer, peer):
    ensemble = EnsembleClassifier(transformer, peer, 0.6)
    preds = ensemble.predict(PROBES)
    assert len(preds) == len(PROBES) and all(isinstance(p, Prediction) for p in preds)
    for p in preds:
        assert p.label in ("normal", "fraud", "illegal")
        assert set(p.scores) == set(LABELS) and sum(p.scores.values()) == pytest.approx(1.0, abs=1e-5)
        assert p.fraud_probability == pytest.approx(1 - p.scores["normal"] - p.scores["illegal_service"], abs=1e-6)
        assert (p.category is None) == (p.label == "normal")
    pt, pp = ensemble.component_proba(PROBES)
    assert ensemble.predict_proba(PROBES) == pytest.approx(combine(pt, pp, 0.6))
    ensemble.batch_size = 2  # passes through to the transformer's batching
    assert transformer.batch_size == 2 and ensemble.predict(PROBES) == preds
    transformer.batch_size = 32
    with pytest.raises(TypeError):
        ensemble.predict("one string")


def test_ensemble_predict_from_threads_matches_serial(transformer, peer):
    ensemble = EnsembleClassifier(transformer, peer, 0.7)
    expected = ensemble.predict(PROBES)
    results: list = [None] * 6

    def work(i: int) -> None:
        results[i] = ensemble.predict(PROBES)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(results))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results)


# ------------------------------------------------------------------------------------------- selection
def _dev_rows() -> list[Example]:
    return ([Example(f"n{i}", "normal", "nus", f"n{i}") for i in range(200)]
            + [Example(f"f{i}", "phishing", "fbs", f"f{i}") for i in range(20)])


def test_select_weight_keeps_the_transformer_core_on_a_tie():
    rows = _dev_rows()
    perfect = np.array([[0.95, 0.05] if e.label == "normal" else [0.05, 0.95] for e in rows])
    choice = select_weight(perfect, perfect.copy(), rows, ("normal", "phishing"))
    assert choice["weight"] == 1.0 and choice["transformer_core"]
    assert choice["dev"]["ensemble"]["fpr_normal"] == 0.0 and len(choice["grid"]) == 42


def test_select_weight_respects_the_false_positive_cap_and_says_when_the_peer_dominates():
    rows = _dev_rows()
    peer = np.array([[0.9, 0.1] if e.label == "normal" else [0.1, 0.9] for e in rows])
    # The transformer finds all fraud but flags 5% of normal texts with high confidence.
    transformer = np.array([([0.01, 0.99] if i % 20 == 0 else [0.9, 0.1]) if e.label == "normal" else [0.1, 0.9]
                            for i, e in enumerate(rows)])
    choice = select_weight(transformer, peer, rows, ("normal", "phishing"))
    assert choice["dev"]["ensemble"]["fpr_normal"] <= 0.005
    assert choice["dev"]["transformer"]["fpr_normal"] == pytest.approx(0.05)
    assert choice["transformer_core"] == (choice["weight"] >= 0.5)
    if not choice["transformer_core"]:
        assert "peer should dominate" in choice["core_note"]


def test_a_one_row_advantage_is_not_clear_enough_to_demote_the_transformer():
    labels = ("normal", "impersonate_police", "phishing")
    rows = ([Example(f"n{i}", "normal", "nus", f"n{i}") for i in range(200)]
            + [Example(f"p{i}", "impersonate_police", "tf8", f"p{i}") for i in range(20)]
            + [Example(f"f{i}", "phishing", "fbs", f"f{i}") for i in range(20)])
    onehot = {"normal": [0.9, 0.05, 0.05], "impersonate_police": [0.05, 0.9, 0.05], "phishing": [0.05, 0.05, 0.9]}
    peer = np.array([onehot[e.label] for e in rows])
    transformer = peer.copy()
    transformer[200] = [0.01, 0.01, 0.98]  # one police script the transformer calls phishing, confidently
    choice = select_weight(transformer, peer, rows, labels)
    best_low = max((r for r in choice["grid"] if r["method"] == choice["method"] and r["weight"] < 0.5),
                   key=lambda r: r["macro_f1"])
    assert best_low["macro_f1"] > choice["dev"]["ensemble"]["macro_f1"]  # a lower weight does score higher …
    assert choice["weight"] >= 0.5 and choice["transformer_core"]  # … but by one row only
    assert choice["bootstrap_win_rate"] < 0.95 and "not a clear difference" in choice["core_note"]


# --------------------------------------------------------------------------------------------- loading
@pytest.fixture()
def shipped(model_dir, peer, tmp_path) -> Path:
    folder = tmp_path / "model"
    shutil.copytree(model_dir, folder)
    return folder


def test_load_shipped_classifier_picks_the_ensemble_when_the_peer_is_there(shipped, peer, tiny_base):
    kwargs = {"base_dir": tiny_base, "quantize": False}
    assert isinstance(load_shipped_classifier(shipped, **kwargs), FraudClassifier)  # no peer/
    peer.save(shipped / "peer")
    assert isinstance(load_shipped_classifier(shipped, **kwargs), FraudClassifier)  # weight not chosen yet
    write_ensemble_spec(shipped / "peer", {"method": "geometric", "weight": 0.65})
    classifier = load_shipped_classifier(shipped, **kwargs)
    assert isinstance(classifier, EnsembleClassifier)
    assert classifier.weight == 0.65 and classifier.method == "geometric"
    assert classifier.predict(PROBES) == EnsembleClassifier(
        FraudClassifier.from_pretrained(shipped, tiny_base, quantize=False), peer, 0.65).predict(PROBES)


def test_a_broken_ensemble_file_is_a_clear_model_error(shipped, peer, tiny_base):
    from nlp.classifier import ModelNotFoundError

    peer.save(shipped / "peer")
    (shipped / "peer" / ENSEMBLE_FILE).write_text("{not json")
    with pytest.raises(ModelNotFoundError, match=r"ensemble\.json"):
        load_shipped_classifier(shipped, tiny_base, quantize=False)


def test_classify_cli_uses_the_ensemble(shipped, peer, tiny_base, monkeypatch, capsys):
    peer.save(shipped / "peer")
    write_ensemble_spec(shipped / "peer", {"method": "geometric", "weight": 0.5})
    lines = "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(PROBES))
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    assert fanzha(["classify", "--model-dir", str(shipped), "--base-dir", str(tiny_base)]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = load_shipped_classifier(shipped, tiny_base, quantize=False).predict(PROBES)
    assert [o["id"] for o in out] == list(range(len(PROBES)))
    assert [o["label"] for o in out] == [p.label for p in expected]
    assert [o["fraud_probability"] for o in out] == pytest.approx([p.fraud_probability for p in expected], abs=1e-5)


def test_train_peer_cli_rejects_bad_input(tmp_path, capsys):
    assert fanzha(["train-peer", "--data-dir", str(tmp_path / "nope"), "--out", str(tmp_path)]) == 1
    assert "data folder not found" in capsys.readouterr().err
    assert fanzha(["train-peer", "--data-dir", str(tmp_path), "--leave-out", "nope"]) == 1
    assert "unknown source" in capsys.readouterr().err


# ------------------------------------------------------------------------------------- fanzha evaluate
def test_evaluate_cli_reports_three_columns_and_writes_the_dev_weight(tiny_base, tmp_path):
    """``fanzha evaluate --select-weight``: weight chosen on dev, written next to the peer, three columns."""
    from nlp.data import LABELS as ALL_LABELS
    from nlp.splits import load_splits

    fixtures = Path(__file__).parent / "fixtures" / "shared"
    splits = load_splits(fixtures)
    model = tmp_path / "model"
    config = TrainConfig(num_layers=2, trainable_layers=1, max_length=32, epochs=1, samples_per_epoch=32,
                         batch_size=8, threads=1, quantize=False, cache_batch_size=16)
    train_on_splits(splits.train[::20], splits.dev[:40], splits.dev[:8], model, config, labels=ALL_LABELS,
                    base_dir=tiny_base)
    out = tmp_path / "eval"
    assert fanzha(["evaluate", "--data-dir", str(fixtures), "--model-dir", str(model), "--base-dir", str(tiny_base),
                   "--out", str(out), "--select-weight"]) == 0
    result = json.loads((out / "eval_seed13.json").read_text())
    assert list(result["models"]) == ["transformer", "ensemble", "tfidf"]
    ens = json.loads((model / "peer" / ENSEMBLE_FILE).read_text())
    assert ens["split_fingerprint"] == splits.fingerprint() and ens["dev_rows"] == len(splits.dev)
    assert result["ensemble"]["weight"] == ens["weight"] and 0.0 <= ens["weight"] <= 1.0
    assert ens["transformer_core"] == (ens["weight"] >= 0.5) or ens["core_note"]
    report = (out / "eval_seed13.md").read_text()
    assert "| metric | transformer | ensemble | tfidf |" in report and "## Ensemble weight" in report
    assert "fraud recall (real test rows):" in report
    # The saved peer and weight are picked up by the shipped loader.
    assert isinstance(load_shipped_classifier(model, tiny_base, quantize=False), EnsembleClassifier)


# ------------------------------------------------------------------------------------------ shipped model
@pytest.mark.slow
def test_shipped_classifier_is_the_ensemble_and_gets_clear_cases_right():
    """data/model + data/model/peer as committed: the bot's classifier, on clear cases both ways."""
    from nlp.classifier import default_model_dir
    from nlp.ensemble import read_ensemble_spec

    spec = read_ensemble_spec(default_model_dir() / "peer")
    classifier = load_shipped_classifier()
    assert isinstance(classifier, EnsembleClassifier) and classifier.weight == spec["weight"]
    police, bank, home, pickup = classifier.predict([
        "您好，我是市公安局的民警，您的身份证涉嫌洗钱案件，请立即把资金转到安全账户配合调查",
        "【工商银行】您的账户存在异常，请立即点击 http://icbc-vip.cc 验证身份",
        "妈，我今晚回家吃饭",
        "你的快递到了，放在楼下菜鸟驿站，取件码 3-2-1187",
    ])
    assert police.label == "fraud" and police.fraud_probability > 0.5, police
    assert bank.label == "fraud" and bank.fraud_probability > 0.5, bank
    assert home.label == "normal" and home.category is None and home.fraud_probability < 0.5, home
    assert pickup.label == "normal" and pickup.fraud_probability < 0.5, pickup
