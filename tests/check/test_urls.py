"""Links in Chinese text, lookalike domains, shorteners."""

from bot.urls import assess_url, find_urls


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
