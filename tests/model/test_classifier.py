"""FraudClassifier on a tiny random encoder: batching, padding, truncation, threads, the Prediction contract."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pytest
import torch

from nlp.classifier import (
    BatchEncoder,
    FraudClassifier,
    ModelNotFoundError,
    Prediction,
    build_model,
    inference_dtype,
    length_batches,
    read_model_spec,
)

NAMES = {"phishing": "钓鱼链接", "impersonate_police": "冒充公检法", "illegal_service": "违法服务"}
TEXTS = ["妈，我今晚回家吃饭", "您好，我是公安局的，您涉嫌洗钱，请把资金转到安全账户", "好的",
         "【工商银行】您的账户存在异常，请立即点击链接验证身份", "明天一起去图书馆吗？", "刷单返利日结"]


def make_classifier(tiny_base: Path, labels, **kwargs) -> FraudClassifier:
    torch.manual_seed(1)
    model, tokenizer = build_model(tiny_base, {"num_layers": 2, "labels": list(labels)})
    torch.nn.init.normal_(model.classifier.weight, std=1.0)  # a random head, so classes differ per text
    return FraudClassifier(model, tokenizer, labels, category_names=NAMES, **kwargs)


def force_class(classifier: FraudClassifier, label: str) -> None:
    """Make one class win for every input (a huge bias), to check how labels map to the contract."""
    with torch.no_grad():
        classifier.model.classifier.bias.zero_()
        classifier.model.classifier.bias[classifier.labels.index(label)] = 50.0


def test_padding_and_batch_size_do_not_change_results(tiny_base, labels):
    one = make_classifier(tiny_base, labels, batch_size=1).predict_proba(TEXTS)
    many = make_classifier(tiny_base, labels, batch_size=4).predict_proba(TEXTS)
    assert torch.allclose(one, many, atol=1e-5)
    assert torch.allclose(one.sum(1), torch.ones(len(TEXTS)), atol=1e-5)
    # Not all the same: the outputs really depend on the text.
    assert not torch.allclose(one[0], one[1], atol=1e-4)


def test_length_batches_group_similar_lengths_and_cover_every_item_once():
    lengths = [120, 20, 22, 21, 118, 60, 19, 64, 23, 125]
    batches = length_batches(lengths, batch_size=3)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert all(len(b) <= 3 for b in batches)
    for batch in batches:  # padding (longest − own length) stays within a quarter of the batch's tokens
        width = max(lengths[i] for i in batch)
        assert sum(width - lengths[i] for i in batch) <= 0.25 * width * len(batch)
    # The short SMS go together, never padded to a long chat log.
    assert {1, 3, 6} in [set(b) for b in batches]
    assert length_batches([], batch_size=4) == []
    assert length_batches([5, 500], batch_size=4) == [[0], [1]]


def test_results_come_back_in_input_order(tiny_base, labels):
    classifier = make_classifier(tiny_base, labels, batch_size=2)
    together = classifier.predict(TEXTS)
    alone = [classifier.predict([t])[0] for t in TEXTS]
    for a, b in zip(together, alone, strict=True):
        assert a.label == b.label
        assert a.fraud_probability == pytest.approx(b.fraud_probability, abs=1e-5)


def test_truncation_keeps_the_head_and_caps_tokens(tiny_base, labels):
    classifier = make_classifier(tiny_base, labels, max_length=16)
    head = "您好，我是公安局的，您涉嫌洗钱"
    long_a, long_b = head + "好的" * 200, head + "刷单" * 300
    _, tokenizer = build_model(tiny_base, {"num_layers": 1, "labels": list(labels)})
    ids, mask = BatchEncoder(tokenizer, 16, "query: ")([long_a, "好"])
    assert ids.shape[1] == 16 and int(mask[0].sum()) == 16 and int(mask[1].sum()) < 16
    assert ids[0, -1].item() == 2  # </s> kept after truncation
    a, b = classifier.predict_proba([long_a, long_b])
    assert torch.allclose(a, b, atol=1e-6)  # they differ only beyond the cut


def test_predict_from_two_threads_matches_sequential(tiny_base, labels):
    classifier = make_classifier(tiny_base, labels, batch_size=3)
    inputs = [TEXTS * 5, list(reversed(TEXTS)) * 5]
    expected = [classifier.predict_proba(batch) for batch in inputs]
    results: dict[int, torch.Tensor] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for _ in range(5):
                results[i] = classifier.predict_proba(inputs[i])
                assert torch.allclose(results[i], expected[i], atol=1e-5)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for i in range(2):
        assert torch.allclose(results[i], expected[i], atol=1e-5)


def test_prediction_for_a_fraud_class(tiny_base, labels):
    classifier = make_classifier(tiny_base, labels)
    force_class(classifier, "phishing")
    (pred,) = classifier.predict(["【工商银行】您的账户存在异常"])
    assert pred.label == "fraud"
    assert pred.category_key == "phishing" and pred.category == "钓鱼链接"
    assert pred.fraud_probability > 0.99
    assert set(pred.scores) == set(labels)
    with pytest.raises(dataclasses.FrozenInstanceError):
        pred.label = "normal"  # type: ignore[misc]
    assert "fraud_probability=" in repr(pred) and "phishing" in repr(pred)


def test_prediction_for_normal_and_illegal(tiny_base, labels):
    classifier = make_classifier(tiny_base, labels)
    force_class(classifier, "normal")
    (normal,) = classifier.predict(["妈，我今晚回家吃饭"])
    assert (normal.label, normal.category_key, normal.category) == ("normal", None, None)
    assert normal.fraud_probability < 0.01
    force_class(classifier, "illegal_service")
    (illegal,) = classifier.predict(["澳门赌场上线"])
    assert illegal.label == "illegal" and illegal.category == "违法服务"
    assert illegal.fraud_probability < 0.01  # illegal spam is not counted as fraud


def test_fraud_probability_is_one_minus_normal_and_illegal(tiny_base, labels):
    classifier = make_classifier(tiny_base, labels)
    for pred in classifier.predict(TEXTS):
        s = pred.scores
        assert pred.fraud_probability == pytest.approx(1 - s["normal"] - s["illegal_service"], abs=1e-6)
        fraud_mass = sum(v for k, v in s.items() if k not in ("normal", "illegal_service"))
        assert pred.fraud_probability == pytest.approx(fraud_mass, abs=1e-5)
        groups = {"normal": s["normal"], "illegal": s["illegal_service"], "fraud": fraud_mass}
        assert pred.label == max(groups, key=groups.__getitem__)


def test_inputs_are_normalised_like_training(tiny_base, labels):
    """Traditional script and full-width forms give the same result as their Simplified/ASCII forms."""
    classifier = make_classifier(tiny_base, labels)
    trad, simp = classifier.predict_proba(["您好，我是公安局的，您涉嫌洗錢", "您好，我是公安局的，您涉嫌洗钱"])
    assert torch.allclose(trad, simp, atol=1e-6)


def test_bad_calls_fail_clearly(tiny_base, labels, tmp_path):
    classifier = make_classifier(tiny_base, labels)
    assert classifier.predict([]) == []
    with pytest.raises(TypeError):
        classifier.predict("一条消息")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="normal"):
        make_classifier(tiny_base, ("fraud", "normal"))
    with pytest.raises(ModelNotFoundError, match="no fine-tuned model"):
        read_model_spec(tmp_path)
    with pytest.raises(ModelNotFoundError):
        FraudClassifier.from_pretrained(tmp_path, tiny_base)


def test_int8_only_where_training_quantised(tiny_base, labels):
    """quantize_linear(stop=k) quantises the frozen layers below k and leaves the fine-tuned ones fp32."""
    from nlp.classifier import quantize_linear

    model, _ = build_model(tiny_base, {"num_layers": 2, "labels": list(labels)})
    quantize_linear(model, stop=1)
    assert type(model.bert.encoder.layer[1].attention.self.query) is torch.nn.Linear
    assert type(model.bert.encoder.layer[0].attention.self.query) is not torch.nn.Linear


def test_prediction_is_a_small_dataclass():
    fields = [f.name for f in dataclasses.fields(Prediction)]
    assert fields == ["label", "category_key", "category", "fraud_probability", "scores"]


def test_dtype_choice(monkeypatch):
    """``auto`` takes bfloat16 only where the CPU multiplies it natively; a wrong name is refused by name."""
    import nlp.classifier as classifier_module

    assert inference_dtype("float32") is torch.float32
    assert inference_dtype("bfloat16") is torch.bfloat16
    monkeypatch.setattr(classifier_module, "native_bf16", lambda: False)
    assert inference_dtype("auto") is torch.float32
    monkeypatch.setattr(classifier_module, "native_bf16", lambda: True)
    assert inference_dtype("auto") is torch.bfloat16
    with pytest.raises(ValueError, match="float16"):
        inference_dtype("float16")


@pytest.mark.slow
def test_shipped_model_same_verdicts_in_bfloat16():
    """The bfloat16 encoder (the default on CPUs with native bfloat16) gives the float32 model's answers:
    the same class and fraud probabilities within 0.03, with the pooling and head kept in float32."""
    fp32 = FraudClassifier.from_pretrained(dtype="float32")
    bf16 = FraudClassifier.from_pretrained(dtype="bfloat16")
    assert bf16.model.bert.encoder.layer[0].output.dense.weight.dtype is torch.bfloat16
    assert bf16.model.classifier.weight.dtype is torch.float32
    texts = [*TEXTS, "【中国移动】您的话费积分即将清零，请登录 http://10086-jf.top 兑换现金礼包",
             "亲，您在我店购买的商品有质量问题，我们将为您办理退款，请加客服QQ 123456",
             "你好，我是你领导，明天上午来我办公室一趟，先帮我转两万给一个朋友", "周末一起吃火锅吗"]
    for a, b in zip(fp32.predict(texts), bf16.predict(texts), strict=True):
        assert a.label == b.label and a.category_key == b.category_key, (a, b)
        assert abs(a.fraud_probability - b.fraud_probability) < 0.03, (a, b)


@pytest.mark.slow
def test_shipped_model_on_clear_cases():
    """The committed data/model over the rebuilt base: clear cases both ways."""
    classifier = FraudClassifier.from_pretrained()
    fraud_bank, normal, fraud_police = classifier.predict([
        "【工商银行】您的账户存在异常，请立即点击 http://icbc-vip.cc 验证身份",
        "妈，我今晚回家吃饭",
        "您好，我是公安局的，您涉嫌洗钱，请把资金转到安全账户",
    ])
    assert fraud_bank.label == "fraud" and fraud_bank.fraud_probability > 0.5, fraud_bank
    assert fraud_police.label == "fraud" and fraud_police.category_key == "impersonate_police", fraud_police
    assert fraud_police.category == "冒充公检法"
    assert normal.label == "normal" and normal.fraud_probability < 0.5 and normal.category is None, normal
