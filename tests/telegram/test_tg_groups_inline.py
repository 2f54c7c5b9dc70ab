"""Groups (quiet unless addressed or high risk; admins switch it) and inline mode."""

from __future__ import annotations

from fakes.telegram_api import entity, group_chat, user
from tg_harness import InProcessBot

GROUP = group_chat(-1009876543210, "家庭群")
SCAM = "您好，我是公安局的，您的账户涉嫌洗钱，请把钱转到安全账户，并告诉我验证码"
BLAND = "今天晚上吃饺子，大家早点回来"


def _command(text: str) -> list[dict]:
    return [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]


async def test_quiet_group_ignores_bland_messages(bot: InProcessBot) -> None:
    mark, _ = await bot.send({"message": bot.fake.message(user(4001), BLAND, chat=GROUP)})
    # process_update ran the handler to its end: anything it was going to send has been sent.
    assert bot.fake.calls_of("sendMessage", since=mark) == []
    assert bot.rows("SELECT sum(count) FROM check_stats") == [(1,)]  # it was checked, silently


async def test_quiet_group_warns_about_a_high_risk_message(bot: InProcessBot) -> None:
    mark, update = await bot.send({"message": bot.fake.message(user(4002), SCAM, chat=GROUP)})
    call = bot.fake.wait_for("sendMessage", since=mark, timeout=5, chat_id=GROUP["id"])
    assert call.text.startswith("⚠️ 提醒大家")
    assert "🔴 高风险" in call.text
    assert call.params["reply_parameters"]["message_id"] == update["message"]["message_id"]


async def test_mention_gets_an_answer_even_for_a_bland_message(bot: InProcessBot) -> None:
    text, entities = bot.fake.mention_text(BLAND)
    mark, _ = await bot.send({"message": bot.fake.message(user(4003), text, chat=GROUP, entities=entities)})
    call = bot.fake.wait_for("sendMessage", since=mark, timeout=5, chat_id=GROUP["id"])
    assert call.text.startswith("🟢 未发现明显风险")


async def test_mention_in_reply_checks_the_message_replied_to(bot: InProcessBot) -> None:
    suspicious = bot.fake.message(user(4004, "小王"), SCAM, chat=GROUP)
    text, entities = bot.fake.mention_text("这是真的吗？")
    mark, _ = await bot.send({"message": bot.fake.message(user(4005), text, chat=GROUP, entities=entities,
                                                          reply_to_message=suspicious)})
    call = bot.fake.wait_for("sendMessage", since=mark, timeout=5, chat_id=GROUP["id"])
    assert call.text.startswith("🔴 高风险")
    assert call.params["reply_parameters"]["message_id"] == suspicious["message_id"]


async def test_replying_to_the_bot_gets_an_answer(bot: InProcessBot) -> None:
    text, entities = bot.fake.mention_text(BLAND)
    mark, _ = await bot.send({"message": bot.fake.message(user(4006), text, chat=GROUP, entities=entities)})
    bot_reply = bot.fake.wait_for("sendMessage", since=mark, timeout=5).result
    mark, _ = await bot.send({"message": bot.fake.message(user(4006), "那这个号码呢 13800138000", chat=GROUP,
                                                          reply_to_message=bot_reply)})
    assert "📞 +86 138 0013 8000" in bot.fake.wait_for("sendMessage", since=mark, timeout=5).text


async def test_only_admins_can_turn_quiet_mode_off_and_then_every_message_is_answered(bot: InProcessBot) -> None:
    member, admin = user(4007), user(4008)
    bot.fake.set_chat_member(GROUP["id"], admin["id"], "administrator")
    mark, _ = await bot.send({"message": bot.fake.message(member, "/quiet off", chat=GROUP,
                                                          entities=_command("/quiet off"))})
    assert bot.fake.wait_for("sendMessage", since=mark, timeout=5).text == "只有群管理员能修改这个设置。"
    assert bot.fake.calls_of("getChatMember", since=mark, user_id=member["id"])
    mark, _ = await bot.send({"message": bot.fake.message(admin, "/quiet off", chat=GROUP,
                                                          entities=_command("/quiet off"))})
    assert bot.fake.wait_for("sendMessage", since=mark, timeout=5).text.startswith("好的，本群关闭安静模式")
    mark, _ = await bot.send({"message": bot.fake.message(member, BLAND, chat=GROUP)})
    assert bot.fake.wait_for("sendMessage", since=mark, timeout=5).text.startswith("🟢")
    mark, _ = await bot.send({"message": bot.fake.message(member, "/quiet", chat=GROUP, entities=_command("/quiet"))})
    assert bot.fake.wait_for("sendMessage", since=mark, timeout=5).text.startswith("本群安静模式：关")


async def test_stickers_in_a_quiet_group_get_no_answer(bot: InProcessBot) -> None:
    sticker = {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1, "height": 1,
               "is_animated": False, "is_video": False}
    mark, _ = await bot.send({"message": bot.fake.message(user(4009), chat=GROUP, sticker=sticker)})
    assert bot.fake.calls_of("sendMessage", since=mark) == []


async def test_inline_number_query_returns_a_short_verdict_card(bot: InProcessBot) -> None:
    mark = await bot.feed(bot.fake.make_update({"inline_query": {
        "id": "iq1", "from": user(4010), "query": "13800138000", "offset": ""}}))
    answer = bot.fake.wait_for("answerInlineQuery", since=mark, timeout=5)
    [result] = answer.params["results"]
    assert result["type"] == "article"
    assert result["title"] == "🟢 未发现明显风险"
    assert "📞 +86 138 0013 8000" in result["input_message_content"]["message_text"]
    assert len(result["id"].encode()) <= 64


async def test_inline_text_query_and_empty_query(bot: InProcessBot) -> None:
    mark = await bot.feed(bot.fake.make_update({"inline_query": {
        "id": "iq2", "from": user(4011, language_code="en"), "query": SCAM, "offset": ""}}))
    [result] = bot.fake.wait_for("answerInlineQuery", since=mark, timeout=5).params["results"]
    assert result["title"] == "🔴 高风险" and "冒充公检法" in result["description"]
    mark = await bot.feed(bot.fake.make_update({"inline_query": {
        "id": "iq3", "from": user(4011, language_code="en"), "query": "", "offset": ""}}))
    [prompt] = bot.fake.wait_for("answerInlineQuery", since=mark, timeout=5).params["results"]
    assert prompt["title"] == "Type a number or a short text to check"


def test_mention_entity_offsets_are_utf16() -> None:
    text = "😀😀 @fanzha_test_bot"
    ent = entity(text, "@fanzha_test_bot", "mention")
    assert ent["offset"] == 5  # two emoji are two UTF-16 units each, plus the space
