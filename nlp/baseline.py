"""The peer a user could pick instead of the transformer: character 1–3-gram TF-IDF + logistic regression.

Trained on exactly the same split (``nlp.splits.load_splits``) and answering in the same shape as
``nlp.classifier.Prediction`` (label normal/fraud/illegal, category key and Chinese name, fraud probability
= 1 − P(normal) − P(illegal_service), per-class scores), so ``fanzha evaluate`` can put the two side by side.
It needs no torch; the fitted model is pickled with joblib into a folder (tens of MB: not shipped).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from nlp.data import CATEGORY_ZH, decide, normalize_for_model
from nlp.labels import NORMAL

if TYPE_CHECKING:
    from nlp.data import Example
    from nlp.splits import Splits

MODEL_FILE = "baseline.joblib"
META_FILE = "baseline.json"


@dataclass(frozen=True)
class BaselinePrediction:
    """Same fields and meaning as ``nlp.classifier.Prediction``."""

    label: str  # "normal" | "fraud" | "illegal"
    category_key: str | None
    category: str | None
    fraud_probability: float
    scores: dict[str, float] = field(default_factory=dict)


@dataclass
class BaselineConfig:
    ngram_max: int = 3
    min_df: int = 2
    max_features: int = 300_000
    C: float = 10.0
    # Class weight = (n_largest / n_class) ** class_weight_power: 0 = none, 1 = "balanced". A middle value
    # lifts the small fraud classes without buying recall with false alarms on the large normal class.
    class_weight_power: float = 0.5
    max_iter: int = 300
    seed: int = 13


class BaselineModel:
    """A fitted vectoriser + classifier with ``predict(texts)`` like the transformer's."""

    def __init__(self, vectorizer, classifier, labels: Sequence[str], meta: dict | None = None) -> None:
        self.vectorizer = vectorizer
        self.classifier = classifier
        self.labels = tuple(labels)
        if self.labels[0] != NORMAL:
            raise ValueError(f"labels must start with {NORMAL!r}")
        self.meta = dict(meta or {})
        self._columns = [list(classifier.classes_).index(label) for label in self.labels]

    def predict_proba(self, texts: Sequence[str], *, normalized: bool = False) -> np.ndarray:
        """[N, len(labels)] probabilities in ``self.labels`` order."""
        if isinstance(texts, str):
            raise TypeError("predict_proba takes a list of texts, not a single string")
        cleaned = list(texts) if normalized else [normalize_for_model(t) for t in texts]
        if not cleaned:
            return np.zeros((0, len(self.labels)))
        return self.classifier.predict_proba(self.vectorizer.transform(cleaned))[:, self._columns]

    def predict(self, texts: Sequence[str], *, normalized: bool = False) -> list[BaselinePrediction]:
        return [self._prediction(row) for row in self.predict_proba(texts, normalized=normalized).tolist()]

    def _prediction(self, row: list[float]) -> BaselinePrediction:
        scores = {label: float(p) for label, p in zip(self.labels, row, strict=True)}
        label, key, fraud_probability = decide(self.labels, row)
        return BaselinePrediction(label, key, CATEGORY_ZH.get(key) if key else None, fraud_probability, scores)

    def save(self, folder: Path) -> Path:
        import joblib

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        joblib.dump({"vectorizer": self.vectorizer, "classifier": self.classifier, "labels": self.labels},
                    folder / MODEL_FILE, compress=3)
        (folder / META_FILE).write_text(json.dumps(self.meta, ensure_ascii=False, indent=2))
        return folder

    @classmethod
    def load(cls, folder: Path) -> BaselineModel:
        import joblib

        path = Path(folder) / MODEL_FILE
        if not path.is_file():
            raise FileNotFoundError(f"no TF-IDF baseline in {folder} (expected {MODEL_FILE})")
        blob = joblib.load(path)
        meta_path = Path(folder) / META_FILE
        meta = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
        return cls(blob["vectorizer"], blob["classifier"], blob["labels"], meta)


def train_baseline(splits: Splits | Sequence[Example], config: BaselineConfig | None = None,
                   labels: Sequence[str] | None = None) -> BaselineModel:
    """Fit on ``splits.train`` (or a list of examples). Texts are already normalised by ``nlp.data``."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from nlp.data import LABELS

    config = config or BaselineConfig()
    train = list(getattr(splits, "train", splits))
    labels = tuple(labels or LABELS)
    present = {e.label for e in train}
    if NORMAL not in present or len(present) < 2:
        raise ValueError("the training set needs 'normal' and at least one other label")
    counts = Counter(e.label for e in train)
    largest = max(counts.values())
    weights = {label: (largest / n) ** config.class_weight_power for label, n in counts.items()}
    t0 = time.perf_counter()
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, config.ngram_max), min_df=config.min_df,
                                 max_features=config.max_features, sublinear_tf=True, lowercase=True,
                                 dtype=np.float32)
    x = vectorizer.fit_transform([e.text for e in train])
    classifier = LogisticRegression(C=config.C, max_iter=config.max_iter, class_weight=weights,
                                    random_state=config.seed)
    classifier.fit(x, [e.label for e in train])
    # Labels the training data lacks (e.g. a category only one left-out source has) get probability 0.
    known = [label for label in labels if label in set(classifier.classes_)]
    meta = {"config": config.__dict__, "train_rows": len(train), "train_counts": dict(counts),
            "features": len(vectorizer.vocabulary_), "fit_seconds": round(time.perf_counter() - t0, 1),
            "seed": getattr(splits, "seed", None), "leave_out": getattr(splits, "leave_out", None)}
    return BaselineModel(vectorizer, classifier, known, meta)
