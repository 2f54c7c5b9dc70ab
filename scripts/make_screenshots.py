"""Render the phone screenshots the OCR tests read (tests/fixtures/screenshots/) and their expected.json.

People send screenshots of an SMS or a chat instead of the text: these images imitate the apps they come from
(an SMS app, WeChat light and dark, a QQ-like chat, a Taiwan LINE-style chat in Traditional Chinese), with the
phone's status bar, the contact's name in the header, time stamps between bubbles and an input bar at the bottom,
so the reader's layout step (what to drop, which side speaks) is exercised, not only its recogniser. Noisy
variants (JPEG quality 40, downscaled to 0.6×, gaussian noise, slight blur) stand for forwarded, recompressed
pictures.

``expected.json`` holds per image the text a person would type (bubbles in reading order, a blank line between
bubbles), each bubble's side (``left`` the other person, ``right`` the phone's owner, ``null`` full-width SMS),
whether the picture is clean, its language, and the rules-only verdict level of that text.

Regenerate (needs the Debian CJK fonts; the tests use the committed images, not the fonts)::

    apt-get install -y fonts-wqy-microhei fonts-noto-cjk
    .venv/bin/python scripts/make_screenshots.py          # writes tests/fixtures/screenshots/
    du -sh tests/fixtures/screenshots                      # keep it ≤ 3 MB

The rendering is deterministic (fixed noise seed), so regenerating gives the same pictures.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "fixtures" / "screenshots"
NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
WQY = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
NOTO_INDEX = {"zh-Hans": 2, "zh-Hant": 3}
W = 1080


@dataclass(frozen=True)
class Msg:
    side: str  # "left", "right" or "full" (an SMS: one full-width card)
    text: str
    time: str = ""  # LINE: the time printed beside the bubble
    read: bool = False  # LINE: "已讀" beside an own bubble


@dataclass(frozen=True)
class Stamp:
    text: str


@dataclass(frozen=True)
class Theme:
    bg: tuple[int, int, int]
    bar: tuple[int, int, int]
    bar_text: tuple[int, int, int]
    left: tuple[int, int, int]
    left_text: tuple[int, int, int]
    right: tuple[int, int, int]
    right_text: tuple[int, int, int]
    stamp_text: tuple[int, int, int]
    stamp_pill: tuple[int, int, int] | None = None


THEMES = {
    "wechat-light": Theme((237, 237, 237), (237, 237, 237), (25, 25, 25), (255, 255, 255), (25, 25, 25),
                          (149, 236, 105), (25, 25, 25), (150, 150, 150)),
    "wechat-dark": Theme((17, 17, 17), (25, 25, 25), (213, 213, 213), (44, 44, 44), (213, 213, 213),
                         (60, 175, 95), (17, 17, 17), (110, 110, 110)),
    "qq-light": Theme((242, 243, 247), (255, 255, 255), (30, 30, 30), (255, 255, 255), (30, 30, 30),
                      (0, 153, 255), (255, 255, 255), (150, 150, 150)),
    "qq-dark": Theme((12, 12, 14), (28, 28, 30), (220, 220, 220), (38, 38, 42), (225, 225, 225),
                     (0, 110, 200), (240, 240, 240), (120, 120, 120)),
    "line-light": Theme((140, 171, 216), (40, 52, 78), (255, 255, 255), (255, 255, 255), (20, 20, 20),
                        (133, 226, 119), (20, 20, 20), (40, 50, 70), (110, 135, 175)),
    "sms-light": Theme((255, 255, 255), (248, 248, 248), (0, 0, 0), (233, 233, 235), (0, 0, 0),
                       (52, 120, 246), (255, 255, 255), (140, 140, 140)),
    "sms-dark": Theme((0, 0, 0), (18, 18, 18), (235, 235, 235), (38, 38, 40), (235, 235, 235),
                      (10, 132, 255), (255, 255, 255), (140, 140, 140)),
}


@dataclass(frozen=True)
class Scene:
    name: str
    theme: str
    lang: str
    header: str
    items: tuple[Msg | Stamp, ...]
    status: tuple[str, str, str] = ("9:41", "中国移动", "85%")
    input_bar: str = "field"  # "field", "voice" (按住 说话), "sms" (短信 + 发送), "line"
    font: str = "noto"
    variants: tuple[str, ...] = field(default_factory=tuple)


SCENES: tuple[Scene, ...] = (
    Scene("sms_bank_notice", "sms-light", "zh-Hans", "95588", (
        Stamp("昨天 21:03"),
        Msg("full", "【工商银行】您尾号8832的储蓄卡于5月3日20:58完成一笔消费支出人民币128.50元，当前余额3562.18元。"
                    "如非本人操作，请及时致电95588咨询。"),
    ), input_bar="sms", variants=("small",)),
    Scene("sms_parcel_landline", "sms-light", "zh-Hans", "10690571", (
        Stamp("下午3:15"),
        Msg("full", "【中国邮政】您的包裹因地址不详被退回，请致电0755-86123456办理理赔退款。"),
    ), status=("15:16", "中国联通", "62%"), input_bar="sms", variants=("noise",)),
    Scene("sms_bank_card_rental_dark", "sms-dark", "zh-Hans", "10659874", (
        Stamp("2024年5月3日"),
        Msg("full", "招聘兼职：出租闲置银行卡，每张日赚300元，当天结算，有意者联系QQ2856139047"),
    ), status=("22:07", "中国电信", "41%"), input_bar="sms"),
    Scene("wechat_task_scam", "wechat-light", "zh-Hans", "兼职招聘小王", (
        Stamp("12:45"),
        Msg("left", "你好，我们在招聘网店刷单兼职，动动手指日赚200到500元"),
        Msg("right", "真的吗？怎么做"),
        Msg("left", "先下载我们的APP注册，垫付第一单，完成后返还本金加佣金"),
        Msg("right", "好的，我试试"),
    ), variants=("jpeg",)),
    Scene("wechat_family", "wechat-light", "zh-Hans", "妈妈", (
        Stamp("昨天 18:30"),
        Msg("left", "儿子，周末回家吃饭吗？"),
        Msg("right", "回，周六中午到"),
        Stamp("昨天 21:03"),
        Msg("left", "好，我给你做红烧肉，路上注意安全"),
        Msg("right", "谢谢妈"),
    ), input_bar="voice", variants=("blur",)),
    Scene("wechat_safe_account_dark", "wechat-dark", "zh-Hans", "王警官", (
        Stamp("上午10:20"),
        Msg("left", "你好，我是市公安局民警，你的身份证涉嫌一起洗钱案件"),
        Msg("left", "请立即把资金转入安全账户配合调查，不要告诉家人"),
        Msg("right", "我该怎么做？"),
    ), status=("10:21", "中国移动", "77%"), variants=("small",)),
    Scene("wechat_refund_dark", "wechat-dark", "zh-Hans", "淘宝售后客服", (
        Stamp("星期三 14:02"),
        Msg("left", "亲，我是淘宝客服，您购买的商品有质量问题，我们给您双倍退款"),
        Msg("right", "怎么退？"),
        Msg("left", "请下载会议软件开启屏幕共享，我指导您操作退款"),
    ), status=("14:05", "中国联通", "93%"), input_bar="voice"),
    Scene("qq_investment_scam", "qq-light", "zh-Hans", "Lily", (
        Stamp("21:16"),
        Msg("left", "宝贝，我舅舅在做数字货币投资，内部渠道稳赚不赔"),
        Msg("right", "我不太懂这个"),
        Msg("left", "你先投一万试试，我带你操作，保证三天翻倍"),
    ), font="wqy", status=("21:18", "中国电信", "55%"), variants=("noise",)),
    Scene("qq_meeting", "qq-light", "zh-Hans", "李老师", (
        Stamp("今天 09:12"),
        Msg("left", "明天下午三点开会，记得带电脑"),
        Msg("right", "好的收到，谢谢老师"),
    ), font="wqy"),
    Scene("qq_card_rental_dark", "qq-dark", "zh-Hans", "阿强", (
        Stamp("下午4:40"),
        Msg("left", "兄弟，有闲置的银行卡吗？出租一张每月给你2000元"),
        Msg("right", "会不会有风险？"),
        Msg("left", "放心，只是走个流水，不违法"),
    ), status=("16:41", "中国移动", "28%")),
    Scene("line_tw_installment_scam", "line-light", "zh-Hant", "陳小姐", (
        Stamp("5月3日(五)"),
        Msg("left", "您好，我們是網購平台客服，您的訂單被誤設為分期付款", time="下午3:15"),
        Msg("right", "那怎麼辦？", time="下午3:16", read=True),
        Msg("left", "請到ATM操作解除設定，否則每個月都會自動扣款", time="下午3:17"),
    ), status=("15:18", "中華電信", "64%"), input_bar="line", variants=("jpeg",)),
    Scene("line_tw_family", "line-light", "zh-Hant", "阿嬤", (
        Stamp("今天"),
        Msg("left", "乖孫，週末要回來吃飯嗎？", time="上午9:02"),
        Msg("right", "會，星期六中午到", time="上午9:05", read=True),
        Msg("left", "好，我煮你愛吃的滷肉", time="上午9:06"),
    ), status=("9:07", "台灣大哥大", "88%"), input_bar="line"),
    Scene("wechat_tw_account_rental", "wechat-light", "zh-Hant", "高薪工作室", (
        Stamp("晚上8:12"),
        Msg("left", "高價收購帳戶，出租銀行卡一張月入三萬，輕鬆賺"),
        Msg("right", "真的假的？會被抓嗎"),
        Msg("left", "不會，只是幫公司走帳，每天結算"),
    ), status=("20:13", "遠傳電信", "47%"), variants=("blur",)),
    Scene("sms_tw_bank_bill", "sms-light", "zh-Hant", "中國信託", (
        Stamp("週一 上午11:30"),
        Msg("full", "【中國信託】您的信用卡本期帳單已出，應繳金額5,230元，繳款截止日為5月25日，"
                    "如有疑問請洽客服專線。"),
    ), status=("11:31", "中華電信", "71%"), input_bar="sms"),
)


def _font(scene: Scene, size: int) -> ImageFont.FreeTypeFont:
    if scene.font == "wqy":
        return ImageFont.truetype(WQY, size)
    return ImageFont.truetype(NOTO, size, index=NOTO_INDEX[scene.lang])


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` pixels, as the app does (by character: CJK text has no
    spaces to break at)."""
    lines, line = [], ""
    for ch in text:
        if line and font.getlength(line + ch) > width:
            lines.append(line)
            line = ""
        line += ch
    if line:
        lines.append(line)
    return lines


