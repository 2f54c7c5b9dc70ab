"""The shipped classifier: the fine-tuned transformer combined with the small TF-IDF peer.

Why: on the held-out split the lexical peer is very strong (it recognises each source's style and campaigns),
while the transformer is what should carry to wording no source had (the peer finds under 10% of a source it
never trained on). Combining the two class distributions keeps the peer's in-source precision and the
transformer's reach. The combination is log-linear (a weighted geometric mean, renormalised):

    log p ∝ w · log p_transformer + (1 − w) · log p_peer

or, if it has the lower dev log-loss, the arithmetic mix w · p_transformer + (1 − w) · p_peer. The weight
and the method are chosen on the DEV split (``select_weight``; never on test) and stored with the dev figures
that justify them in ``data/model/peer/ensemble.json``. ``load_shipped_classifier`` returns the ensemble
when the peer's artefacts and that file exist, else the transformer alone; both answer with
``nlp.classifier.Prediction``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nlp.data import FRAUD_LABELS, PERSONAL_SOURCES, normalize_for_model
from nlp.labels import ILLEGAL, NORMAL
from nlp.paths import file_sha256 as sha256_of
from nlp.peer import PEER_SUBDIR, SPEC_FILE, Peer, PeerNotFoundError

if TYPE_CHECKING:
    from nlp.classifier import FraudClassifier, Prediction
    from nlp.data import Example

log = logging.getLogger(__name__)

ENSEMBLE_FILE = "ensemble.json"
FORMAT_VERSION = 1
METHODS = ("geometric", "arithmetic")
WEIGHT_GRID = tuple(round(i / 20, 2) for i in range(21))  # 0.00, 0.05, …, 1.00
EPS = 1e-7  # probability floor inside the log: a class one model rules out is not vetoed outright
# Selection rule (dev): maximise macro-F1 among weights whose false-positive rates on normal text and on
# personal SMS/chat stay within these caps (the target is ≤ 0.5% on personal text).
MAX_FPR_NORMAL = 0.005
MAX_FPR_PERSONAL = 0.005
# The transformer stays the core (w ≥ 0.5) unless a lower weight beats the best core weight on dev macro-F1
# clearly: in at least CLEAR_CONFIDENCE of paired bootstrap resamples of the dev rows (macro-F1 averages
# classes with 15 dev rows, so a point difference alone can be a couple of rows).
CORE_MIN_WEIGHT = 0.5
CLEAR_CONFIDENCE = 0.95
BOOTSTRAP_RESAMPLES = 1000


def combine(p_transformer: np.ndarray, p_peer: np.ndarray, weight: float, method: str = "geometric") -> np.ndarray:
    """Combined [N, C] class probabilities; weight 1 is the transformer alone, 0 the peer alone."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"weight must be in [0, 1], got {weight}")
    pt = np.asarray(p_transformer, dtype=np.float64)
    pp = np.asarray(p_peer, dtype=np.float64)
    if pt.shape != pp.shape:
        raise ValueError(f"probability shapes differ: {pt.shape} vs {pp.shape}")
    if weight == 1.0:
        return np.array(p_transformer, copy=True)
    if weight == 0.0:
        return pp.copy()
    if method == "arithmetic":
        mixed = weight * pt + (1.0 - weight) * pp
    else:
        logits = weight * np.log(np.clip(pt, EPS, None)) + (1.0 - weight) * np.log(np.clip(pp, EPS, None))
        mixed = np.exp(logits - logits.max(axis=1, keepdims=True))
    return mixed / mixed.sum(axis=1, keepdims=True)


