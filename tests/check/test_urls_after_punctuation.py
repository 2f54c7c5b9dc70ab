"""A link right after punctuation, as normalisation leaves it (NFKC turns "，" into ","), and links spelled with
look-alike letters in the scheme or a shortener's name. Sentences written for the test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.check import Checker, StoreLists
from bot.store import Store
from bot.urls import assess_url, find_urls
from bot.verdict import EvidenceKind
from nlp.textnorm import normalize_with_offsets


@pytest.mark.parametrize("mark", [",", "!", "?", "+", "&", "*", "#", "%", "$", "^"])
def test_a_bare_domain_right_after_punctuation_is_found(mark: str) -> None:
    text = f"日出千元不封号{mark}q.cc/q8 速来"
    (url,) = find_urls(text)
    assert (url.url, url.host) == ("q.cc/q8", "q.cc")
    assert text[url.start:url.end] == "q.cc/q8"


def test_the_normalised_form_of_a_full_width_comma_keeps_the_link() -> None:
    normalized, _ = normalize_with_offsets("注册送50，日出千元不封号，q.cc/q8")
    assert [u.url for u in find_urls(normalized)] == ["q.cc/q8"]


def test_punctuation_inside_a_link_does_not_split_it() -> None:
    assert [u.url for u in find_urls("详见 https://a-shop.com/p,q.cc/x 说明")] == ["https://a-shop.com/p,q.cc/x"]
    (url,) = find_urls("登录 https://user,x@evil-pay.xyz/a")
    assert url.host == "evil-pay.xyz"


def test_a_www_link_after_a_comma_is_that_link_alone() -> None:
    (url,) = find_urls("客服,www.kefu-icbc.cc")
    assert (url.url, url.host) == ("www.kefu-icbc.cc", "www.kefu-icbc.cc")


@pytest.fixture(scope="module")
def checker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Checker]:
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('urlpunct') / 'fanzha.db'}")
    checker = Checker(StoreLists(store), classifier=None)
    yield checker
    checker.close()
    store.close()


@pytest.mark.parametrize("spread", [" ", "\u200b"])
def test_a_spread_out_message_keeps_its_link_after_a_comma(checker: Checker, spread: str) -> None:
    """Spread out, the message is read with ASCII punctuation: its link must still be seen."""
    text = spread.join("新开的棋牌，注册送50，日出千元不封号，q.cc/q8")
    links = [e for e in checker.check_text_sync(text).evidence if e.kind in (EvidenceKind.URL, EvidenceKind.RISKY_LINK)]
    assert [link.detail["host"] for link in links] == ["q.cc"]


def test_a_scheme_spelled_with_a_look_alike_letter_still_leads_to_the_host() -> None:
    (url,) = find_urls("积分清零，点击 httр://10086-jf.сс 兑换")  # Cyrillic р in the scheme, с in the suffix
    assert url.host == "10086-jf.сс" and url.disguised
    finding = assess_url(url)
    assert finding is not None and finding.reason == "lookalike" and finding.official == "10086.cn"


def test_a_shortener_spelled_with_a_look_alike_letter_is_a_shortener() -> None:
    (url,) = find_urls("额度已提升，点击 t.сn/A6xK2pQ 领取")  # Cyrillic с
    finding = assess_url(url)
    assert finding is not None and finding.reason == "shortener"
