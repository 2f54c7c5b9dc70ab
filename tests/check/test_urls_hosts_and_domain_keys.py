"""Where a link really goes, and the keys a moderator's domain becomes on the blocklist.

The host is what a browser opens: a link that shows an official name before an ``@`` or a ``?`` goes to
the site after it, and must be judged (and blocked) as that site, never as the official one.
"""

from __future__ import annotations

import pytest

from bot.urls import (
    BadDomain,
    assess_url,
    domain_candidates,
    domain_key,
    find_urls,
    official_domains_of,
    official_owner,
    registrable_domain,
)


@pytest.mark.parametrize("text", [
    "请登录 https://www.icbc.com.cn:443@evil.xyz/login 领取积分",
    "请登录 https://www.icbc.com.cn@evil.xyz/login 领取积分",
    "https://evil.xyz?@icbc.com.cn",
    "https://user:pw@evil.xyz/x",
])
def test_a_link_goes_to_the_host_after_its_user_info(text):
    (url,) = find_urls(text)
    assert (url.host, url.domain) == ("evil.xyz", "evil.xyz")
    assert official_owner(url.domain) is None


def test_an_at_sign_in_the_path_does_not_move_the_host():
    (url,) = find_urls("https://www.icbc.com.cn/notice?from=a@b")
    assert url.domain == "icbc.com.cn" and official_owner(url.domain) == "中国工商银行"


@pytest.mark.parametrize(("written", "key"), [
    ("https://WWW.Evil.xyz/path", "evil.xyz"),
    ("evil.xyz.", "evil.xyz"),
    ("'evil.xyz'", "evil.xyz"),
    ("<evil.xyz>", "evil.xyz"),
    ("https://user:pw@Shop.Evil.xyz:8080/a", "shop.evil.xyz"),
    ("例子.中国", "xn--fsqu00a.xn--fiqs8s"),
    ("someone.github.io", "someone.github.io"),
])
def test_a_domain_as_a_moderator_writes_it_becomes_its_key(written, key):
    assert domain_key(written) == key


@pytest.mark.parametrize(("written", "reason", "owner"), [
    ("com.cn", "not_a_domain", None),        # a bare public suffix
    ("1.2.3.4", "not_a_domain", None),
    ("evil", "not_a_domain", None),
    ("ev!l.com", "not_a_domain", None),
    ("x" * 250 + ".com", "not_a_domain", None),
    ("icbc.com.cn", "official", "中国工商银行"),
    ("sub.icbc.com.cn", "official", "中国工商银行"),
    ("weixin.qq.com", "official", None),    # neutral: genuine notices link there
    ("t.cn", "shared", None),               # a shortener: blocking it would flag every Weibo link
    ("github.com", "shared", None),
])
def test_domains_the_blocklist_refuses_say_why(written, reason, owner):
    with pytest.raises(BadDomain) as refused:
        domain_key(written)
    assert (refused.value.reason, refused.value.owner) == (reason, owner)
    assert str(refused.value).endswith(f": {reason}")  # what `fanzha domain add` prints


@pytest.mark.parametrize(("host", "keys"), [
    ("a.b.evil.xyz", ["a.b.evil.xyz", "b.evil.xyz", "evil.xyz"]),
    ("www.evil.xyz", ["evil.xyz"]),
    ("Evil.XYZ.", ["evil.xyz"]),
    ("例子.中国", ["xn--fsqu00a.xn--fiqs8s"]),
    ("1.2.3.4", ["1.2.3.4"]),
    ("\udcff.com", []),  # not a name IDNA can write: nothing to look up
])
def test_a_link_meets_the_blocklist_under_its_host_and_each_parent(host, keys):
    assert domain_candidates(host) == keys


def test_an_allowlist_owner_finds_its_official_domains_by_name():
    assert official_domains_of("中国工商银行") == official_domains_of("工商银行")
    assert "icbc.com.cn" in official_domains_of("中国工商银行")
    assert "unionpay.com" in official_domains_of("中国银联（云闪付）")
    assert official_domains_of("不存在的机构") is None


