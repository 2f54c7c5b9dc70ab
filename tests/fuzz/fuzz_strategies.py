"""Text shapes for the fuzz suite: what people, spreadsheets and attackers actually send."""

from __future__ import annotations

from hypothesis import strategies as st

DIGITS = "0123456789０１２３４５６７８９零一二三四五六七八九〇壹贰叁"
SEPARATORS = " -.()+*/·—_,，。、:：\u200b\u3000\u00a0\t\n"
LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ@#%&=?:/"
CJK = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
       "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
       "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比"
       "或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
       "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做"
       "必战先回则任取据处理世车")
SPECIAL = "【】「」《》“”‘’！？…～￥$€🔴🟠🟢✅⚠️🏦💳🐧📱\u202e\u200d\ufeff\x00\x07\ud7ff\U0001f600"
TLDS = ("cn", "com", "com.cn", "xyz", "top", "vip", "net", "co", "io", "tk")


def phone_like() -> st.SearchStrategy[str]:
    """Digit runs with the separators, prefixes and Chinese digits people write numbers with."""
    return st.text(alphabet=DIGITS + SEPARATORS + "+#*", min_size=0, max_size=40)


def url_like() -> st.SearchStrategy[str]:
    label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
    return st.builds(
        lambda scheme, labels, tld, path: f"{scheme}{'.'.join(labels)}.{tld}{path}",
        st.sampled_from(("", "http://", "https://", "www.", "hxxp://")),
        st.lists(label, min_size=1, max_size=4), st.sampled_from(TLDS),
        st.text(alphabet="/?=&abc123._~%", max_size=20),
    )


def repeated_shape() -> st.SearchStrategy[str]:
    """A short unit repeated up to the message size limit: dotted, dashed, nested and mixed runs."""
    unit = st.text(alphabet="1.0-a(）[]【x安卡/:@", min_size=1, max_size=4)
    return st.builds(lambda u, n: (u * n)[:4096], unit, st.integers(1, 4096))


def message_text() -> st.SearchStrategy[str]:
    """Free text mixing Chinese, numbers, links, emoji, control characters and repeated shapes."""
    piece = st.one_of(
        st.text(alphabet=CJK, min_size=1, max_size=30),
        phone_like(),
        url_like(),
        st.text(alphabet=LATIN + SPECIAL + SEPARATORS, min_size=1, max_size=15),
        st.text(min_size=1, max_size=10),  # any code point hypothesis likes, surrogates excluded
    )
    joined = st.lists(piece, min_size=1, max_size=12).map("".join)
    return st.one_of(joined, joined, repeated_shape())
