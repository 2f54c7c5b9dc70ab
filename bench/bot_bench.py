"""Throughput and reply latency of the real bot process, through the fake Bot API.

``python -m bench.bot_bench [--users 50] [--rate 50] [--seconds 20] [--burst 4] [--model auto|on|off]``

N simulated users send real messages (fraud from telecom_fraud_texts_8 and fbs_sms, normal personal SMS
from nus_sms_zh, plus bare numbers), each waiting for its reply before the next, as people do: first at
a fixed offered rate (sustained phase), then back to back (saturation). The bot is the real
``fanzha run`` (long polling) in a subprocess, on a fresh SQLite file, with its per-user check limit
raised out of the way. Latency is from the moment an update is queued at the fake server to the moment
the bot's ``sendMessage`` reaches it. A warm-up round is not counted. Everything runs on loopback and
every wait is bounded. Writes bench/results/bot.md and bot.json (with ``--model off``: bot_no_model.*).

Targets: ≥ 50 updates/s sustained, p95 ≤ 300 ms, on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.machine import cpu_name
from bot import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "bench" / "results"
# The fake server and the process launcher live with the tests; the benchmark reuses them as they are.
sys.path[:0] = [str(PROJECT_ROOT / "tests"), str(PROJECT_ROOT / "tests" / "e2e")]

from e2e_harness import BotProcess  # noqa: E402
from fakes.telegram_api import FakeTelegram, user  # noqa: E402

TARGET_UPDATES_PER_SECOND = 50
TARGET_P95_MS = 300
OFFERED_RATE = 55
"""10% above the target by default: a bot that keeps up answers at the offered rate give or take the
jitter of the first and last reply, so offering exactly 50/s would make "≥ 50" a coin toss."""
REPLY_TIMEOUT_S = 60
# Model settings taken from the caller's environment (the bot's environment is otherwise clean).
PASSED_SETTINGS = ("FANZHA_MODEL_THREADS", "FANZHA_MODEL_PROCESS", "FANZHA_MODEL_DTYPE", "FANZHA_MODEL_DIR")
NUMBERS = ("13800138000", "+86 170 1234 5678", "95588", "(0755) 8888 8888", "+855 12 345 678")


def default_data_dir() -> Path:
    return Path(os.environ.get("FANZHA_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data"))


def model_available() -> bool:
    from bot.config import Settings

    model_dir = Settings().model_dir
    return model_dir.is_dir() and any(model_dir.iterdir())


def real_messages(data_dir: Path, n: int, seed: int) -> list[tuple[str, str]]:
    """(kind, text) pairs: half fraud (LLM-written tf8 and real fake-base-station SMS), half normal
    personal SMS, a few bare numbers; read with nlp.data's parsers, masks filled with realistic values."""
    from nlp.data import parse_fbs, parse_nus, parse_tf8, realize_masks

    rng = random.Random(seed)
    fraud = [r.text for r in parse_tf8(data_dir / "telecom_fraud_texts_8")]
    fraud += [realize_masks(r.text, salt=str(i)) for i, r in enumerate(parse_fbs(data_dir / "fbs_sms"))
              if r.label != "normal"]
    normal = [r.text for r in parse_nus(data_dir / "nus_sms_zh") if r.text.strip()]
    picked = [("fraud", t) for t in rng.sample(fraud, n // 2)] + [("normal", t) for t in rng.sample(normal, n // 2)]
    picked += [("number", rng.choice(NUMBERS)) for _ in range(max(1, n // 20))]
    rng.shuffle(picked)
    return [(kind, text[:3000]) for kind, text in picked]


def model_dtype() -> str:
    """The encoder dtype the bot resolves on this machine (``FANZHA_MODEL_DTYPE``, default auto)."""
    from bot.config import Settings
    from nlp.classifier import inference_dtype

    return str(inference_dtype(Settings().model_dtype)).removeprefix("torch.")


def process_tree(root: int) -> dict[int, tuple[float, float]]:
    """{pid: (CPU seconds, RSS MB)} of ``root`` and its descendants (the bot and its model process), from /proc.

    CPU time is what the benchmark compares across changes: unlike latency, it does not depend on what
    else the shared machine runs.
    """
    tick, page = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")
    stats: dict[int, tuple[int, float, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick,
                                  int(fields[21]) * page / 2**20)
    tree, frontier = {}, [root]
    while frontier:
        pid = frontier.pop()
        if pid in stats and pid not in tree:
            tree[pid] = stats[pid][1:]
            frontier += [child for child, (ppid, _, _) in stats.items() if ppid == pid]
    return tree


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(users: int, rate: float, seconds: float, burst: int, use_model: bool, data_dir: Path,
        seed: int) -> dict:
    """Two phases against one bot process:

    * sustained: ``users`` people together send ``rate`` updates/s for ``seconds`` (each person every
      ``users / rate`` s, staggered; a person whose reply is late sends the next one on receiving it, so a
      bot that falls behind shows up as lower throughput and higher latency);
    * saturation: every person sends ``burst`` messages back to back, each after the previous reply —
      the most the bot does per second.
    """
    per_user = max(1, round(rate * seconds / users))
    texts = real_messages(data_dir, users * (per_user + burst + 1), seed)
    errors: list[str] = []
    lock = threading.Lock()
    with FakeTelegram() as fake, tempfile.TemporaryDirectory() as tmp:
        passed = {k: v for k, v in os.environ.items() if k in PASSED_SETTINGS}
        bot = BotProcess(fake, Path(tmp), FANZHA_USE_MODEL="1" if use_model else "0",
                         FANZHA_CHECKS_PER_MINUTE="100000", FANZHA_LOG_LEVEL="WARNING", **passed)
        try:
            bot.wait_ready(timeout=300)

            # Each person's replies arrive on a queue of its own: the fake server's ``wait_for`` would wake
            # all 50 waiting threads on every call the bot makes, and that CPU comes off the bot's 2 cores.
            replies: dict[int, queue.SimpleQueue[float]] = {}

            def on_call(call) -> None:
                if call.method == "sendMessage" and call.fault is None:
                    inbox = replies.get(call.params.get("chat_id"))
                    if inbox is not None:
                        inbox.put(call.at)

            fake.add_listener(on_call)

            def one(person: dict, text: str) -> tuple[float, float] | None:
                """(latency, reply arrival time) of one message, or None when no reply came."""
                inbox = replies.setdefault(person["id"], queue.SimpleQueue())
                while not inbox.empty():  # a reply that came after its timeout
                    inbox.get_nowait()
                started = time.time()
                fake.send_text(person, text)
                try:
                    replied = inbox.get(timeout=REPLY_TIMEOUT_S)
                    return replied - started, replied
                except queue.Empty:
                    with lock:
                        errors.append(f"no reply to user {person['id']} within {REPLY_TIMEOUT_S} s")
                    return None

            def phase(rounds: int, offset: int, interval: float) -> list[tuple[float, float]]:
                measured: list[tuple[float, float]] = []
                began = time.time() + 0.2

                def person_loop(index: int) -> None:
                    person = user(900_000 + index, f"用户{index}")
                    for k in range(rounds):
                        due = began + index * interval / users + k * interval
                        time.sleep(max(0.0, due - time.time()))
                        outcome = one(person, texts[(offset + index * rounds + k) % len(texts)][1])
                        if outcome is not None:
                            with lock:
                                measured.append(outcome)

                threads = [threading.Thread(target=person_loop, args=(u,)) for u in range(users)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(rounds * (interval + REPLY_TIMEOUT_S) + 30)
                return measured

            phase(1, 0, 0.0)  # warm-up: connections, caches, the model's first batches
            before = process_tree(bot.proc.pid)
            sustained = phase(per_user, users, users / rate)
            after = process_tree(bot.proc.pid)
            saturated = phase(burst, users * (per_user + 1), 0.0)
            processes = process_tree(bot.proc.pid)
        finally:
            rc = bot.stop()

    def summary(outcomes: list[tuple[float, float]]) -> dict:
        """Throughput is replies per second between the first and the last reply ((n − 1) / span): a bot
        that keeps up with the offered rate scores that rate, one that falls behind stretches the span."""
        latencies = [latency for latency, _ in outcomes]
        arrivals = sorted(at for _, at in outcomes)
        elapsed = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else 0.0
        return {
            "replies": len(latencies), "seconds": round(elapsed, 2),
            "updates_per_second": round((len(latencies) - 1) / elapsed, 1) if elapsed else 0.0,
            "latency_ms": {q: (round(percentile(latencies, v) * 1000, 1) if latencies else None)
                           for q, v in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99))},
        }

    return {
        "users": users, "offered_rate": rate, "model": "on" if use_model else "off",
        "model_process": os.environ.get("FANZHA_MODEL_PROCESS", "1"),
        "model_threads": os.environ.get("FANZHA_MODEL_THREADS", "1"),
        "model_dtype": model_dtype(), "cpu": cpu_name(),
        "sustained": summary(sustained), "saturation": summary(saturated),
        "cpu_ms_per_update": {
            "bot": round(1000 * (after[bot.proc.pid][0] - before[bot.proc.pid][0]) / max(1, len(sustained)), 2),
            "model_process": round(1000 * sum(after[p][0] - before[p][0] for p in after
                                              if p != bot.proc.pid and p in before) / max(1, len(sustained)), 2)},
        "rss_mb": {"bot": round(processes[bot.proc.pid][1], 1),
                   "model_process": round(max((v[1] for p, v in processes.items() if p != bot.proc.pid),
                                              default=0.0), 1)},
        "burst_per_user": burst, "errors": len(errors), "error_examples": errors[:3], "bot_exit_code": rc,
        "cpu_count": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(), "machine": platform.machine(),
        "targets": {"updates_per_second": TARGET_UPDATES_PER_SECOND, "p95_ms": TARGET_P95_MS},
    }


def results_name(use_model: bool) -> str:
    """bot, bot_no_model, or bot_<dtype> when FANZHA_MODEL_DTYPE is set (e.g. float32 on a bfloat16 CPU)."""
    if not use_model:
        return "bot_no_model"
    chosen = os.environ.get("FANZHA_MODEL_DTYPE", "auto")
    return "bot" if chosen == "auto" else f"bot_{chosen}"


def write_results(result: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = results_name(result["model"] == "on")
    (RESULTS / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    sus, sat = result["sustained"], result["saturation"]
    ok_rate = sus["updates_per_second"] >= TARGET_UPDATES_PER_SECOND
    ok_p95 = sus["latency_ms"]["p95"] is not None and sus["latency_ms"]["p95"] <= TARGET_P95_MS
    lines = [
        "# Bot throughput and reply latency",
        "",
        "`python -m bench.bot_bench` — the real `fanzha run` in a subprocess, long-polling the fake Bot API "
        "(tests/fakes/telegram_api.py) over loopback, answering real messages from the shared data "
        "(fraud and normal) and bare numbers; a fresh SQLite database.",
        "",
        f"- machine: {result['cpu_count']} CPU cores ({result['machine']}, {result['cpu']}), "
        f"Python {result['python']}, "
        f"1-minute load average at the end: {result['load_average_1m']}",
        f"- model: {result['model']}" + (f" (FANZHA_MODEL_PROCESS={result['model_process']}, "
                                          f"FANZHA_MODEL_THREADS={result['model_threads']}, "
                                          f"encoder dtype {result['model_dtype']})"
                                          if result["model"] == "on" else "") + f"; {result['users']} simulated users",
        "",
        "| phase | updates/s | p50 | p95 | p99 | target |",
        "|---|---|---|---|---|---|",
        f"| sustained, {result['offered_rate']:g} updates/s offered | {sus['updates_per_second']} | "
        f"{sus['latency_ms']['p50']} ms | {sus['latency_ms']['p95']} ms | {sus['latency_ms']['p99']} ms | "
        f"≥ {TARGET_UPDATES_PER_SECOND}/s {'✓' if ok_rate else '✗'}, p95 ≤ {TARGET_P95_MS} ms "
        f"{'✓' if ok_p95 else '✗'} |",
        f"| saturation, {result['burst_per_user']} back-to-back per user | {sat['updates_per_second']} | "
        f"{sat['latency_ms']['p50']} ms | {sat['latency_ms']['p95']} ms | {sat['latency_ms']['p99']} ms | |",
        "",
        f"Replies lost or later than {REPLY_TIMEOUT_S} s: {result['errors']}.",
        "",
        f"CPU time per update in the sustained phase (load-independent, from /proc): bot process "
        f"{result['cpu_ms_per_update']['bot']} ms, model process {result['cpu_ms_per_update']['model_process']} ms. "
        f"Resident memory at the end: bot {result['rss_mb']['bot']} MB, model process "
        f"{result['rss_mb']['model_process']} MB.",
        "",
        "Latency: from queuing an update at the fake server to the bot's sendMessage arriving there "
        "(long-poll delivery, check, database writes, rendering, HTTP). In the sustained phase each user "
        "sends every users/rate seconds and waits for the reply; in the saturation phase every user sends "
        "the next message as soon as the reply arrives, so latency there is queueing, not service time.",
    ]
    (RESULTS / f"{name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rate", type=float, default=OFFERED_RATE,
                        help="updates per second offered in the sustained phase")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the sustained phase")
    parser.add_argument("--burst", type=int, default=4, help="back-to-back messages per user at saturation")
    parser.add_argument("--model", choices=("auto", "on", "off"), default="auto",
                        help="auto: the shipped model when data/model has it, else rules and numbers only")
    parser.add_argument("--data-dir", type=Path, default=default_data_dir())
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    if not 1 <= args.users <= 500 or not 0 < args.rate <= 1000 or not 1 <= args.seconds <= 600 \
            or not 1 <= args.burst <= 50:
        parser.error("bounds: --users 1..500, --rate 0..1000, --seconds 1..600, --burst 1..50")
    use_model = model_available() if args.model == "auto" else args.model == "on"
    result = run(args.users, args.rate, args.seconds, args.burst, use_model, args.data_dir, args.seed)
    write_results(result)
    print((RESULTS / f"{results_name(use_model)}.md").read_text(encoding="utf-8"))
    return 0 if result["errors"] == 0 and result["bot_exit_code"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
