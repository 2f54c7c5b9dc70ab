"""Model benchmark: batch throughput, single-message latency and memory, transformer vs the TF-IDF peer.

    python -m bench.model_bench [--messages 2000] [--singles 300] [--data-dir ../shared/data]
    python -m bench.model_bench --layer-sweep     # why 6 layers + int8: the base truncated to 4/6/12 layers

Messages are a seeded sample of the held-out test split (``nlp.splits.load_splits``), the mix the evaluation
uses; without the data folder a small built-in set is repeated. Each model runs in its own subprocess so RSS
is its own: the shipped transformer (``FraudClassifier.from_pretrained()``: rebuilt base + data/model as its
spec says) and the character n-gram TF-IDF + logistic regression peer (``nlp.baseline``, trained on the same
split and kept in runs/bench-baseline/). Threads: as the classifier, 1 unless FANZHA_MODEL_THREADS says
otherwise. Writes bench/results/model.md and .json.
Targets (issue 3): ≥ 100 msg/s batch, p50 ≤ 30 ms single message, on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.machine import cpu_name

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_DATA = ROOT.parent / "shared" / "data"
BASELINE_DIR = ROOT / "runs" / "bench-baseline"
TARGET_MSG_PER_S = 100.0
TARGET_P50_MS = 30.0
FALLBACK = [
    "妈，我今晚回家吃饭", "好的，收到", "【工商银行】您的账户存在异常，请立即点击 http://icbc-vip.cc 验证身份",
    "您好，我是公安局的，您涉嫌洗钱，请把资金转到安全账户", "明天下午三点开会，别忘了带材料",
    "兼职刷单，日结300，加微信 abc12345 领任务", "你的快递到了，放在门口了", "周末一起去爬山吗？",
]


def _rss_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) in MB, from /proc (Linux)."""
    fields = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    to_mb = lambda v: int(v.split()[0]) / 1024  # noqa: E731
    return to_mb(fields.get("VmRSS", "0 kB")), to_mb(fields.get("VmHWM", "0 kB"))


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def measure(model: str, messages_file: Path, singles: int, batch_size: int) -> dict:
    """Runs inside the subprocess: load, warm up, time batch and single predictions."""
    texts = [json.loads(line)["text"] for line in messages_file.read_text(encoding="utf-8").splitlines()]
    rss_before = _rss_mb()[0]
    t0 = time.perf_counter()
    if model.startswith("transformer"):  # "transformer" (dtype auto, as the bot), "transformer-float32[-fullvocab]"
        from nlp.classifier import FraudClassifier

        parts = model.split("-")[1:]
        dtype = next((p for p in parts if p in ("float32", "bfloat16")), "auto")
        prune = False if "fullvocab" in parts else None  # None: pruned when data/model has kept_tokens.txt
        clf = FraudClassifier.from_pretrained(batch_size=batch_size, dtype=dtype, prune_vocab=prune)
        dtype = str(next(clf.model.bert.parameters()).dtype).removeprefix("torch.")
        predict = clf.predict
        import torch

        threads = torch.get_num_threads()
    else:
        from nlp.baseline import BaselineModel

        baseline = BaselineModel.load(BASELINE_DIR)
        predict = baseline.predict
        threads, dtype = 1, "float64"
    load_s = time.perf_counter() - t0
    predict(texts[:64])  # warm-up
    t0, cpu0 = time.perf_counter(), time.process_time()
    predict(texts)
    batch_s, batch_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    latencies = []
    for text in texts[:singles]:
        t = time.perf_counter()
        predict([text])
        latencies.append((time.perf_counter() - t) * 1000)
    rss, peak = _rss_mb()
    return {"model": model, "dtype": dtype, "threads": threads, "load_seconds": round(load_s, 2),
            "messages": len(texts), "batch_size": batch_size, "batch_msg_per_s": round(len(texts) / batch_s, 1),
            "singles": len(latencies), "p50_ms": round(_percentile(latencies, 50), 2),
            "p99_ms": round(_percentile(latencies, 99), 2), "mean_ms": round(statistics.fmean(latencies), 2),
            "rss_mb": round(rss, 1), "peak_rss_mb": round(peak, 1), "rss_before_load_mb": round(rss_before, 1),
            "batch_cpu_ms_per_msg": round(1000 * batch_cpu / len(texts), 2)}


