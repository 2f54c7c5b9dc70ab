"""Experiment: frozen full-depth E5 embeddings with a linear head, and with nearest labelled neighbours.

The shipped model fine-tunes 4 of E5's 12 layers. Would the whole frozen encoder, read by a linear head or by
"which labelled messages does this resemble" (k nearest neighbours, an explanation users can read), generalise
better to registers and sources it never saw? This runs both on the same rows and writes
``bench/results/eval/frozen_e5.md`` / ``.json``:

* the real-register evaluation set (``data/eval/``): model-only figures at the policy's thresholds;
* in-split real test rows (a seeded sample): fraud F1, false positives on normal text;
* leave-one-source-out without re-encoding: the head / neighbour pool is refitted without tf8 (then FBS)
  and scored on that source's rows.

    python -m bench.frozen_e5 --data-dir ../shared/data [--train-per-label 1500 --normal 9000]

Embeddings are E5's own (``query: `` prefix, mean pooling, L2-normalised) over ``nlp.data.normalize_for_model``
text, 128 tokens, float32, one pass per row; the machine it ran on is recorded.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from bench.machine import cpu_name

RESULTS = Path(__file__).parent / "results" / "eval"


def _embed_all(texts: list[str], batch_size: int = 64) -> np.ndarray:
    import torch

    from nlp.encoder import QUERY_PREFIX, load_base_encoder, mean_pool

    torch.set_num_threads(1)
    model, tokenizer = load_base_encoder()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), model.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            batch = tokenizer([QUERY_PREFIX + texts[i] for i in idx], padding=True, truncation=True,
                              max_length=128, return_tensors="pt")
            hidden = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
            pooled = torch.nn.functional.normalize(mean_pool(hidden, batch["attention_mask"]), dim=-1)
            out[idx] = pooled.numpy()
    return out


def _fraud_prob_linear(train_x, train_y, labels, test_x):
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(max_iter=2000, C=4.0, class_weight="balanced")
    clf.fit(train_x, train_y)
    proba = clf.predict_proba(test_x)
    classes = list(clf.classes_)
    benign = [classes.index(c) for c in ("normal", "illegal_service") if c in classes]
    return 1.0 - proba[:, benign].sum(axis=1)


def _fraud_prob_knn(train_x, train_y, test_x, k: int = 15):
    """Share of the k most similar labelled rows that are fraud, each weighted by its similarity."""
    fraud = np.array([y not in ("normal", "illegal_service") for y in train_y], dtype=np.float32)
    out = np.zeros(len(test_x), dtype=np.float32)
    for start in range(0, len(test_x), 512):
        sims = test_x[start:start + 512] @ train_x.T
        top = np.argpartition(-sims, k, axis=1)[:, :k]
        w = np.take_along_axis(sims, top, axis=1).clip(min=0)
        out[start:start + 512] = (w * fraud[top]).sum(1) / np.maximum(w.sum(1), 1e-6)
    return out


def _rates(p: np.ndarray, is_scam: np.ndarray) -> dict[str, float | None]:
    def share(mask, sel):
        return round(float(mask[sel].mean()), 4) if sel.any() else None

    return {"scam_high": share(p >= 0.9, is_scam), "scam_flagged": share(p >= 0.5, is_scam),
            "normal_high": share(p >= 0.9, ~is_scam), "normal_flagged": share(p >= 0.5, ~is_scam)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--train-per-label", type=int, default=1500)
    parser.add_argument("--normal", type=int, default=9000)
    parser.add_argument("--test-sample", type=int, default=4000)
    parser.add_argument("--loso-per-source", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    from bot.evalset import load_eval_set
    from nlp.data import normalize_for_model
    from nlp.splits import load_splits

    started = time.perf_counter()
    splits = load_splits(args.data_dir)
    rng = random.Random(13)
    by_label: dict[str, list] = defaultdict(list)
    for e in splits.train:
        by_label[e.label].append(e)
    train = []
    for label, items in sorted(by_label.items()):
        rng.shuffle(items)
        train += items[: args.normal if label == "normal" else args.train_per_label]
    real_test = list(splits.real_test)
    rng.shuffle(real_test)
    test = real_test[: args.test_sample]
    loso: dict[str, list] = {}
    for source in ("tf8", "fbs"):
        rows = [e for e in splits.real_test + splits.dev if e.source == source]
        rng.shuffle(rows)
        loso[source] = rows[: args.loso_per_source]
    evalrows = load_eval_set()

    texts = ([e.text for e in train] + [e.text for e in test]
             + [e.text for s in loso.values() for e in s] + [normalize_for_model(r.text) for r in evalrows])
    t0 = time.perf_counter()
    emb = _embed_all(texts)
    embed_seconds = time.perf_counter() - t0
    n_train, n_test = len(train), len(test)
    x_train, x_test = emb[:n_train], emb[n_train:n_train + n_test]
    cursor = n_train + n_test
    x_loso = {}
    for source, rows in loso.items():
        x_loso[source] = emb[cursor:cursor + len(rows)]
        cursor += len(rows)
    x_eval = emb[cursor:]
    y_train = [e.label for e in train]
    src_train = [e.source for e in train]

    results: dict[str, dict] = {"linear": {}, "knn": {}}
    eval_scam = np.array([r.label == "scam" for r in evalrows])
    test_fraud = np.array([e.label not in ("normal", "illegal_service") for e in test])
    for name, fn in (("linear", lambda tx, ty, x: _fraud_prob_linear(tx, ty, sorted(set(ty)), x)),
                     ("knn", lambda tx, ty, x: _fraud_prob_knn(tx, ty, x))):
        p_eval = fn(x_train, y_train, x_eval)
        results[name]["evalset"] = _rates(p_eval, eval_scam)
        p_test = fn(x_train, y_train, x_test)
        pred = p_test >= 0.5
        tp = float((pred & test_fraud).sum())
        precision = tp / max(pred.sum(), 1)
        recall = tp / max(test_fraud.sum(), 1)
        results[name]["in_split"] = {"precision": round(precision, 4), "recall": round(recall, 4),
                                     "f1": round(2 * precision * recall / max(precision + recall, 1e-9), 4),
                                     "fp_normal": round(float((pred & ~test_fraud).sum() / max((~test_fraud).sum(),
                                                                                               1)), 4)}
        for source, rows in loso.items():
            keep = [i for i, s in enumerate(src_train) if s != source]
            p = fn(x_train[keep], [y_train[i] for i in keep], x_loso[source])
            fraud = np.array([e.label not in ("normal", "illegal_service") for e in rows])
            results[name][f"leave_out_{source}"] = {
                "fraud_recall": round(float((p[fraud] >= 0.5).mean()), 4) if fraud.any() else None,
                "fp_normal": round(float((p[~fraud] >= 0.5).mean()), 4) if (~fraud).any() else None,
                "rows": len(rows)}
    report = {"machine": cpu_name(), "train_rows": n_train, "test_rows": n_test,
              "eval_rows": len(evalrows), "embed_seconds": round(embed_seconds, 1),
              "embed_rows_per_second": round(len(texts) / embed_seconds, 1),
              "total_seconds": round(time.perf_counter() - started, 1), "results": results}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "frozen_e5.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    lines = ["# Frozen 12-layer E5 embeddings: linear head and nearest neighbours", "",
             f"`python -m bench.frozen_e5 --data-dir {args.data_dir} --train-per-label {args.train_per_label} "
             f"--normal {args.normal} --test-sample {args.test_sample} --loso-per-source {args.loso_per_source}`; "
             f"{n_train} training rows (≤ "
             f"{args.train_per_label} per fraud class, {args.normal} normal), {n_test} in-split real test rows, "
             f"{len(evalrows)} evaluation-set rows; embedding {report['embed_rows_per_second']} rows/s; "
             f"machine: {report['machine']}.", "",
             "| head | eval set: scams high / high+susp | eval set: FP high / high+susp | in-split F1 · FP "
             "| without tf8: tf8 fraud recall | without FBS: FBS fraud recall · FP on FBS ads |",
             "|---|---|---|---|---|---|"]
    for name, r in results.items():
        e, s, t8, fb = r["evalset"], r["in_split"], r["leave_out_tf8"], r["leave_out_fbs"]
        lines.append(f"| {name} | {e['scam_high']} / {e['scam_flagged']} | {e['normal_high']} / "
                     f"{e['normal_flagged']} | {s['f1']} · {s['fp_normal']} | {t8['fraud_recall']} | "
                     f"{fb['fraud_recall']} · {fb['fp_normal']} |")
    (args.out / "frozen_e5.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
