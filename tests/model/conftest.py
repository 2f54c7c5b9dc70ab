"""Fixtures for the model tests: a tiny randomly initialised encoder folder shaped like the rebuilt base."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.data import LABELS

TINY_TEXTS = (
    "妈，我今晚回家吃饭",
    "您好，我是公安局的，您涉嫌洗钱，请把资金转到安全账户",
    "【工商银行】您的账户存在异常，请立即点击链接验证身份",
    "明天一起去图书馆吗？好的收到谢谢",
    "刷单返利日结，加微信领取任务，垫付后返佣金",
    "澳门赌场上线，充值送彩金，代开发票办证",
    "abcdefghijklmnopqrstuvwxyz0123456789:./-_ ",
)


def _tiny_pieces() -> list[str]:
    chars = sorted({c for text in TINY_TEXTS for c in text if not c.isspace()})
    return ["<s>", "<pad>", "</s>", "<unk>", "▁", *chars, "<mask>"]


def build_tiny_base(folder: Path, *, layers: int = 3, seed: int = 0) -> Path:
    """Save a tiny ``BertModel`` (hidden 32) and a character-level Unigram tokenizer into ``folder``."""
    import torch
    from transformers import BertConfig, BertModel

    from nlp.encoder import unigram_tokenizer

    pieces = _tiny_pieces()
    tokenizer = unigram_tokenizer(pieces, [0.0] * 4 + [-1.0] * (len(pieces) - 5) + [0.0], bos_id=0, eos_id=2,
                                  pad_id=1, unk_id=3, mask_token="<mask>", model_max_length=64)
    config = BertConfig(vocab_size=len(pieces), hidden_size=32, num_hidden_layers=layers, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, type_vocab_size=2, pad_token_id=1)
    torch.manual_seed(seed)
    BertModel(config, add_pooling_layer=False).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_base(tmp_path_factory.mktemp("tiny-base"))


@pytest.fixture(scope="session")
def labels() -> tuple[str, ...]:
    return LABELS
