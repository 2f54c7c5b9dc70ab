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
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any, NamedTuple

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


class Reply(NamedTuple):
    """One person's message answered: what was sent, how long the reply took, when it came, and its text."""

    kind: str
    latency: float
    at: float
    text: str


class Crowd:
    """The real bot in a subprocess (a fresh SQLite file, its per-user check limit raised out of the way)
    against the fake Bot API, and the simulated people who talk to it, each waiting for its reply before
    sending the next. Both benchmarks drive the bot through this, so they load it the same way.

    ``with Crowd(use_model, first_id=…, FANZHA_…="…") as crowd:`` starts the bot with the extra settings
    and the caller's model settings (PASSED_SETTINGS) and waits until it polls; leaving stops it and sets
    ``exit_code``. Person ``index`` is Telegram user ``first_id + index``.
    """

    def __init__(self, use_model: bool, *, first_id: int, **env: str) -> None:
        self.first_id = first_id
        self.env = {"FANZHA_USE_MODEL": "1" if use_model else "0", "FANZHA_CHECKS_PER_MINUTE": "100000",
                    "FANZHA_LOG_LEVEL": "WARNING", **env,
                    **{k: v for k, v in os.environ.items() if k in PASSED_SETTINGS}}
        self.errors: list[str] = []
        self.exit_code: int | None = None
        self._lock = threading.Lock()
        # Each person's replies arrive on a queue of its own: the fake server's ``wait_for`` would wake
        # all 50 waiting threads on every call the bot makes, and that CPU comes off the bot's 2 cores.
        self._inboxes: dict[int, queue.SimpleQueue[tuple[float, str]]] = {}
        self._stack = ExitStack()

    def __enter__(self) -> Crowd:
        try:
            self.fake = self._stack.enter_context(FakeTelegram())
            workdir = Path(self._stack.enter_context(tempfile.TemporaryDirectory()))
            self.bot = BotProcess(self.fake, workdir, **self.env)
            self._stack.callback(self._stop)
            self.pid = self.bot.proc.pid
            self.bot.wait_ready(timeout=300)
            self.fake.add_listener(self._on_call)
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stack.close()

    def _stop(self) -> None:
        self.exit_code = self.bot.stop()

    def _on_call(self, call: Any) -> None:
        if call.method == "sendMessage" and call.fault is None:
            inbox = self._inboxes.get(call.params.get("chat_id"))
            if inbox is not None:
                inbox.put((call.at, str(call.params.get("text", ""))))

    def person(self, index: int, name: str | None = None) -> dict[str, Any]:
        return user(self.first_id + index, name or f"用户{index}")

    def processes(self) -> dict[int, tuple[float, float]]:
        """{pid: (CPU seconds, RSS MB)} of the bot and its child processes now."""
        return process_tree(self.pid)

    def one(self, person: dict[str, Any], kind: str, payload: Any) -> Reply | None:
        """Send a text, or a picture (``kind`` "picture", ``payload`` its photo sizes), and wait for the reply;
        None (and an error noted) when none came within REPLY_TIMEOUT_S."""
        inbox = self._inboxes.setdefault(person["id"], queue.SimpleQueue())
        while not inbox.empty():  # a reply that came after its timeout
            inbox.get_nowait()
        started = time.time()
        if kind == "picture":
            self.fake.enqueue({"message": self.fake.message(person, photo=payload)})
        else:
            self.fake.send_text(person, payload)
        try:
            replied, text = inbox.get(timeout=REPLY_TIMEOUT_S)
        except queue.Empty:
            with self._lock:
                self.errors.append(f"no reply to a {kind} from user {person['id']} within {REPLY_TIMEOUT_S} s")
            return None
        return Reply(kind, replied - started, replied, text)

    def phase(self, users: int, rounds: int, interval: float,
              choose: Callable[[int, int], tuple[str, Any]]) -> list[Reply]:
        """``users`` people each send ``rounds`` messages, ``choose(person index, round)`` = (kind, payload):
        person ``index``'s round ``k`` is due ``index * interval / users + k * interval`` s after the start
        (staggered, so together they offer ``users / interval`` messages/s); one whose reply is late sends
        the next on receiving it, so a bot that falls behind shows up as lower throughput and higher latency.
        """
        measured: list[Reply] = []
        began = time.time() + 0.2

        def person_loop(index: int) -> None:
            person = self.person(index)
            for k in range(rounds):
                due = began + index * interval / users + k * interval
                time.sleep(max(0.0, due - time.time()))
                outcome = self.one(person, *choose(index, k))
                if outcome is not None:
                    with self._lock:
                        measured.append(outcome)

        threads = [threading.Thread(target=person_loop, args=(u,)) for u in range(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(rounds * (interval + REPLY_TIMEOUT_S) + 30)
        return measured


def cpu_seconds(before: dict[int, tuple[float, float]], after: dict[int, tuple[float, float]]) -> dict[int, float]:
    """CPU seconds each process spent between two ``Crowd.processes()`` readings (those alive at both)."""
    return {pid: after[pid][0] - before[pid][0] for pid in after if pid in before}


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

    def texts_from(offset: int, rounds: int) -> Callable[[int, int], tuple[str, Any]]:
        return lambda index, k: ("text", texts[(offset + index * rounds + k) % len(texts)][1])

    with Crowd(use_model, first_id=900_000) as crowd:
        crowd.phase(users, 1, 0.0, texts_from(0, 1))  # warm-up: connections, caches, the model's first batches
        before = crowd.processes()
        sustained = crowd.phase(users, per_user, users / rate, texts_from(users, per_user))
        after = crowd.processes()
        saturated = crowd.phase(users, burst, 0.0, texts_from(users * (per_user + 1), burst))
        processes = crowd.processes()

    def summary(outcomes: list[Reply]) -> dict:
        """Throughput is replies per second between the first and the last reply ((n − 1) / span): a bot
        that keeps up with the offered rate scores that rate, one that falls behind stretches the span."""
        latencies = [r.latency for r in outcomes]
        arrivals = sorted(r.at for r in outcomes)
        elapsed = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else 0.0
        return {
            "replies": len(latencies), "seconds": round(elapsed, 2),
            "updates_per_second": round((len(latencies) - 1) / elapsed, 1) if elapsed else 0.0,
            "latency_ms": {q: (round(percentile(latencies, v) * 1000, 1) if latencies else None)
                           for q, v in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99))},
        }

    cpu, bot_pid = cpu_seconds(before, after), crowd.pid
    return {
        "users": users, "offered_rate": rate, "model": "on" if use_model else "off",
        "model_process": os.environ.get("FANZHA_MODEL_PROCESS", "1"),
        "model_threads": os.environ.get("FANZHA_MODEL_THREADS", "1"),
        "model_dtype": model_dtype(), "cpu": cpu_name(),
        "sustained": summary(sustained), "saturation": summary(saturated),
        "cpu_ms_per_update": {
            "bot": round(1000 * cpu[bot_pid] / max(1, len(sustained)), 2),
            "model_process": round(1000 * sum(s for p, s in cpu.items() if p != bot_pid) / max(1, len(sustained)),
                                   2)},
        "rss_mb": {"bot": round(processes[bot_pid][1], 1),
                   "model_process": round(max((v[1] for p, v in processes.items() if p != bot_pid),
                                              default=0.0), 1)},
        "burst_per_user": burst, "errors": len(crowd.errors), "error_examples": crowd.errors[:3],
        "bot_exit_code": crowd.exit_code,
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
