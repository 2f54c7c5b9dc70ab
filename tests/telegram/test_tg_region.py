"""Hotlines for where the reader lives, number facts and /region, through the real handlers and the fake
Bot API (model off, real SQLite)."""

from __future__ import annotations

from fakes.telegram_api import user
from tg_harness import InProcessBot

from bot.locales import t

# A Traditional-script scam with a Hong Kong number in it, as a Hong Kong reader would forward it.
HK_SCAM = "您好，我是警察，你的戶口涉嫌洗黑錢，請把錢轉到安全帳戶，並告訴我驗證碼，回電 +852 6123 4567"
TRADITIONAL_SCAM = "您好，我是警察，你的戶口涉嫌洗黑錢，請把錢轉到安全帳戶，並告訴我驗證碼"


async def _reply(bot: InProcessBot, body: dict) -> str:
    mark, _ = await bot.send(body)
    return bot.fake.wait_for("sendMessage", since=mark, timeout=5).text or ""


def _command(bot: InProcessBot, person: dict, text: str) -> dict:
    name = text.split()[0]
    return {"message": bot.fake.message(person, text, entities=[
        {"type": "bot_command", "offset": 0, "length": len(name)}])}


def _advice(reply: str) -> str:
    return reply.split("\n\n")[-1]


async def test_a_hong_kong_reader_gets_18222_and_region_tw_switches_to_165(bot: InProcessBot) -> None:
    reader = user(9101, language_code="zh-hant")
    advice = _advice(await _reply(bot, {"message": bot.fake.message(reader, HK_SCAM)}))
    assert "18222" in advice and "防騙易熱線" in advice and "防騙視伏器" in advice
    assert "96110" not in advice and "國家反詐中心" not in advice and "165" not in advice

    answer = await _reply(bot, _command(bot, reader, "/region tw"))
    assert answer == t("zh-Hant", "region.set", region=t("zh-Hant", "region.name.tw"))
    advice = _advice(await _reply(bot, {"message": bot.fake.message(reader, HK_SCAM)}))
    assert "165" in advice and "反詐騙諮詢專線" in advice and "18222" not in advice
    assert [r[0] for r in bot.rows("SELECT region FROM user_preferences")] == ["tw"]

    await _reply(bot, _command(bot, reader, "/region auto"))
    advice = _advice(await _reply(bot, {"message": bot.fake.message(reader, HK_SCAM)}))
    assert "18222" in advice and "165" not in advice
    assert [r[0] for r in bot.rows("SELECT region FROM user_preferences")] == [None]


async def test_traditional_reader_without_hints_gets_hong_kong_and_taiwan_lines(bot: InProcessBot) -> None:
    advice = _advice(await _reply(bot, {"message": bot.fake.message(user(9102, language_code="zh-hant"),
                                                                   TRADITIONAL_SCAM)}))
    assert "18222" in advice and "165" in advice and "96110" not in advice


async def test_a_mainland_reader_still_gets_96110(bot: InProcessBot) -> None:
    scam = "您好，我是公安局的，您的账户涉嫌洗钱，请把钱转到安全账户，并告诉我验证码"
    advice = _advice(await _reply(bot, {"message": bot.fake.message(user(9103), scam)}))
    assert "96110" in advice and "国家反诈中心" in advice and "18222" not in advice


async def test_region_without_a_word_says_how_and_what_is_set(bot: InProcessBot) -> None:
    reader = user(9104)
    answer = await _reply(bot, _command(bot, reader, "/region"))
    assert answer == t("zh-Hans", "region.prompt", current=t("zh-Hans", "region.auto"))
    assert bot.rows("SELECT region FROM user_preferences") == []


async def test_a_spoofed_service_code_in_a_text_gets_no_official_badge(bot: InProcessBot) -> None:
    text = "【工商银行】您的账户异常，请致电 +86 95588 核实"
    reply = await _reply(bot, {"message": bot.fake.message(user(9105), text)})
    assert "✅" not in reply and "伪造的来电显示" in reply


async def test_a_shared_contact_of_95588_is_official_without_a_spoof_warning(bot: InProcessBot) -> None:
    for number in ("+95588", "95588"):
        mark = bot.fake.mark()
        card = {"phone_number": number, "first_name": "工商银行"}
        await bot.feed(bot.fake.make_update({"message": bot.fake.message(user(9106), contact=card)}))
        reply = bot.fake.wait_for("sendMessage", since=mark, timeout=5).text or ""
        assert "✅ 官方号码：中国工商银行" in reply, number
        assert "伪造" not in reply and "⚠️" not in reply, number


async def test_regional_and_police_sms_numbers_are_described_as_official(bot: InProcessBot) -> None:
    for number, owner_part in (("18222", "防騙易"), ("165", "反詐騙諮詢專線"), ("12110", "短信報警")):
        reply = await _reply(bot, {"message": bot.fake.message(user(9107, language_code="zh-hant"), number)})
        assert "✅" in reply and owner_part in reply, reply
        assert t("zh-Hant", "num.invalid") not in reply and "不在已知官方" not in reply


async def test_a_meeting_id_or_qq_number_is_not_an_invalid_phone_number(bot: InProcessBot) -> None:
    for text in ("腾讯会议号码 123 456 789，密码 6666", "加我QQ号码 12345678", "会议号 123 456 789"):
        reply = await _reply(bot, {"message": bot.fake.message(user(9108), text)})
        assert t("zh-Hans", "num.invalid") not in reply and "📞" not in reply, reply


async def test_an_inline_verdict_gives_the_readers_hotlines_too(bot: InProcessBot) -> None:
    """Inline mode is how a verdict is shared into a family chat: it must carry the reader's hotlines, not
    always the mainland's."""
    reader = user(7303, "陳太", language_code="zh-hant")
    mark, _ = await bot.send({"inline_query": {"id": "iq-hk", "from": reader, "query": HK_SCAM, "offset": "",
                                               "chat_type": "sender"}})
    answer = bot.fake.wait_for("answerInlineQuery", since=mark, timeout=5)
    card = answer.params["results"][0]["input_message_content"]["message_text"]
    assert "18222" in card and "96110" not in card
