"""Links in Chinese text, lookalike domains, shorteners."""

from bot.urls import assess_url, find_urls, official_owner


def test_links_glued_to_chinese_text_are_found_with_offsets():
    text = "请登录icbc-vip.cc/jf兑换，或访问www.icbc.com.cn"
    urls = find_urls(text)
    assert [text[u.start:u.end] for u in urls] == ["icbc-vip.cc/jf", "www.icbc.com.cn"]
    assert [u.domain for u in urls] == ["icbc-vip.cc", "icbc.com.cn"]


def test_lookalike_of_an_official_domain():
    (url,) = find_urls("http://10086-jf.com/login")
    finding = assess_url(url)
    assert finding is not None and finding.reason == "lookalike" and finding.brand == "中国移动"


def test_official_domain_is_not_flagged():
    (url,) = find_urls("https://www.icbc.com.cn/page")
    assert assess_url(url) is None


def test_shortener_and_ip():
    assert assess_url(find_urls("点击 t.cn/A6xYz 查看")[0]).reason == "shortener"
    assert assess_url(find_urls("http://1.2.3.4/a")[0]).reason == "ip_address"


def test_ordinary_domain_is_not_flagged():
    (url,) = find_urls("看看这个 https://www.zhihu.com/question/1")
    assert assess_url(url) is None


def test_a_long_dotted_run_costs_little_and_hides_no_link():
    """"1." two thousand times made urlextract widen every ".1" over the whole run: seconds of CPU."""
    import time

    text = "1." * 2000 + " 请登录icbc-vip.cc/jf兑换 " + "0." * 40 + " https://www.icbc.com.cn/" + "p" * 200
    started = time.process_time()
    urls = find_urls(text)
    assert time.process_time() - started < 0.2
    assert [text[u.start:u.end] for u in urls] == ["icbc-vip.cc/jf", "https://www.icbc.com.cn/" + "p" * 200]
    assert [u.url for u in urls] == [text[u.start:u.end] for u in urls]
    assert assess_url(urls[0]).reason == "lookalike"


def test_a_link_whose_offsets_urlextract_gets_wrong_still_points_into_the_text() -> None:
    """urlextract reported 8..22 for a link in a 14-character text: the check crashed on it."""
    text = "A.ACA://A.AC:0"
    for found in find_urls(text):
        assert text[found.start:found.end] == found.url


def test_a_link_after_a_colon_is_found_in_the_normalised_text_too() -> None:
    """NFKC turns "链接：" into "链接:", which urlextract read as a scheme "链接:" with nothing after it: a
    link written with Cyrillic look-alike letters (found only in the normalised text) was missed."""
    for text in ("验证链接:huabei-gb.cc", "验证链接：huabei-gb.cc", "Link:www.icbc-vip.cn/login"):
        assert [u.domain for u in find_urls(text)] in (["huabei-gb.cc"], ["icbc-vip.cn"]), text
    assert [u.url for u in find_urls("https://b.cn/a:b http://a.cn:8080/x")] == ["https://b.cn/a:b",
                                                                              "http://a.cn:8080/x"]


def _imitates(text: str) -> tuple[str | None, str | None]:
    (url,) = find_urls(text)
    finding = assess_url(url)
    return (finding.brand, finding.official) if finding is not None and finding.reason == "lookalike" else (None, None)


def test_lookalikes_beyond_the_brand_tokens() -> None:
    """Official domains imitated without the brand's token: spelled with look-alike characters, one edit
    away, the same name under another suffix, in punycode, or put in front of the scammer's own domain."""
    punycode = "іcbc".encode("idna").decode()  # Cyrillic і
    for text, brand, official in (
        ("1cbc.com.cn/login", "中国工商银行", "icbc.com.cn"),
        ("https://bankcom.com/ebank", "交通银行", "bankcomm.com"),
        ("alipey.com/refund", "支付宝", "alipay.com"),
        ("https://icbc.xyz", "中国工商银行", "icbc.com.cn"),
        (f"https://{punycode}.com.cn/login", "中国工商银行", "icbc.com.cn"),
        ("请登录іcbc.com.cn兑换", "中国工商银行", "icbc.com.cn"),
        ("https://icbc.com.cn.evil.xyz/jf", "中国工商银行", "icbc.com.cn"),
        ("https://www.chinatax.gov.cn.tax-refund.top", "国家税务总局", "chinatax.gov.cn"),
        ("citicbank-card.com", "中信银行", "citicbank.com"),
    ):
        assert _imitates(text) == (brand, official), text


def test_real_official_domains_are_recognised_and_ordinary_sites_are_not_lookalikes() -> None:
    for text, owner in (
        ("https://www.icbc.com.cn/icbc/", "中国工商银行"), ("https://www.citicbank.com", "中信银行"),
        ("www.cebbank.com", "中国光大银行"), ("cmbc.com.cn", "中国民生银行"), ("www.spdb.com.cn", "浦发银行"),
        ("www.zto.com", "中通快递"), ("www.yto.net.cn", "圆通速递"), ("www.sto.cn", "申通快递"),
        ("www.ems.com.cn", "中国邮政"), ("www.122.gov.cn", "公安部交通安全综合服务管理平台（交管12123）"),
        ("www.10099.com.cn", "中国广电"), ("www.bestpay.com.cn", "翼支付"), ("www.cib.com.cn", "兴业银行"),
    ):
        (url,) = find_urls(text)
        assert assess_url(url) is None and official_owner(url.domain) == owner, text
    for text in ("https://www.baidu.com", "www.zhihu.com", "www.163.com", "cibc.com", "stone.com", "mpsoft.cn"):
        (url,) = find_urls(text)
        assert assess_url(url) is None and official_owner(url.domain) is None, text
