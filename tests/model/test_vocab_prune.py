"""The pruned vocabulary (``data/model/kept_tokens.txt``) changes no prediction on text whose tokens are kept.

Real comparison: the shipped classifier loaded twice over the real rebuilt base, once with the full 250k-token
vocabulary and once pruned (``nlp.encoder.pruned_tokenizer`` + ``pruned_embeddings``), on real-looking messages.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from nlp import encoder
from nlp.classifier import FraudClassifier, kept_tokens_for
from nlp.paths import SHIPPED_MODEL_DIR

TEXTS = [
    "【工商银行】您的账户存在异常，请立即点击 http://icbc-vip.cc 验证身份",
    "您好，我是北京市公安局的民警，您名下的银行卡涉嫌洗钱，请把资金转到安全账户配合调查",
    "妈，我今晚回家吃饭，帮我留点汤😊",
    "這是繁體中文的訊息，請問你明天有空嗎？我們在台北車站見面。",
    "兼职刷单，日结300元，加微信 abc12345 领任务，垫付后立即返佣金！！！",
    "验证码 834201，5分钟内有效，切勿告诉他人。【京东】",
    "ＡＢＣ１２３全角字符和ｅｍａｉｌ＠ｅｘａｍｐｌｅ．ｃｏｍ",
    "Your parcel is held at customs, pay the fee at https://dhl-fee.top within 24 hours",
    "澳门新葡京上线啦，首充送彩金，日赚5000不是梦 ➡️ 点我",
    "[2024-05-01 10:23] 张三: 在吗\n[2024-05-01 10:24] 李四: 在的，什么事？\n张三: 借我2000块钱急用",
    "宝贝我在国外做投资，这个平台稳赚不赔，你先充一万试试 ♥ ^_^ (๑•̀ㅂ•́)و",
    "お疲れ様です 明天的会议改到下午三点",
    "好",
]
FOREIGN = ["Привет, переведи деньги на карту", "สวัสดีครับ โอนเงินด่วน", "안녕하세요 송금해 주세요"]


@pytest.fixture(scope="module")
def base():
    return encoder.ensure_base_encoder()


@pytest.fixture(scope="module")
def kept(base):
    found = kept_tokens_for(SHIPPED_MODEL_DIR, base)
    assert found is not None, "the shipped model has no kept-token list for this base"
    return found


@pytest.fixture(scope="module")
def full_tokenizer(base):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(base / "tokenizer.json"))
    tok.no_padding()
    return tok


@pytest.fixture(scope="module")
def pair(base):
    kwargs = {"base_dir": base, "dtype": "float32", "quantize": False, "num_threads": 1}
    return (FraudClassifier.from_pretrained(SHIPPED_MODEL_DIR, prune_vocab=False, **kwargs),
            FraudClassifier.from_pretrained(SHIPPED_MODEL_DIR, prune_vocab=True, **kwargs))


def test_pruned_model_holds_less_than_half_the_vocabulary(pair, kept):
    full, pruned = pair
    rows_full = full.model.bert.embeddings.word_embeddings.weight.shape[0]
    rows_pruned = pruned.model.bert.embeddings.word_embeddings.weight.shape[0]
    assert rows_pruned == len(kept.ids) < rows_full / 2


def test_every_sample_token_is_kept(full_tokenizer, kept):
    ids = {i for e in full_tokenizer.encode_batch([encoder.QUERY_PREFIX + t for t in TEXTS]) for i in e.ids}
    assert ids <= set(kept.ids.tolist())


def test_predictions_equal_with_and_without_pruning(pair):
    full, pruned = pair
    p_full, p_pruned = full.predict_proba(TEXTS), pruned.predict_proba(TEXTS)
    torch.testing.assert_close(p_pruned, p_full, atol=1e-6, rtol=0)
    assert [p.label for p in full.predict(TEXTS)] == [p.label for p in pruned.predict(TEXTS)]


def test_pruned_tokenizer_gives_the_remapped_ids(base, kept, full_tokenizer):
    pruned = encoder.pruned_tokenizer(base, kept)
    remap = kept.remap().numpy()
    texts = [encoder.QUERY_PREFIX + t for t in TEXTS]
    for a, b in zip(full_tokenizer.encode_batch(texts), pruned.encode_batch(texts), strict=True):
        assert remap[a.ids].tolist() == b.ids


def test_a_token_that_was_dropped_reads_as_unk(base, kept, full_tokenizer, pair):
    dropped = [i for e in full_tokenizer.encode_batch(FOREIGN) for i in e.ids if i not in set(kept.ids.tolist())]
    assert dropped, "the foreign-script sample should contain tokens outside the kept set"
    remap = kept.remap()
    assert set(remap[torch.tensor(dropped)].tolist()) == {kept.new_unk_id}
    assert remap[torch.from_numpy(kept.ids)].tolist() == list(range(len(kept.ids)))
    pruned_ids = {i for e in encoder.pruned_tokenizer(base, kept).encode_batch(FOREIGN) for i in e.ids}
    assert kept.new_unk_id in pruned_ids and max(pruned_ids) < len(kept.ids)
    probs = pair[1].predict_proba(FOREIGN)
    assert torch.isfinite(probs).all()
    np.testing.assert_allclose(probs.sum(dim=1).numpy(), 1.0, atol=1e-5)


def test_kept_list_round_trips_and_rejects_a_broken_file(tmp_path):
    path = encoder.write_kept_tokens(tmp_path / "kept.txt", [0, 1, 2, 3, 7, 8, 9, 11, 40], vocab_size=41,
                                     source_sha256="ab" * 32, note="why\nhow")
    kept = encoder.read_kept_tokens(path)
    assert kept.ids.tolist() == [0, 1, 2, 3, 7, 8, 9, 11, 40] and kept.vocab_size == 41 and kept.new_unk_id == 3
    assert kept.remap().tolist() == [0, 1, 2, 3, 3, 3, 3, 4, 5, 6, 3, 7] + [3] * 28 + [8]
    (tmp_path / "bad.txt").write_text("# vocab_size 41\n# source_sha256 x\n# kept 2\n7-8\n")
    with pytest.raises(encoder.EncoderFileError, match="special tokens"):
        encoder.read_kept_tokens(tmp_path / "bad.txt")
    (tmp_path / "short.txt").write_text("# vocab_size 41\n# source_sha256 x\n# kept 9\n0-3\n")
    with pytest.raises(encoder.EncoderFileError, match="does not fit"):
        encoder.read_kept_tokens(tmp_path / "short.txt")


def test_a_list_for_another_base_loads_the_full_vocabulary(tmp_path, base, kept, caplog):
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    encoder.write_kept_tokens(model_dir / encoder.KEPT_TOKENS_FILE, kept.ids, vocab_size=kept.vocab_size,
                              source_sha256="0" * 64)
    assert kept_tokens_for(model_dir, base) is None
    assert "another base encoder" in caplog.text


def test_pruned_rows_are_cut_once_and_a_broken_cache_is_cut_again(tiny_base, tmp_path):
    import shutil

    from safetensors import safe_open

    folder = shutil.copytree(tiny_base, tmp_path / "base")
    with safe_open(str(folder / "model.safetensors"), framework="pt") as fh:
        full = fh.get_tensor(encoder.WORD_EMBEDDINGS_KEY)
    kept = encoder.KeptTokens(np.array([0, 1, 2, 3, 5, 8, full.shape[0] - 1]), full.shape[0], "cd" * 32)
    rows = encoder.pruned_embeddings(folder, kept)
    torch.testing.assert_close(rows, full[torch.from_numpy(kept.ids)], atol=0, rtol=0)
    cached = folder / f"word_embeddings.{kept.digest}.safetensors"
    assert cached.is_file()
    cached.write_bytes(b"not a safetensors file")
    torch.testing.assert_close(encoder.pruned_embeddings(folder, kept), rows, atol=0, rtol=0)
    tokenizer = encoder.pruned_tokenizer(folder, kept)
    assert tokenizer.get_vocab_size() == len(kept.ids)
    assert (folder / f"tokenizer.{kept.digest}.json").is_file()