def layer_sweep(batch: int = 32, tokens: int = 64) -> dict:
    """Forward speed of the rebuilt base truncated to N layers, fp32 vs dynamic int8 (random token ids)."""
    import copy

    import torch

    from nlp.classifier import build_model, quantize_linear
    from nlp.encoder import ensure_base_encoder

    torch.manual_seed(0)
    torch.set_num_threads(int(os.environ.get("FANZHA_MODEL_THREADS", "1")))  # as the classifier does
    base = ensure_base_encoder()
    rows = []

    def timed(model, b: int, n: int, reps: int) -> float:
        ids = torch.randint(5, 30_000, (b, n))
        mask = torch.ones(b, n, dtype=torch.long)
        with torch.inference_mode():
            model(ids, mask)
            t = time.perf_counter()
            for _ in range(reps):
                model(ids, mask)
        return (time.perf_counter() - t) / reps

    for layers in (4, 6, 8, 12):
        fp32, _ = build_model(base, {"num_layers": layers, "labels": ["normal", "fraud"]})
        for name, model in (("fp32", fp32), ("int8", quantize_linear(copy.deepcopy(fp32)))):
            rows.append({"layers": layers, "weights": name,
                         "batch_msg_per_s": round(batch / timed(model, batch, tokens, 3), 1),
                         "single_24_tokens_ms": round(timed(model, 1, 24, 20) * 1000, 1),
                         "single_128_tokens_ms": round(timed(model, 1, 128, 10) * 1000, 1)})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    return {"cpu_count": os.cpu_count(), "threads": torch.get_num_threads(), "batch": batch, "tokens": tokens,
            "load_average_start": " / ".join(f"{v:.2f}" for v in os.getloadavg()), "rows": rows}


def _write_sweep(result: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "model_layers.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = ["# Encoder depth and int8: forward speed of the rebuilt base", "",
             f"`python -m bench.model_bench --layer-sweep` on {result['cpu_count']} CPU cores, torch threads "
             f"{result['threads']}, load average at start {result['load_average_start']}. Random token ids; batch "
             f"{result['batch']} × {result['tokens']} tokens; mean pooling + a 2-class head.", "",
             "| layers | weights | batch msg/s | single 24 tokens ms | single 128 tokens ms |",
             "|---:|---|---:|---:|---:|"]
    lines += [f"| {r['layers']} | {r['weights']} | {r['batch_msg_per_s']} | {r['single_24_tokens_ms']} | "
              f"{r['single_128_tokens_ms']} |" for r in result["rows"]]
    (RESULTS / "model_layers.md").write_text("\n".join(lines) + "\n")


def _messages(data_dir: Path, n: int, seed: int) -> tuple[list[str], str, object]:
    if (data_dir / "README.md").is_file():
        from nlp.splits import load_splits

        splits = load_splits(data_dir, seed=13)
        pool = [e.text for e in splits.real_test]
        random.Random(seed).shuffle(pool)
        return pool[:n], f"seeded sample of the real test split of {data_dir.name}", splits
    reps = (n + len(FALLBACK) - 1) // len(FALLBACK)
    return (FALLBACK * reps)[:n], "built-in messages (no data folder)", None


def _ensure_baseline(splits) -> str | None:
    from nlp.baseline import MODEL_FILE, train_baseline

    if (BASELINE_DIR / MODEL_FILE).is_file():
        return None
    if splits is None:
        return "TF-IDF peer skipped: no trained baseline and no data folder to train it"
    train_baseline(splits).save(BASELINE_DIR)
    return None


def prune_check(data_dir: Path, n: int, seed: int) -> dict:
    """Fraud probability of the shipped classifier (ensemble) with the full and the pruned vocabulary, on the
    evaluation set and a seeded sample of the training texts: the largest difference per set."""
    import numpy as np

    from bot.evalset import EVAL_DIR, load_eval_set
    from nlp.data import load_examples
    from nlp.ensemble import load_shipped_classifier

    sets = {"data/eval": [r.text for r in load_eval_set(EVAL_DIR)]}
    if (data_dir / "README.md").is_file():
        pool = [e.text for e in load_examples(data_dir)]
        random.Random(seed).shuffle(pool)
        sets[f"training texts ({data_dir.name}, seeded sample)"] = pool[:n]
    probs = {}
    for prune in (False, True):
        clf = load_shipped_classifier(dtype="float32", prune_vocab=prune)
        probs[prune] = {name: np.array([p.fraud_probability for p in clf.predict(texts)])
                        for name, texts in sets.items()}
        del clf
    rows = []
    for name, texts in sets.items():
        delta = np.abs(probs[True][name] - probs[False][name])
        rows.append({"set": name, "texts": len(texts), "max_abs_delta_p": float(delta.max()),
                     "mean_abs_delta_p": float(delta.mean()),
                     "verdict_flips_at_0_5": int(np.sum((probs[True][name] >= 0.5) != (probs[False][name] >= 0.5)))})
    return {"rows": rows, "seed": seed}


