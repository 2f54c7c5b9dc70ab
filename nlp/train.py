"""``fanzha train``: fine-tune the top of the rebuilt E5 encoder for fraud classification on CPU.

Full fine-tuning of 12 layers does not fit a 2-core budget, so (measured numbers in data/model/TRAINING.md):
the model keeps the first ``num_layers`` layers of E5; the embeddings and the lower layers are frozen and
int8-quantised exactly as at inference, their output is computed ONCE per example (fp16, in RAM), and only the
top ``trainable_layers`` layers plus a linear head over mean-pooled states are trained for a few epochs, with
class-balanced sampling. The artefacts are the fine-tuned layers + head in fp16 safetensors and a JSON spec.
"""

from __future__ import annotations

import copy
import json
import logging
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from nlp.classifier import (
    FORMAT_VERSION,
    ILLEGAL,
    MODEL_FILE,
    NORMAL,
    WEIGHTS_FILE,
    BatchEncoder,
    MeanPoolClassifier,
    build_model,
    quantize_linear,
)

log = logging.getLogger("fanzha.train")

@dataclass(frozen=True)
class TrainConfig:
    seed: int = 13
    num_layers: int = 6  # E5 layers kept (of 12)
    trainable_layers: int = 2  # top layers fine-tuned (the rest frozen + cached)
    max_length: int = 128  # tokens incl. "query: " prefix and <s> </s>
    epochs: int = 4
    samples_per_epoch: int = 12_000  # class-balanced draw per epoch (without replacement)
    batch_size: int = 32
    lr_layers: float = 2e-4
    lr_head: float = 2e-3
    weight_decay: float = 0.01
    warmup_fraction: float = 0.06
    balance_power: float = 0.6  # class share ∝ count ** balance_power (1 = natural, 0 = uniform)
    source_balance_power: float = 0.5  # within a class, source share ∝ count ** this (hard ad negatives up)
    quantize: bool = True  # dynamic int8 for the frozen part (as at inference)
    cache_batch_size: int = 64
    threads: int = 2
    leave_out: str | None = None
    prefix: str = "query: "


