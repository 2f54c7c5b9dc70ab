"""A transcript of a real conversation with the bot, for the README ("What users see").

``python -m bench.transcript [--data-dir ../shared/data] [--model auto|on|off] [--out FILE]``

Sends a fixed set of messages — real ones picked from the shared data (a fake-police monologue, an
order-brushing offer, a real fake-base-station phishing SMS, a real personal SMS), a bare number, a
shared contact, a Traditional-script message, a forward from a channel, a screenshot of a chat, four
messages of one chat forwarded together, a sticker, an English user, and a tap on 详情 — through the
fake Bot API to the real ``fanzha run`` in a subprocess, and prints what the bot sent (the fake server's
recorded ``sendMessage`` and ``editMessageText`` texts, with the buttons). Anyone can rerun it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.bot_bench import default_data_dir, model_available
from bot import PROJECT_ROOT

sys.path[:0] = [str(PROJECT_ROOT / "tests"), str(PROJECT_ROOT / "tests" / "e2e")]

from e2e_harness import BotProcess  # noqa: E402
from fakes.telegram_api import FakeTelegram, user  # noqa: E402

SHOWN_INPUT_CHARS = 160
SCREENSHOTS = PROJECT_ROOT / "tests" / "fixtures" / "screenshots"
CONVERSATION = (  # a refund-scam script, written for this transcript: only the third message asks for money
    "您好，我是京东客服，您上个月买的商品被检测出质量问题",
    "我们这边给您办理双倍理赔，请问您现在方便吗？",
    "理赔前要验证您的账户流水，请把卡里的钱先转到验证账户 6222 0212 3456 7890，验证完原路退回",
    "办理过程中请不要挂断，也不要告诉家人",
)


def pick_messages(data_dir: Path) -> dict[str, str]:
    """Fixed, reproducible picks from the shared data (first row of each kind that fits a chat)."""
    from nlp.data import parse_fbs, parse_nus, parse_tf8, realize_masks

    def first(rows: Any, label: str, low: int = 40, high: int = 260) -> str:
        return next(r.text for r in rows if r.label == label and low <= len(r.text) <= high)

    from bot.language import text_script

    tf8 = list(parse_tf8(data_dir / "telecom_fraud_texts_8"))
    bank_phishing = [r for r in parse_fbs(data_dir / "fbs_sms") if r.base_group.startswith("fbs:FR_Phishing_Bank:")]
    nus = [r for r in parse_nus(data_dir / "nus_sms_zh") if len(r.text) >= 15 and text_script(r.text) == "hans"]
    return {
        "police": first(tf8, "impersonate_police"),
        "task": first(tf8, "task_rebate"),
        "phishing": realize_masks(first(bank_phishing, "phishing", 20), salt="transcript"),
        "normal": nus[0].text,
        "acquaintance": first(tf8, "impersonate_acquaintance"),
    }


def to_traditional(text: str) -> str:
    from opencc import OpenCC

    return OpenCC("s2tw").convert(text)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_INPUT_CHARS else text[:SHOWN_INPUT_CHARS] + "…"


def _buttons(call: Any) -> str:
    labels = [b["text"] for b in call.buttons]
    return "  ".join(f"[{label}]" for label in labels)


def converse(bot: BotProcess, messages: dict[str, str]) -> list[str]:
    fake = bot.fake
    grandma = user(7001, "王阿姨", language_code="zh-hans")
    taiwan = user(7002, "陳先生", language_code="zh-hant")
    english = user(7003, "Alex", language_code="en")
    out: list[str] = []

    def exchange(who: dict[str, Any], shown: str, send: Callable[[], Any]) -> Any:
        mark = fake.mark()
        send()
        reply = fake.wait_for("sendMessage", since=mark, timeout=120, chat_id=who["id"])
        out.append(f"👤 {who['first_name']}：{shown}")
        out.append("")
        out.append("🤖 反诈助手：")
        out.extend(reply.text.splitlines())
        if reply.buttons:
            out.append(_buttons(reply))
        out.append("")
        out.append("---")
        out.append("")
        return reply

    police = messages["police"]
    exchange(grandma, f"（转发自频道「便民通知」）{_shorten(police)}",
             lambda: fake.forwarded(grandma, police, "channel", title="便民通知"))
    reply = exchange(grandma, _shorten(messages["phishing"]),
                     lambda: fake.send_text(grandma, messages["phishing"]))
    exchange(grandma, _shorten(messages["normal"]), lambda: fake.send_text(grandma, messages["normal"]))
    exchange(grandma, "17012345678", lambda: fake.send_text(grandma, "17012345678"))
    exchange(grandma, "（分享联系人「工行客服」+86 95588）",
             lambda: fake.contact(grandma, "95588", first_name="工行客服"))
    screenshot = SCREENSHOTS / "wechat_task_scam.png"
    exchange(grandma, f"（一张聊天截图，没有文字说明：tests/fixtures/screenshots/{screenshot.name}）",
             lambda: fake.photo(grandma, image=screenshot.read_bytes()))

    def burst() -> None:  # four messages of one chat forwarded together: Telegram delivers four updates
        for text in CONVERSATION:
            fake.forwarded(grandma, text, "user", name="京东客服小李")

    shown = "（一起转发了与「京东客服小李」的 4 条消息）\n" + "\n".join(f"    {i}. {t}" for i, t in
                                                             enumerate(CONVERSATION, 1))
    exchange(grandma, shown, burst)
    exchange(grandma, "（表情贴纸）", lambda: fake.media(grandma, "sticker"))
    hant = to_traditional(messages["acquaintance"])
    exchange(taiwan, _shorten(hant), lambda: fake.send_text(taiwan, hant))
    exchange(english, "Hi, is this message a scam? Your parcel is held, pay the fee at http://sf-express.cc.top",
             lambda: fake.send_text(english, "Hi, is this message a scam? Your parcel is held, pay the fee at "
                                             "http://sf-express.cc.top"))

    # A tap on 详情 under the phishing verdict: the message is edited into the full evidence list.
    verdict = fake.sent_message(grandma["id"], reply.result["message_id"])
    data = next(b["callback_data"] for b in reply.buttons if b["text"].endswith("详情"))
    mark = fake.mark()
    fake.click(grandma, verdict, data)
    edited = fake.wait_for("editMessageText", since=mark, timeout=120)
    out.append("👤 王阿姨：（点了第二条回复下面的「📋 详情」）")
    out.append("")
    out.append("🤖 反诈助手（原消息改为详情）：")
    out.extend(edited.text.splitlines())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=default_data_dir())
    parser.add_argument("--model", choices=("auto", "on", "off"), default="auto")
    parser.add_argument("--out", type=Path, help="also write the transcript to this file")
    parser.add_argument("--readme", action="store_true",
                        help="put the transcript into README.md between the transcript markers")
    args = parser.parse_args(argv)
    use_model = model_available() if args.model == "auto" else args.model == "on"
    messages = pick_messages(args.data_dir)
    with FakeTelegram() as fake, tempfile.TemporaryDirectory() as tmp:
        bot = BotProcess(fake, Path(tmp), FANZHA_USE_MODEL="1" if use_model else "0", FANZHA_LOG_LEVEL="WARNING")
        try:
            bot.wait_ready(timeout=300)
            lines = converse(bot, messages)
        finally:
            bot.stop()
    header = [f"<!-- python -m bench.transcript (model {'on' if use_model else 'off'}) -->", "", "```text"]
    text = "\n".join([*header, *lines, "```"]) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    if args.readme:
        write_readme(text, use_model)
    return 0


START, END = "<!-- transcript:start -->", "<!-- transcript:end -->"


def write_readme(transcript: str, use_model: bool) -> None:
    """Replace what lies between the markers in README.md (adding them at the end if absent)."""
    readme = PROJECT_ROOT / "README.md"
    current = readme.read_text(encoding="utf-8") if readme.exists() else ""
    if START not in current or END not in current:
        current = current.rstrip("\n") + f"\n\n{START}\n{END}\n"
    model_note = ("the shipped model on" if use_model else
                  "the model off (rules, numbers and lists only: the shipped model was not in data/model yet)")
    intro = (
        "A real conversation with the bot: messages picked from the shared data (a fake-police monologue, a "
        "real fake-base-station phishing SMS, a real personal SMS, an order-brushing offer), a bare number, a "
        "shared contact, a screenshot of a chat (a committed test picture, read by the bot's OCR), four messages "
        "of one chat forwarded together, a Traditional-script message, a sticker and an English user, sent "
        "through the fake "
        "Bot API to the real `fanzha run`; below is exactly what the bot sent back (buttons in brackets). "
        f"Recorded with {model_note}; regenerate with `python -m bench.transcript --readme`. Long messages "
        f"from users are cut at {SHOWN_INPUT_CHARS} characters here; the bot saw them whole.\n\n"
    )
    before, rest = current.split(START, 1)
    _old, after = rest.split(END, 1)
    readme.write_text(f"{before}{START}\n{intro}{transcript}{END}{after}", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
