"""``fanzha check [TEXT] [--json]``: the verdict for a message or a number, as the bot would give it.

``fanzha check --input IN.jsonl --output OUT.jsonl`` is the batch form (researchers, moderators, evaluations):
``{"id", "text"}`` per input line, and per output line the JSON of ``check --json`` plus ``"id"``. It loads
the model once and hands it the messages in batches; ``-`` means stdin / stdout.

``fanzha check --image FILE`` reads a screenshot (``bot.ocr``) and checks the text in it, as the bot does with a
photo; in a batch, a line ``{"id", "image": "path"}`` does the same (the path relative to the input file's
folder), and a picture that cannot be read is reported on its own output line, like an empty text.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
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
    parser.add_argument("--image", metavar="FILE", default=None,
                        help="read a screenshot (PNG, JPEG or WebP) and check the text in it")
    parser.add_argument("--input", metavar="IN.jsonl", default=None,
                        help='batch mode: JSON Lines of {"id", "text"} or {"id", "image": "path"} ("-" = stdin; '
                             "image paths are relative to the input file's folder)")
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


def _read_items(stream: Any) -> list[tuple[object, str | None, str | None]]:
    """(id, text, image path) per line: ``{"id", "text"}`` or ``{"id", "image"}``; ``InputError`` names the first
    bad line, worded as ``nlp.cli.read_jsonl`` words it for text-only input."""
    from nlp.cli import InputError, json_objects

    items: list[tuple[object, str | None, str | None]] = []
    for number, obj in json_objects(stream, '"id" and "text" or "image"'):
        text, image = obj.get("text"), obj.get("image")
        if "image" in obj and "text" not in obj:
            if not isinstance(image, str) or not image:
                raise InputError(f"line {number}: \"image\" must be a file path")
            items.append((obj.get("id"), None, image))
            continue
        if not isinstance(text, str):
            raise InputError(f"line {number}: \"text\" must be a string")
        items.append((obj.get("id"), text, None))
    return items


def _read_pictures(items: list[tuple[object, str | None, str | None]], base: Path,
                   bar: Any) -> dict[int, Any]:
    """Item index → ``OcrResult`` or ``PictureError`` (an unopenable file is ``not_found``) for the image
    items; one worker process, so a picture that crashes the recogniser costs that line, not the batch."""
    from bot.ocr import PictureError
    from bot.ocr.pool import OcrPool

    readings: dict[int, Any] = {}
    if not any(image for _, _, image in items):
        return readings
    pool = OcrPool(workers=1, max_pending=1)
    try:
        for index, (_, _, image) in enumerate(items):
            if image is None:
                continue
            path = base / image
            try:
                data = path.read_bytes()
            except OSError as exc:
                readings[index] = PictureError("not_found", f"{image}: {exc.strerror or exc}")
            else:
                try:
                    readings[index] = pool.read_sync(data)
                except PictureError as exc:
                    readings[index] = exc
            bar.update(1)
    finally:
        pool.close()
    return readings


def _ocr_json(result: Any) -> dict[str, Any]:
    return {"text": result.text, "confidence": result.confidence, "unsure": result.unsure}


def _picture_error_row(item_id: object, exc: Any) -> dict[str, Any]:
    detail = str(exc).split(": ", 1)[1] if ": " in str(exc) else ""
    return {"id": item_id, "error": exc.reason, **({"detail": detail} if detail else {})}


def _run_batch(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from bot.check import EmptyInput, TextTooLong
    from bot.ocr import PictureError
    from bot.render import verdict_json
    from nlp.cli import InputError

    try:
        if args.input == "-":
            items = _read_items(sys.stdin)
            base = Path.cwd()
        else:
            with open(args.input, encoding="utf-8") as fh:
                items = _read_items(fh)
            base = Path(args.input).resolve().parent
    except (OSError, UnicodeDecodeError) as exc:
        print(f"fanzha check: cannot read {args.input}: {exc}", file=sys.stderr)
        return 1
    except InputError as exc:
        print(f"fanzha check: {args.input}: {exc}", file=sys.stderr)
        return 1
    pictures = sum(image is not None for _, _, image in items)
    with tqdm(total=pictures, unit="picture", disable=not sys.stderr.isatty() or not pictures,
              file=sys.stderr) as bar:  # before the model loads: the reading process is gone by then
        readings = _read_pictures(items, base, bar)
    store, checker = _open_checker(args)
    out = sys.stdout if args.output in (None, "-") else open(args.output, "w", encoding="utf-8")  # noqa: SIM115
    failed = 0
    try:
        texts = {i: text if text is not None else readings[i].text for i, (_, text, _) in enumerate(items)
                 if text is not None or not isinstance(readings[i], PictureError)}
        order = sorted(texts)
        with tqdm(total=len(order), unit="msg", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
            verdicts = dict(zip(order, checker.check_texts_sync([texts[i] for i in order], progress=bar),
                                strict=True))
        for index, (item_id, _, _) in enumerate(items):
            reading = readings.get(index)
            verdict = verdicts.get(index)
            if isinstance(reading, PictureError):
                row: dict[str, Any] = _picture_error_row(item_id, reading)
            elif isinstance(verdict, EmptyInput):
                row = {"id": item_id, "error": "empty"}
            elif isinstance(verdict, TextTooLong):
                row = {"id": item_id, "error": "too_long", "detail": str(verdict)}
            elif isinstance(verdict, ValueError):
                row = {"id": item_id, "error": "invalid", "detail": str(verdict)}
            else:
                row = {"id": item_id, **verdict_json(verdict, args.lang)}
            if reading is not None and not isinstance(reading, PictureError):
                row["ocr"] = _ocr_json(reading)
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


def _run_image(args: argparse.Namespace) -> int:
    """``check --image FILE``: the picture is read (and refused, when it must be) before the store opens and the
    model loads; the verdict then says the text came from a picture, shows what was read, and an unsure reading
    is never reassuring (``bot.policy.picture_level``), as in the bot."""
    from bot.locales import t
    from bot.ocr import MAX_IMAGE_BYTES, PictureError
    from bot.ocr.reader import read_image

    try:
        with open(args.image, "rb") as fh:
            data = fh.read(MAX_IMAGE_BYTES + 1)
    except OSError as exc:
        print(f"错误：cannot read {args.image}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    try:
        result = read_image(data)
    except PictureError as exc:
        print("错误：" + t(args.lang, f"picture.{exc.reason}", limit=MAX_IMAGE_BYTES // (1024 * 1024)),
              file=sys.stderr)
        return 1
    from bot.check import TextTooLong
    from bot.policy import picture_level
    from bot.render import picture_notes, render_verdict, verdict_json

    store, checker = _open_checker(args)
    try:
        verdict = checker.check_text_sync(result.text)
    except TextTooLong as exc:
        print(f"错误：内容太长（{exc}）", file=sys.stderr)
        return 1
    finally:
        checker.close()
        store.close()
    if args.json:
        print(json.dumps({**verdict_json(verdict, args.lang), "ocr": _ocr_json(result)}, ensure_ascii=False,
                         indent=2))
    else:
        shown = picture_level(verdict.risk_level, unsure=result.unsure)
        print(render_verdict(verdict, args.lang, detailed=True, could_not_tell=shown.could_not_tell,
                             notes=picture_notes(result.text, args.lang, unsure=result.unsure)))
    return 0


def run(args: argparse.Namespace) -> int:
    if args.image is not None:
        if args.text or args.number or args.input is not None or args.output is not None:
            print("错误：--image 不能同时给出消息文字、--number 或 --input/--output", file=sys.stderr)
            return 1
        return _run_image(args)
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
