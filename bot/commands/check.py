"""``fanzha check [TEXT] [--json]``: the verdict for a message or a number, as the bot would give it."""

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
    parser.set_defaults(func=run)


def _read_input(args: argparse.Namespace) -> str:
    if args.text:
        return " ".join(args.text)
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"input is not UTF-8 text (byte {exc.start}); fanzha checks text messages only") from exc


def run(args: argparse.Namespace) -> int:
    from bot.check import Checker, EmptyInput, TextTooLong
    from bot.config import Settings
    from bot.phones import InvalidNumber
    from bot.render import render_verdict
    from bot.store import Store

    try:
        text = _read_input(args)
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    settings = Settings()
    if args.no_model:
        settings = settings.model_copy(update={"use_model": False})
    store = Store.open(settings.database_url)
    checker = Checker.from_settings(settings, store, model_process=False)  # one check: no child process
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
        print(json.dumps(verdict.to_json(), ensure_ascii=False, indent=2))
    else:
        print(render_verdict(verdict, args.lang, detailed=True))
    return 0
