"""The layout step on synthetic boxes (no image, no model): what a chat screenshot's chrome is, how lines become
bubbles, which side speaks, and that the speaker tags do not change a verdict."""

from __future__ import annotations

import json

import pytest
from ocr_fixtures import FIXTURES

from bot.ocr.layout import LEFT_TAG, RIGHT_TAG, Box, arrange, is_time_stamp

W, H = 1080, 2000


def box(text: str, x0: int, y0: int, x1: int | None = None, h: int = 50, conf: float = 0.99) -> Box:
    return Box(text, (x0, y0, x1 if x1 is not None else x0 + 44 * len(text), y0 + h), conf)


STATUS = [box("9:41", 40, 20, h=40), box("中国移动", 150, 20, h=40), box("5G 85%", 800, 20, h=40)]
HEADER = [box("张经理", 474, 115)]


def chat() -> list[Box]:
    """A WeChat-like screen: status bar, header, a stamp, two left bubbles (one of two lines), a right one, the
    input bar with its icons."""
    return [
        *STATUS, *HEADER,
        box("昨天 21:03", 450, 250, h=36),
        box("你好，我是市公安局民警，你的", 190, 330),
        box("身份证涉嫌一起洗钱案件", 190, 395),
        box("0", 20, 320, 140, h=120, conf=0.5),  # the avatar read as a digit
        box("我该怎么做？", 640, 520, 890),
        box("下午3:15", 450, 640, h=36),
        box("请把资金转入安全账户", 190, 720),
        box("OO", 870, 1850, 1050, h=100, conf=0.7),
        box("按住说话", 420, 1875),
    ]


def test_status_bar_header_stamps_avatars_and_input_bar_are_dropped_and_counted():
    layout = arrange(chat(), W, H)
    text = layout.text(tags=False)
    for chrome in ("9:41", "中国移动", "85%", "张经理", "21:03", "3:15", "按住", "OO"):
        assert chrome not in text
    assert not text.startswith("0")
    assert layout.header == "张经理"
    assert layout.dropped == 3 + 1 + 2 + 1 + 2


def test_lines_are_grouped_into_bubbles_in_reading_order_with_sides():
    layout = arrange(chat(), W, H)
    assert [("".join(line.text for line in b), b[0].side) for b in layout.bubbles] == [
        ("你好，我是市公安局民警，你的身份证涉嫌一起洗钱案件", "left"),
        ("我该怎么做？", "right"),
        ("请把资金转入安全账户", "left"),
    ]
    assert layout.two_sided
    assert layout.text() == (f"{LEFT_TAG}你好，我是市公安局民警，你的身份证涉嫌一起洗钱案件\n\n"
                             f"{RIGHT_TAG}我该怎么做？\n\n{LEFT_TAG}请把资金转入安全账户")


def test_a_full_width_sms_has_no_side_and_no_tags():
    boxes = [*STATUS, box("95588", 480, 115),
             box("【工商银行】您尾号8832的储蓄卡于5月3日完成一笔", 60, 300, 1010),
             box("消费支出人民币128.50元，如非本人操作请致电95588", 60, 362, 1000)]
    layout = arrange(boxes, W, H)
    assert [line.side for line in layout.lines] == [None, None]
    assert not layout.two_sided
    assert layout.text() == ("【工商银行】您尾号8832的储蓄卡于5月3日完成一笔"
                             "消费支出人民币128.50元，如非本人操作请致电95588")
    assert layout.header == "95588"


def test_a_long_bubble_spanning_the_screen_takes_the_side_whose_edge_it_shares():
    """WeChat's widest bubbles: the left one's text from x=190 to 838, the right one's from 242 to 890: both
    nearly centred, told apart by the edge they share with the short bubbles of their side."""
    boxes = [box("短的一句", 190, 300), box("回复", 800, 400, 890),
             box("很长很长的一条消息几乎占满了屏幕", 190, 500, 838),
             box("我也回一条很长很长的消息占满屏幕", 242, 600, 890)]
    sides = [b[0].side for b in arrange(boxes, W, H).bubbles]
    assert sides == ["left", "right", "left", "right"]