@dataclass
class Encoded:
    """Frozen-layer hidden states (fp16, unpadded) and gold label indices of one split."""

    states: list[torch.Tensor]
    labels: torch.Tensor
    examples: list


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _setup_logging(out_dir: Path) -> logging.Handler:
    out_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(out_dir / "train.log", mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    if not any(isinstance(h, logging.StreamHandler) and h.stream is sys.stderr for h in log.handlers):
        console = logging.StreamHandler(sys.stderr)
        console.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(console)
    return handler


def _length_stats(lengths: Sequence[int], max_length: int) -> str:
    arr = np.asarray(lengths)
    if arr.size == 0:
        return "no examples"
    p50, p90, p99 = np.percentile(arr, [50, 90, 99])
    return (f"p50={p50:.0f} p90={p90:.0f} p99={p99:.0f} max={arr.max()} "
            f"truncated at {max_length}: {(arr >= max_length).mean():.1%}")


def encode_frozen(model: MeanPoolClassifier, encoder: BatchEncoder, examples: Sequence, labels: Sequence[str],
                  n_frozen: int, batch_size: int, desc: str) -> Encoded:
    """Run embeddings + the first ``n_frozen`` layers once per example; keep unpadded fp16 states."""
    from tqdm import tqdm

    texts = [e.text for e in examples]
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    states: list[torch.Tensor | None] = [None] * len(texts)
    index = {label: i for i, label in enumerate(labels)}
    with torch.inference_mode(), tqdm(total=len(texts), desc=desc, unit="ex", file=sys.stderr) as bar:
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            ids, mask = encoder([texts[i] for i in idx])
            hidden = model.forward_layers(model.embed(ids), mask, 0, n_frozen)
            lengths = mask.sum(1).tolist()
            for row, i in enumerate(idx):
                states[i] = hidden[row, : lengths[row]].to(torch.float16).clone()
            bar.update(len(idx))
    gold = torch.tensor([index[e.label] for e in examples], dtype=torch.long)
    return Encoded(states=states, labels=gold, examples=list(examples))  # type: ignore[arg-type]


def _pad(states: Sequence[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    hidden = nn.utils.rnn.pad_sequence([s.float() for s in states], batch_first=True)
    lengths = torch.tensor([len(s) for s in states])
    mask = (torch.arange(hidden.shape[1])[None, :] < lengths[:, None]).long()
    return hidden, mask


def _top_logits(model: MeanPoolClassifier, hidden: torch.Tensor, mask: torch.Tensor, start: int) -> torch.Tensor:
    return model.head(model.forward_layers(hidden, mask, start), mask)


def predict_cached(model: MeanPoolClassifier, data: Encoded, start: int, batch_size: int = 128) -> torch.Tensor:
    """Class probabilities from cached frozen states (rows in split order)."""
    model.eval()
    order = sorted(range(len(data.states)), key=lambda i: len(data.states[i]))
    out = torch.empty((len(order), model.classifier.out_features))
    with torch.inference_mode():
        for s in range(0, len(order), batch_size):
            idx = order[s : s + batch_size]
            hidden, mask = _pad([data.states[i] for i in idx])
            out[torch.tensor(idx)] = torch.softmax(_top_logits(model, hidden, mask, start), dim=-1)
    return out


def group_of(label: str) -> str:
    return "normal" if label == NORMAL else "illegal" if label == ILLEGAL else "fraud"


def summarize(probs: torch.Tensor, gold: torch.Tensor, labels: Sequence[str], examples: Sequence) -> dict:
    """Threshold-free figures: class accuracy/macro-F1, fraud-vs-normal F1 (grouped argmax), false positives."""
    labels = list(labels)
    n = len(gold)
    if n == 0:
        return {"n": 0}
    pred = probs.argmax(1)
    illegal = labels.index(ILLEGAL) if ILLEGAL in labels else None
    p_fraud = 1 - probs[:, 0] - (probs[:, illegal] if illegal is not None else 0)
    p_ill = probs[:, illegal] if illegal is not None else torch.zeros(n)
    group_pred = []
    for pn, pf, pi in zip(probs[:, 0].tolist(), p_fraud.tolist(), p_ill.tolist(), strict=True):
        group_pred.append(max((("normal", pn), ("fraud", pf), ("illegal", pi)), key=lambda g: g[1])[0])
    group_gold = [group_of(labels[g]) for g in gold.tolist()]
    per_class = {}
    for c, name in enumerate(labels):
        tp = int(((pred == c) & (gold == c)).sum())
        fp = int(((pred == c) & (gold != c)).sum())
        fn = int(((pred != c) & (gold == c)).sum())
        if tp + fn == 0 and fp == 0:
            continue
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        per_class[name] = {"precision": prec, "recall": rec, "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0,
                           "support": tp + fn}
    supported = [v["f1"] for v in per_class.values() if v["support"]]
    # Binary fraud vs normal on the texts whose gold is normal or fraud (illegal spam left out).
    pairs = [(g, p) for g, p in zip(group_gold, group_pred, strict=True) if g != "illegal"]
    tp = sum(g == "fraud" and p == "fraud" for g, p in pairs)
    fp = sum(g == "normal" and p == "fraud" for g, p in pairs)
    fn = sum(g == "fraud" and p != "fraud" for g, p in pairs)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    normals = [p for g, p in zip(group_gold, group_pred, strict=True) if g == "normal"]
    fp_by_source: dict[str, list[int]] = {}
    for ex, g, p in zip(examples, group_gold, group_pred, strict=True):
        if g == "normal":
            fp_by_source.setdefault(ex.source, [0, 0])
            fp_by_source[ex.source][0] += p != "normal"
            fp_by_source[ex.source][1] += 1
    nll = float(-torch.log(probs[torch.arange(n), gold].clamp(min=1e-9)).mean())
    return {
        "n": n,
        "accuracy": float((pred == gold).float().mean()),
        "macro_f1": float(np.mean(supported)) if supported else 0.0,
        "log_loss": nll,
        "fraud_vs_normal": {"precision": prec, "recall": rec,
                            "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0},
        "normal_false_positive_rate": (sum(p != "normal" for p in normals) / len(normals)) if normals else None,
        "normal_false_positive_rate_by_source": {s: v[0] / v[1] for s, v in sorted(fp_by_source.items())},
        "per_class": per_class,
    }


def _balanced_sample(labels: Sequence[int], sources: Sequence[str], size: int, power: float, source_power: float,
                     rng: np.random.Generator) -> np.ndarray:
    """Draw ``size`` distinct indices: class share ∝ count**power, then within a class source share ∝
    count**source_power (so rare hard negatives such as FBS/tf5 ads are not drowned by web fragments)."""
    labels = list(labels)
    strata = [(y, s.removesuffix("+aug")) for y, s in zip(labels, sources, strict=True)]
    class_counts = Counter(labels)
    stratum_counts = Counter(strata)
    class_mass = {c: n ** power for c, n in class_counts.items()}
    total = sum(class_mass.values())
    within: dict[int, float] = {}
    for (c, _), n in stratum_counts.items():
        within[c] = within.get(c, 0.0) + n ** source_power
    weights = np.array([class_mass[c] / total * (stratum_counts[(c, src)] ** source_power / within[c])
                        / stratum_counts[(c, src)] for c, src in strata], dtype=np.float64)
    size = min(size, len(labels))
    return rng.choice(len(labels), size=size, replace=False, p=weights / weights.sum())


def _length_bucketed_batches(indices: np.ndarray, lengths: Sequence[int], batch_size: int,
                             rng: np.random.Generator) -> list[np.ndarray]:
    """Shuffle, sort within chunks of 50 batches by length (less padding), shuffle the batch order."""
    indices = rng.permutation(indices)
    chunk = batch_size * 50
    batches = []
    for s in range(0, len(indices), chunk):
        part = sorted(indices[s : s + chunk].tolist(), key=lambda i: lengths[i])
        batches.extend(np.array(part[b : b + batch_size]) for b in range(0, len(part), batch_size))
    order = rng.permutation(len(batches))
    return [batches[i] for i in order]


def _base_identity(base_dir: Path) -> dict:
    stamp = base_dir / "fanzha-rebuild.json"
    if stamp.is_file():
        return json.loads(stamp.read_text())
    return {"source": str(base_dir)}


def train(data_dir: Path, out_dir: Path, config: TrainConfig | None = None, *,
          cache_dir: Path | None = None, base_dir: Path | None = None) -> dict:
    """Load the splits, fine-tune, write the artefacts + log + figures to ``out_dir``; returns the figures."""
    from nlp.splits import load_splits

    config = config or TrainConfig()
    handler = _setup_logging(out_dir)
    try:
        log.info("loading data from %s (seed %d, leave out %s)", data_dir, config.seed, config.leave_out)
        splits = load_splits(Path(data_dir), seed=config.seed, leave_out=config.leave_out)
        fingerprint = splits.fingerprint() if hasattr(splits, "fingerprint") else None
        return train_on_splits(splits.train, splits.dev, splits.test, out_dir, config, cache_dir=cache_dir,
                               base_dir=base_dir, split_fingerprint=fingerprint, _logging_ready=True)
    finally:
        log.removeHandler(handler)
        handler.close()


# Long on purpose: the training procedure read top to bottom (cache the frozen states, sample, train, pick
# the best dev epoch, score, save) is the recipe the model card documents; cut into helpers it would hide
# the order of the steps that decide what the shipped weights are.
def train_on_splits(train_set: Sequence, dev_set: Sequence, test_set: Sequence, out_dir: Path,
                    config: TrainConfig | None = None, *, labels: Sequence[str] | None = None,
                    category_names: dict[str, str] | None = None, split_fingerprint: str | None = None,
                    cache_dir: Path | None = None, base_dir: Path | None = None,
                    _logging_ready: bool = False) -> dict:
    """The training run on given examples (``Example``-like: text, label, source, group)."""
    from tqdm import tqdm

    config = config or TrainConfig()
    out_dir = Path(out_dir)
    handler = None if _logging_ready else _setup_logging(out_dir)
    try:
        t0 = time.perf_counter()
        from nlp.data import CATEGORY_ZH, LABELS

        labels = LABELS if labels is None else labels
        category_names = {**CATEGORY_ZH, **(category_names or {})}
        labels = tuple(labels)
        if labels[0] != NORMAL:
            raise ValueError("labels must start with 'normal'")
        set_seed(config.seed)
        torch.set_num_threads(config.threads)
        if base_dir is None:
            from nlp.encoder import ensure_base_encoder

            base_dir = ensure_base_encoder(cache_dir)
        base_dir = Path(base_dir)
        log.info("config: %s", json.dumps(asdict(config)))
        for name, split in (("train", train_set), ("dev", dev_set), ("test", test_set)):
            counts = Counter(e.label for e in split)
            log.info("%s: %d examples; %s", name, len(split), dict(sorted(counts.items())))
            log.info("%s by source: %s", name, dict(sorted(Counter(e.source for e in split).items())))

        spec = {"num_layers": config.num_layers, "labels": list(labels)}
        model, tokenizer = build_model(base_dir, spec)
        n_layers = model.num_layers
        k = min(config.trainable_layers, n_layers)
        start = n_layers - k
        encoder = BatchEncoder(tokenizer, config.max_length, config.prefix)
        lengths = encoder.lengths([e.text for e in train_set])
        log.info("train token lengths: %s", _length_stats(lengths, config.max_length))

        # Draw every epoch's class-balanced sample up front: only their union needs frozen states.
        rng = np.random.default_rng(config.seed)
        index = {label: i for i, label in enumerate(labels)}
        all_gold = torch.tensor([index[e.label] for e in train_set], dtype=torch.long)
        per_epoch = min(config.samples_per_epoch, len(train_set))
        sources = [e.source for e in train_set]
        plan = [_balanced_sample(all_gold.tolist(), sources, per_epoch, config.balance_power,
                                 config.source_balance_power, rng) for _ in range(config.epochs)]
        used = sorted(set(np.concatenate(plan).tolist())) if plan else []
        position = {orig: i for i, orig in enumerate(used)}
        plan = [np.array([position[i] for i in sample.tolist()]) for sample in plan]
        train_used = [train_set[i] for i in used]
        log.info("epochs draw %d distinct training examples of %d: %s", len(train_used), len(train_set),
                 dict(sorted(Counter(e.label for e in train_used).items())))

        frozen = quantize_linear(copy.deepcopy(model)) if config.quantize else model
        frozen.eval()
        t_cache = time.perf_counter()
        cached = {name: encode_frozen(frozen, encoder, split, labels, start, config.cache_batch_size,
                                      f"cache {name}")
                  for name, split in (("train", train_used), ("dev", dev_set), ("test", test_set))}
        cache_seconds = time.perf_counter() - t_cache
        cached_bytes = sum(s.numel() * 2 for enc in cached.values() for s in enc.states)
        log.info("cached frozen states of %d layers in %.0f s (%.2f GiB fp16)", start, cache_seconds,
                 cached_bytes / 2**30)
        del frozen

        # Trainable part: top k layers + a freshly initialised head.
        model.bert.embeddings.requires_grad_(False)
        for layer in model.bert.encoder.layer[:start]:
            layer.requires_grad_(False)
        nn.init.normal_(model.classifier.weight, std=0.02)
        nn.init.zeros_(model.classifier.bias)
        layer_params = [p for layer in model.bert.encoder.layer[start:] for p in layer.parameters()]
        optimizer = torch.optim.AdamW(
            [{"params": layer_params, "lr": config.lr_layers},
             {"params": model.classifier.parameters(), "lr": config.lr_head}],
            weight_decay=config.weight_decay)
        steps_per_epoch = math.ceil(per_epoch / config.batch_size)
        total_steps = max(1, steps_per_epoch * config.epochs)
        warmup = max(1, int(total_steps * config.warmup_fraction))
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total_steps - s) / max(1, total_steps - warmup))))
        loss_fn = nn.CrossEntropyLoss()
        train_states, train_gold = cached["train"].states, cached["train"].labels
        state_lengths = [len(s) for s in train_states]

        best: tuple[float, float] | None = None
        best_state: dict[str, torch.Tensor] = {}
        history = []
        t_train = time.perf_counter()
        for epoch in range(1, config.epochs + 1):
            model.train()
            batches = _length_bucketed_batches(plan[epoch - 1], state_lengths, config.batch_size, rng)
            running = 0.0
            with tqdm(batches, desc=f"epoch {epoch}/{config.epochs}", unit="batch", file=sys.stderr) as bar:
                for step, batch in enumerate(bar, start=1):
                    hidden, mask = _pad([train_states[i] for i in batch])
                    logits = _top_logits(model, hidden, mask, start)
                    loss = loss_fn(logits, train_gold[torch.as_tensor(batch)])
                    optimizer.zero_grad(set_to_none=True)
                    loss.backward()
                    nn.utils.clip_grad_norm_(layer_params + list(model.classifier.parameters()), 1.0)
                    optimizer.step()
                    scheduler.step()
                    running += loss.item()
                    if step % 20 == 0:
                        bar.set_postfix(loss=f"{running / step:.4f}")
            dev = summarize(predict_cached(model, cached["dev"], start), cached["dev"].labels, labels,
                            cached["dev"].examples)
            history.append({"epoch": epoch, "train_loss": running / max(1, len(batches)), "dev": dev})
            log.info("epoch %d: train loss %.4f; dev accuracy %.4f macro-F1 %.4f fraud-vs-normal F1 %.4f "
                     "normal FP %.4f log-loss %.4f", epoch, running / max(1, len(batches)),
                     dev.get("accuracy", 0), dev.get("macro_f1", 0), dev.get("fraud_vs_normal", {}).get("f1", 0),
                     dev.get("normal_false_positive_rate") or 0, dev.get("log_loss", 0))
            key = (dev.get("fraud_vs_normal", {}).get("f1", 0.0), -dev.get("log_loss", 0.0))
            if best is None or key > best:
                best = key
                best_state = {n: p.detach().clone() for n, p in _trainable_state(model, start).items()}
        train_seconds = time.perf_counter() - t_train
        model.load_state_dict(best_state, strict=False)
        best_epoch = max(range(len(history)), key=lambda i: (
            history[i]["dev"].get("fraud_vs_normal", {}).get("f1", 0.0), -history[i]["dev"].get("log_loss", 0.0)))

        figures = {name: summarize(predict_cached(model, cached[name], start), cached[name].labels, labels,
                                   cached[name].examples) for name in ("dev", "test")}
        for name in ("dev", "test"):
            _write_outputs(out_dir / f"outputs_{name}.jsonl", model, cached[name], start, labels)

        manifest = {
            "format_version": FORMAT_VERSION,
            "labels": list(labels),
            "category_names": {k: category_names.get(k, k) for k in labels if k != NORMAL},
            "num_layers": n_layers,
            "trainable_layers": list(range(start, n_layers)),
            "max_length": config.max_length,
            "prefix": config.prefix,
            "pooling": "mean",
            "quantize": "dynamic-int8" if config.quantize else "none",
            "base": _base_identity(base_dir),
            "train_config": asdict(config),
            "best_epoch": best_epoch + 1,
            "split_fingerprint": split_fingerprint,  # nlp.splits.Splits.fingerprint(): the held-out rows
        }
        _save_artefacts(out_dir, model, start, manifest)
        elapsed = time.perf_counter() - t0
        result = {
            "figures": figures,
            "history": history,
            "timing_seconds": {"cache": cache_seconds, "train": train_seconds, "total": elapsed},
            "counts": {name: dict(sorted(Counter(e.label for e in split).items()))
                       for name, split in (("train", train_set), ("dev", dev_set), ("test", test_set))},
            "config": asdict(config),
        }
        (out_dir / "metrics.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        for name in ("dev", "test"):
            f = figures[name]
            log.info("%s (best epoch %d): accuracy %.4f macro-F1 %.4f fraud-vs-normal F1 %.4f normal FP %s",
                     name, best_epoch + 1, f.get("accuracy", 0), f.get("macro_f1", 0),
                     f.get("fraud_vs_normal", {}).get("f1", 0), f.get("normal_false_positive_rate"))
        log.info("done in %.0f s; artefacts in %s", elapsed, out_dir)
        return result
    finally:
        if handler is not None:
            log.removeHandler(handler)
            handler.close()


def _trainable_state(model: MeanPoolClassifier, start: int) -> dict[str, torch.Tensor]:
    state = {}
    for name, tensor in model.state_dict().items():
        in_top = name.startswith("bert.encoder.layer.") and int(name.split(".")[3]) >= start
        if in_top or name.startswith("classifier."):
            state[name] = tensor
    return state


def _save_artefacts(out_dir: Path, model: MeanPoolClassifier, start: int, manifest: dict) -> None:
    from safetensors.torch import save_file

    weights = {n: t.detach().to(torch.float16).contiguous() for n, t in _trainable_state(model, start).items()}
    save_file(weights, str(out_dir / WEIGHTS_FILE), metadata={"format": "pt"})
    (out_dir / MODEL_FILE).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_outputs(path: Path, model: MeanPoolClassifier, data: Encoded, start: int, labels: Sequence[str]) -> None:
    """Threshold-free per-example outputs (gold, source, class probabilities) for choosing thresholds later."""
    probs = predict_cached(model, data, start)
    with path.open("w", encoding="utf-8") as fh:
        for i, (ex, row) in enumerate(zip(data.examples, probs.tolist(), strict=True)):
            fh.write(json.dumps({"index": i, "label": ex.label, "source": ex.source,
                                 "scores": {lab: round(p, 6) for lab, p in zip(labels, row, strict=True)}},
                                ensure_ascii=False) + "\n")
