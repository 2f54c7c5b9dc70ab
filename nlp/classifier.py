"""Inference: ``FraudClassifier`` turns texts into small ``Prediction`` dataclasses.

The classifier takes an already-built model and tokenizer (so tests can hand it a tiny random model) and
``FraudClassifier.from_pretrained`` assembles the shipped one: the rebuilt base encoder from the cache (its
first ``num_layers`` layers) with the fine-tuned top layers and head from ``data/model/`` laid over it. The
encoder runs in bfloat16 on CPUs that multiply it natively (``inference_dtype``), else in float32.

``predict`` is safe from worker threads: it uses a private clone of the fast tokenizer whose truncation and
padding are fixed once at construction (a ``transformers`` tokenizer call would reconfigure the shared Rust
tokenizer on every call), runs under ``torch.inference_mode`` and mutates nothing.

``Prediction`` is defined in ``nlp.prediction`` (imported here under this name too), so that a process that
only receives predictions, such as the bot from its model process, never imports torch.
"""

from __future__ import annotations

import json
import logging
import os
import re
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import torch
from torch import nn

from nlp.encoder import (
    KEPT_TOKENS_FILE,
    WORD_EMBEDDINGS_KEY,
    EncoderFileError,
    KeptTokens,
    pruned_embeddings,
    pruned_tokenizer,
    read_kept_tokens,
)
from nlp.labels import ILLEGAL, NORMAL
from nlp.paths import default_model_dir
from nlp.prediction import Prediction

log = logging.getLogger(__name__)

MODEL_FILE = "fanzha_model.json"
WEIGHTS_FILE = "head.safetensors"
FORMAT_VERSION = 1


class ModelNotFoundError(FileNotFoundError):
    """The fine-tuned artefacts are missing or unreadable."""


def _default_threads() -> int:
    """``FANZHA_MODEL_THREADS`` or 1.

    Measured on the 2-core machine while other jobs ran (load ≈ 7): 2 torch threads gave p50 98 ms per single
    message and 36 msg/s batched (OpenMP threads waiting on each other on oversubscribed cores), 1 thread
    22 ms and 144 msg/s. A bot shares its cores with the database and the Telegram stack, so 1 is the default.
    """
    env = os.environ.get("FANZHA_MODEL_THREADS", "").strip()
    return max(1, int(env)) if env.isdigit() else 1


DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16}


def native_bf16() -> bool:
    """Whether this CPU has bfloat16 dot-product instructions (AVX512-BF16 or AMX-BF16, per /proc/cpuinfo).

    Without them oneDNN emulates bfloat16 and a forward pass is slower than in float32.
    """
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return re.search(r"\b(avx512_bf16|amx_bf16)\b", cpuinfo) is not None


def inference_dtype(name: str = "auto") -> torch.dtype:
    """``auto``: bfloat16 where the CPU has native bfloat16 (``native_bf16``), else float32.

    Why bfloat16: the forward pass is 83% matrix products. On the 2-core AVX-512-BF16 machine it ran 1.8×
    (single messages) to 2.0× (batches of 8) faster than float32, with class probabilities within 0.016 of
    float32 and the same top class on 300 bot-benchmark messages; the evaluation report of each is in
    bench/results/eval/. Training and its dev figures stay in float32.
    """
    if name == "auto":
        return torch.bfloat16 if native_bf16() else torch.float32
    try:
        return DTYPES[name]
    except KeyError:
        raise ValueError(f"model dtype must be auto, float32 or bfloat16, not {name!r}") from None


