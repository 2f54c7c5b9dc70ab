"""``fanzha check [TEXT] [--json]``: the verdict for a message or a number, as the bot would give it.

``fanzha check --input IN.jsonl --output OUT.jsonl`` is the batch form (researchers, moderators, evaluations):
``{"id", "text"}`` per input line, and per output line the JSON of ``check --json`` plus ``"id"``. It loads
the model once and hands it the messages in batches; ``-`` means stdin / stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check", help="check a message or a number for fraud",
        description="Check a message (TEXT, or stdin when TEXT is absent) and print the verdict.",
    )
    parser.add_argument("text", nargs="*", help="the message; read from stdin when absent")
    parser.add_argument("--json", action="store_true", help="print the Verdict as JSON")
    parser.add_argument("--number", action="store_true", help="treat the input as one phone number")
    parser.add_argument("--no-model", action="store_true", help="rules and lists only (no transformer)")
    parser.add_argument("--lang", default="zh-Hans", choices=["zh-Hans", "zh-Hant", "en"],
                        help="language of the human-readable verdict")
    parser.add_argument("--input", metavar="IN.jsonl", default=None,
                        help='batch mode: JSON Lines of {"id", "text"} ("-" = stdin)')
    parser.add_argument("--output", metavar="OUT.jsonl", default=None,
                        help='batch mode: where the verdicts go, one JSON object per line ("-" = stdout, the default)')
    parser.set_defaults(func=run)


def _read_input(args: argparse.Namespace) -> str:
    if args.text:
        return " ".join(args.text)
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"input is not UTF-8 text (byte {exc.start}); fanzha checks text messages only") from exc


def _open_checker(args: argparse.Namespace) -> tuple[Any, Any]:
    """The store and a checker for this process (the model in-process: one run, no child process)."""
    from bot.check import Checker
    from bot.config import Settings
    from bot.store import Store

    settings = Settings()
    if args.no_model or args.number:  # a number's verdict never asks the model
        settings = settings.model_copy(update={"use_model": False})
    store = Store.open(settings.database_url)
    return store, Checker.from_settings(settings, store, model_process=False)


def _run_batch(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from bot.check import EmptyInput, TextTooLong
    from bot.render import verdict_json
    from nlp.cli import InputError, read_jsonl

    try:
        if args.input == "-":
            items = read_jsonl(sys.stdin)
        else:
            with open(args.input, encoding="utf-8") as fh:
                items = read_jsonl(fh)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"fanzha check: cannot read {args.input}: {exc}", file=sys.stderr)
        return 1
    except InputError as exc:
        print(f"fanzha check: {args.input}: {exc}", file=sys.stderr)
        return 1
    store, checker = _open_checker(args)
    out = sys.stdout if args.output in (None, "-") else open(args.output, "w", encoding="utf-8")  # noqa: SIM115
    failed = 0
    try:
        with tqdm(total=len(items), unit="msg", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
            verdicts = checker.check_texts_sync([text for _, text in items], progress=bar)
        for (item_id, _), verdict in zip(items, verdicts, strict=True):
            if isinstance(verdict, EmptyInput):
                row: dict[str, Any] = {"id": item_id, "error": "empty"}
            elif isinstance(verdict, TextTooLong):
                row = {"id": item_id, "error": "too_long", "detail": str(verdict)}
            elif isinstance(verdict, ValueError):
                row = {"id": item_id, "error": "invalid", "detail": str(verdict)}
            else:
                row = {"id": item_id, **verdict_json(verdict, args.lang)}
            failed += "error" in row
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
        checker.close()
        store.close()
    if failed:
        print(f"fanzha check: {failed} of {len(items)} messages could not be checked (see \"error\" in the output)",
              file=sys.stderr)
    return 0


def _refusal(text: str, *, number: bool) -> str | None:
    """Why the input cannot be checked, found before the store opens and the model loads: a refusal takes a
    fraction of a second, not the model's load (the checker refuses the same inputs the same way)."""
    from bot.check import MAX_TEXT_CHARS

    if number:
        from bot.phones import InvalidNumber, parse_number

        try:
            parse_number(text.strip())
        except InvalidNumber as exc:
            return f"错误：{exc}"
        return None
    if not text.strip():
        return "错误：没有可检查的内容（请提供消息文字或号码）"
    if len(text) > MAX_TEXT_CHARS:
        return f"错误：内容太长（text has {len(text)} characters; the limit is {MAX_TEXT_CHARS}）"
    return None


def run(args: argparse.Namespace) -> int:
    if args.input is not None or args.output is not None:
        if args.text or args.number:
            print("错误：--input/--output 是批量模式，不能同时给出消息文字或 --number", file=sys.stderr)
            return 1
        if args.input is None:
            print("错误：批量模式需要 --input（\"-\" 表示标准输入）", file=sys.stderr)
            return 1
        return _run_batch(args)
    from bot.check import EmptyInput, TextTooLong
    from bot.phones import InvalidNumber
    from bot.render import render_verdict, verdict_json

    try:
        text = _read_input(args)
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    refusal = _refusal(text, number=args.number)
    if refusal is not None:
        print(refusal, file=sys.stderr)
        return 1
    store, checker = _open_checker(args)
    try:
        if args.number:
            verdict = checker.check_number_sync(text.strip())
        else:
            verdict = checker.check_text_sync(text)
    except EmptyInput:
        print("错误：没有可检查的内容（请提供消息文字或号码）", file=sys.stderr)
        return 1
    except TextTooLong as exc:
        print(f"错误：内容太长（{exc}）", file=sys.stderr)
        return 1
    except InvalidNumber as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    finally:
        checker.close()
        store.close()
    if args.json:
        print(json.dumps(verdict_json(verdict, args.lang), ensure_ascii=False, indent=2))
    else:
        print(render_verdict(verdict, args.lang, detailed=True))
    return 0