def _write_prune_check(result: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "vocab_prune.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    lines = ["# Pruned vocabulary: predictions against the full vocabulary", "",
             "`python -m bench.model_bench --prune-check` — the shipped classifier (ensemble, float32) loaded with "
             "the full 250k-token vocabulary and with `data/model/kept_tokens.txt`; fraud probability per text.", "",
             "| texts | n | max abs Δp | mean abs Δp | flips at p = 0.5 |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {r['set']} | {r['texts']} | {r['max_abs_delta_p']:.2e} | {r['mean_abs_delta_p']:.2e} | "
              f"{r['verdict_flips_at_0_5']} |" for r in result["rows"]]
    (RESULTS / "vocab_prune.md").write_text("\n".join(lines) + "\n")


def _write(results: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "model.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# Model benchmark",
        "",
        f"`python -m bench.model_bench --messages {results['messages']} --singles {results['singles']}` "
        f"on {results['cpu_count']} CPU cores ({results['machine']}), load average at start "
        f"{results['load_average_start']}.",
        "",
        f"Messages: {results['message_source']}; median {results['median_chars']} characters.",
        "",
        f"CPU: {results.get('cpu', 'not recorded')}.",
        "",
        "| model | dtype | batch msg/s | batch CPU ms/msg | single p50 ms | single p99 ms | RSS MB | peak RSS MB "
        "| load s | threads |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results["models"]:
        lines.append(f"| {r['model']} | {r.get('dtype', '')} | {r['batch_msg_per_s']} | "
                     f"{r.get('batch_cpu_ms_per_msg', '')} | {r['p50_ms']} | {r['p99_ms']} | {r['rss_mb']} | "
                     f"{r['peak_rss_mb']} | {r['load_seconds']} | {r['threads']} |")
    lines += ["", "`-fullvocab`: the whole 250k-token vocabulary (no `data/model/kept_tokens.txt` pruning)."]
    lines += ["", f"Targets: ≥ {TARGET_MSG_PER_S:.0f} msg/s batch and p50 ≤ {TARGET_P50_MS:.0f} ms single, "
              "for the transformer."]
    for r in results["models"]:
        if r["model"] == "transformer":
            ok = r["batch_msg_per_s"] >= TARGET_MSG_PER_S and r["p50_ms"] <= TARGET_P50_MS
            lines.append(f"Transformer: {'meets' if ok else 'MISSES'} the targets.")
    lines += [f"- {note}" for note in results["notes"]]
    (RESULTS / "model.md").write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.model_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--singles", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--models", default="transformer,transformer-float32,tfidf",
                        help="transformer (encoder dtype auto, as the bot), transformer-float32, "
                             "transformer-bfloat16, tfidf; a -fullvocab suffix loads the unpruned vocabulary")
    parser.add_argument("--prune-check", action="store_true",
                        help="only compare predictions pruned vs full vocabulary (bench/results/vocab_prune.md)")
    parser.add_argument("--layer-sweep", action="store_true", help="only the encoder depth × int8 speed table")
    parser.add_argument("--_worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--_messages-file", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args._worker:
        print(json.dumps(measure(args._worker, args._messages_file, args.singles, args.batch_size)))
        return 0
    if args.prune_check:
        _write_prune_check(prune_check(args.data_dir, args.messages, args.seed))
        print(f"wrote {RESULTS / 'vocab_prune.md'}")
        return 0
    if args.layer_sweep:
        _write_sweep(layer_sweep())
        print(f"wrote {RESULTS / 'model_layers.md'}")
        return 0

    load_start = " / ".join(f"{v:.2f}" for v in os.getloadavg())
    texts, source, splits = _messages(args.data_dir, args.messages, args.seed)
    notes: list[str] = []
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    if "tfidf" in models:
        note = _ensure_baseline(splits)
        if note:
            notes.append(note)
            models.remove("tfidf")
    del splits
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        messages_file = Path(tmp) / "messages.jsonl"
        messages_file.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts),
                                 encoding="utf-8")
        for model in models:
            print(f"== {model}", file=sys.stderr, flush=True)
            proc = subprocess.run(
                [sys.executable, "-m", "bench.model_bench", "--_worker", model, "--_messages-file", str(messages_file),
                 "--singles", str(args.singles), "--batch-size", str(args.batch_size)],
                cwd=ROOT, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                print(proc.stderr[-2000:], file=sys.stderr)
                notes.append(f"{model} failed (exit {proc.returncode})")
                continue
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            print(json.dumps(results[-1]), file=sys.stderr)
    out = {"cpu_count": os.cpu_count(), "machine": platform.machine(), "cpu": cpu_name(),
           "python": platform.python_version(),
           "load_average_start": load_start, "messages": len(texts), "singles": min(args.singles, len(texts)),
           "message_source": source, "median_chars": int(statistics.median(len(t) for t in texts)),
           "models": results, "notes": notes}
    _write(out)
    print(f"wrote {RESULTS / 'model.md'}")
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
