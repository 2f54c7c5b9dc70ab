"""nlp.baseline: the TF-IDF + logistic-regression peer, trained on the fixture splits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nlp import data as D
from nlp import splits as S
from nlp.baseline import BaselineConfig, BaselineModel, train_baseline

FIXTURES = Path(__file__).parent / "fixtures" / "shared"


@pytest.fixture(scope="module")
def splits() -> S.Splits:
    return S.load_splits(FIXTURES)


@pytest.fixture(scope="module")
def model(splits) -> BaselineModel:
    return train_baseline(splits, BaselineConfig(max_iter=200))


def test_clear_cases_both_ways(model):
    preds = model.predict([
        "【工商银行】您的电子密码器已过期,请立即登录 icbc-jf.top 进行升级,逾期将冻结账户。",
        "您好,这里是市公安局,您的银行卡涉嫌洗钱,请将资金转入安全账户配合调查。",
        "晚上一起吃饭吗?我七点下班",
        "好的,明天见",
    ])
    assert [p.label for p in preds] == ["fraud", "fraud", "normal", "normal"]
    assert preds[0].category_key == "phishing"
    assert preds[1].category_key == "impersonate_police"
    assert preds[0].fraud_probability > 0.5 > preds[2].fraud_probability


def test_prediction_has_the_transformer_shape(model):
    (p,) = model.predict(["代开各类正规发票,可验证后付款,电话13812345678"])
    assert set(p.scores) == set(model.labels) and model.labels[0] == "normal"
    assert sum(p.scores.values()) == pytest.approx(1.0, abs=1e-6)
    assert p.fraud_probability == pytest.approx(1 - p.scores["normal"] - p.scores["illegal_service"], abs=1e-6)
    if p.label == "normal":
        assert p.category_key is None and p.category is None
    else:
        assert p.category == D.CATEGORY_ZH[p.category_key]
    assert p.label == "illegal" and p.category_key == "illegal_service"


def test_input_is_normalised_at_prediction_time(model):
    traditional, simplified = model.predict(["您的銀行卡涉嫌洗錢,請將資金轉入安全賬戶",
                                             "您的银行卡涉嫌洗钱,请将资金转入安全账户"])
    assert traditional.scores == pytest.approx(simplified.scores)


def test_save_and_load_round_trip(model, tmp_path):
    texts = ["尊敬的用户您的积分即将清零请登录 jf-10086.cc 兑换", "收到,谢谢"]
    model.save(tmp_path / "peer")
    loaded = BaselineModel.load(tmp_path / "peer")
    assert loaded.labels == model.labels
    assert np.allclose(loaded.predict_proba(texts), model.predict_proba(texts))
    assert loaded.meta["train_rows"] == model.meta["train_rows"]


def test_load_from_empty_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no TF-IDF baseline"):
        BaselineModel.load(tmp_path)


def test_bad_input(model):
    assert model.predict([]) == []
    with pytest.raises(TypeError):
        model.predict("一条消息")


def test_training_needs_normal_and_another_label():
    only_fraud = [D.Example("请转账到安全账户", "impersonate_police", "tf8", "g1"),
                  D.Example("点击链接领取积分", "phishing", "fbs", "g2")]
    with pytest.raises(ValueError, match="normal"):
        train_baseline(only_fraud)


def test_a_label_missing_from_training_is_left_out_not_invented():
    rows = [D.Example(f"今天天气不错{i}", "normal", "nus", f"n{i}") for i in range(6)]
    rows += [D.Example(f"请登录网址领取积分{i}", "phishing", "fbs", f"p{i}") for i in range(6)]
    model = train_baseline(rows, BaselineConfig(min_df=1))
    assert model.labels == ("normal", "phishing")
    (p,) = model.predict(["请登录网址领取积分"])
    assert p.label == "fraud" and p.category_key == "phishing"
