"""Known scam sites through the real Application and the fake Bot API: a moderator lists a domain with
/blockdomain and the next check of a link to it is high with the source; official sites and shorteners are
refused; /unblockdomain takes it off; and no verdict the bot sends carries a link preview (private reply,
its details, a group reply and an inline result)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fakes.telegram_api import FakeTelegram, group_chat, user
from tg_harness import InProcessBot, running_bot, say

from bot.locales import t

ADMIN, MODERATOR, PERSON = user(1000, "管理员"), user(2000, "志愿者"), user(3000, "路人")
ZH = "zh-Hans"
SCAM_LINK = "恭喜您获得内部投资名额，今日入金翻倍，马上注册 https://vip.fortune-win.top/reg 名额有限"


@pytest.fixture
async def bot(fake: FakeTelegram, tmp_path: Path) -> AsyncIterator[InProcessBot]:
    async with running_bot(fake, tmp_path, admin_ids=frozenset({ADMIN["id"]})) as running:
        running.services.store.add_moderator(MODERATOR["id"], actor="tg:1000")
        yield running


def _no_preview(params: dict[str, Any]) -> bool:
    return (params.get("link_preview_options") or {}).get("is_disabled") is True


async def test_a_domain_a_moderator_lists_makes_the_next_check_high(bot: InProcessBot) -> None:
    before = await say(bot, PERSON, SCAM_LINK)
    assert "已知的诈骗网站" not in before.text
    done = await say(bot, MODERATOR, "/blockdomain https://www.fortune-win.top 虚假投资理财 三人举报同一短信")
    assert done.text == t(ZH, "mod.blockdomain.added", domain="fortune-win.top", category="虚假投资理财")
    after = await say(bot, PERSON, SCAM_LINK)
    assert after.text.startswith("🔴 高风险")
    assert "vip.fortune-win.top" in after.text and "已知的诈骗网站" in after.text and "审核员确认" in after.text
    assert bot.rows("SELECT actor, action, target FROM audit_log WHERE target LIKE 'domain:%'") == [
        ("tg:2000", "domain.add", "domain:fortune-win.top")]
    gone = await say(bot, MODERATOR, "/unblockdomain fortune-win.top 误报")
    assert gone.text == t(ZH, "mod.unblockdomain.done", domain="fortune-win.top")
    assert "已知的诈骗网站" not in (await say(bot, PERSON, SCAM_LINK)).text


async def test_official_sites_and_shorteners_are_refused_and_only_moderators_may_list(bot: InProcessBot) -> None:
    official = await say(bot, MODERATOR, "/blockdomain www.icbc.com.cn 钓鱼链接")
    assert official.text == "❌ " + t(ZH, "csv.error.domain_official", domain="icbc.com.cn", owner="中国工商银行")
    shortener = await say(bot, MODERATOR, "/blockdomain t.cn 钓鱼链接")
    assert shortener.text == "❌ " + t(ZH, "csv.error.domain_shared", domain="t.cn")
    stranger = await say(bot, PERSON, "/blockdomain fortune-win.top 钓鱼链接")
    assert "fortune-win.top" not in stranger.text
    assert bot.rows("SELECT count(*) FROM domain_blocklist") == [(0,)]


async def test_no_verdict_carries_a_link_preview(bot: InProcessBot) -> None:
    bot.services.store.add_domain("fortune-win.top", "fake_investment", actor="cli")
    reply = await say(bot, PERSON, SCAM_LINK)
    assert _no_preview(reply.params), reply.params

    message = bot.fake.sent_message(PERSON["id"], reply.result["message_id"])
    data = next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row
                if b["text"] == t(ZH, "btn.details"))
    mark = await bot.feed(bot.fake.make_update({"callback_query": {
        "id": "cb-details", "from": PERSON, "message": message, "chat_instance": "c", "data": data}}))
    edit = bot.fake.wait_for("editMessageText", since=mark, timeout=5)
    assert "fortune-win.top" in edit.text and _no_preview(edit.params), edit.params

    group = group_chat(-100777, "家人群")
    in_group = await say(bot, PERSON, SCAM_LINK, chat=group)
    assert "🔴 高风险" in in_group.text and _no_preview(in_group.params), in_group.params

    mark = await bot.feed(bot.fake.make_update({"inline_query": {
        "id": "iq-domain", "from": PERSON, "query": SCAM_LINK, "offset": ""}}))
    [result] = bot.fake.wait_for("answerInlineQuery", since=mark, timeout=5).params["results"]
    content = result["input_message_content"]
    assert "fortune-win.top" in content["message_text"] and _no_preview(content), content