def _status_bar(draw: ImageDraw.ImageDraw, scene: Scene, theme: Theme) -> None:
    font = _font(scene, 34)
    clock, carrier, battery = scene.status
    draw.text((48, 22), clock, font=font, fill=theme.bar_text)
    draw.text((48 + font.getlength(clock) + 30, 22), carrier, font=font, fill=theme.bar_text)
    for i in range(4):  # signal bars
        x = W - 330 + i * 16
        draw.rectangle((x, 52 - i * 7, x + 9, 56), fill=theme.bar_text)
    draw.text((W - 250, 22), "5G", font=font, fill=theme.bar_text)
    draw.text((W - 185, 22), battery, font=font, fill=theme.bar_text)
    draw.rounded_rectangle((W - 90, 28, W - 40, 56), 5, outline=theme.bar_text, width=3)
    draw.rectangle((W - 85, 33, W - 85 + int(40 * int(battery.rstrip("%")) / 100), 51), fill=theme.bar_text)


def _header(draw: ImageDraw.ImageDraw, scene: Scene, theme: Theme) -> int:
    draw.rectangle((0, 80, W, 200), fill=theme.bar)
    draw.line((60, 140, 80, 120), fill=theme.bar_text, width=5)  # back arrow
    draw.line((60, 140, 80, 160), fill=theme.bar_text, width=5)
    font = _font(scene, 42)
    draw.text(((W - font.getlength(scene.header)) / 2, 112), scene.header, font=font, fill=theme.bar_text)
    for i in range(3):  # the "…" menu
        draw.ellipse((W - 95 + i * 18, 136, W - 85 + i * 18, 146), fill=theme.bar_text)
    return 200


