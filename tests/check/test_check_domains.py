"""Links in a verdict, end to end over a real store (SQLite and PostgreSQL), rules and lists only: a listed
scam domain is a hard fact with its source; shorteners are named as what they are and are no scam site; the
shown domain is the whole host; a bank's real site is official."""

from __future__ import annotations

import pytest

from bot.check import Checker, StoreLists
from bot.render import render_verdict
from bot.urls import BadDomain
from bot.verdict import EvidenceKind, RiskLevel


@pytest.fixture
def checker(store):
    checker = Checker(StoreLists(store), classifier=None)
    yield checker
    checker.close()


def _links(verdict):
    return [e for e in verdict.evidence if e.kind in (EvidenceKind.RISKY_LINK, EvidenceKind.URL)]


def test_a_link_to_a_listed_domain_is_high_with_its_source(store, checker):
    text = "您好，平台换了新网址 https://app.fortune-win.top/reg ，以后从这里登录"  # no tactic: the list decides
    assert checker.check_text_sync(text).risk_level != RiskLevel.HIGH
    store.add_domain("fortune-win.top", "fake_investment", actor="cli", source="台湾165反诈骗专线 假投资网站名单")
    verdict = checker.check_text_sync(text)
    assert verdict.risk_level == RiskLevel.HIGH
    assert verdict.category_key == "fake_investment"
    (link,) = _links(verdict)
    assert link.detail["reason"] == "blocklisted" and link.detail["listed_domain"] == "fortune-win.top"
    card = render_verdict(verdict, "zh-Hans")
    assert "已知的诈骗网站" in card and "台湾165反诈骗专线 假投资网站名单" in card
    assert "app.fortune-win.top" in card
    assert "Taiwan" not in card and "known scam site" in render_verdict(verdict, "en")


def test_a_removed_domain_no_longer_counts(store, checker):
    store.add_domain("fortune-win.top", "fake_investment", actor="cli")
    store.remove_domain("fortune-win.top", actor="cli", reason="mistake")
    verdict = checker.check_text_sync("看看 fortune-win.top")
    assert verdict.risk_level == RiskLevel.LOW
    assert "已知的诈骗网站" not in render_verdict(verdict, "zh-Hans", detailed=True)


@pytest.mark.parametrize("text", ["看看这个微博 http://t.cn/A6xYzAbc", "资料在这里 https://bit.ly/3xYz12 看完告诉我"])
def test_a_shortener_is_a_hidden_destination_never_a_known_scam_site(store, checker, text):
    """Not even after someone tries to list the shortener itself: that would call every Weibo link a scam."""
    for shortener in ("t.cn", "bit.ly"):
        with pytest.raises(BadDomain):
            store.add_domain(shortener, "phishing", actor="cli")
    verdict = checker.check_text_sync(text)
    assert verdict.risk_level != RiskLevel.HIGH
    (link,) = _links(verdict)
    assert link.detail["reason"] == "shortener"
    for lang, hidden, scam in (("zh-Hans", "短链接", "诈骗网站"), ("zh-Hant", "短網址", "詐騙網站"),
                               ("en", "short link", "scam site")):
        card = render_verdict(verdict, lang, detailed=True)  # a low verdict's reasons are in its details
        assert hidden in card and scam not in card, card


def test_the_whole_host_is_shown_with_its_real_owner(checker):
    verdict = checker.check_text_sync("【ETC】您的ETC认证已失效，请登录 etc-gov.cn.xyz 重新认证")
    card = render_verdict(verdict, "zh-Hans")
    assert "etc-gov.cn.xyz" in card and "实际属于 cn.xyz" in card
    assert "链接 cn.xyz" not in card


def test_a_bank_real_site_is_official_and_its_imitations_are_not(checker):
    real = checker.check_text_sync("【工商银行】您的账户积分可兑换，请登录 https://www.icbc.com.cn 查询")
    assert real.risk_level == RiskLevel.LOW
    assert [e.kind for e in _links(real)] == [EvidenceKind.URL]
    for fake, shown in (("https://icbc.com.cn.jf-dh.xyz/login", "icbc.com.cn.jf-dh.xyz"),
                        ("https://1cbc.com.cn/login", "1cbc.com.cn"),
                        ("https://іcbc.com.cn/login", "іcbc.com.cn")):  # Cyrillic і
        verdict = checker.check_text_sync(f"【工商银行】您的账户积分即将清零，请登录 {fake} 兑换")
        assert verdict.risk_level == RiskLevel.HIGH, fake
        (link,) = _links(verdict)
        assert link.detail["reason"] == "lookalike" and link.detail["official"] == "icbc.com.cn", fake
        assert shown in render_verdict(verdict, "zh-Hans")


def test_the_us_postal_services_own_tracking_link_is_quiet_and_its_lookalike_is_high(checker):
    """Parcel-fee scams aimed at Chinese speakers abroad imitate USPS: its own site is not a problem link, a
    look-alike of it is."""
    real = checker.check_text_sync("USPS: your package is on its way. Track it at https://tools.usps.com/go/Track")
    assert real.risk_level == RiskLevel.LOW
    fake = checker.check_text_sync("USPS: your package could not be delivered, update your address at "
                                   "https://usps-redelivery.top/a1")
    assert fake.risk_level == RiskLevel.HIGH
    assert any(e.detail.get("reason") == "lookalike" for e in fake.evidence if e.kind == EvidenceKind.RISKY_LINK)