class MeanPoolClassifier(nn.Module):
    """A BERT encoder, E5's attention-masked mean pooling, dropout and a linear head.

    ``forward_layers`` runs any slice of the encoder layers on given hidden states, so training can cache
    the frozen lower layers' output once and run only the top layers (the same code path as inference).
    """

    def __init__(self, bert: nn.Module, num_labels: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.bert = bert
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(bert.config.hidden_size, num_labels)

    @property
    def num_layers(self) -> int:
        return len(self.bert.encoder.layer)

    def extended_mask(self, attention_mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        """[B, L] 0/1 mask → additive [B, 1, 1, L] mask."""
        return (1.0 - attention_mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min

    def embed(self, input_ids: torch.Tensor) -> torch.Tensor:
        return self.bert.embeddings(input_ids=input_ids)

    def forward_layers(self, hidden: torch.Tensor, attention_mask: torch.Tensor,
                       start: int, stop: int | None = None) -> torch.Tensor:
        ext = self.extended_mask(attention_mask, hidden.dtype)
        for layer in self.bert.encoder.layer[start:stop]:
            hidden = layer(hidden, attention_mask=ext)[0]
        return hidden

    def head(self, hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = hidden.float()  # pooling and the head in float32 whatever the encoder's dtype
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.classifier(self.dropout(pooled))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.forward_layers(self.embed(input_ids), attention_mask, 0)
        return self.head(hidden, attention_mask)


class BatchEncoder:
    """Thread-safe tokenisation with fixed truncation and dynamic (longest-in-batch) padding.

    Takes a ``transformers`` fast tokenizer (its Rust tokenizer is cloned, since the wrapper reconfigures it
    on every call) or a ``tokenizers.Tokenizer`` of its own (configured in place: no second copy of a 250k
    vocabulary, which costs about 300 MB).
    """

    def __init__(self, tokenizer, max_length: int, prefix: str = "", pad_token: str = "<pad>") -> None:
        from tokenizers import Tokenizer

        if isinstance(tokenizer, Tokenizer):
            self._tok = tokenizer
            pad_id = tokenizer.token_to_id(pad_token)
        else:
            self._tok = Tokenizer.from_str(tokenizer.backend_tokenizer.to_str())
            pad_id, pad_token = tokenizer.pad_token_id, tokenizer.pad_token
        if pad_id is None or pad_token is None:
            raise ValueError("the tokenizer needs a pad token")
        self._tok.no_padding()  # padding is ``pad``'s job, so callers can group texts by length first
        self._tok.enable_truncation(max_length=max_length)
        self.max_length = max_length
        self.prefix = prefix
        self.pad_id = pad_id

    def __call__(self, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        return self.pad(self.token_ids(texts))

    def lengths(self, texts: Sequence[str]) -> list[int]:
        """Token counts after truncation (incl. specials), without padding."""
        return [len(ids) for ids in self.token_ids(texts)]

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids per text after truncation (incl. specials), without padding.

        One text at a time, not ``encode_batch``: that hands the texts to a pool of Rust threads, which
        saves nothing here (about 0.15 ms of CPU per text either way, against ≈ 9 ms for the forward pass)
        but makes every batch wait for those threads to be scheduled on cores the bot is using.
        """
        return [self._tok.encode(self.prefix + t).ids for t in texts]

    def pad(self, rows: Sequence[Sequence[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        """(ids, attention mask) for unpadded id lists, padded to the longest."""
        width = max(len(r) for r in rows)
        ids = torch.full((len(rows), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, row in enumerate(rows):
            ids[i, : len(row)] = torch.tensor(row, dtype=torch.long)
            mask[i, : len(row)] = 1
        return ids, mask


def length_batches(lengths: Sequence[int], batch_size: int, max_padding: float = 0.25) -> list[list[int]]:
    """Indices grouped into batches of similar length, shortest first.

    A batch costs about (its size × its longest length) tokens of compute; mixing a 20-token SMS with a
    128-token pasted chat pads the SMS six-fold. Items are sorted by length and a batch is closed when it is
    full or when adding the next item would make padding more than ``max_padding`` of the batch's tokens.
    On the bot benchmark's real message mix: 1.4× (batches of 8 as they arrive) to 2.2× (of 24) faster.
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    batch: list[int] = []
    real = 0
    for i in order:
        size = lengths[i]
        if batch and (len(batch) == batch_size or (len(batch) + 1) * size * (1 - max_padding) > real + size):
            batches.append(batch)
            batch, real = [], 0
        batch.append(i)
        real += size
    if batch:
        batches.append(batch)
    return batches


def _default_normalizer() -> Callable[[str], str]:
    from nlp.data import normalize_for_model

    return normalize_for_model


class FraudClassifier:
    """Classify texts as normal / fraud (with its type) / illegal service."""

    def __init__(
        self,
        model: nn.Module,
        tokenizer,
        labels: Sequence[str],
        *,
        category_names: dict[str, str] | None = None,
        max_length: int = 128,
        batch_size: int = 32,
        prefix: str = "query: ",
        normalize: Callable[[str], str] | None = None,
    ) -> None:
        labels = tuple(labels)
        if not labels or labels[0] != NORMAL:
            raise ValueError(f"labels must start with {NORMAL!r}, got {labels!r}")
        if batch_size < 1 or max_length < 4:
            raise ValueError("batch_size must be ≥ 1 and max_length ≥ 4")
        self.model = model.eval()
        self.labels = labels
        self.category_names = dict(category_names or {})
        self.batch_size = batch_size
        self.max_length = max_length
        self._encode = BatchEncoder(tokenizer, max_length, prefix)
        self._normalize = normalize if normalize is not None else _default_normalizer()
        self._normal_index = 0
        self._illegal_index = labels.index(ILLEGAL) if ILLEGAL in labels else None

    @classmethod
    def from_pretrained(
        cls,
        model_dir: Path | str | None = None,
        base_dir: Path | str | None = None,
        device: str = "cpu",
        *,
        quantize: bool | None = None,
        batch_size: int = 32,
        num_threads: int | None = None,
        dtype: str = "auto",
        prune_vocab: bool | None = None,
    ) -> FraudClassifier:
        """Load the fine-tuned artefacts over the rebuilt base (rebuilt into the cache if missing).

        ``dtype`` is the encoder's (``inference_dtype``); a quantised model stays float32. ``prune_vocab``
        (default: when ``<model_dir>/kept_tokens.txt`` exists) keeps only the listed tokens of the 250k-token
        vocabulary, in the embedding matrix and in the tokenizer; see ``kept_tokens_for``.
        """
        model_dir = Path(model_dir) if model_dir is not None else default_model_dir()
        spec = read_model_spec(model_dir)
        if base_dir is None:
            from nlp.encoder import ensure_base_encoder

            base_dir = ensure_base_encoder()
        torch.set_num_threads(num_threads or _default_threads())
        kept = kept_tokens_for(model_dir, Path(base_dir)) if prune_vocab is not False else None
        if prune_vocab and kept is None:
            raise ModelNotFoundError(f"no usable {KEPT_TOKENS_FILE} in {model_dir} to prune the vocabulary with")
        model, tokenizer = build_model(Path(base_dir), spec, weights=model_dir / WEIGHTS_FILE, kept=kept)
        if quantize if quantize is not None else spec.get("quantize") == "dynamic-int8":
            trainable = spec.get("trainable_layers") or []
            model = quantize_linear(model, stop=min(trainable) if trainable else None)
        else:
            model.bert.to(inference_dtype(dtype))
        model.to(device)
        return cls(model, tokenizer, spec["labels"], category_names=spec.get("category_names"),
                   max_length=int(spec["max_length"]), batch_size=batch_size,
                   prefix=spec.get("prefix", "query: "))

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Predictions in input order; batched by length (``length_batches``) so padding stays small."""
        if isinstance(texts, str):
            raise TypeError("predict takes a list of texts, not a single string")
        cleaned = [self._normalize(t) for t in texts]
        probs = self.predict_proba(cleaned, normalized=True)
        return [self._prediction(row) for row in probs.tolist()]

    def predict_proba(self, texts: Sequence[str], *, normalized: bool = False) -> torch.Tensor:
        """[N, len(labels)] class probabilities (rows in input order)."""
        cleaned = list(texts) if normalized else [self._normalize(t) for t in texts]
        out = torch.empty((len(cleaned), len(self.labels)), dtype=torch.float32)
        if not cleaned:
            return out
        token_ids = self._encode.token_ids(cleaned)
        device = next(self.model.parameters(), torch.empty(0)).device
        with torch.inference_mode():
            for idx in length_batches([len(ids) for ids in token_ids], self.batch_size):
                ids, mask = self._encode.pad([token_ids[i] for i in idx])
                logits = self.model(ids.to(device), mask.to(device))
                logits = getattr(logits, "logits", logits)
                out[torch.tensor(idx)] = torch.softmax(logits.float(), dim=-1).cpu()
        return out

    def _prediction(self, row: list[float]) -> Prediction:
        from nlp.data import decide

        scores = {label: float(p) for label, p in zip(self.labels, row, strict=True)}
        label, key, fraud_probability = decide(self.labels, row)
        name = self.category_names.get(key, key) if key is not None else None
        return Prediction(label=label, category_key=key, category=name,
                          fraud_probability=fraud_probability, scores=scores)


def read_model_spec(model_dir: Path) -> dict:
    """The artefacts' JSON description; a clear error if the folder is not a fanzha model."""
    path = model_dir / MODEL_FILE
    if not path.is_file() or not (model_dir / WEIGHTS_FILE).is_file():
        raise ModelNotFoundError(
            f"no fine-tuned model in {model_dir} (expected {MODEL_FILE} and {WEIGHTS_FILE}); "
            "set FANZHA_MODEL_DIR or run `fanzha train`")
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelNotFoundError(f"cannot read {path}: {exc}") from exc
    if spec.get("format_version") != FORMAT_VERSION:
        raise ModelNotFoundError(f"{path} has format {spec.get('format_version')!r}, expected {FORMAT_VERSION}")
    return spec


def kept_tokens_for(model_dir: Path, base_dir: Path) -> KeptTokens | None:
    """The model's kept-token list, if it has one that belongs to this base; else None (and why, logged).

    Pruning is exact for every text whose tokens are all kept: those rows are the same numbers, only moved.
    The list keeps every piece of Chinese, English, punctuation and emoji characters plus every token of
    the training data (``fanzha model vocab``); any other token reads as ``<unk>``.
    """
    path = model_dir / KEPT_TOKENS_FILE
    if not path.is_file():
        return None
    try:
        kept = read_kept_tokens(path)
    except EncoderFileError as exc:
        log.warning("%s; loading the full vocabulary", exc)
        return None
    stamp = base_dir / "fanzha-rebuild.json"
    found = json.loads(stamp.read_text()).get("source_sha256") if stamp.is_file() else None
    if found != kept.source_sha256:
        log.warning("%s was made for another base encoder (%s, not %s); loading the full vocabulary",
                    path, kept.source_sha256[:12], str(found)[:12])
        return None
    return kept


def build_model(base_dir: Path, spec: dict, weights: Path | None = None, kept: KeptTokens | None = None):
    """(MeanPoolClassifier, tokenizer): the first ``spec['num_layers']`` base layers (+ fine-tuned weights).

    The tokenizer is the base's ``tokenizer.json`` as a plain ``tokenizers.Tokenizer`` (what ``BatchEncoder``
    needs; the ``transformers`` wrapper would hold a second 300 MB copy). With ``kept`` the word-embedding
    matrix holds only those rows and the tokenizer only those pieces, numbered like the rows
    (``nlp.encoder.pruned_tokenizer``: token ids go through ``KeptTokens.remap`` once, when it is built).
    """
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from transformers import BertConfig, BertModel

    config = BertConfig.from_pretrained(base_dir)
    config.num_hidden_layers = int(spec["num_layers"])
    if kept is not None:
        config.vocab_size = len(kept.ids)
    with torch.device("meta"):
        model = MeanPoolClassifier(BertModel(config, add_pooling_layer=False), len(spec["labels"]))
    state: dict[str, torch.Tensor] = {}
    with safe_open(str(base_dir / "model.safetensors"), framework="pt") as fh:
        for key in fh.keys():  # noqa: SIM118 - safe_open has keys(), not iteration
            parts = key.split(".")
            if key.startswith("encoder.layer.") and int(parts[2]) >= config.num_hidden_layers:
                continue
            if kept is not None and key == WORD_EMBEDDINGS_KEY:
                continue
            state["bert." + key] = fh.get_tensor(key)
    if kept is not None:
        state["bert." + WORD_EMBEDDINGS_KEY] = pruned_embeddings(base_dir, kept)
    if weights is not None:
        with safe_open(str(weights), framework="pt") as fh:
            for key in fh.keys():  # noqa: SIM118
                state[key] = fh.get_tensor(key).float()
    else:
        state["classifier.weight"] = torch.zeros(len(spec["labels"]), config.hidden_size)
        state["classifier.bias"] = torch.zeros(len(spec["labels"]))
    base_identity = spec.get("base", {}).get("source_sha256")
    stamp = base_dir / "fanzha-rebuild.json"
    if base_identity and stamp.is_file():
        found = json.loads(stamp.read_text()).get("source_sha256")
        if found != base_identity:
            log.warning("base encoder checksum %s differs from the one the model was trained on", found)
    missing = model.load_state_dict(state, strict=False, assign=True)
    if missing.missing_keys or missing.unexpected_keys:
        raise ModelNotFoundError(f"model weights do not fit: missing {missing.missing_keys[:5]}, "
                                 f"unexpected {missing.unexpected_keys[:5]}")
    # Non-persistent buffers are not in any checkpoint: materialise them (positions start at 0).
    emb = model.bert.embeddings
    emb.position_ids = torch.arange(config.max_position_embeddings).expand((1, -1))
    emb.token_type_ids = torch.zeros((1, config.max_position_embeddings), dtype=torch.long)
    leftover = [n for n, t in model.named_buffers() if t.is_meta] + [
        n for n, t in model.named_parameters() if t.is_meta]
    if leftover:
        raise ModelNotFoundError(f"model tensors left uninitialised: {leftover[:5]}")
    model.eval()
    if kept is not None:
        return model, pruned_tokenizer(base_dir, kept)
    return model, Tokenizer.from_file(str(base_dir / "tokenizer.json"))


def quantize_linear(model: MeanPoolClassifier, stop: int | None = None) -> MeanPoolClassifier:
    """Dynamic int8 quantisation of the Linear layers of encoder layers ``[:stop]`` (all by default), in place.

    About 2× faster on CPU. Training quantises exactly the frozen layers it caches; inference quantises the
    same ones (``stop`` = the first fine-tuned layer), so the shipped model computes what training measured.
    The head stays fp32.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for layer in model.bert.encoder.layer[:stop]:
            torch.ao.quantization.quantize_dynamic(layer, {nn.Linear}, dtype=torch.qint8, inplace=True)
    return model