class EnsembleClassifier:
    """``FraudClassifier`` + ``Peer`` with the transformer's interface (``predict`` → ``Prediction``).

    Stateless after construction, so ``predict`` is as thread-safe as its parts (the transformer's is; the
    peer's hashing vectoriser and numpy arrays are read-only). Batching is the transformer's.
    """

    def __init__(self, transformer: FraudClassifier, peer: Peer, weight: float, method: str = "geometric",
                 meta: dict | None = None) -> None:
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {method!r}")
        if not 0.0 <= float(weight) <= 1.0:
            raise ValueError(f"weight must be in [0, 1], got {weight}")
        self.transformer = transformer
        self.peer = peer
        self.weight = float(weight)
        self.method = method
        self.meta = dict(meta or {})
        self.labels = transformer.labels
        self.category_names = transformer.category_names
        if set(peer.labels) - set(self.labels):
            raise ValueError(f"the peer knows labels the transformer does not: {set(peer.labels) - set(self.labels)}")

    @property
    def batch_size(self) -> int:
        return self.transformer.batch_size

    @batch_size.setter
    def batch_size(self, value: int) -> None:
        self.transformer.batch_size = value

    def component_proba(self, texts: Sequence[str], *, normalized: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(transformer, peer) probabilities, both [N, len(labels)] in the transformer's label order."""
        cleaned = list(texts) if normalized else [normalize_for_model(t) for t in texts]
        p_transformer = self.transformer.predict_proba(cleaned, normalized=True).numpy()
        p_peer = self.peer.predict_proba(cleaned, normalized=True, labels=self.labels)
        return p_transformer, p_peer

    def predict_proba(self, texts: Sequence[str], *, normalized: bool = False) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("predict_proba takes a list of texts, not a single string")
        return combine(*self.component_proba(texts, normalized=normalized), self.weight, self.method)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        if isinstance(texts, str):
            raise TypeError("predict takes a list of texts, not a single string")
        return self.predictions(self.predict_proba(texts))

    def predictions(self, probs: np.ndarray) -> list[Prediction]:
        """``Prediction`` objects from combined probabilities, by exactly the transformer's decision rule."""
        return [self.transformer._prediction(row) for row in np.asarray(probs).tolist()]

    def __repr__(self) -> str:
        return f"EnsembleClassifier(weight={self.weight}, method={self.method!r}, labels={len(self.labels)})"


# ------------------------------------------------------------------------------------------ dev selection
def _gold(labels: Sequence[str], examples: Sequence[Example]) -> np.ndarray:
    labels = list(labels)
    unknown = {e.label for e in examples} - set(labels)
    if unknown:
        raise ValueError(f"dev rows have labels the model does not predict: {sorted(unknown)}")
    return np.array([labels.index(e.label) for e in examples])


def _decisions(probs: np.ndarray, labels: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(group 0 normal / 1 illegal / 2 fraud, fine class index) per row: the transformer's decision rule."""
    labels = list(labels)
    n_normal, n_illegal = labels.index(NORMAL), labels.index(ILLEGAL) if ILLEGAL in labels else None
    fraud_cols = [i for i, label in enumerate(labels) if label not in (NORMAL, ILLEGAL)]
    p_normal = probs[:, n_normal]
    p_illegal = probs[:, n_illegal] if n_illegal is not None else np.zeros(len(probs))
    p_fraud = np.clip(1.0 - p_normal - p_illegal, 0.0, 1.0)
    group = np.argmax(np.stack([p_normal, p_illegal, p_fraud], axis=1), axis=1)  # ties: normal, illegal, fraud
    fine = np.where(group == 0, n_normal, np.where(group == 1, n_illegal if n_illegal is not None else -1,
                                                   np.array(fraud_cols)[np.argmax(probs[:, fraud_cols], axis=1)]))
    return group, fine


def _macro_f1(gold: np.ndarray, fine: np.ndarray, n_classes: int) -> float:
    """Mean F1 over the classes with gold rows (as ``nlp.evaluate``)."""
    conf = np.bincount(gold * n_classes + fine, minlength=n_classes * n_classes).reshape(n_classes, n_classes)
    tp = np.diag(conf).astype(float)
    support = conf.sum(axis=1)
    denom = 2 * tp + (conf.sum(axis=0) - tp) + (support - tp)
    return float(np.mean((2 * tp / np.where(denom, denom, 1))[support > 0]))


def bootstrap_win_rate(gold: np.ndarray, fine_a: np.ndarray, fine_b: np.ndarray, n_classes: int,
                       resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 13) -> float:
    """Share of paired bootstrap resamples of the rows in which A's macro-F1 is higher than B's."""
    rng = np.random.default_rng(seed)
    wins = 0
    for _ in range(resamples):
        idx = rng.integers(0, len(gold), len(gold))
        wins += _macro_f1(gold[idx], fine_a[idx], n_classes) > _macro_f1(gold[idx], fine_b[idx], n_classes)
    return wins / resamples


def figures(probs: np.ndarray, labels: Sequence[str], examples: Sequence[Example]) -> dict[str, float | None]:
    """Dev figures of one probability matrix, by the same definitions as ``nlp.evaluate.slice_metrics``."""
    labels = list(labels)
    gold = _gold(labels, examples)
    group, fine = _decisions(probs, labels)
    fraud_set = [labels.index(k) for k in FRAUD_LABELS if k in labels]
    gold_fraud, pred_fraud = np.isin(gold, fraud_set), group == 2
    tp = np.sum(gold_fraud & pred_fraud)
    f1_fraud = 2 * tp / (2 * tp + np.sum(~gold_fraud & pred_fraud) + np.sum(gold_fraud & ~pred_fraud))
    normal = gold == labels.index(NORMAL)
    personal = normal & np.array([e.source in PERSONAL_SOURCES for e in examples])
    flagged = group != 0
    log_loss = -np.mean(np.log(np.clip(probs[np.arange(len(gold)), gold], 1e-15, None)))
    return {
        "macro_f1": _macro_f1(gold, fine, len(labels)),
        "fraud_vs_rest_f1": float(f1_fraud),
        "fpr_normal": float(flagged[normal].mean()) if normal.any() else None,
        "fpr_personal": float(flagged[personal].mean()) if personal.any() else None,
        "accuracy": float(np.mean(gold == fine)),
        "log_loss": float(log_loss),
    }


def select_weight(p_transformer: np.ndarray, p_peer: np.ndarray, examples: Sequence[Example],
                  labels: Sequence[str], *, grid: Sequence[float] = WEIGHT_GRID,
                  max_fpr_normal: float = MAX_FPR_NORMAL, max_fpr_personal: float = MAX_FPR_PERSONAL) -> dict:
    """Pick the method (lower best dev log-loss) and the weight (dev macro-F1 within the FPR caps).

    Returns a JSON-ready record: the choice, the rule, every grid point's figures and, if the transformer
    stops being the core (w < 0.5), why.
    """
    examples = list(examples)
    rows = [{"method": m, "weight": w, **figures(combine(p_transformer, p_peer, w, m), labels, examples)}
            for m in METHODS for w in grid]
    best_loss = {m: min(r["log_loss"] for r in rows if r["method"] == m) for m in METHODS}
    method = min(METHODS, key=lambda m: (best_loss[m], METHODS.index(m)))
    candidates = [r for r in rows if r["method"] == method]

    def within_caps(r: dict) -> bool:
        return ((r["fpr_normal"] or 0.0) <= max_fpr_normal) and ((r["fpr_personal"] or 0.0) <= max_fpr_personal)

    feasible = [r for r in candidates if within_caps(r)]
    if feasible:
        rule = (f"max dev macro-F1 subject to FPR normal ≤ {max_fpr_normal:.2%} and FPR personal ≤ "
                f"{max_fpr_personal:.2%}")
    else:  # no weight meets the caps: the one with the fewest false alarms on normal text
        feasible = [min(candidates, key=lambda r: (r["fpr_normal"] or 0.0, -r["macro_f1"]))]
        rule = "no weight met the FPR caps; the weight with the lowest dev FPR on normal text"

    def best(pool: list[dict]) -> dict | None:
        return max(pool, key=lambda r: (r["macro_f1"], r["weight"])) if pool else None

    best_any = best(feasible)
    best_core = best([r for r in feasible if r["weight"] >= CORE_MIN_WEIGHT])
    chosen, core, reason, win_rate = best_any, best_any["weight"] >= CORE_MIN_WEIGHT, None, None
    if not core and best_core is None:
        reason = (f"dev says the peer should dominate: w={best_any['weight']} is the best weight within the caps "
                  f"and no w ≥ {CORE_MIN_WEIGHT} meets them")
    elif not core:
        gold = _gold(labels, examples)
        fines = [_decisions(combine(p_transformer, p_peer, r["weight"], method), labels)[1]
                 for r in (best_any, best_core)]
        win_rate = bootstrap_win_rate(gold, *fines, len(labels))
        versus = (f"w={best_any['weight']} dev macro-F1 {best_any['macro_f1']:.4f} vs the best core weight "
                  f"w={best_core['weight']} {best_core['macro_f1']:.4f}; higher in {win_rate:.0%} of "
                  f"{BOOTSTRAP_RESAMPLES} paired bootstrap resamples of the dev rows")
        if win_rate >= CLEAR_CONFIDENCE:
            reason = f"dev says the peer should dominate: {versus} (≥ {CLEAR_CONFIDENCE:.0%})"
        else:
            chosen, core = best_core, True
            reason = f"not a clear difference: {versus} (< {CLEAR_CONFIDENCE:.0%}), so the transformer stays the core"
    endpoints = {w: next(r for r in candidates if r["weight"] == w) for w in (0.0, 1.0) if w in grid}
    return {
        "method": method,
        "weight": chosen["weight"],
        "transformer_core": core,
        "core_note": reason,
        "rule": rule + "; method by lower best dev log-loss ("
                + ", ".join(f"{m} {v:.4f}" for m, v in best_loss.items()) + ")",
        "caps": {"max_fpr_normal": max_fpr_normal, "max_fpr_personal": max_fpr_personal,
                 "core_min_weight": CORE_MIN_WEIGHT, "clear_confidence": CLEAR_CONFIDENCE},
        "bootstrap_win_rate": win_rate,
        "dev": {"ensemble": {k: chosen[k] for k in chosen if k not in ("method", "weight")},
                "transformer": _strip(endpoints.get(1.0)), "peer": _strip(endpoints.get(0.0))},
        "dev_rows": len(examples),
        "grid": rows,
    }


def _strip(row: dict | None) -> dict | None:
    return None if row is None else {k: v for k, v in row.items() if k not in ("method", "weight")}


def file_sha256(path: Path) -> str | None:
    return sha256_of(path) if path.is_file() else None


def write_ensemble_spec(peer_dir: Path, selection: dict, **context: Any) -> Path:
    """``ensemble.json``: the chosen weight and method, the dev figures behind them, and what they were for."""
    record = {"format_version": FORMAT_VERSION, "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
              **context, **selection}
    path = Path(peer_dir) / ENSEMBLE_FILE
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def read_ensemble_spec(peer_dir: Path) -> dict | None:
    path = Path(peer_dir) / ENSEMBLE_FILE
    if not path.is_file():
        return None
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
        if spec.get("format_version") != FORMAT_VERSION or spec.get("method") not in METHODS:
            raise ValueError(f"unknown format {spec.get('format_version')!r} or method {spec.get('method')!r}")
        float(spec["weight"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PeerNotFoundError(f"cannot read {path}: {exc}") from exc
    return spec


# ------------------------------------------------------------------------------------------------ loading
def load_shipped_classifier(model_dir: Path | str | None = None, base_dir: Path | str | None = None,
                            **kwargs: Any) -> FraudClassifier | EnsembleClassifier:
    """The ensemble when ``<model_dir>/peer/`` holds the peer and ``ensemble.json``, else the transformer alone.

    ``kwargs`` go to ``FraudClassifier.from_pretrained`` (batch_size, quantize, num_threads, device, dtype).
    Raises ``nlp.classifier.ModelNotFoundError`` if the transformer or a present peer cannot be read.
    """
    from nlp.classifier import WEIGHTS_FILE, FraudClassifier, ModelNotFoundError, default_model_dir

    model_dir = Path(model_dir) if model_dir is not None else default_model_dir()
    transformer = FraudClassifier.from_pretrained(model_dir, base_dir, **kwargs)
    peer_dir = model_dir / PEER_SUBDIR
    if not (peer_dir / SPEC_FILE).is_file():
        return transformer
    try:
        spec = read_ensemble_spec(peer_dir)
        if spec is None:
            log.warning("TF-IDF peer in %s has no %s (weight not selected): using the transformer alone",
                        peer_dir, ENSEMBLE_FILE)
            return transformer
        peer = Peer.load(peer_dir)
    except PeerNotFoundError as exc:
        raise ModelNotFoundError(str(exc)) from exc
    selected_for = spec.get("transformer") or {}
    if (selected_for.get("head_sha256") not in (None, file_sha256(model_dir / WEIGHTS_FILE))
            or selected_for.get("spec_sha256") not in (None, file_sha256(model_dir / "fanzha_model.json"))):
        log.warning("the ensemble weight in %s was selected for another transformer; re-select it with "
                    "`fanzha evaluate --select-weight`", peer_dir / ENSEMBLE_FILE)
    return EnsembleClassifier(transformer, peer, float(spec["weight"]), spec["method"], meta=spec)