def _stamp(draw: ImageDraw.ImageDraw, scene: Scene, theme: Theme, y: int, text: str) -> int:
    font = _font(scene, 30)
    width = font.getlength(text)
    x = (W - width) / 2
    if theme.stamp_pill is not None:
        draw.rounded_rectangle((x - 24, y - 6, x + width + 24, y + 46), 26, fill=theme.stamp_pill)
        draw.text((x, y), text, font=font, fill=(255, 255, 255))
    else:
        draw.text((x, y), text, font=font, fill=theme.stamp_text)
    return y + 90


def _bubble(draw: ImageDraw.ImageDraw, scene: Scene, theme: Theme, y: int, msg: Msg) -> int:
    font = _font(scene, 44)
    pad_x, pad_y, spacing = 30, 26, 16
    if msg.side == "full":
        box_x0, max_text = 40, W - 80 - 2 * pad_x
    else:
        max_text = int(W * 0.6)
    lines = _wrap(msg.text, font, max_text)
    text_w = max(font.getlength(line) for line in lines)
    line_h = 44 + spacing
    box_w = int(text_w) + 2 * pad_x
    box_h = len(lines) * line_h - spacing + 2 * pad_y + 8
    is_line = scene.theme.startswith("line")
    if msg.side == "left":
        draw.rounded_rectangle((30, y, 130, y + 100), 14 if not is_line else 50, fill=(120, 160, 200))
        box_x0 = 160
    elif msg.side == "right":
        if not is_line:
            draw.rounded_rectangle((W - 130, y, W - 30, y + 100), 14, fill=(230, 170, 90))
            box_x0 = W - 160 - box_w
        else:
            box_x0 = W - 40 - box_w
    if msg.side == "full":
        box_w = W - 80
    fill = theme.right if msg.side == "right" else theme.left
    text_fill = theme.right_text if msg.side == "right" else theme.left_text
    draw.rounded_rectangle((box_x0, y, box_x0 + box_w, y + box_h), 22, fill=fill)
    for i, line in enumerate(lines):
        draw.text((box_x0 + pad_x, y + pad_y + i * line_h), line, font=font, fill=text_fill)
    if msg.time:  # LINE prints the time (and "已讀") beside the bubble's foot
        small = _font(scene, 26)
        foot = y + box_h - 34
        if msg.side == "left":
            draw.text((box_x0 + box_w + 14, foot), msg.time, font=small, fill=theme.stamp_text)
        else:
            draw.text((box_x0 - 14 - small.getlength(msg.time), foot), msg.time, font=small, fill=theme.stamp_text)
            if msg.read:
                draw.text((box_x0 - 14 - small.getlength("已讀"), foot - 34), "已讀", font=small,
                          fill=theme.stamp_text)
    return y + max(box_h, 100 if msg.side != "full" and not is_line else 0) + 36


