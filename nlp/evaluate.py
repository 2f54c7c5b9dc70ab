"""``fanzha evaluate``: the transformer, the shipped ensemble and the TF-IDF peer side by side on the held-out split.

Columns: ``transformer`` (the fine-tuned model alone), ``ensemble`` (transformer + peer, ``nlp.ensemble``, with
the weight chosen on dev) and ``tfidf`` (the shipped hashing TF-IDF peer, ``nlp.peer``); ``--vocab-baseline``
adds ``tfidf-vocab`` (``nlp.baseline``'s vocabulary TF-IDF). The transformer runs once per text; the ensemble
column combines its probabilities with the peer's.

Figures: precision/recall/F1 per class, binary fraud-vs-rest and flagged-vs-normal (fraud or illegal service)
figures, false-positive rate on normal text overall and on personal SMS/chat (NUS, LCCC) separately, figures
per source, confusion matrices, and the trade-off of thresholds on ``fraud_probability`` (FPR on normal,
recall on fraud) so the verdict engine can pick one. The real test rows and the flagged synthetic slice
(held-out templates, register-shifted copies of test rows) are reported separately; synthetic rows never
enter the headline figures. Writes Markdown + JSON into ``--out`` (default: ``var/eval/`` of the repo, which git
ignores). The committed reports in ``bench/results/eval/`` are regenerated only on purpose, with
``--out bench/results/eval``: a trial run must not overwrite the figures the model card cites.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from nlp.data import FRAUD_LABELS, LABELS, PERSONAL_SOURCES, SOURCES, Example
from nlp.splits import Splits

THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
SYNTHETIC = "synthetic"


class _Prediction(Protocol):
    label: str
    category_key: str | None
    fraud_probability: float


Predictor = Callable[[list[str]], Sequence[_Prediction]]


def default_out_dir() -> Path:
    """``var/eval/`` of the repository: outside the tracked tree, so a trial run leaves the committed
    reports (``bench/results/eval/``) and ``git status`` alone."""
    from nlp.paths import REPO_ROOT

    return REPO_ROOT / "var" / "eval"


# ------------------------------------------------------------------------------------------------ metrics
def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def prf(tp: int, fp: int, fn: int) -> dict[str, float | None]:
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = (2 * precision * recall / (precision + recall)
          if precision is not None and recall is not None and precision + recall else None)
    return {"precision": precision, "recall": recall, "f1": f1}


def predicted_class(p: _Prediction) -> str:
    """The fine label a prediction stands for: ``normal`` or a category key."""
    return p.category_key or "normal"


def per_class(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> dict[str, dict]:
    out = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
        out[label] = {**prf(tp, fp, fn), "support": tp + fn}
    return out


def confusion(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> list[list[int]]:
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred, strict=True):
        matrix[index[g]][index[p]] += 1
    return matrix


def slice_metrics(examples: Sequence[Example], preds: Sequence[_Prediction]) -> dict[str, Any]:
    """All figures for one slice of examples and one model's predictions."""
    gold = [e.label for e in examples]
    fine = [predicted_class(p) for p in preds]
    gold_fraud = [g in FRAUD_LABELS for g in gold]
    pred_fraud = [p.label == "fraud" for p in preds]
    gold_flag = [g != "normal" for g in gold]
    pred_flag = [p.label != "normal" for p in preds]

    def binary(g: list[bool], p: list[bool]) -> dict:
        tp = sum(a and b for a, b in zip(g, p, strict=True))
        fp = sum((not a) and b for a, b in zip(g, p, strict=True))
        fn = sum(a and not b for a, b in zip(g, p, strict=True))
        return {**prf(tp, fp, fn), "tp": tp, "fp": fp, "fn": fn, "positives": sum(g)}

    normal_idx = [i for i, g in enumerate(gold) if g == "normal"]
    personal_idx = [i for i in normal_idx if examples[i].source in PERSONAL_SOURCES]
    fraud_idx = [i for i, g in enumerate(gold_fraud) if g]
    labels_present = [label for label in LABELS if label in set(gold) | set(fine)]
    classes = per_class(gold, fine, labels_present)
    f1s = [c["f1"] or 0.0 for label, c in classes.items() if c["support"]]
    thresholds = []
    for t in THRESHOLDS:
        flagged = [p.fraud_probability >= t for p in preds]
        thresholds.append({
            "threshold": t,
            "fpr_normal": _ratio(sum(flagged[i] for i in normal_idx), len(normal_idx)),
            "fpr_personal": _ratio(sum(flagged[i] for i in personal_idx), len(personal_idx)),
            "recall_fraud": _ratio(sum(flagged[i] for i in fraud_idx), len(fraud_idx)),
            "precision_fraud": _ratio(sum(flagged[i] for i in fraud_idx), sum(flagged)),
        })
    return {
        "rows": len(examples),
        "label_counts": dict(Counter(gold)),
        "accuracy": _ratio(sum(g == p for g, p in zip(gold, fine, strict=True)), len(gold)),
        "macro_f1": sum(f1s) / len(f1s) if f1s else None,
        "fraud_vs_rest": binary(gold_fraud, pred_fraud),
        "flagged_vs_normal": binary(gold_flag, pred_flag),
        "fpr_normal": _ratio(sum(pred_flag[i] for i in normal_idx), len(normal_idx)),
        "fpr_personal": _ratio(sum(pred_flag[i] for i in personal_idx), len(personal_idx)),
        "normal_rows": len(normal_idx),
        "personal_rows": len(personal_idx),
        "fraud_category_accuracy": _ratio(sum(fine[i] == gold[i] for i in fraud_idx), len(fraud_idx)),
        "per_class": classes,
        "confusion": {"labels": labels_present, "matrix": confusion(gold, fine, labels_present)},
        "thresholds": thresholds,
    }


