"""Recognised boxes → the text a person would have typed, in the order they would read it (pure: no image, no
model, so every rule here is unit-tested on synthetic boxes).

A chat screenshot is not a page of prose. Reading it box by box, top to bottom, interleaves the phone's status bar
("9:41 中国移动 85%"), the contact's name, time stamps and the input bar with the messages, and loses who said what.
The checker's rules look for patterns across a message ("转入安全账户" … "不要告诉家人"), so the messages must come
out whole and in order, and the chrome must go. What is dropped is counted (``dropped``): a picture whose every
line was chrome reads as "no text", not as an empty message.

Thresholds are relative to the picture (its width, the median line height), never in pixels: a 720-pixel
screenshot and a 1440-pixel one lay out the same.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from bot.ocr import OcrLine

LEFT_TAG = "对方："
RIGHT_TAG = "我："
"""Speaker tags in a two-sided chat. Checked harmless: the rules-only verdict of every fixture's tagged text equals
that of its untagged text (tests/ocr/test_layout.py)."""

_CLOCK = r"(?:[01]?\d|2[0-3])[:：][0-5]\d"
_DAYPART = r"(?:凌晨|早上|上午|中午|下午|傍晚|晚上|半夜|午夜)"
_WEEKDAY = r"(?:星期|週|周|礼拜|禮拜)[一二三四五六日天]"
_RELDAY = r"(?:今天|昨天|前天|明天|Yesterday|Today)"
_DATE = r"(?:(?:\d{4}[年/.\-])?\d{1,2}[月/.\-]\d{1,2}日?(?:\s*[(（][一二三四五六日天][)）])?)"
_STAMP = re.compile(
    rf"^(?:{_DATE}|{_RELDAY}|{_WEEKDAY})?\s*(?:{_RELDAY}|{_WEEKDAY})?\s*(?:{_DAYPART}\s*)?(?:{_CLOCK})?$"
    r"|^(?:AM|PM|am|pm)?\s*" + _CLOCK + r"\s*(?:AM|PM|am|pm)?$",
)
"""A whole line that is only a time or a date: "12:45", "昨天 21:03", "下午3:15", "2024年5月3日", "5月3日(五)",
"星期三 14:02", "今天". Only whole lines: a message that mentions a time keeps it."""
_RECEIPT = re.compile(r"^(?:已读|已讀|未读|未讀|Read|已送达|已送達)(?:\s*\d+)?$")
_STATUS_WORD = re.compile(
    r"^(?:\d{1,3}\s*%|[2-5]G\+?|LTE|VoLTE|HD|Wi-?Fi|中国移动|中国联通|中国电信|中国广电|中華電信|台灣大哥大|"
    r"遠傳電信|台灣之星|亞太電信|中國移動|中國聯通|中國電信|香港移動|CMHK|csl\.?|3HK|SmarTone|[\d.]+\s*[KM]B/s)$",
    re.IGNORECASE,
)
_INPUT_BAR = re.compile(r"^(?:发送|發送|傳送|Send|按住\s*说话|按住\s*說話|短信|簡訊|短訊|信息|訊息|iMessage|"
                        r"输入消息|輸入訊息|Aa|文字信息|Text Message)$", re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ASCII_WORD_END = re.compile(r"[A-Za-z0-9]$")
_ASCII_WORD_START = re.compile(r"^[A-Za-z0-9]")


@dataclass(frozen=True)
class Box:
    """One recognised text box: text, axis-aligned box (x0, y0, x1, y1) in the picture's pixels, confidence."""

    text: str
    box: tuple[int, int, int, int]
    confidence: float

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2


@dataclass(frozen=True)
class Layout:
    """The arranged reading: bubbles (each a tuple of lines, all with the same side), the dropped-line count,
    the chat header (the contact's name, when one was found) and whether the chat shows two sides."""

    bubbles: tuple[tuple[OcrLine, ...], ...]
    dropped: int
    header: str
    two_sided: bool

    @property
    def lines(self) -> tuple[OcrLine, ...]:
        return tuple(line for bubble in self.bubbles for line in bubble)

    def text(self, *, tags: bool = True) -> str:
        """One paragraph per bubble; in a two-sided chat each bubble starts with its speaker tag. The lines of a
        bubble are joined without a break: they are the app's wrapping, not the sender's, and a phrase the rules
        look for ("双倍退款") is often cut by it ("双倍退\n款" reads "high" as "suspicious", seen on a fixture)."""
        paragraphs = []
        for bubble in self.bubbles:
            body = bubble[0].text
            for line in bubble[1:]:
                body = _join(body, line.text)
            side = bubble[0].side
            if tags and self.two_sided and side is not None:
                body = (LEFT_TAG if side == "left" else RIGHT_TAG) + body
            paragraphs.append(body)
        return "\n\n".join(paragraphs)


