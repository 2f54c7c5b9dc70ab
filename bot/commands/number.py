"""``fanzha number TEXT [--json]``: every phone number in a text, with its facts and risk signals."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.phones import PhoneFact

NOTHING_FOUND = "没有找到电话号码"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "number",
        help="找出文本里的每个电话号码并列出事实与风险信号",
        description="找出文本里的每个电话号码（含服务号码），给出 E.164、类型、地区、运营商、归属地和风险信号。",
    )
    parser.add_argument("text", nargs="+", metavar="TEXT", help="要检查的文本（可多个词）；“-”表示从标准输入读取")
    parser.add_argument("--json", action="store_true", help="输出 JSON 列表")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.phones import find_numbers

    text = sys.stdin.read() if args.text == ["-"] else " ".join(args.text)
    facts = find_numbers(text)
    if args.json:
        print(json.dumps([f.to_json() for f in facts], ensure_ascii=False, indent=2))
        return 0
    if not facts:
        print(NOTHING_FOUND)
        return 0
    print(f"找到 {len(facts)} 个号码：")
    for i, fact in enumerate(facts, 1):
        print(format_fact(i, fact))
    return 0


def format_fact(index: int, fact: PhoneFact) -> str:
    """Human-readable Chinese lines for one number."""
    from bot.phones import NUMBER_TYPES

    lines = [f"{index}. {fact.raw} → {fact.e164 or '（无效号码）'}"]
    details = [f"类型：{NUMBER_TYPES.get(fact.type, fact.type)}"]
    if fact.region:
        details.append(f"地区：{fact.region}")
    if fact.carrier:
        details.append(f"运营商：{fact.carrier}")
    if fact.location:
        details.append(f"归属地：{fact.location}")
    lines.append("   " + "  ".join(details))
    if fact.signals:
        lines.extend(f"   ⚠ {s.reason}（{s.key}）" for s in fact.signals)
    else:
        lines.append("   无号码层面的风险信号（不代表安全）")
    return "\n".join(lines)
