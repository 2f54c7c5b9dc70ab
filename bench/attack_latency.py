"""Another user's reply latency while attackers send the most expensive messages they are allowed.

``python -m bench.attack_latency [--attackers 3] [--seconds 60] [--model auto|on|off]``

The real ``fanzha run`` (long polling, fresh SQLite, the bot's default per-user check limit) against the fake
Bot API. Five victims, staggered, send an ordinary message every 5 s each (one a second in all, each within the
per-user limit) and wait for each reply; first alone (baseline),
then while ``--attackers`` accounts each send a worst-case message every ``--attack-interval`` seconds — texts
of the bot's maximum length shaped to be slow for link, number and rule scanning ("1." × 2,048 and the like,
a scam padded with hundreds of numbers) — and tap 📋详情 under every verdict they get. Messages over an
attacker's limit are part of the attack: the bot must refuse them cheaply.

Target: the victim's p95 stays under 1 s during the attack. Writes bench/results/attack_latency.md / .json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.machine import cpu_name
from bot import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "bench" / "results"
sys.path[:0] = [str(PROJECT_ROOT / "tests"), str(PROJECT_ROOT / "tests" / "e2e")]

from e2e_harness import BotProcess  # noqa: E402
from fakes.telegram_api import FakeTelegram, user  # noqa: E402

TARGET_P95_S = 1.0
REPLY_TIMEOUT_S = 60
MAX_CHARS = 4096
VICTIMS = 5
VICTIM_INTERVAL_S = 5.0
"""Each victim sends every 5 s (12 a minute, within the default 20-check limit); five of them, staggered, make
one ordinary message a second."""
PASSED_SETTINGS = ("FANZHA_MODEL_THREADS", "FANZHA_MODEL_PROCESS", "FANZHA_MODEL_DTYPE")

VICTIM_TEXTS = (
    "妈，我换新号码了，这是我的新微信，有急事找你帮忙，先转2000到这个卡上",
    "今晚一起吃饭吗？七点老地方见",
    "【中国工商银行】您尾号1234的账户于12月3日收入工资8,500.00元，余额12,345.67元。",
    "您好，我是XX快递客服，您的包裹丢失，我们将为您办理三倍理赔，请加QQ 123456789",
    "13800138000",
)


def worst_case_texts() -> list[str]:
    """Shapes that made stages super-linear or large in the past, each at the bot's length limit."""
    padded_scam = "【公安局】您的银行卡涉嫌洗钱，请立即将资金转到安全账户。联系电话："
    numbers = " ".join(f"1380013{n:04d}" for n in range(300))
    return [
        ("1." * MAX_CHARS)[:MAX_CHARS],
        ("0." * MAX_CHARS)[:MAX_CHARS],
        ("11." * MAX_CHARS)[:MAX_CHARS],
        ("1.." * MAX_CHARS)[:MAX_CHARS],
        ("a-" * MAX_CHARS)[:MAX_CHARS],
        ("x.y" * MAX_CHARS)[:MAX_CHARS],
        ("安.全.账.户." * MAX_CHARS)[:MAX_CHARS],
        ("((([[[" * MAX_CHARS)[:MAX_CHARS],
        ("1 3 8 0 0 1 3 8 0 0 0 " * MAX_CHARS)[:MAX_CHARS],
        (padded_scam + numbers)[:MAX_CHARS],
        ("www." * MAX_CHARS)[:MAX_CHARS],
        ("9" * MAX_CHARS)[:MAX_CHARS],
    ]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(attackers: int, seconds: float, baseline_seconds: float, interval: float, use_model: bool) -> dict:
    victims = [user(880_000 + i, f"奶奶{i}") for i in range(VICTIMS)]
    victim_replies: dict[int, queue.SimpleQueue[float]] = {v["id"]: queue.SimpleQueue() for v in victims}
    attacker_ids = {870_000 + i for i in range(attackers)}
    verdicts_to_tap: queue.SimpleQueue[tuple[int, dict]] = queue.SimpleQueue()
    counts = {"attack_messages": 0, "attack_taps": 0, "attack_replies": 0}
    lost: list[str] = []

    with FakeTelegram() as fake, tempfile.TemporaryDirectory() as tmp:
        passed = {k: v for k, v in os.environ.items() if k in PASSED_SETTINGS}
        bot = BotProcess(fake, Path(tmp), FANZHA_USE_MODEL="1" if use_model else "0",
                         FANZHA_LOG_LEVEL="WARNING", **passed)
        try:
            bot.wait_ready(timeout=300)

            def on_call(call) -> None:
                if call.method != "sendMessage" or call.fault is not None:
                    return
                chat_id = call.params.get("chat_id")
                if chat_id in victim_replies:
                    victim_replies[chat_id].put(call.at)
                elif chat_id in attacker_ids:
                    counts["attack_replies"] += 1
                    markup = call.params.get("reply_markup")
                    if isinstance(markup, str):
                        markup = json.loads(markup)
                    if markup and call.result:
                        verdicts_to_tap.put((chat_id, {**call.result, "reply_markup": markup}))

            fake.add_listener(on_call)

            def victim_loop(person: dict, inbox: queue.SimpleQueue[float], length: float, offset: float,
                            latencies: list[float]) -> None:
                """One victim: an ordinary message every VICTIM_INTERVAL_S (within the per-user limit), each
                reply awaited."""
                time.sleep(offset)
                ends = time.time() + length
                k = person["id"]
                while time.time() < ends:
                    while not inbox.empty():
                        inbox.get_nowait()
                    started = time.time()
                    fake.send_text(person, VICTIM_TEXTS[k % len(VICTIM_TEXTS)])
                    k += 1
                    try:
                        latencies.append(inbox.get(timeout=REPLY_TIMEOUT_S) - started)
                    except queue.Empty:
                        lost.append(f"victim {person['id']}: a message unanswered after {REPLY_TIMEOUT_S} s")
                    time.sleep(max(0.0, VICTIM_INTERVAL_S - (time.time() - started)))

            def victim_phase(length: float) -> list[float]:
                latencies: list[float] = []
                threads = [threading.Thread(target=victim_loop, args=(
                    person, victim_replies[person["id"]], length, i * VICTIM_INTERVAL_S / len(victims), latencies))
                    for i, person in enumerate(victims)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(length + REPLY_TIMEOUT_S + VICTIM_INTERVAL_S + 10)
                return latencies

            victim_phase(VICTIM_INTERVAL_S)  # warm-up: connections, caches, the model's first batch
            baseline = victim_phase(baseline_seconds)

            stop = threading.Event()
            shapes = worst_case_texts()

            def attacker_loop(index: int) -> None:
                person = user(870_000 + index, f"攻击者{index}")
                k = index
                while not stop.is_set():
                    fake.send_text(person, shapes[k % len(shapes)])
                    counts["attack_messages"] += 1
                    k += 1
                    stop.wait(interval)

            def tapper_loop() -> None:
                while not stop.is_set():
                    try:
                        chat_id, message = verdicts_to_tap.get(timeout=0.5)
                    except queue.Empty:
                        continue
                    for row in message["reply_markup"].get("inline_keyboard", []):
                        for button in row:
                            if "callback_data" in button and "详情" in button.get("text", ""):
                                person = user(chat_id, "攻击者")
                                for _ in range(3):
                                    fake.click(person, message, button["callback_data"])
                                    counts["attack_taps"] += 1

            threads = [threading.Thread(target=attacker_loop, args=(i,), daemon=True) for i in range(attackers)]
            threads.append(threading.Thread(target=tapper_loop, daemon=True))
            for thread in threads:
                thread.start()
            time.sleep(2)  # let the attack queue fill before measuring
            attacked = victim_phase(seconds)
            stop.set()
            for thread in threads:
                thread.join(5)
        finally:
            rc = bot.stop()
            log_lines = [line for line in bot.log().splitlines() if " WARNING " in line or " ERROR " in line]

    def summary(latencies: list[float]) -> dict:
        return {"replies": len(latencies),
                **{q: (round(percentile(latencies, v), 3) if latencies else None)
                   for q, v in (("p50_s", 0.50), ("p95_s", 0.95), ("max_s", 1.0))}}

    return {
        "attackers": attackers, "attack_interval_s": interval, "seconds": seconds,
        "model": "on" if use_model else "off", "cpu": cpu_name(), "cpu_count": os.cpu_count(),
        "python": platform.python_version(), "machine": platform.machine(),
        "baseline": summary(baseline), "under_attack": summary(attacked), **counts,
        "victim_lost": len(lost), "lost_examples": lost[:3], "bot_exit_code": rc,
        "bot_warnings": len(log_lines), "bot_warning_examples": log_lines[:5],
        "load_average_1m": round(os.getloadavg()[0], 2), "target_p95_s": TARGET_P95_S,
    }


def write_results(result: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "attack_latency.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n",
                                                encoding="utf-8")
    base, hit = result["baseline"], result["under_attack"]
    ok = hit["p95_s"] is not None and hit["p95_s"] < TARGET_P95_S and result["victim_lost"] == 0
    lines = [
        "# Another user's latency under attack",
        "",
        "`python -m bench.attack_latency` — the real `fanzha run` (long polling, fresh SQLite, default per-user "
        "check limit) against the fake Bot API. Five victims send an ordinary message every 5 s each (one a second "
        f"in all) and wait for the reply; {result['attackers']} attacker accounts each send a worst-case message "
        "(maximum length, "
        f"shaped to be slow to scan) every {result['attack_interval_s']:g} s and tap 📋详情 three times under every "
        "verdict they get.",
        "",
        f"- machine: {result['cpu_count']} CPU cores ({result['machine']}, {result['cpu']}), "
        f"Python {result['python']}; model: {result['model']}; 1-minute load average at the end: "
        f"{result['load_average_1m']}",
        f"- attack: {result['attack_messages']} messages sent, {result['attack_replies']} replies to attackers, "
        f"{result['attack_taps']} 详情 taps",
        "",
        "| victim | replies | p50 | p95 | max | target |",
        "|---|---|---|---|---|---|",
        f"| alone | {base['replies']} | {base['p50_s']} s | {base['p95_s']} s | {base['max_s']} s | |",
        f"| under attack | {hit['replies']} | {hit['p50_s']} s | {hit['p95_s']} s | {hit['max_s']} s | "
        f"p95 < {TARGET_P95_S:g} s {'✓' if ok else '✗'} |",
        "",
        f"Victim messages unanswered within {REPLY_TIMEOUT_S} s: {result['victim_lost']}.",
    ]
    (RESULTS / "attack_latency.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    from bench.bot_bench import model_available

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attackers", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the measured attack")
    parser.add_argument("--baseline-seconds", type=float, default=15.0)
    parser.add_argument("--attack-interval", type=float, default=1.0,
                        help="seconds between one attacker's messages (over its limit is part of the attack)")
    parser.add_argument("--model", choices=("auto", "on", "off"), default="auto")
    args = parser.parse_args(argv)
    if not 1 <= args.attackers <= 50 or not 5 <= args.seconds <= 600 or not 0.05 <= args.attack_interval <= 60:
        parser.error("bounds: --attackers 1..50, --seconds 5..600, --attack-interval 0.05..60")
    use_model = model_available() if args.model == "auto" else args.model == "on"
    result = run(args.attackers, args.seconds, args.baseline_seconds, args.attack_interval, use_model)
    write_results(result)
    print((RESULTS / "attack_latency.md").read_text(encoding="utf-8"))
    return 0 if result["victim_lost"] == 0 and result["bot_exit_code"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