def is_time_stamp(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and bool(_STAMP.match(stripped)) and any(ch.isdigit() or ch in "今昨前明天一二三四五六日"
                                                                     for ch in stripped)


def _rows(boxes: list[Box]) -> list[list[Box]]:
    """Boxes on the same visual row (vertical overlap of more than half the smaller height), top to bottom."""
    rows: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: b.cy):
        if rows:
            last = rows[-1]
            top = max(b.box[1] for b in last)
            bottom = min(b.box[3] for b in last)
            overlap = min(bottom, box.box[3]) - max(top, box.box[1])
            if overlap > 0.5 * min(box.height, min(b.height for b in last)):
                last.append(box)
                continue
        rows.append([box])
    return rows


def _is_status_row(row: list[Box], height: int, line_h: float) -> bool:
    """The phone's status bar: the topmost row, within the top of the picture, made of short items at least one
    of which is a clock, a battery percentage, a network or a carrier name."""
    if min(b.box[1] for b in row) > max(0.05 * height, 2.0 * line_h):
        return False
    words = [w for b in row for w in b.text.split()]
    return any(_STATUS_WORD.match(w) or re.fullmatch(_CLOCK, w) for w in words) and all(len(w) <= 8 for w in words)


def _is_header_row(row: list[Box], width: int, height: int, line_h: float) -> bool:
    """The chat's title bar: a short row near the top whose main item is centred (the contact's name)."""
    if min(b.box[1] for b in row) > max(0.12 * height, 5.0 * line_h):
        return False
    main = max(row, key=lambda b: b.box[2] - b.box[0])
    centre = (main.box[0] + main.box[2]) / 2
    return abs(centre - width / 2) < 0.12 * width and len(main.text) <= 20 and not is_time_stamp(main.text)


def _is_icon(box: Box, line_h: float) -> bool:
    """An avatar or a button read as a letter ("0", "O", "+"): one or two characters, no Chinese, in a box much
    taller than a line of text."""
    text = box.text.strip()
    return len(text) <= 2 and not _CJK.search(text) and box.height > 1.5 * line_h


def _is_input_bar_row(row: list[Box], height: int, line_h: float) -> bool:
    """The input bar at the foot of a chat: "发送", "按住 说话", a placeholder, and icons read as letters."""
    if min(b.box[1] for b in row) < height - max(0.1 * height, 4 * line_h):
        return False
    words = [b.text.strip() for b in row]
    return all(_INPUT_BAR.match(w) or (len(w) <= 2 and not _CJK.search(w)) for w in words) and any(
        _INPUT_BAR.match(w) or b.height > 1.5 * line_h for w, b in zip(words, row, strict=True))


def _join(left: str, right: str) -> str:
    """Two pieces of one visual line: a space only between two Latin words or numbers."""
    if _ASCII_WORD_END.search(left) and _ASCII_WORD_START.search(right):
        return f"{left} {right}"
    return left + right