# ── What a risky link is called, and which link it names ────────────────────────────────────────────────


@pytest.mark.parametrize(("text", "reason"), [
    ("http://192.168.10.5/login", "ip_address"),
    ("https://t.cn/A6abcd", "shortener"),
    ("https://m.tb.cn/h.abc", "shortener"),  # Taobao's share links: a shortener host under tb.cn
    ("https://mоhurd.gov.cn/gjj", "lookalike"),  # Cyrillic о: reads as the housing ministry's own domain
])
def test_a_risky_link_is_named_with_the_link_itself(text, reason):
    (url,) = find_urls(text)
    finding = assess_url(url)
    assert finding is not None and finding.reason == reason
    assert finding.url == url  # the card quotes the link it warns about


def test_a_disguised_official_domain_names_the_brand_it_imitates():
    (url,) = find_urls("https://mоhurd.gov.cn/gjj")
    assert url.disguised
    finding = assess_url(url)
    assert (finding.brand, finding.official) == ("住房和城乡建设部（住房公积金）", "mohurd.gov.cn")


def test_look_alike_letters_that_imitate_no_brand_are_not_called_a_lookalike():
    for text in ("https://shοp.com/x", "https://іnfo.cn"):  # Greek ο, Cyrillic і
        (url,) = find_urls(text)
        assert url.disguised and assess_url(url) is None, text


@pytest.mark.parametrize(("text", "brand", "official"), [
    ("https://i-cbc.com.cn/login", "中国工商银行", "icbc.com.cn"),  # a hyphen inside the name
    ("https://jdpey.com/pay", "京东支付", "jdpay.com"),              # one edit from a five-letter name
    ("https://fcbax.com", "丰巢", "fcbox.com"),
])
def test_near_spellings_of_official_names_are_lookalikes(text, brand, official):
    (url,) = find_urls(text)
    finding = assess_url(url)
    assert finding is not None and (finding.reason, finding.brand, finding.official) == ("lookalike", brand, official)


def test_candidates_are_case_insensitive():
    assert domain_candidates("XYZ.com") == ["xyz.com"]
    assert domain_candidates("Shop.XYZ.com") == ["shop.xyz.com", "xyz.com"]


def test_a_scheme_in_capitals_is_still_a_scheme():
    (url,) = find_urls("HTTPS://EVIL.XYZ/a")
    assert (url.host, url.domain, url.disguised) == ("evil.xyz", "evil.xyz", False)
    assert registrable_domain(".Evil.XYZ.") == "evil.xyz"


@pytest.mark.parametrize(("text", "brand", "official"), [
    ("https://sto.cn.kuaidi-query.top/x", "申通快递", "sto.cn"),
    ("https://www.mohurd.gov.cn.gjj-pay.top/a", "住房和城乡建设部（住房公积金）", "mohurd.gov.cn"),
])
def test_an_official_domain_in_front_of_another_site_is_a_lookalike_of_it(text, brand, official):
    """Brands with no token to spot: only the official domain written in front gives the imitation away."""
    (url,) = find_urls(text)
    finding = assess_url(url)
    assert (finding.reason, finding.brand, finding.official, finding.url) == ("lookalike", brand, official, url)


def test_the_longest_name_dns_allows_can_be_listed_and_one_more_cannot():
    longest = "a" * 63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".com"  # 253 characters
    assert domain_key(longest) == longest
    with pytest.raises(BadDomain):
        domain_key("e" + longest)


def test_a_name_idna_cannot_write_is_refused_as_written():
    written = "例" * 70 + ".com"  # a label longer than DNS allows
    with pytest.raises(BadDomain) as refused:
        domain_key(f"  {written} ")
    assert (refused.value.reason, refused.value.domain) == ("not_a_domain", written)