def _input_bar(draw: ImageDraw.ImageDraw, scene: Scene, theme: Theme, height: int) -> None:
    top = height - 150
    draw.rectangle((0, top, W, height), fill=theme.bar)
    font = _font(scene, 38)
    field = (150, top + 30, W - 220, top + 120)
    if scene.input_bar == "voice":
        draw.rounded_rectangle(field, 14, fill=theme.left)
        label = "按住 说话"
        draw.text(((field[0] + field[2] - font.getlength(label)) / 2, top + 52), label, font=font, fill=theme.left_text)
    elif scene.input_bar == "sms":
        draw.rounded_rectangle((40, top + 30, W - 200, top + 120), 45, outline=theme.stamp_text, width=3)
        hint = "短信" if scene.lang == "zh-Hans" else "簡訊"
        draw.text((80, top + 52), hint, font=font, fill=theme.stamp_text)
        send = "发送" if scene.lang == "zh-Hans" else "傳送"
        draw.text((W - 160, top + 52), send, font=font, fill=theme.right)
        return
    elif scene.input_bar == "line":
        draw.rounded_rectangle(field, 45, fill=(255, 255, 255))
        draw.text((field[0] + 30, top + 52), "Aa", font=font, fill=(160, 160, 160))
    else:
        draw.rounded_rectangle(field, 14, fill=theme.left)
    draw.ellipse((40, top + 40, 110, top + 110), outline=theme.bar_text, width=4)  # voice / plus icons
    draw.ellipse((W - 200, top + 40, W - 130, top + 110), outline=theme.bar_text, width=4)
    draw.ellipse((W - 110, top + 40, W - 40, top + 110), outline=theme.bar_text, width=4)


