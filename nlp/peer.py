"""The shipped TF-IDF peer: character 1–3-grams hashed into 2**18 buckets, TF-IDF, logistic regression.

It is the lexical half of the ensemble (``nlp.ensemble``) and the peer a user could pick instead of the
transformer. Unlike ``nlp.baseline`` (a vocabulary vectoriser pickled with joblib, tens of MB, not shipped)
it ships small and loads without unpickling anything: the hashing vectoriser is stateless, so the artefacts
are its fixed parameters (``peer.json``) plus three numpy arrays — idf (float32), coefficients (float16) and
intercepts (float32) — about 7 MB in ``data/model/peer/``. The coefficients are rounded to float16 right
after fitting, so the model in memory after ``train_peer`` and the one ``Peer.load`` reads are identical.

Trained on exactly the transformer's split (``nlp.splits.load_splits``) and texts normalised the same way
(``nlp.data.normalize_for_model``). Command: ``fanzha train-peer --data-dir DIR --out data/model/peer``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from nlp.data import CATEGORY_ZH, LABELS, decide, normalize_for_model
from nlp.labels import NORMAL
from nlp.paths import default_model_dir, file_sha256

if TYPE_CHECKING:
    from nlp.baseline import BaselinePrediction
    from nlp.data import Example
    from nlp.splits import Splits

FORMAT_VERSION = 1
SPEC_FILE = "peer.json"
IDF_FILE = "idf.npy"
COEF_FILE = "coef.npy"
INTERCEPT_FILE = "intercept.npy"
PEER_SUBDIR = "peer"  # data/model/peer next to the transformer's artefacts


class PeerNotFoundError(FileNotFoundError):
    """The peer's artefacts are missing or unreadable."""


@dataclass
class PeerConfig:
    ngram_min: int = 1
    ngram_max: int = 3
    n_features: int = 2**18
    lowercase: bool = True
    sublinear_tf: bool = True
    min_df: int = 2  # buckets in fewer training documents get idf 0 (dropped); chosen by dev log-loss
    C: float = 10.0
    # Class weight = (n_largest / n_class) ** power, as nlp.baseline: lifts the small fraud classes without
    # buying their recall with false alarms on the large normal class.
    class_weight_power: float = 0.5
    max_iter: int = 300
    seed: int = 13


def default_peer_dir(model_dir: Path | str | None = None) -> Path:
    """``<model_dir>/peer``; the model dir defaults to the transformer's (``FANZHA_MODEL_DIR`` or data/model)."""
    return Path(model_dir if model_dir is not None else default_model_dir()) / PEER_SUBDIR


def _hasher(config: PeerConfig):
    from sklearn.feature_extraction.text import HashingVectorizer

    # Stateless (no fit, no attributes set by transform): safe to share between threads.
    return HashingVectorizer(analyzer="char", ngram_range=(config.ngram_min, config.ngram_max),
                             n_features=config.n_features, alternate_sign=False, norm=None,
                             lowercase=config.lowercase, dtype=np.float32)


def _term_counts(hasher, texts: Sequence[str]):
    return hasher.transform(list(texts)).tocsr()


def _tfidf(counts, idf: np.ndarray, sublinear: bool):
    """sklearn's TfidfTransformer.transform (sublinear tf, idf, l2 rows), written out so loading needs no pickle."""
    from sklearn.preprocessing import normalize

    x = counts.astype(np.float32, copy=True)
    if sublinear:
        np.log(x.data, out=x.data)
        x.data += 1.0
    x.data *= idf[x.indices]
    return normalize(x, norm="l2", copy=False)


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    return z / z.sum(axis=1, keepdims=True)