def test_wide_left_bubbles_are_told_by_the_right_speakers_edge_alone():
    """Two wide bubbles of the other person and one short reply: no narrow left bubble to learn the left edge
    from, but both wide ones stop short of where the owner's text ends."""
    boxes = [box("你好，我是市公安局民警，你的", 190, 300, 806), box("请立即把资金转入安全账户配合调", 190, 420, 830),
             box("我该怎么做？", 626, 540, 890)]
    assert [b[0].side for b in arrange(boxes, W, H).bubbles] == ["left", "left", "right"]


def test_pieces_of_one_line_are_joined_and_latin_words_keep_their_space():
    boxes = [box("下载", 190, 300, 280), box("APP", 290, 300, 380), box("Zoom", 390, 300, 480)]
    (bubble,) = arrange(boxes, W, H).bubbles
    assert [line.text for line in bubble] == ["下载APP Zoom"]


def test_a_phrase_cut_by_the_apps_wrapping_comes_out_whole():
    boxes = [box("我们给您双倍退", 190, 300), box("款", 190, 362), box("下载 Zoom", 190, 480), box("App", 190, 542)]
    assert arrange(boxes, W, H).text() == "我们给您双倍退款\n\n下载 Zoom App"


def test_a_message_that_mentions_a_time_is_kept():
    boxes = [box("明天下午3:15在门口等你", 190, 300)]
    assert arrange(boxes, W, H).text() == "明天下午3:15在门口等你"


def test_a_short_ok_bubble_just_above_the_input_bar_is_not_chrome():
    boxes = [box("好的", 190, 300), box("OK", 900, 1780, 960), box("发送", 940, 1900, 1030)]
    layout = arrange(boxes, W, H)
    assert [line.text for line in layout.lines] == ["好的", "OK"]
    assert layout.dropped == 1


@pytest.mark.parametrize("text", ["12:45", "昨天 21:03", "下午3:15", "2024年5月3日", "5月3日(五)", "星期三 14:02",
                                  "今天", "週一 上午11:30", "晚上8:12", "5/3 12:45"])
def test_time_stamps(text):
    assert is_time_stamp(text)


@pytest.mark.parametrize("text", ["12345", "好的", "下午见", "3点见", "95588", "转账5000元"])
def test_not_time_stamps(text):
    assert not is_time_stamp(text)


def test_a_cropped_chat_starting_with_a_time_stamp_has_no_header():
    boxes = [box("12:45", 480, 30, h=36), box("你好，在吗", 190, 120)]
    layout = arrange(boxes, W, H)
    assert layout.header == ""
    assert layout.text() == "你好，在吗"


def test_nothing_but_chrome_leaves_no_lines():
    layout = arrange([*STATUS, *HEADER], W, H)
    assert layout.lines == ()
    assert layout.dropped == 4


def test_speaker_tags_do_not_change_the_rules_verdict(sqlite_url):
    """The tags are only kept because this holds: for every fixture, the rules-only verdict (level and category)
    of the tagged text equals that of the plain text."""
    from bot.check import Checker, StoreLists
    from bot.store import Store

    entries = [e for e in json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8")) if e["clean"]]
    store = Store.open(sqlite_url)
    checker = Checker(StoreLists(store), None)
    try:
        two_sided = 0
        for entry in entries:
            bubbles = entry["text"].split("\n\n")
            if not {"left", "right"} <= set(entry["sides"]):
                continue
            two_sided += 1
            tagged = "\n\n".join((LEFT_TAG if side == "left" else RIGHT_TAG) + b
                                 for b, side in zip(bubbles, entry["sides"], strict=True))
            plain, with_tags = checker.check_text_sync(entry["text"]), checker.check_text_sync(tagged)
            assert (with_tags.risk_level, with_tags.category_key) == (plain.risk_level, plain.category_key), entry
        assert two_sided >= 8
    finally:
        checker.close()
        store.close()