def _bubbles(boxes: list[Box], line_h: float) -> list[list[Box]]:
    """Group boxes into bubbles: two boxes are in one bubble when they overlap horizontally (or sit on one row
    close together) and the vertical gap between them is smaller than ~0.7 of a line: the padding and margin
    between two bubbles is wider than the spacing between the lines of one."""
    n = len(boxes)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        a = boxes[i].box
        for j in range(i + 1, n):
            b = boxes[j].box
            v_gap = max(a[1], b[1]) - min(a[3], b[3])
            h_overlap = min(a[2], b[2]) - max(a[0], b[0])
            same_row = v_gap < -0.5 * min(a[3] - a[1], b[3] - b[1])
            if (h_overlap > 0 and v_gap < 0.7 * line_h) or (same_row and -h_overlap < 1.5 * line_h):
                parent[find(i)] = find(j)
    groups: dict[int, list[Box]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(boxes[i])
    return sorted(groups.values(), key=lambda g: min(b.box[1] for b in g))


def _sides(extents: list[tuple[int, int]], width: int) -> list[str | None]:
    """Which edge each bubble hugs. A bubble whose left margin is clearly smaller than its right one is the other
    person's (left), the reverse is the owner's (right). A bubble nearly as wide as the screen (a long message)
    is decided by the edges the sided bubbles share: the left speaker's text always starts at the same x and the
    right speaker's always ends at the same x, so a wide bubble that starts at the left edge, or stops short of
    the right one, is the left speaker's. Without sided bubbles to compare with (an SMS), it stays None."""
    margin = 0.08 * width
    tol = 0.02 * width
    sides: list[str | None] = []
    for x0, x1 in extents:
        left, right = x0, width - x1
        sides.append("left" if left < right - margin else "right" if right < left - margin else None)
    left_edges = [x0 for (x0, _), s in zip(extents, sides, strict=True) if s == "left"]
    right_edges = [x1 for (_, x1), s in zip(extents, sides, strict=True) if s == "right"]
    lx = statistics.median(left_edges) if left_edges else None
    rx = statistics.median(right_edges) if right_edges else None
    for i, (x0, x1) in enumerate(extents):
        if sides[i] is not None or (lx is None and rx is None):
            continue
        at_left = lx is not None and abs(x0 - lx) <= tol
        at_right = rx is not None and abs(x1 - rx) <= tol
        short_of_right = rx is not None and rx - x1 > tol
        past_left = lx is not None and x0 - lx > tol
        nearer_left, nearer_right = x0 < width - x1, width - x1 < x0
        if at_left and at_right:  # both anchors: the nearer screen edge decides, if it clearly does
            at_left, at_right = x0 < width - x1 - tol, width - x1 < x0 - tol
        if (at_left and not at_right) or (short_of_right and not past_left and nearer_left):
            sides[i] = "left"
        elif (at_right and not at_left) or (past_left and not short_of_right and nearer_right):
            sides[i] = "right"
    return sides


def arrange(boxes: list[Box], width: int, height: int) -> Layout:
    """The reading of one screenshot: chrome dropped (status bar, header, time stamps, read receipts, input bar),
    the rest grouped into bubbles in reading order, each bubble's side decided."""
    boxes = [b for b in boxes if b.text.strip()]
    if not boxes:
        return Layout((), 0, "", False)
    line_h = statistics.median(b.height for b in boxes)
    rows = _rows(boxes)
    dropped = 0
    header = ""
    if rows and _is_status_row(rows[0], height, line_h):
        dropped += len(rows.pop(0))
    if rows and _is_header_row(rows[0], width, height, line_h):
        header = max(rows[0], key=lambda b: b.box[2] - b.box[0]).text.strip()
        dropped += len(rows.pop(0))
    while rows and _is_input_bar_row(rows[-1], height, line_h):
        dropped += len(rows.pop())
    kept: list[Box] = []
    for row in rows:
        for b in row:
            if is_time_stamp(b.text) or _RECEIPT.match(b.text.strip()) or _is_icon(b, line_h):
                dropped += 1
            else:
                kept.append(b)
    groups = _bubbles(kept, line_h)
    extents = [(min(b.box[0] for b in g), max(b.box[2] for b in g)) for g in groups]
    sides = _sides(extents, width)
    bubbles: list[tuple[OcrLine, ...]] = []
    for group, side in zip(groups, sides, strict=True):
        lines: list[OcrLine] = []
        for row in _rows(group):
            row.sort(key=lambda b: b.box[0])
            text = row[0].text.strip()
            for b in row[1:]:
                text = _join(text, b.text.strip())
            box = (min(b.box[0] for b in row), min(b.box[1] for b in row),
                   max(b.box[2] for b in row), max(b.box[3] for b in row))
            chars = sum(len(b.text) for b in row)
            confidence = sum(b.confidence * len(b.text) for b in row) / chars
            lines.append(OcrLine(text=text, box=box, confidence=confidence, side=side))
        bubbles.append(tuple(lines))
    two_sided = {"left", "right"} <= set(sides)
    return Layout(tuple(bubbles), dropped, header, two_sided)
