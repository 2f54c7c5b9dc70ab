"""A group's checks come from the group's own budget per minute, never from the poster's private quota, so
a scammer cannot spend their private checks to make the bot blind in a group, and group chatter does not
lock anyone out of checking in private."""

from __future__ import annotations

from fakes.telegram_api import FakeTelegram, group_chat, user
from tg_harness import running_bot

from bot.locales import t

GROUP = group_chat(-1004440001111, "家长群")
OTHER_GROUP = group_chat(-1004440002222, "同事群")
SCAM = "您好，我是公安局的，您的账户涉嫌洗钱，请把钱转到安全账户，并告诉我验证码"
BLAND = "今天晚上吃饺子，大家早点回来"


async def test_a_scammer_who_spent_their_private_checks_is_still_caught_in_a_quiet_group(
        fake: FakeTelegram, tmp_path) -> None:
    async with running_bot(fake, tmp_path, checks_per_minute=3) as bot:
        scammer = user(8001)
        for n in range(4):  # the private quota, and one more
            await bot.send({"message": bot.fake.message(scammer, f"1380013800{n}")})
        mark, update = await bot.send({"message": bot.fake.message(scammer, SCAM, chat=GROUP)})
        alerts = bot.fake.calls_of("sendMessage", since=mark, chat_id=GROUP["id"])
        assert alerts, "the quiet group got no alert"
        assert alerts[0].text.startswith(t("zh-Hans", "group.alert"))
        assert alerts[0].params["reply_parameters"]["message_id"] == update["message"]["message_id"]


async def test_group_posts_do_not_spend_the_posters_private_checks(fake: FakeTelegram, tmp_path) -> None:
    async with running_bot(fake, tmp_path, checks_per_minute=3) as bot:
        member = user(8002)
        for _ in range(4):
            await bot.send({"message": bot.fake.message(member, BLAND, chat=GROUP)})  # checked silently
        assert bot.rows("SELECT sum(count) FROM check_stats") == [(4,)]
        mark, _ = await bot.send({"message": bot.fake.message(member, BLAND)})
        reply = bot.fake.wait_for("sendMessage", since=mark, timeout=5, chat_id=member["id"])
        assert reply.text.startswith("🟢 未发现明显风险")


async def test_each_group_has_its_own_budget_and_says_so_once(fake: FakeTelegram, tmp_path) -> None:
    async with running_bot(fake, tmp_path, checks_per_minute=20, group_checks_per_minute=2) as bot:
        replies = []
        for member_id in (8010, 8011, 8012, 8013):  # four people, each well within their own quota
            text, entities = bot.fake.mention_text(BLAND)
            mark, _ = await bot.send({"message": bot.fake.message(user(member_id), text, chat=GROUP,
                                                                  entities=entities)})
            replies.append([c.text for c in bot.fake.calls_of("sendMessage", since=mark)])
        assert [r[0].splitlines()[0] if r else None for r in replies[:2]] == ["🟢 未发现明显风险"] * 2
        assert replies[2] == [t("zh-Hans", "group.rate_limited", limit=2)]
        assert replies[3] == []  # one notice a minute, not one per message
        # Another group, and the same people in private, are not affected.
        text, entities = bot.fake.mention_text(BLAND)
        mark, _ = await bot.send({"message": bot.fake.message(user(8012), text, chat=OTHER_GROUP,
                                                              entities=entities)})
        assert bot.fake.wait_for("sendMessage", since=mark, timeout=5).text.startswith("🟢")
        mark, _ = await bot.send({"message": bot.fake.message(user(8013), BLAND)})
        assert bot.fake.wait_for("sendMessage", since=mark, timeout=5).text.startswith("🟢")
