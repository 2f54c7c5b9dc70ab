"""Checks through the real handlers: what a user gets back for each kind of message."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes.telegram_api import FakeTelegram, entity, user
from tg_harness import InProcessBot, running_bot

from bot.telegram.public import TEXT_LIMIT

SCAM = "您好，我是公安局的，您的账户涉嫌洗钱，请把钱转到安全账户，并告诉我验证码，联系 17012345678"
SCAM_HANT = "您好，我是公安局的，您的帳戶涉嫌洗錢，請把錢轉到安全帳戶，並告訴我驗證碼"
BLAND = "晚上一起吃饭吗？我六点下班"


async def _reply(bot: InProcessBot, body: dict) -> str:
    mark, _ = await bot.send(body)
    call = await bot.fake.await_call("sendMessage", since=mark, timeout=5)
    return call.text or ""


async def test_scam_text_gets_high_verdict_with_reasons_advice_and_buttons(bot: InProcessBot) -> None:
    person = user(2001)
    mark, update = await bot.send({"message": bot.fake.message(person, SCAM)})
    call = bot.fake.wait_for("sendMessage", since=mark, timeout=5)
    assert call.text.startswith("🔴 高风险")
    assert "为什么：自称「" in call.text  # the strongest reason: a police name with a mobile number
    assert "+86 170 1234 5678" in call.text and "96110" in call.text
    assert call.params["reply_parameters"]["message_id"] == update["message"]["message_id"]
    assert [b["text"] for b in call.buttons] == ["🚩 举报", "🤔 判断有误", "📋 详情", "📤 分享给家人"]
    assert all(len(b["callback_data"].encode()) <= 64 for b in call.buttons if "callback_data" in b)


async def test_a_verdict_reads_on_a_phone_one_plain_reason_then_what_to_do_and_details_keep_the_rest(
        bot: InProcessBot) -> None:
    """The short card: level, ONE sentence why with a pointer to the rest, the number, what to do. The 📋 详情
    button turns it into every reason with its place in the text."""
    person = user(2020)
    mark, _ = await bot.send({"message": bot.fake.message(person, SCAM)})
    reply = bot.fake.wait_for("sendMessage", since=mark, timeout=5)
    blocks = reply.text.split("\n\n")
    assert blocks[0].splitlines()[:2] == ["🔴 高风险", "这很可能是诈骗。"]
    assert blocks[1].splitlines() == [
        "为什么：自称「公安机关报警电话」，却让你联系 +86 170 1234 5678，这不是它的官方号码（官方号码：110）。",
        "（还有 5 条依据，点「详情」查看）"]
    assert blocks[2].startswith("号码：\n📞 +86 170 1234 5678") and blocks[-1].startswith("怎么做：\n• ")
    assert "%" not in reply.text
    details = next(b["callback_data"] for b in reply.buttons if b["text"] == "📋 详情")
    mark = await bot.feed(bot.fake.make_update({"callback_query": {
        "id": "d1", "from": person, "message": reply.result, "chat_instance": "c", "data": details}}))
    detailed = bot.fake.wait_for("editMessageText", since=mark, timeout=5).text
    why = next(b for b in detailed.split("\n\n") if b.startswith("为什么："))
    start = SCAM.index("安全账户")
    assert why.count("\n• ") == 6 and f"「安全账户」（第 {start + 1}–{start + 4} 字）" in why


async def test_bland_text_is_low_and_says_what_was_checked_and_that_it_cannot_prove_safety(
        bot: InProcessBot) -> None:
    text = await _reply(bot, {"message": bot.fake.message(user(2002), BLAND)})
    assert text.split("\n\n")[0].splitlines() == [
        "🟢 未发现明显风险", "没有发现诈骗常见的说法、可疑号码或链接，但这不能证明它是安全的。"]


@pytest.mark.parametrize(("code", "text", "first_line"), [
    ("zh-hans", SCAM_HANT, "🔴 高風險"),           # Traditional text → zh-Hant, whatever the app says
    ("en", "Hi, how are you? Dinner at six?", "🟢 No clear warning signs"),
    ("en", SCAM, "🔴 高风险"),                      # Chinese text from an English-language app
    ("zh-hant", BLAND, "🟢 未發現明顯風險"),
])
async def test_reply_language_follows_app_language_and_script(bot: InProcessBot, code: str, text: str,
                                                              first_line: str) -> None:
    reply = await _reply(bot, {"message": bot.fake.message(user(2003, language_code=code), text)})
    assert reply.splitlines()[0] == first_line


async def test_lang_command_choice_is_kept_and_used(bot: InProcessBot) -> None:
    person = user(2004, language_code="zh-hans")
    mark, _ = await bot.send({"message": bot.fake.message(person, "/lang", entities=[
        {"type": "bot_command", "offset": 0, "length": 5}])})
    prompt = bot.fake.wait_for("sendMessage", since=mark, timeout=5)
    assert [b["text"] for b in prompt.buttons] == ["简体中文", "繁體中文", "English"]
    english = next(b for b in prompt.buttons if b["text"] == "English")
    mark = await bot.feed(bot.fake.make_update({"callback_query": {
        "id": "q1", "from": person, "message": prompt.result, "chat_instance": "c",
        "data": english["callback_data"]}}))
    answer = bot.fake.wait_for("answerCallbackQuery", since=mark, timeout=5)
    assert answer.params["text"] == "OK, I'll reply in English from now on."
    # A Simplified message now gets an English reply: the stored choice wins over the guess.
    reply = await _reply(bot, {"message": bot.fake.message(person, SCAM)})
    assert reply.startswith("🔴 High risk")
    assert bot.rows("SELECT language FROM user_preferences") == [("en",)]


@pytest.mark.parametrize(("kind", "shown"), [
    ("channel", "↪️ 转发自频道「通知频道」"),
    ("chat", "↪️ 转发自群组「通知频道」"),
    ("hidden_user", "↪️ 转发自隐藏了身份的用户「王经理」"),
    ("user", "↪️ 转发自用户「王经理」"),
])
async def test_forwards_of_every_origin_are_checked_and_origin_is_shown(bot: InProcessBot, kind: str,
                                                                        shown: str) -> None:
    origin = FakeTelegram.forward_origin(kind)
    text = await _reply(bot, {"message": bot.fake.message(user(2005), SCAM, forward_origin=origin)})
    assert text.startswith("🔴 高风险")
    assert shown in text


async def test_bare_number_in_any_written_form_gets_a_number_card(bot: InProcessBot) -> None:
    text = await _reply(bot, {"message": bot.fake.message(user(2006), "138-0013-8000")})
    assert "📞 +86 138 0013 8000" in text
    assert "这个号码" in text.splitlines()[1]
    text = await _reply(bot, {"message": bot.fake.message(user(2006), "１３８ ００１３ ８０００")})
    assert "📞 +86 138 0013 8000" in text


async def test_every_number_in_a_message_is_answered(bot: InProcessBot) -> None:
    message = "客服电话 95588，另一个 17012345678，还有 (0755) 8888 8888"
    text = await _reply(bot, {"message": bot.fake.message(user(2007), message,
                                                            entities=[entity(message, "17012345678", "phone_number")])})
    assert "📞 95588" in text and "中国工商银行" in text
    assert "📞 +86 170 1234 5678" in text
    assert "📞 +86 755 8888 8888" in text


async def test_shared_contact_is_checked_as_a_number(bot: InProcessBot) -> None:
    mark, _ = await bot.send({"message": bot.fake.message(user(2008), contact={
        "phone_number": "+8617012345678", "first_name": "客服"})})
    text = bot.fake.wait_for("sendMessage", since=mark, timeout=5).text
    assert "📞 +86 170 1234 5678" in text and "虚拟运营商" in text


async def test_a_photo_telegram_cannot_give_still_gets_its_caption_checked(bot: InProcessBot) -> None:
    photo = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]  # no such file to download
    text = await _reply(bot, {"message": bot.fake.message(user(2009), photo=photo, caption=SCAM)})
    assert text.startswith("🔴 高风险")
    assert "图片里的字这次没能读出来，只检查了图片的文字说明" in text


async def test_with_pictures_off_a_photo_caption_is_checked_and_the_reply_says_the_image_is_not_read(
        fake: FakeTelegram, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path, ocr_workers=0) as off:
        photo = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]
        text = await _reply(off, {"message": off.fake.message(user(2019), photo=photo, caption=SCAM)})
        assert text.startswith("🔴 高风险") and "图片本身暂时还看不了" in text
        bare = await _reply(off, {"message": off.fake.message(user(2019), photo=photo)})
        assert "（没有文字说明的图片）我还看不了" in bare and "文字、电话号码和分享的联系人" in bare


@pytest.mark.parametrize(("fields", "named"), [
    ({"sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1, "height": 1,
                  "is_animated": False, "is_video": False}}, "表情贴纸"),
    ({"voice": {"file_id": "v", "file_unique_id": "v", "duration": 2}}, "语音"),
    ({"document": {"file_id": "d", "file_unique_id": "d", "file_name": "x.pdf"}}, "文件"),
])
async def test_unsupported_messages_get_a_polite_answer_saying_what_can_be_checked(
        bot: InProcessBot, fields: dict, named: str) -> None:
    text = await _reply(bot, {"message": bot.fake.message(user(2010), **fields)})
    assert f"（{named}）我还看不了" in text
    assert "文字、电话号码、分享的联系人和截图" in text


async def test_whitespace_only_message_asks_for_something_to_check(bot: InProcessBot) -> None:
    text = await _reply(bot, {"message": bot.fake.message(user(2011), "   ")})
    assert text == "请把要检查的文字、号码转发或发给我。"


async def test_oversized_message_gets_a_short_polite_answer(bot: InProcessBot) -> None:
    long_text = "您好" * (TEXT_LIMIT // 2 + 10)
    text = await _reply(bot, {"message": bot.fake.message(user(2012), long_text)})
    assert f"（{len(long_text)} 字）" in text and f"最多检查 {TEXT_LIMIT} 字" in text


async def test_rate_limit_answers_once_then_stays_quiet(fake: FakeTelegram, tmp_path) -> None:
    async with running_bot(fake, tmp_path, checks_per_minute=3) as bot:
        person = user(2013)
        for _ in range(3):
            assert (await _reply(bot, {"message": bot.fake.message(person, BLAND)})).startswith("🟢")
        text = await _reply(bot, {"message": bot.fake.message(person, BLAND)})
        assert text == "你检查得太快了，每分钟最多 3 次。请稍等一会儿再发。"
        mark, _ = await bot.send({"message": bot.fake.message(person, BLAND)})
        assert bot.fake.calls_of("sendMessage", since=mark) == []  # one notice a minute, not a flood
        # Someone else is not affected.
        assert (await _reply(bot, {"message": bot.fake.message(user(2014), BLAND)})).startswith("🟢")


async def test_start_help_privacy_explain_in_plain_words(bot: InProcessBot) -> None:
    person = user(2015)
    texts = {}
    for command in ("/start", "/help", "/privacy"):
        mark, _ = await bot.send({"message": bot.fake.message(person, command, entities=[
            {"type": "bot_command", "offset": 0, "length": len(command)}])})
        texts[command] = bot.fake.wait_for("sendMessage", since=mark, timeout=5).text
    assert "不能证明" in texts["/start"] and "永远不会向你要验证码" in texts["/start"]
    assert "@fanzha_test_bot" in texts["/help"]
    assert "不保存原文" in texts["/privacy"] and "2 天后自动删除" in texts["/privacy"]
    assert "申诉" in texts["/privacy"] and "聊天 ID" in texts["/privacy"]  # the one stored chat id, said plainly


async def test_commands_are_published_at_start_up(bot: InProcessBot) -> None:
    calls = bot.fake.calls_of("setMyCommands")
    languages = {c.params.get("language_code") for c in calls}
    assert {"zh", "en", None} <= languages
    english = next(c for c in calls if c.params.get("language_code") == "en")
    assert {"start", "help", "lang", "privacy"} <= {c["command"] for c in english.params["commands"]}


async def test_a_send_that_hits_5xx_is_retried_and_the_reply_arrives(bot: InProcessBot) -> None:
    bot.fake.fail_next("sendMessage", "5xx")
    text = await _reply(bot, {"message": bot.fake.message(user(2016), SCAM)})
    assert text.startswith("🔴")
    assert [c.fault for c in bot.fake.calls_of("sendMessage")][-2:] == ["5xx", None]


async def test_a_429_is_waited_out_and_the_reply_arrives(bot: InProcessBot) -> None:
    bot.fake.fail_next("sendMessage", "429", retry_after=1)
    text = await _reply(bot, {"message": bot.fake.message(user(2017), SCAM)})
    assert text.startswith("🔴")
    faulted = [c for c in bot.fake.calls_of("sendMessage") if c.fault == "429"]
    ok = bot.fake.calls_of("sendMessage")[-1]
    assert faulted and ok.at - faulted[-1].at >= 0.9  # it waited retry_after before trying again


async def test_a_failing_check_gets_a_polite_apology_not_silence(bot: InProcessBot, monkeypatch) -> None:
    async def broken(*_args, **_kwargs):
        raise RuntimeError("classifier crashed")

    monkeypatch.setattr(bot.services.checker, "check_text", broken)
    text = await _reply(bot, {"message": bot.fake.message(user(2018), SCAM)})
    assert text == "抱歉，刚才出了点问题，没能检查完。请稍后再试一次。"


async def test_a_send_that_times_out_is_retried_and_the_reply_arrives(bot: InProcessBot) -> None:
    bot.fake.fail_next("sendMessage", "timeout", delay=6.0)  # longer than PTB's 5 s read timeout
    mark, _ = await bot.send({"message": bot.fake.message(user(2019), SCAM)})
    reply = await bot.fake.await_call("sendMessage", since=mark, timeout=20)
    assert reply.text.startswith("🔴")
    assert [c.fault for c in bot.fake.calls_of("sendMessage", since=mark)] == ["timeout", None]
