"""The real ``fanzha run`` with the shipped model on (FANZHA_USE_MODEL=1): the transformer's verdicts
reach users, and inference does not block other users' replies.

Runs once the fine-tuned artefacts are in data/model (they come with the project); until then the
module is skipped with that reason.
"""

from __future__ import annotations

import re
import threading

import pytest
from e2e_harness import BotProcess
from fakes.telegram_api import FakeTelegram, user

from bot.config import Settings

MODEL_DIR = Settings().model_dir
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(not (MODEL_DIR.is_dir() and any(MODEL_DIR.iterdir())),
                       reason=f"the shipped model is not in {MODEL_DIR} yet"),
]

BOT_ENV = {"FANZHA_USE_MODEL": "1", "FANZHA_CHECKS_PER_MINUTE": "100"}

# Wording the rules alone do not flag (no listed phrase, no number, no link): only the model can.
FRAUD = ("亲爱的，我在一个内部平台做黄金投资，导师带单稳赚不赔，上周我投了五万已经翻倍了，"
         "你也跟我一起投吧，机会难得，名额有限，今晚就截止")
NORMAL = "妈，我今天加班，晚饭不用等我了，记得把阳台的衣服收一下"


def _ask(fake: FakeTelegram, person: dict, text: str) -> str:
    mark = fake.mark()
    fake.send_text(person, text)
    return fake.wait_for("sendMessage", since=mark, timeout=60, chat_id=person["id"]).text


def test_model_flags_fraud_the_rules_miss_and_says_why(polling_bot: BotProcess) -> None:
    fake, person = polling_bot.fake, user(8001)
    mark = fake.mark()
    fake.send_text(person, FRAUD)
    reply = fake.wait_for("sendMessage", since=mark, timeout=60, chat_id=person["id"])
    assert reply.text.splitlines()[0] in ("🔴 高风险", "🟠 可疑")
    # One plain sentence why, never a bare probability (the percentage is in 📋 详情).
    assert re.search(r"^为什么：\S.*。$", reply.text, re.MULTILINE) and "%" not in reply.text


def test_ordinary_family_message_stays_low(polling_bot: BotProcess) -> None:
    assert _ask(polling_bot.fake, user(8002), NORMAL).startswith("🟢 未发现明显风险")


def test_concurrent_users_all_get_answers(polling_bot: BotProcess) -> None:
    fake = polling_bot.fake
    replies: dict[int, str] = {}

    def one(uid: int) -> None:
        replies[uid] = _ask(fake, user(uid), FRAUD if uid % 2 else NORMAL)

    threads = [threading.Thread(target=one, args=(8100 + i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert len(replies) == 12
    assert all(replies[uid].startswith("🟢") for uid in replies if uid % 2 == 0)