def _slices(test: Sequence[Example]) -> dict[str, list[int]]:
    """Row indices per reported slice: real test, each real source, the synthetic slice and its two parts."""
    slices: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(test):
        if e.source == SYNTHETIC:
            slices["synthetic"].append(i)
            part = "synthetic:templates" if e.group.startswith("tpl:") else "synthetic:shifted"
            slices[part].append(i)
        else:
            slices["real"].append(i)
            slices[f"source:{e.source}"].append(i)
            if e.source in PERSONAL_SOURCES and e.label == "normal":
                slices["personal"].append(i)
    return dict(slices)


def evaluate_models(test: Sequence[Example], models: dict[str, Predictor],
                    progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Predict the test rows with every model and compute every slice's figures."""
    texts = [e.text for e in test]
    slices = _slices(test)
    result: dict[str, Any] = {"slices": {name: len(idx) for name, idx in slices.items()}, "models": {}}
    for name, predict in models.items():
        if progress:
            progress(f"predicting {len(texts)} test rows with {name}")
        t0 = time.perf_counter()
        preds = list(predict(texts))
        seconds = time.perf_counter() - t0
        if len(preds) != len(texts):
            raise RuntimeError(f"{name} returned {len(preds)} predictions for {len(texts)} texts")
        result["models"][name] = {
            "predict_seconds": round(seconds, 1),
            "slices": {s: slice_metrics([test[i] for i in idx], [preds[i] for i in idx])
                       for s, idx in slices.items()},
        }
    return result


# ---------------------------------------------------------------------------------------------- rendering
def _fmt(x: float | None, pct: bool = False) -> str:
    if x is None:
        return "–"
    return f"{100 * x:.2f}%" if pct else f"{x:.4f}"


# Long on purpose: one report, section by section in the order a reader meets them; each section is a few
# lines of table formatting that would gain nothing from being a function of its own.
def render_markdown(result: dict[str, Any]) -> str:
    models = list(result["models"])
    head = "| " + " | ".join(models) + " |"
    sep = "|---:" * len(models) + "|"
    lines = [f"# fanzha evaluation — seed {result['seed']}"
             + (f", source `{result['leave_out']}` left out" if result.get("leave_out") else ""), ""]
    lines += [f"- command: `{result['command']}`", f"- date: {result['date']}",
              f"- data: `{result['data_dir']}`; test rows: "
              + ", ".join(f"{k} {v}" for k, v in result["slices"].items())]
    for note in result.get("notes", []):
        lines.append(f"- {note}")
    if result.get("leave_out"):
        lines.append(f"- leave-one-source-out: no row of `{result['leave_out']}` (nor any near-duplicate of one) was "
                     f"trained on; its row in the per-source table is the generalisation figure")
    lines.append("")

    def metric_rows(slice_name: str, rows: list[tuple[str, Callable[[dict], float | None], bool]]) -> None:
        lines.append("| metric " + head)
        lines.append("|---" + sep)
        for title, get, pct in rows:
            cells = []
            for m in models:
                s = result["models"][m]["slices"].get(slice_name)
                cells.append(_fmt(get(s), pct) if s else "–")
            lines.append(f"| {title} | " + " | ".join(cells) + " |")
        lines.append("")

    headline = [
        ("fraud vs rest: precision", lambda s: s["fraud_vs_rest"]["precision"], False),
        ("fraud vs rest: recall", lambda s: s["fraud_vs_rest"]["recall"], False),
        ("fraud vs rest: F1", lambda s: s["fraud_vs_rest"]["f1"], False),
        ("flagged (fraud or illegal) vs normal: F1", lambda s: s["flagged_vs_normal"]["f1"], False),
        ("false positives on normal text", lambda s: s["fpr_normal"], True),
        ("false positives on personal SMS/chat (NUS, LCCC)", lambda s: s["fpr_personal"], True),
        ("fraud category accuracy (fraud rows)", lambda s: s["fraud_category_accuracy"], False),
        ("macro F1 over classes", lambda s: s["macro_f1"], False),
        ("accuracy (11 classes)", lambda s: s["accuracy"], False),
    ]
    lines += ["## Held-out real test rows", ""]
    metric_rows("real", headline)
    if result.get("ensemble"):
        lines += render_ensemble(result["ensemble"])

    lines += ["## Per source (real test rows)", "",
              "Fraud sources: recall and category accuracy; normal sources: false-positive rate.", ""]
    lines.append("| source | rows | figure " + head)
    lines.append("|---|---:|---" + sep)
    for source in SOURCES[:-1]:
        key = f"source:{source}"
        any_model = next((result["models"][m]["slices"].get(key) for m in models), None)
        if not any_model:
            continue
        figures = []
        if any_model["fraud_vs_rest"]["positives"]:
            figures += [("fraud recall", lambda s: s["fraud_vs_rest"]["recall"], False),
                        ("fraud F1", lambda s: s["fraud_vs_rest"]["f1"], False),
                        ("category accuracy", lambda s: s["fraud_category_accuracy"], False)]
        if any_model["label_counts"].get("illegal_service"):
            figures.append(("illegal_service recall", lambda s: s["per_class"]["illegal_service"]["recall"], False))
        if any_model["normal_rows"]:
            figures.append(("FPR on its normal rows", lambda s: s["fpr_normal"], True))
        for title, get, pct in figures:
            cells = [_fmt(get(result["models"][m]["slices"][key]), pct) for m in models]
            lines.append(f"| {source} | {any_model['rows']} | {title} | " + " | ".join(cells) + " |")
    lines.append("")

    for name, title in (("synthetic", "Synthetic slice (flagged; not in the figures above)"),
                        ("synthetic:templates", "… of which held-out templates (wording never trained on)"),
                        ("synthetic:shifted", "… of which register-shifted copies of real test rows "
                                              "(SMS-length cuts, chat logs, brackets, links)")):
        if name in result["slices"]:
            lines += [f"## {title}", ""]
            metric_rows(name, headline[:6])

    lines += ["## Threshold trade-off on fraud_probability (real test rows)", "",
              "A message counts as fraud when fraud_probability ≥ threshold (whatever its top label).", ""]
    figures = (("FPR on normal text", "fpr_normal", True),
               ("FPR on personal SMS/chat (NUS, LCCC)", "fpr_personal", True),
               ("fraud recall", "recall_fraud", False), ("fraud precision", "precision_fraud", False))
    for slice_name, where in (("real", "real test rows"), ("synthetic", "synthetic slice")):
        if slice_name not in result["slices"]:
            continue
        for title, key, pct in figures:
            if slice_name == "synthetic" and key == "fpr_personal":
                continue
            lines += [f"{title} ({where}):", "", "| threshold " + head, "|---:" + sep]
            for k, t in enumerate(THRESHOLDS):
                cells = [_fmt(result["models"][m]["slices"][slice_name]["thresholds"][k][key], pct) for m in models]
                lines.append(f"| {t} | " + " | ".join(cells) + " |")
            lines.append("")

    lines += ["## Per class (real test rows)", ""]
    lines.append("| class | support | " + " | ".join(f"{m}: P | {m}: R | {m}: F1" for m in models) + " |")
    lines.append("|---|---:" + "|---:|---:|---:" * len(models) + "|")
    for label in LABELS:
        first = result["models"][models[0]]["slices"]["real"]["per_class"].get(label)
        if first is None:
            continue
        cells = []
        for m in models:
            c = result["models"][m]["slices"]["real"]["per_class"].get(label, {})
            cells += [_fmt(c.get("precision")), _fmt(c.get("recall")), _fmt(c.get("f1"))]
        lines.append(f"| {label} | {first['support']} | " + " | ".join(cells) + " |")
    lines.append("")

    for m in models:
        conf = result["models"][m]["slices"]["real"]["confusion"]
        short = [label[:10] for label in conf["labels"]]
        lines += [f"## Confusion matrix: {m} (rows gold, columns predicted; real test rows)", ""]
        lines.append("| gold \\ pred | " + " | ".join(short) + " |")
        lines.append("|---" + "|---:" * len(short) + "|")
        for label, row in zip(conf["labels"], conf["matrix"], strict=True):
            lines.append(f"| {label} | " + " | ".join(str(v) for v in row) + " |")
        lines.append("")
    return "\n".join(lines)


def render_ensemble(ens: dict[str, Any]) -> list[str]:
    """How the ensemble weight was chosen: the rule, and the dev figures behind it."""
    lines = ["## Ensemble weight (chosen on the dev split, never on test)", "",
             f"- combination: {ens['method']} mean, weight w = {ens['weight']} on the transformer, "
             f"1 − w on the TF-IDF peer ({ens.get('origin', '')})",
             f"- rule: {ens['rule']}"]
    if ens.get("core_note"):
        lines.append(f"- transformer the core (w ≥ 0.5): {'yes' if ens['transformer_core'] else 'NO'} — "
                     f"{ens['core_note']}")
    else:
        lines.append(f"- transformer the core (w ≥ 0.5): {'yes' if ens['transformer_core'] else 'NO'}")
    dev = ens.get("dev") or {}
    cols = [c for c in ("transformer", "ensemble", "peer") if dev.get(c)]
    if cols:
        lines += ["", f"Dev figures ({ens.get('dev_rows', '?')} rows):", "",
                  "| dev figure | " + " | ".join(cols) + " |", "|---" + "|---:" * len(cols) + "|"]
        for title, key, pct in (("macro F1 over classes", "macro_f1", False),
                                ("fraud vs rest: F1", "fraud_vs_rest_f1", False),
                                ("false positives on normal text", "fpr_normal", True),
                                ("false positives on personal SMS/chat", "fpr_personal", True),
                                ("accuracy", "accuracy", False), ("log-loss", "log_loss", False)):
            lines.append(f"| {title} | " + " | ".join(_fmt(dev[c].get(key), pct) for c in cols) + " |")
    grid = [r for r in ens.get("grid", []) if r["method"] == ens["method"]]
    if grid:
        lines += ["", f"Dev grid ({ens['method']}):", "",
                  "| w | macro F1 | fraud F1 | FPR normal | FPR personal | log-loss |",
                  "|---:|---:|---:|---:|---:|---:|"]
        for r in grid:
            lines.append(f"| {r['weight']:.2f} | {_fmt(r['macro_f1'])} | {_fmt(r['fraud_vs_rest_f1'])} | "
                         f"{_fmt(r['fpr_normal'], True)} | {_fmt(r['fpr_personal'], True)} | {_fmt(r['log_loss'])} |")
    lines.append("")
    return lines


# ---------------------------------------------------------------------------------------------------- CLI
def _err(message: str) -> None:
    print(f"fanzha evaluate: {message}", file=sys.stderr)


def _baseline(splits: Splits, folder: Path | None, notes: list[str]):
    from nlp.baseline import BaselineModel, train_baseline

    if folder is not None and (folder / "baseline.joblib").is_file():
        model = BaselineModel.load(folder)
        if model.meta.get("seed") == splits.seed and model.meta.get("leave_out") == splits.leave_out:
            notes.append(f"tfidf-vocab (nlp.baseline) loaded from {folder}")
            return model
    print("training the vocabulary TF-IDF baseline …", file=sys.stderr)
    model = train_baseline(splits)
    notes.append(f"tfidf-vocab (nlp.baseline): char 1–3-gram TF-IDF ({model.meta['features']} features) + "
                 f"logistic regression, trained on {model.meta['train_rows']} rows in {model.meta['fit_seconds']} s")
    if folder is not None:
        model.save(folder)
    return model


def _peer(splits: Splits, folder: Path, notes: list[str]):
    """The shipped peer if it was trained on exactly this split, else one trained now on this split's train."""
    from nlp.peer import SPEC_FILE, Peer, PeerNotFoundError, train_peer

    if splits.leave_out is None and (folder / SPEC_FILE).is_file():
        try:
            peer = Peer.load(folder)
        except PeerNotFoundError as exc:
            notes.append(f"WARNING: {exc}")
        else:
            recorded = peer.meta.get("split_fingerprint")
            if recorded == splits.fingerprint() and peer.meta.get("leave_out") is None:
                notes.append(f"tfidf: the shipped peer from {folder} (hashing char 1–3-gram TF-IDF, "
                             f"{peer.config.n_features} buckets, + logistic regression; trained on this split)")
                return peer
            notes.append(f"WARNING: the peer in {folder} was trained on split {recorded}, not on this one; "
                         "training one on this split instead")
    print("training the TF-IDF peer on this split …", file=sys.stderr)
    peer = train_peer(splits)
    peer.meta["trained_now"] = True
    notes.append(f"tfidf: hashing char 1–3-gram TF-IDF peer trained now on this split's {peer.meta['train_rows']} "
                 f"train rows in {peer.meta['fit_seconds']} s")
    return peer


def _transformer(model_dir: Path | None, splits: Splits, notes: list[str], base_dir: Path | None = None,
                 dtype: str = "auto"):
    """The ``FraudClassifier`` (or None, with a note saying why)."""
    try:
        from nlp.classifier import FraudClassifier, default_model_dir, inference_dtype

        folder = model_dir or default_model_dir()
        classifier = FraudClassifier.from_pretrained(folder, base_dir, dtype=dtype)
        notes.append(f"transformer encoder dtype: {str(inference_dtype(dtype)).removeprefix('torch.')} "
                     f"(--dtype {dtype})")
    except Exception as exc:  # any failure to load: report the peer alone and say why
        notes.append(f"transformer NOT evaluated: could not load it ({type(exc).__name__}: {exc})")
        return None
    spec_path = Path(folder) / "fanzha_model.json"
    try:
        spec = json.loads(spec_path.read_text())
    except (OSError, ValueError):
        spec = {}
    trained = spec.get("train_config") or {}
    seed, leave_out = trained.get("seed"), trained.get("leave_out")
    recorded = spec.get("split_fingerprint")
    if recorded and recorded != splits.fingerprint():
        notes.append(f"WARNING: the transformer was trained on split {recorded}, not on this one "
                     f"({splits.fingerprint()}): rows may have moved between train and test")
    notes.append(f"transformer: {folder}" + (f" (trained with seed {seed}, leave-out {leave_out})"
                                             if seed is not None else ""))
    if seed is not None and (seed != splits.seed or leave_out != splits.leave_out):
        notes.append("WARNING: the transformer was trained on a different split; its test figures are not "
                     "held-out figures")
    return classifier


class _CachedProba:
    """The transformer's probabilities for the last list of texts: its column and the ensemble's share one run."""

    def __init__(self, predict_proba: Callable[[list[str]], Any]) -> None:
        self._predict_proba = predict_proba
        self._key: tuple[int, int] | None = None
        self._value: Any = None

    def __call__(self, texts: list[str]):
        key = (len(texts), hash(tuple(texts)))
        if key != self._key:
            self._key, self._value = key, self._predict_proba(texts)
        return self._value


def _ensemble(args: argparse.Namespace, splits: Splits, transformer, peer, peer_dir: Path, model_dir: Path,
              notes: list[str]):
    """(EnsembleClassifier, selection record): the weight from ensemble.json, or chosen on dev now."""
    from nlp.classifier import WEIGHTS_FILE
    from nlp.ensemble import EnsembleClassifier, file_sha256, read_ensemble_spec, select_weight, write_ensemble_spec
    from nlp.peer import PeerNotFoundError

    head_sha = file_sha256(model_dir / WEIGHTS_FILE)
    if args.ensemble_weight is not None:
        if not 0.0 <= args.ensemble_weight <= 1.0:
            raise ValueError(f"--ensemble-weight must be in [0, 1], got {args.ensemble_weight}")
        notes.append(f"ensemble: weight {args.ensemble_weight} ({args.ensemble_method}) given on the command line")
        record = {"weight": args.ensemble_weight, "method": args.ensemble_method, "transformer_core":
                  args.ensemble_weight >= 0.5, "rule": "given with --ensemble-weight", "origin": "command line"}
        return EnsembleClassifier(transformer, peer, args.ensemble_weight, args.ensemble_method), record
    spec = None
    if splits.leave_out is None and not args.select_weight:
        try:
            spec = read_ensemble_spec(peer_dir)
        except PeerNotFoundError as exc:
            notes.append(f"WARNING: {exc}")
        if spec is not None and (spec.get("split_fingerprint") != splits.fingerprint()
                                 or (spec.get("transformer") or {}).get("head_sha256") != head_sha
                                 or (spec.get("transformer") or {}).get("spec_sha256")
                                 not in (None, file_sha256(model_dir / "fanzha_model.json"))
                                 or (spec.get("peer") or {}).get("coef_sha256") != _peer_coef_sha(peer)):
            notes.append(f"WARNING: {peer_dir / 'ensemble.json'} was selected for another transformer, peer or "
                         "split: choosing the weight on dev again (not written; use --select-weight to write it)")
            spec = None
    if spec is not None:
        notes.append(f"ensemble: weight {spec['weight']} ({spec['method']}) from {peer_dir / 'ensemble.json'}, "
                     f"selected on dev {spec.get('date', '')}")
        record = {k: v for k, v in spec.items() if k not in ("format_version",)}
        record["origin"] = f"read from {peer_dir / 'ensemble.json'}"
        return EnsembleClassifier(transformer, peer, float(spec["weight"]), spec["method"]), record
    dev = list(splits.dev)
    print(f"choosing the ensemble weight on {len(dev)} dev rows …", file=sys.stderr)
    texts = [e.text for e in dev]
    p_transformer = transformer.predict_proba(texts, normalized=True).numpy()
    p_peer = peer.predict_proba(texts, normalized=True, labels=transformer.labels)
    selection = select_weight(p_transformer, p_peer, dev, transformer.labels)
    context = {"split_fingerprint": splits.fingerprint(), "seed": splits.seed, "leave_out": splits.leave_out,
               "transformer": {"model_dir": str(model_dir), "head_sha256": head_sha,
                               "spec_sha256": file_sha256(model_dir / "fanzha_model.json")},
               "peer": {"dir": str(peer_dir), "coef_sha256": _peer_coef_sha(peer),
                        "split_fingerprint": peer.meta.get("split_fingerprint")}}
    origin = "chosen on this split's dev now"
    if args.select_weight and splits.leave_out is None:
        if peer.meta.pop("trained_now", False):  # ensemble.json must sit next to the peer it was chosen with
            peer.save(peer_dir)
            notes.append(f"the peer trained now was saved to {peer_dir} with its ensemble weight")
        path = write_ensemble_spec(peer_dir, selection, **context)
        origin += f", written to {path}"
    notes.append(f"ensemble: weight {selection['weight']} ({selection['method']}) {origin}")
    return (EnsembleClassifier(transformer, peer, selection["weight"], selection["method"]),
            {**context, **selection, "origin": origin})


def _peer_coef_sha(peer) -> str:
    import hashlib

    return hashlib.sha256(peer.coef16.tobytes()).hexdigest()


def _command(args: argparse.Namespace) -> str:
    parts = ["fanzha evaluate", f"--data-dir {args.data_dir}", f"--seed {args.seed}"]
    for flag, value in (("--model-dir", args.model_dir), ("--base-dir", args.base_dir), ("--leave-out", args.leave_out),
                        ("--peer-dir", args.peer_dir), ("--baseline-dir", args.baseline_dir), ("--out", args.out)):
        if value is not None:
            parts.append(f"{flag} {value}")
    if args.dtype != "auto":
        parts.append(f"--dtype {args.dtype}")
    if args.ensemble_weight is not None:
        parts.append(f"--ensemble-weight {args.ensemble_weight} --ensemble-method {args.ensemble_method}")
    for flag, on in (("--select-weight", args.select_weight), ("--vocab-baseline", args.vocab_baseline),
                     ("--no-transformer", args.no_transformer)):
        if on:
            parts.append(flag)
    return " ".join(parts)


def run(args: argparse.Namespace) -> int:
    from nlp.peer import default_peer_dir
    from nlp.splits import load_splits

    if not args.data_dir.is_dir():
        _err(f"data folder not found: {args.data_dir}")
        return 1
    if args.ensemble_weight is not None and not 0.0 <= args.ensemble_weight <= 1.0:
        _err(f"--ensemble-weight must be between 0 and 1, got {args.ensemble_weight}")
        return 1
    try:
        splits = load_splits(args.data_dir, seed=args.seed, leave_out=args.leave_out)
    except (ValueError, OSError) as exc:
        _err(str(exc))
        return 1
    notes = [f"split fingerprint {splits.fingerprint()} (nlp.splits.Splits.fingerprint)", *splits.notes]
    peer_dir = args.peer_dir or default_peer_dir(args.model_dir)
    peer = _peer(splits, peer_dir, notes)
    models: dict[str, Predictor] = {}
    ensemble_record = None
    transformer = None
    if not args.no_transformer:
        transformer = _transformer(args.model_dir, splits, notes, args.base_dir, args.dtype)
    else:
        notes.append("transformer not evaluated (--no-transformer)")
    if transformer is not None:
        from nlp.classifier import default_model_dir
        from nlp.ensemble import combine

        ensemble, ensemble_record = _ensemble(args, splits, transformer, peer, peer_dir,
                                              args.model_dir or default_model_dir(), notes)
        transformer_proba = _CachedProba(lambda texts: transformer.predict_proba(texts, normalized=True).numpy())
        models["transformer"] = lambda texts: ensemble.predictions(transformer_proba(texts))
        models["ensemble"] = lambda texts: ensemble.predictions(combine(
            transformer_proba(texts), peer.predict_proba(texts, normalized=True, labels=ensemble.labels),
            ensemble.weight, ensemble.method))
    models["tfidf"] = lambda texts: peer.predict(texts, normalized=True)
    if args.vocab_baseline or args.baseline_dir is not None:
        baseline = _baseline(splits, args.baseline_dir, notes)
        models["tfidf-vocab"] = lambda texts: baseline.predict(texts, normalized=True)
    result = evaluate_models(splits.test, models, progress=lambda m: print(m, file=sys.stderr))
    suffix = f"seed{args.seed}" + (f"_leave_out_{args.leave_out}" if args.leave_out else "")
    result.update({
        "command": _command(args), "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "data_dir": str(args.data_dir), "seed": args.seed, "leave_out": args.leave_out, "notes": notes,
        "split_counts": splits.counts(), "python": platform.python_version(),
    })
    if ensemble_record is not None:
        result["ensemble"] = ensemble_record
    out = args.out or default_out_dir()
    out.mkdir(parents=True, exist_ok=True)
    (out / f"eval_{suffix}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    markdown = render_markdown(result) + "\n## Split counts\n\n" + splits.counts()
    (out / f"eval_{suffix}.md").write_text(markdown)
    print(f"wrote {out / f'eval_{suffix}.md'} and .json", file=sys.stderr)
    real = {m: result["models"][m]["slices"]["real"] for m in result["models"]}
    for m, s in real.items():
        print(f"{m}: fraud F1 {_fmt(s['fraud_vs_rest']['f1'])}, FPR normal {_fmt(s['fpr_normal'], True)}, "
              f"FPR personal {_fmt(s['fpr_personal'], True)}")
    return 0