class Peer:
    """A fitted hashing TF-IDF + logistic regression with the transformer's prediction interface."""

    def __init__(self, config: PeerConfig, labels: Sequence[str], idf: np.ndarray, coef: np.ndarray,
                 intercept: np.ndarray, meta: dict | None = None) -> None:
        self.labels = tuple(labels)
        if not self.labels or self.labels[0] != NORMAL:
            raise ValueError(f"labels must start with {NORMAL!r}, got {self.labels!r}")
        if coef.shape != (len(self.labels), config.n_features) or idf.shape != (config.n_features,):
            raise ValueError(f"array shapes {coef.shape}/{idf.shape} do not fit {len(self.labels)} labels × "
                             f"{config.n_features} features")
        self.config = config
        self.idf = np.asarray(idf, dtype=np.float32)
        self.coef16 = np.asarray(coef, dtype=np.float16)  # what is stored
        self._coef_t = np.ascontiguousarray(self.coef16.astype(np.float32).T)  # [features, classes] for X @ W
        self.intercept = np.asarray(intercept, dtype=np.float32)
        self.meta = dict(meta or {})
        self.category_names = {k: CATEGORY_ZH.get(k, k) for k in self.labels if k != NORMAL}
        self._hasher = _hasher(config)

    def features(self, texts: Sequence[str]):
        return _tfidf(_term_counts(self._hasher, texts), self.idf, self.config.sublinear_tf)

    def predict_proba(self, texts: Sequence[str], *, normalized: bool = False,
                      labels: Sequence[str] | None = None) -> np.ndarray:
        """[N, len(labels)] probabilities (float64) in ``labels`` order (default ``self.labels``).

        Labels the peer never trained on (a class only a left-out source has) get probability 0.
        """
        if isinstance(texts, str):
            raise TypeError("predict_proba takes a list of texts, not a single string")
        cleaned = list(texts) if normalized else [normalize_for_model(t) for t in texts]
        if not cleaned:
            return np.zeros((0, len(labels or self.labels)))
        logits = np.asarray(self.features(cleaned) @ self._coef_t, dtype=np.float64) + self.intercept
        probs = _softmax(logits)
        if labels is None or tuple(labels) == self.labels:
            return probs
        out = np.zeros((len(cleaned), len(labels)))
        index = {label: i for i, label in enumerate(self.labels)}
        for j, label in enumerate(labels):
            if label in index:
                out[:, j] = probs[:, index[label]]
        return out / np.clip(out.sum(axis=1, keepdims=True), 1e-12, None)

    def predict(self, texts: Sequence[str], *, normalized: bool = False) -> list[BaselinePrediction]:
        """Same fields and meaning as ``nlp.classifier.Prediction`` (without importing torch)."""
        from nlp.baseline import BaselinePrediction

        out = []
        for row in self.predict_proba(texts, normalized=normalized).tolist():
            label, key, fraud_probability = decide(self.labels, row)
            out.append(BaselinePrediction(label, key, self.category_names.get(key) if key else None,
                                          fraud_probability, dict(zip(self.labels, row, strict=True))))
        return out

    # ------------------------------------------------------------------------------------------ storage
    def save(self, folder: Path | str) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        arrays = {IDF_FILE: self.idf, COEF_FILE: self.coef16, INTERCEPT_FILE: self.intercept}
        for name, array in arrays.items():
            np.save(folder / name, array, allow_pickle=False)
        spec = {
            "format_version": FORMAT_VERSION,
            "kind": "hashing char n-gram TF-IDF + logistic regression",
            "labels": list(self.labels),
            "config": asdict(self.config),
            "vectorizer": {"class": "sklearn HashingVectorizer", "analyzer": "char",
                           "ngram_range": [self.config.ngram_min, self.config.ngram_max],
                           "n_features": self.config.n_features, "alternate_sign": False, "norm": None,
                           "lowercase": self.config.lowercase},
            "tfidf": {"sublinear_tf": self.config.sublinear_tf, "norm": "l2", "idf": IDF_FILE},
            "files": {name: file_sha256(folder / name) for name in arrays},
            **self.meta,
        }
        (folder / SPEC_FILE).write_text(json.dumps(spec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return folder

    @classmethod
    def load(cls, folder: Path | str) -> Peer:
        folder = Path(folder)
        path = folder / SPEC_FILE
        if not path.is_file():
            raise PeerNotFoundError(f"no TF-IDF peer in {folder} (expected {SPEC_FILE}); run `fanzha train-peer`")
        try:
            spec = json.loads(path.read_text(encoding="utf-8"))
            if spec.get("format_version") != FORMAT_VERSION:
                raise PeerNotFoundError(f"{path} has format {spec.get('format_version')!r}, "
                                        f"expected {FORMAT_VERSION}")
            known = set(PeerConfig.__dataclass_fields__)
            config = PeerConfig(**{k: v for k, v in spec["config"].items() if k in known})
            arrays = [np.load(folder / name, allow_pickle=False) for name in (IDF_FILE, COEF_FILE, INTERCEPT_FILE)]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise PeerNotFoundError(f"cannot read the TF-IDF peer in {folder}: {exc}") from exc
        meta = {k: v for k, v in spec.items()
                if k not in ("format_version", "kind", "labels", "config", "vectorizer", "tfidf", "files")}
        try:
            return cls(config, spec["labels"], *arrays, meta=meta)
        except ValueError as exc:
            raise PeerNotFoundError(f"the TF-IDF peer in {folder} is inconsistent: {exc}") from exc




def train_peer(splits: Splits | Sequence[Example], config: PeerConfig | None = None,
               labels: Sequence[str] | None = None) -> Peer:
    """Fit on ``splits.train`` (or a list of examples); texts are already normalised by ``nlp.data``."""
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression

    config = config or PeerConfig()
    train = list(getattr(splits, "train", splits))
    labels = tuple(labels or LABELS)
    counts = Counter(e.label for e in train)
    if NORMAL not in counts or len(counts) < 2:
        raise ValueError("the training set needs 'normal' and at least one other label")
    largest = max(counts.values())
    weights = {label: (largest / n) ** config.class_weight_power for label, n in counts.items()}
    t0 = time.perf_counter()
    hasher = _hasher(config)
    term_counts = _term_counts(hasher, [e.text for e in train])
    idf = TfidfTransformer(sublinear_tf=config.sublinear_tf).fit(term_counts).idf_.astype(np.float32)
    if config.min_df > 1:  # like a vocabulary's min_df: a bucket seen in fewer documents carries no weight
        df = np.bincount(term_counts.indices, minlength=config.n_features)
        idf[df < config.min_df] = 0.0
    x = _tfidf(term_counts, idf, config.sublinear_tf)
    classifier = LogisticRegression(C=config.C, max_iter=config.max_iter, class_weight=weights,
                                    random_state=config.seed)
    classifier.fit(x, [e.label for e in train])
    classes = list(classifier.classes_)
    # Labels the training data lacks (e.g. a class only a left-out source has) are left out of the peer.
    known = [label for label in labels if label in classes]
    order = [classes.index(label) for label in known]
    coef, intercept = classifier.coef_, classifier.intercept_
    if len(classes) == 2:  # binary LogisticRegression keeps one row: expand to two softmax logits
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    coef, intercept = coef[order], intercept[order]
    fingerprint = splits.fingerprint() if hasattr(splits, "fingerprint") else None
    meta = {"train_rows": len(train), "train_counts": dict(sorted(counts.items())),
            "fit_seconds": round(time.perf_counter() - t0, 1), "iterations": int(np.max(classifier.n_iter_)),
            "seed": getattr(splits, "seed", None), "leave_out": getattr(splits, "leave_out", None),
            "split_fingerprint": fingerprint}
    return Peer(config, known, idf, coef.astype(np.float16), intercept.astype(np.float32), meta)


# ---------------------------------------------------------------------------------------------------- CLI
def run(args: argparse.Namespace) -> int:
    from nlp.data import SOURCES
    from nlp.splits import load_splits

    if not args.data_dir.is_dir():
        print(f"fanzha train-peer: data folder not found: {args.data_dir}", file=sys.stderr)
        return 1
    if args.leave_out is not None and args.leave_out not in SOURCES[:-1]:
        print(f"fanzha train-peer: unknown source {args.leave_out!r}; choose one of {', '.join(SOURCES[:-1])}",
              file=sys.stderr)
        return 1
    try:
        splits = load_splits(args.data_dir, seed=args.seed, leave_out=args.leave_out)
    except (ValueError, OSError) as exc:
        print(f"fanzha train-peer: {exc}", file=sys.stderr)
        return 1
    print(f"split fingerprint {splits.fingerprint()}; training on {len(splits.train)} rows …", file=sys.stderr)
    peer = train_peer(splits)
    out = args.out or default_peer_dir()
    peer.save(out)
    size = sum(f.stat().st_size for f in out.iterdir() if f.is_file())
    print(f"wrote {out} ({size / 1e6:.1f} MB; fit {peer.meta['fit_seconds']} s, {len(peer.labels)} labels)",
          file=sys.stderr)
    return 0
