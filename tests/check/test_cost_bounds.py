"""What one check may cost: CPU time linear in the length of the text, whatever its shape.

A check holds the GIL, so a message built to be slow (a dotted, dashed or bracketed run, repeated digits,
mixed scripts) would keep every other user waiting. Each message below fills the bot's size limit with one
such shape and goes through a real ``Checker`` with no model and no time budget, so a bound that holds here
holds because every stage is cheap, not because a stage was skipped.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cputime import cpu_seconds
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot import phones
from bot.check import Checker, StoreLists
from bot.store import Store

TELEGRAM_TEXT_LIMIT = 4096
"""The longest message the bot receives (``bot.telegram.public.TEXT_LIMIT``)."""
CPU_SECONDS_PER_CHAR = 150e-6
"""0.6 s for a whole 4,096-character message (normal messages take a few milliseconds). Before the link
search was bounded, "1." 2,048 times alone took more than 2 s."""
CPU_SECONDS_FIXED = 0.05

# Pieces that the stages are sensitive to: TLD-looking and numeric dot-labels, schemes, separators,
# brackets, digits of every width and script, Chinese words the rules look for, look-alike and invisible
# characters.
PIECES = [
    "1", "0", "11", "255", ".", "..", "-", "--", "/", ":", "://", "@", "(", ")", "[", "]", "{", "}", "（", "）",
    "【", "】", " ", "\u3000", "\u200b", "，", "。", "www", "http", "https", "co", "com", "cn", "xn--", "a", "A",
    "icbc", "t", "１", "０", "一", "幺", "三", "零", "+86", "00", "95588", "138", "中", "银", "行", "卡", "安全账户",
    "刷单", "客服", "拨打", "不要", "诈骗", "是", "吗", "а", "е", "о", "🏦", "💳", "_", "*", "|", "~", "%", "=",
]


@st.composite
def adversarial_texts(draw: st.DrawFn) -> str:
    """A short unit of pieces repeated to fill the size limit, the way an attacker builds a slow message."""
    unit = "".join(draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=6)))
    length = draw(st.integers(min_value=TELEGRAM_TEXT_LIMIT // 2, max_value=TELEGRAM_TEXT_LIMIT))
    text = (unit * (length // len(unit) + 1))[:length]
    return text if text.strip() else "1." + text[2:]


@pytest.fixture(scope="module")
def checker(tmp_path_factory) -> Iterator[Checker]:
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('cost') / 'fanzha.db'}")
    checker = Checker(StoreLists(store), classifier=None)
    checker.check_text_sync("请登录 icbc-vip.cc 拨打 95588")  # loads the libraries' tables once
    phones.warm_up()  # as the bot does at start: the number descriptions' tables
    yield checker
    checker.close()
    store.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=adversarial_texts())
@example(text="1." * 2048)
@example(text="0." * 2048)
@example(text="11." * 1365)
@example(text="1.." * 1365)
@example(text=("a.co" * 63 + " ") * 16)
@example(text="A.co/" * 819)
@example(text="95588 " * 682)
@example(text="微信" + " " * 4000)  # a handle's optional blanks: each start re-scanned the run (cubic)
def test_a_check_costs_cpu_time_linear_in_the_text(checker: Checker, text: str) -> None:
    verdict, spent = cpu_seconds(lambda: checker.check_text_sync(text))
    assert not verdict.partial  # every stage ran
    assert spent <= CPU_SECONDS_FIXED + CPU_SECONDS_PER_CHAR * len(text), (
        f"{spent:.2f} s of CPU for {len(text)} characters starting {text[:24]!r}")
