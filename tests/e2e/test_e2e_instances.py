"""Two ``fanzha run --webhook`` processes behind one address, as a multi-instance deployment runs them: one
PostgreSQL database, one Redis for the per-user check limit. Telegram may deliver a user's updates to either
instance, so the user must not be able to tell which one answered."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from e2e_harness import BotProcess, free_port, wait_listening
from fakes.telegram_api import Call, FakeTelegram, entity, user
from pgdb import new_pg_database

from bot.locales import t

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

SECRET_TOKEN = "instances-secret-token"
PUBLIC_URL = "https://fanzha.example.org/telegram/hook"  # the load balancer's address, registered by both
BLAND = "晚上一起吃饭吗？我六点下班"
SCAM = "您好，我是公安局的，您的账户涉嫌洗钱，请把钱转到安全账户，并告诉我验证码，联系 17012345678"
LIMIT = 4
ADMIN = user(8000, "管理员")
ZH = "zh-Hans"


class Instance:
    def __init__(self, process: BotProcess, port: int) -> None:
        self.process, self.url = process, f"http://127.0.0.1:{port}/telegram/hook"

    def post(self, body: dict[str, Any]) -> None:
        update = self.process.fake.make_update(body)
        assert FakeTelegram.post_webhook(self.url, update, SECRET_TOKEN) == 200


@pytest.fixture(scope="module")
def instances(fake: FakeTelegram, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Instance, Instance]]:
    env = {"FANZHA_RATE_LIMIT_STORAGE": "redis://127.0.0.1:6379/0", "FANZHA_CHECKS_PER_MINUTE": str(LIMIT),
           "FANZHA_ADMIN_IDS": str(ADMIN["id"]),
           # A fresh secret: this run's users hash to keys no earlier run has counted in Redis.
           "FANZHA_SECRET": f"instances-{uuid.uuid4().hex}"}
    with new_pg_database() as database_url:
        started: list[Instance] = []
        try:
            for name in ("a", "b"):
                port = free_port()
                process = BotProcess(fake, tmp_path_factory.mktemp(f"instance-{name}"),
                                     ("--webhook", "--listen", "127.0.0.1", "--port", str(port), "--url", PUBLIC_URL,
                                      "--secret-token", SECRET_TOKEN), FANZHA_DATABASE_URL=database_url, **env)
                started.append(Instance(process, port))
                process.wait_ready("setWebhook")
                wait_listening(port)
            yield started[0], started[1]
        finally:
            for instance in started:
                instance.process.stop()



def send(instance: Instance, person: dict[str, Any], text: str | None = None, **fields: Any) -> Call:
    fake = instance.process.fake
    mark = fake.mark()
    if text and text.startswith("/"):
        fields["entities"] = [entity(text, text.split()[0], "bot_command")]
    instance.post({"message": fake.message(person, text, **fields)})
    return fake.wait_for("sendMessage", since=mark, timeout=20, chat_id=person["id"])


def tap(instance: Instance, person: dict[str, Any], bot_message: dict[str, Any], data: str) -> int:
    fake = instance.process.fake
    current = fake.sent_message(bot_message["chat"]["id"], bot_message["message_id"])
    mark = fake.mark()
    instance.post({"callback_query": {"id": uuid.uuid4().hex[:12], "from": person, "message": current,
                                      "chat_instance": "ci-instances", "data": data}})
    return mark


def button_data(message: dict[str, Any], label: str) -> str:
    return next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row
                if b["text"] == label)


def test_both_instances_register_the_public_address(instances: tuple[Instance, Instance]) -> None:
    a, _b = instances
    registered = [c.params["url"] for c in a.process.fake.calls_of("setWebhook")]
    assert registered[-2:] == [PUBLIC_URL, PUBLIC_URL]


def test_the_check_limit_counts_across_instances(instances: tuple[Instance, Instance]) -> None:
    a, b = instances
    person = user(7101)
    for instance in (a, b, a, b):
        assert send(instance, person, BLAND).text.startswith("🟢")
    assert send(a, person, BLAND).text == t("zh-Hans", "rate_limited", limit=LIMIT)


def test_a_button_under_one_instances_verdict_works_on_the_other(instances: tuple[Instance, Instance]) -> None:
    a, b = instances
    person = user(7102)
    verdict = send(a, person, SCAM).result
    mark = tap(b, person, verdict, button_data(verdict, "📋 详情"))
    edit = b.process.fake.wait_for("editMessageText", since=mark, timeout=20)
    assert "安全账户" in edit.text and edit.params["message_id"] == verdict["message_id"]


def test_a_language_chosen_on_one_instance_is_used_by_the_other(instances: tuple[Instance, Instance]) -> None:
    a, b = instances
    person = user(7103)
    prompt = send(a, person, "/lang").result
    mark = tap(a, person, prompt, button_data(prompt, "English"))
    a.process.fake.wait_for("answerCallbackQuery", since=mark, timeout=20)
    assert send(b, person, BLAND).text.startswith(t("en", "level.low"))


def test_an_appeal_can_move_between_instances_step_by_step(instances: tuple[Instance, Instance]) -> None:
    """/appeal on one instance, the contact on the other, the reason on the first: each step is in the
    database, so it does not matter which instance Telegram picks (nor whether one restarted meanwhile)."""
    a, b = instances
    assert send(a, ADMIN, "/block 13522223333 贷款/代办信用卡 贷款广告").text.startswith("✅")
    owner = user(7104, "号码主人")
    assert send(a, owner, "/appeal").text == t(ZH, "mod.appeal.start")
    asked = send(b, owner, contact={"phone_number": "8613522223333", "first_name": "我", "user_id": owner["id"]})
    assert asked.text == t(ZH, "mod.appeal.ask_reason", number="+86 135 2222 3333")
    fake = a.process.fake
    mark = fake.mark()
    submitted = send(a, owner, "这是我自己的号码，没有发过广告")  # a reason, not a message to check
    assert submitted.text.startswith("✅ 申诉 #")
    assert fake.wait_for("sendMessage", since=mark, timeout=20, chat_id=ADMIN["id"]).text.startswith("🔔")
    assert send(b, owner, "晚上一起吃饭吗？").text.startswith("🟢")  # the appeal is over: checked again


def test_a_csv_previewed_on_one_instance_is_applied_from_the_other_once(instances: tuple[Instance, Instance]) -> None:
    a, b = instances
    fake = a.process.fake
    content = "number,category,evidence,expires\n13844445555,刷单返利,兼职刷单群,\n".encode()
    fake.add_file("csv-instances", content)
    preview = send(a, ADMIN, document={"file_id": "csv-instances", "file_unique_id": "u-csv-instances",
                                       "file_name": "list.csv", "mime_type": "text/csv", "file_size": len(content)})
    assert preview.text.startswith(t(ZH, "mod.import.preview.blocklist", name="list.csv", add=1, update=0, same=0))
    confirm = button_data(preview.result, t(ZH, "mod.btn.confirm_import"))
    mark = tap(b, ADMIN, preview.result, confirm)
    assert fake.wait_for("editMessageText", since=mark, timeout=20).params["text"] == t(
        ZH, "mod.import.done", name="list.csv", add=1, update=0, same=0)
    mark = tap(a, ADMIN, preview.result, confirm)  # the same tap reaching the first instance later
    assert fake.wait_for("answerCallbackQuery", since=mark, timeout=20).params["text"] == t(ZH, "mod.import.expired")
    assert "⛔" in send(b, user(7105), "13844445555").text