def render(scene: Scene) -> Image.Image:
    theme = THEMES[scene.theme]
    canvas = Image.new("RGB", (W, 4000), theme.bg)
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, 0, W, 80), fill=theme.bar)
    _status_bar(draw, scene, theme)
    y = _header(draw, scene, theme) + 50
    for item in scene.items:
        y = _stamp(draw, scene, theme, y, item.text) if isinstance(item, Stamp) else _bubble(draw, scene, theme, y,
                                                                                               item)
    height = max(1920, y + 250)
    image = canvas.crop((0, 0, W, height))
    _input_bar(ImageDraw.Draw(image), scene, theme, height)
    return image


def expected_text(scene: Scene) -> str:
    return "\n\n".join(m.text for m in scene.items if isinstance(m, Msg))


def sides(scene: Scene) -> list[str | None]:
    return [None if m.side == "full" else m.side for m in scene.items if isinstance(m, Msg)]


def variant(image: Image.Image, kind: str) -> tuple[bytes, str]:
    """A degraded copy as it reaches the bot after forwarding: (file bytes, extension)."""
    buf = io.BytesIO()
    if kind == "jpeg":
        image.save(buf, "JPEG", quality=40)
        return buf.getvalue(), "jpg"
    if kind == "small":
        image.resize((int(image.width * 0.6), int(image.height * 0.6)), Image.LANCZOS).save(buf, "PNG", optimize=True)
        return buf.getvalue(), "png"
    if kind == "noise":
        pixels = np.asarray(image, dtype=np.float32)
        noisy = pixels + np.random.default_rng(7).normal(0.0, 10.0, pixels.shape)
        Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(buf, "WEBP", quality=70)
        return buf.getvalue(), "webp"
    if kind == "blur":
        image.filter(ImageFilter.GaussianBlur(1.3)).save(buf, "JPEG", quality=85)
        return buf.getvalue(), "jpg"
    raise ValueError(kind)


def verdict_levels(texts: list[str]) -> list[str]:
    """The rules-only verdict level of each typed text (what the screenshot's verdict must equal)."""
    sys.path.insert(0, str(ROOT))
    from bot.check import Checker, StoreLists
    from bot.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{tmp}/f.db")
        checker = Checker(StoreLists(store), None)
        try:
            return [str(checker.check_text_sync(text).risk_level) for text in texts]
        finally:
            checker.close()
            store.close()


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        if old.suffix in {".png", ".jpg", ".webp"}:
            old.unlink()
    entries: list[dict[str, object]] = []
    for scene in SCENES:
        image = render(scene)
        buf = io.BytesIO()
        image.save(buf, "PNG", optimize=True)
        files = [(f"{scene.name}.png", buf.getvalue(), True, "clean")]
        for kind in scene.variants:
            data, ext = variant(image, kind)
            files.append((f"{scene.name}__{kind}.{ext}", data, False, kind))
        for file_name, data, clean, kind in files:
            (OUT / file_name).write_bytes(data)
            entries.append({"file": file_name, "text": expected_text(scene), "sides": sides(scene),
                            "header": scene.header, "clean": clean, "variant": kind, "language": scene.lang})
    levels = verdict_levels([str(e["text"]) for e in entries])
    for entry, level in zip(entries, levels, strict=True):
        entry["level"] = level
    (OUT / "expected.json").write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"{len(entries)} images, {total / 1e6:.2f} MB in {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
