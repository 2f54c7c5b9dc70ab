"""bot.phones: every number in free text, its E.164/short code, facts and signals; offsets; errors; CLI."""

from __future__ import annotations

import io
import json

import pytest

from bot.cli import main
from bot.phones import (
    InvalidNumber,
    PhoneFact,
    contact_number,
    find_numbers,
    load_official_codes,
    number_key,
    parse_number,
    regional_official,
)
from nlp.textnorm import to_simplified

# ---- The table: real-world forms seen in fraud texts -------------------------------------------------
# Each case: (text, [(e164 or short code or None, {signal keys}), ...]) in order of appearance; signal sets
# are exact. OFFICIAL stands in for the store's allowlist so the table does not depend on it.

OFFICIAL = frozenset(
    {"110", "119", "120", "122", "12321", "12381", "12345", "12306", "96110", "10086", "10010", "10000",
     "95588", "95533", "95555", "95566", "95599", "95559", "95338", "95311", "95188"}
)

M = "+8613800138000"  # the classic example mobile (中国移动, 北京)
NONE: set[str] = set()
OBF = {"obfuscated"}
MVNO = {"mvno"}
HUB = {"overseas", "scam_hub_region"}
HMT = {"overseas", "hk_mo_tw"}

POSITIVE_CASES: list[tuple[str, list[tuple[str | None, set[str]]]]] = [
    # --- Mainland mobiles in the usual spellings -----------------------------------------------------
    ("您的快递丢失，请联系客服13800138000办理理赔", [(M, NONE)]),
    ("请拨打+86 138 0013 8000核实", [(M, NONE)]),
    ("回电 0086 13800138000", [(M, NONE)]),
    ("联系人：86-13800138000", [(M, NONE)]),
    ("8613800138000", [(M, NONE)]),
    ("(+86)13800138000", [(M, NONE)]),
    ("+86(138)00138000", [(M, NONE)]),
    ("号码 138-0013-8000", [(M, NONE)]),
    ("138 0013 8000", [(M, NONE)]),
    ("138.0013.8000", [(M, NONE)]),
    ("138/0013/8000", [(M, NONE)]),
    ("手机号码：+86-138-0013-8000", [(M, NONE)]),
    ("Tel:13800138000", [(M, NONE)]),
    ("加微信13800138000领取", [(M, NONE)]),
    ("１３８００１３８０００", [(M, NONE)]),
    ("１３８-００１３-８０００", [(M, NONE)]),
    ("＋８６　１３８　００１３　８０００", [(M, NONE)]),
    ("1 3 8 0 0 1 3 8 0 0 0", [(M, NONE)]),
    ("+0086 13800138000", [(M, {"spoof_format"})]),
    ("来电显示+0086-138-0013-8000", [(M, {"spoof_format"})]),
    # --- Written to dodge filters ----------------------------------------------------------------
    ("138🙂0013🙂8000", [(M, OBF)]),
    ("加V：138⭐️0013⭐️8000", [(M, OBF)]),
    ("１３８🙂００１３🙂８０００", [(M, OBF)]),
    ("138 🙂 0013 🙂 8000 5000元", [(M, OBF)]),
    ("1３8a0013b8000", [(M, OBF)]),
    ("138\u200b0013\u200b8000", [(M, OBF)]),
    ("138_0013_8000", [(M, OBF)]),
    ("电话：13８ 0０13 8００0", [(M, OBF)]),
    ("一三八零零一三八零零零", [(M, OBF)]),
    ("电话:一三八零零一三八零零零哦", [(M, OBF)]),
    ("幺三八零零幺三八零零零", [(M, OBF)]),
    ("幺三八 零零一三 八零零零", [(M, OBF)]),
    ("壹叁捌零零壹叁捌零零零", [(M, OBF)]),
    ("一三八〇〇一三八〇〇〇", [(M, OBF)]),
    ("138零零13八000", [(M, OBF)]),
    # --- Landlines, 400/800 ------------------------------------------------------------------------
    ("热线：(0755)8888 8888", [("+8675588888888", NONE)]),
    ("0755-88888888", [("+8675588888888", NONE)]),
    ("涉嫌洗钱，请联系专案组 +86 (0)755 8888 8888", [("+8675588888888", NONE)]),
    ("010-12345678", [("+861012345678", NONE)]),
    ("北京市公安局 +86 10 6512 3456", [("+861065123456", NONE)]),
    ("021 6888 8888", [("+862168888888", NONE)]),
    ("TEL 021-68888888", [("+862168888888", NONE)]),
    ("咨询热线：400-820-8820", [("+864008208820", NONE)]),
    ("400 820 8820", [("+864008208820", NONE)]),
    ("4008208820", [("+864008208820", NONE)]),
    ("+86 400 820 8820", [("+864008208820", NONE)]),
    ("免费电话 800-820-8820", [("+868008208820", NONE)]),
    # --- Service / short codes ------------------------------------------------------------------------
    ("95588", [("95588", NONE)]),
    ("【工商银行】尊敬的客户，详询95588", [("95588", NONE)]),
    ("尾号8000的卡于2024-01-15转入¥20000，如有疑问致电95588", [("95588", NONE)]),
    ("反诈专线96110", [("96110", NONE)]),
    ("9６1１0", [("96110", OBF)]),
    ("拨打10086查询", [("10086", NONE)]),
    ("举报电话12321", [("12321", NONE)]),
    ("12381提醒您：谨防诈骗", [("12381", NONE)]),
    ("打110报警", [("110", NONE)]),
    ("请立即拨打 110", [("110", NONE)]),
    ("订单号：202401150001，快递客服 95338", [("95338", NONE)]),
    ("客服95123为您服务", [("95123", {"unofficial_service_code"})]),
    ("EMS客服电话11183", [("11183", {"unofficial_service_code"})]),  # a family code libphonenumber lacks
    ("邮政快递查询请拨打11185", [("11185", {"unofficial_service_code"})]),
    ("来电显示+95588", [("95588", {"spoof_format"})]),
    ("+86 95588", [("95588", {"spoof_format"})]),
    # --- Virtual operators -------------------------------------------------------------------------
    ("17012345678", [("+8617012345678", MVNO)]),
    ("兼职联系17112345678", [("+8617112345678", MVNO)]),
    ("16212345678", [("+8616212345678", MVNO)]),
    ("16512345678", [("+8616512345678", MVNO)]),
    ("16712345678", [("+8616712345678", MVNO)]),
    ("+8617012345678", [("+8617012345678", MVNO)]),
    ("0086-170-1234-5678", [("+8617012345678", MVNO)]),
    ("19212345678", [("+8619212345678", NONE)]),
    # --- Abroad, Hong Kong / Macao / Taiwan ------------------------------------------------------------
    ("+855 12 345 678", [("+85512345678", HUB)]),
    ("柬埔寨客服 +855 96 123 4567", [("+855961234567", HUB)]),
    ("00855 12 345 678", [("+85512345678", HUB)]),
    ("+00855 12 345 678", [("+85512345678", HUB | {"spoof_format"})]),
    ("WhatsApp +63 917 123 4567", [("+639171234567", HUB)]),
    ("+95 9 250 123 456", [("+959250123456", HUB)]),
    ("+856 20 5512 3456", [("+8562055123456", HUB)]),
    ("+852 5123 4567", [("+85251234567", HMT)]),
    ("+853 6612 3456", [("+85366123456", HMT)]),
    ("+886 912 345 678", [("+886912345678", HMT)]),
    ("+886 2 2345 6789", [("+886223456789", HMT)]),
    ("+1 212 555 0100", [("+12125550100", {"overseas"})]),
    ("+44 20 7946 0958", [("+442079460958", {"overseas"})]),
    ("+60 12-345 6789", [("+60123456789", {"overseas"})]),
    # --- Invalid but plainly presented as a phone number ---------------------------------------------
    ("+86 1380013800", [(None, {"invalid"})]),
    ("请拨打12345678901", [(None, {"invalid"})]),
    ("电话1380013800", [(None, {"invalid"})]),
    # --- Traditional script ----------------------------------------------------------------------------
    ("請撥打 (02) 2345-6789，您的帳戶已凍結", [("+886223456789", HMT)]),
    ("客服專線：0912-345-678", [("+886912345678", HMT)]),
    ("您的帳戶異常，請聯繫 138-0013-8000", [(M, NONE)]),
    ("請撥打一三八零零一三八零零零", [(M, OBF)]),
    ("撥打110報警", [("110", NONE)]),
    ("反詐專線96110", [("96110", NONE)]),
    ("銀行客服95588", [("95588", NONE)]),
    ("電話1380013800", [(None, {"invalid"})]),
    ("香港警方來電 +852 2123 4567", [("+85221234567", HMT)]),
    ("虛擬號碼17012345678請勿回撥", [("+8617012345678", MVNO)]),
    ("兩個號碼：13800138000、13900139000", [(M, NONE), ("+8613900139000", NONE)]),
    # --- Several in one message -------------------------------------------------------------------
    ("工作微信：13912345678，备用15012345678", [("+8613912345678", NONE), ("+8615012345678", NONE)]),
    ("QQ 123456789 电话 13800138000", [(M, NONE)]),
    ("中奖请联系13800138000，验证码123456，金额5000元", [(M, NONE)]),
    ("+8613800138000+8613900139000", [(M, NONE), ("+8613900139000", NONE)]),
    ("冒充工行95588的骗子用 +855 12 345 678 和 17012345678",
     [("95588", NONE), ("+85512345678", HUB), ("+8617012345678", MVNO)]),
]

NEGATIVE_CASES: list[str] = [
    "2024-01-15",
    "2024/01/15",
    "2024年1月15日下午3点",
    "20240115",
    "时间 10:30-11:45",
    "到账5000元",
    "¥20000",
    "￥12,000.00",
    "转账12000元",
    "转账12000给对方",  # 12xxx family shape, but no phone word and not an official code: an amount
    "单号 11183",
    "奖金10000元",
    "价格 1380 元",
    "10000积分",
    "第12345期",
    "共110人",
    "验证码123456",
    "您的验证码是 955880",
    "取件码 12321",
    "订单号 202401150001",
    "订单号13800138000",
    "运单号 SF1234567890123",
    "身份证 110101199003077777",
    "身份证号：11010119900307777X",
    "6222021234567890123",
    "卡号：6222 0212 3456 7890",
    "6217-0012-3456-7890-123",
    "卡号：6225880212345678",
    "房间号 1203",
    "会议号 123 456 789",
    "iPhone 15 Pro 256GB",
    "5G套餐 128元/月 送100分钟",
    "192.168.1.1",
    "v1.2.3",
    "138****8000",
    "https://t.cn/A6x12345",
    "QQ 123456789",
    "您的帳戶於2024年01月15日入帳NT$20,000",
]


def _found(text: str) -> list[PhoneFact]:
    return find_numbers(text, official_codes=OFFICIAL)


def test_table_is_large_enough() -> None:
    assert len(POSITIVE_CASES) >= 80
    traditional = [t for t, _ in POSITIVE_CASES if to_simplified(t) != t]
    assert len(traditional) >= 10


@pytest.mark.parametrize(("text", "expected"), POSITIVE_CASES, ids=[t for t, _ in POSITIVE_CASES])
def test_real_world_forms(text: str, expected: list[tuple[str | None, set[str]]]) -> None:
    facts = _found(text)
    got = [(f.e164, set(f.signal_keys)) for f in facts]
    assert got == expected
    for fact in facts:
        assert text[fact.start : fact.end] == fact.raw  # offsets point into the original text
        assert all(s.reason for s in fact.signals)


@pytest.mark.parametrize("text", NEGATIVE_CASES)
def test_not_phone_numbers(text: str) -> None:
    assert _found(text) == []


def test_facts_of_a_mainland_mobile() -> None:
    (fact,) = _found("请拨打13800138000联系")
    assert (fact.type, fact.region, fact.carrier, fact.location) == ("mobile", "CN", "中国移动", "北京市")
    assert (fact.start, fact.end) == (3, 14)


def test_facts_of_landline_400_800_and_abroad() -> None:
    landline, shared, free, khmer = _found("(0755)8888 8888 / 400-820-8820 / 800-820-8820 / +855 12 345 678")
    assert (landline.type, landline.location) == ("fixed_line", "广东省深圳市")
    assert shared.type == "shared_cost"
    assert free.type == "toll_free"
    assert (khmer.type, khmer.region, khmer.location) == ("mobile", "KH", "柬埔寨")


def test_short_code_facts() -> None:
    (code,) = _found("详询95588")
    assert (code.type, code.region, code.e164) == ("short_code", "CN", "95588")


def test_mvno_reason_names_the_segment() -> None:
    (fact,) = _found("17112345678")
    assert "171" in fact.signals[0].reason


def test_offsets_survive_emoji_fullwidth_and_chinese_digits() -> None:
    text = "🙂🙂请拨打 １３８🙂００１３🙂８０００，或一三八零零一三八零零零，再或 +855 12 345 678。"
    facts = _found(text)
    assert [f.raw for f in facts] == ["１３８🙂００１３🙂８０００", "一三八零零一三八零零零", "+855 12 345 678"]
    assert [text[f.start : f.end] for f in facts] == [f.raw for f in facts]
    assert facts[0].start == text.index("１")


def test_dodged_numbers_are_not_glued_to_neighbours() -> None:
    text = "13800138000🙂13900139000"
    assert [f.e164 for f in _found(text)] == [M, "+8613900139000"]


def test_traditional_and_simplified_give_the_same_numbers() -> None:
    pairs = [
        ("请拨打一三八零零一三八零零零，您的账户已冻结", "請撥打一三八零零一三八零零零，您的帳戶已凍結"),
        ("订单号13800138000", "訂單號13800138000"),
        ("验证码：95588", "驗證碼：95588"),
        ("拨打110报警", "撥打110報警"),
    ]
    for simplified, traditional in pairs:
        a = [(f.e164, f.signal_keys, f.start, f.end) for f in _found(simplified)]
        b = [(f.e164, f.signal_keys, f.start, f.end) for f in _found(traditional)]
        assert a == b, (simplified, traditional)


def test_service_code_signal_needs_an_allowlist() -> None:
    assert _found("客服95123")[0].signal_keys == ("unofficial_service_code",)
    # With no allowlist nothing can be said about a code being unofficial.
    assert find_numbers("客服95123", official_codes=frozenset())[0].signal_keys == ()


@pytest.mark.parametrize("code", ["11183", "11185", "12999", "10099", "95999", "96999"])
def test_cn_five_digit_family_codes_are_short_codes(code: str) -> None:
    """Official families (10xxx–12xxx, 95xxx, 96xxx) count even where libphonenumber's data lacks the code."""
    fact = parse_number(code, official_codes=OFFICIAL)
    assert (fact.e164, fact.type, fact.region) == (code, "short_code", "CN")
    assert fact.signal_keys == ("unofficial_service_code",)  # not on OFFICIAL: the verdict is told so
    assert number_key(code) == code
    assert parse_number(code, official_codes=OFFICIAL | {code}).signal_keys == ()


def test_family_codes_in_free_text_need_the_allowlist_or_a_phone_word() -> None:
    with_ems = OFFICIAL | {"11183"}
    assert [f.e164 for f in find_numbers("11183", official_codes=OFFICIAL)] == []
    (fact,) = find_numbers("快递到了请查 11183", official_codes=with_ems)
    assert (fact.e164, fact.signal_keys) == ("11183", ())
    (fact,) = find_numbers("EMS客服11183", official_codes=OFFICIAL)
    assert fact.signal_keys == ("unofficial_service_code",)
    (fact,) = find_numbers("+86 11183", official_codes=with_ems)
    assert fact.signal_keys == ("spoof_format",)


@pytest.mark.parametrize("raw", ["13800", "14000", "19999", "97000", "11"])
def test_five_digit_runs_outside_the_families_are_not_numbers(raw: str) -> None:
    with pytest.raises(InvalidNumber):
        number_key(raw)


def test_shipped_allowlist_has_ems_11183() -> None:
    assert "11183" in load_official_codes()
    (fact,) = find_numbers("中国邮政EMS 11183")
    assert (fact.e164, fact.signal_keys) == ("11183", ())


def test_load_official_codes_reads_the_allowlist_csv(tmp_path) -> None:
    csv_path = tmp_path / "allowlist.csv"
    csv_path.write_text("number,owner,aliases\n95588,中国工商银行,工行|ICBC\n+86 400-820-8820,某公司,\n", "utf-8")
    codes = load_official_codes(csv_path)
    assert codes == frozenset({"95588", "+864008208820"})
    assert load_official_codes(tmp_path / "missing.csv") == frozenset()
    (fact,) = find_numbers("致电95588", official_codes=codes)
    assert fact.signal_keys == ()


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("138-0013-8000", M),
        ("+86 138 0013 8000", M),
        ("0086 13800138000", M),
        ("一三八零零一三八零零零", M),
        ("138🙂0013🙂8000", M),
        ("95588", "95588"),
        ("110", "110"),
        ("+95588", "95588"),
        ("(0755) 8888 8888", "+8675588888888"),
        ("+855 12 345 678", "+85512345678"),
        ("電話：138 0013 8000", M),
    ],
)
def test_number_key(raw: str, key: str) -> None:
    assert number_key(raw) == key
    assert parse_number(raw, official_codes=OFFICIAL).e164 == key


@pytest.mark.parametrize(
    ("raw", "message_part"),
    [
        ("", "为空"),
        ("   ", "为空"),
        ("abc", "没有数字"),
        ("12345678901", "不存在的手机号段"),
        ("1380013800", "号码无效"),
        ("+86 1380013800", "号码无效"),
        ("88888888", "缺少区号"),
        ("+999 12345", "国家/地区代码不存在"),
        ("6222021234567890123", "不是电话号码"),
        ("13800138000 13900139000", "2 个号码"),
    ],
)
def test_parse_number_errors(raw: str, message_part: str) -> None:
    with pytest.raises(InvalidNumber, match=message_part):
        parse_number(raw, official_codes=OFFICIAL)
    with pytest.raises(InvalidNumber):
        number_key(raw)


def test_parse_number_keeps_signals() -> None:
    fact = parse_number("+0086 170 1234 5678", official_codes=OFFICIAL)
    assert fact.e164 == "+8617012345678"
    assert set(fact.signal_keys) == {"spoof_format", "mvno"}


def test_to_json_fields() -> None:
    (fact,) = _found("兼职联系17112345678")
    data = fact.to_json()
    assert {"raw", "e164", "type", "region", "carrier", "location", "signals", "start", "end"} <= set(data)
    assert data["signals"][0]["signal"] == "mvno" and data["signals"][0]["reason"]
    json.dumps(data, ensure_ascii=False)


def test_cli_json(capsys) -> None:
    assert main(["number", "--json", "请拨打", "17012345678", "或", "+855 12 345 678"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["e164"] for d in data] == ["+8617012345678", "+85512345678"]
    assert {"raw", "e164", "type", "region", "carrier", "location", "signals"} <= set(data[0])
    assert data[0]["signals"][0]["signal"] == "mvno"
    assert data[1]["region"] == "KH"


def test_cli_stdin_and_human_output(capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("冒充工行95588，回拨 138🙂0013🙂8000\n"))
    assert main(["number", "-"]) == 0
    out = capsys.readouterr().out
    assert "找到 2 个号码" in out and "+8613800138000" in out and "中国移动" in out and "obfuscated" in out


def test_cli_nothing_found(capsys) -> None:
    assert main(["number", "到账5000元", "2024-01-15"]) == 0
    assert "没有找到电话号码" in capsys.readouterr().out
    assert main(["number", "--json", "你好"]) == 0
    assert json.loads(capsys.readouterr().out) == []


# ---- Hong Kong, Taiwan and Macao official numbers; spoofed service codes; ids that are not numbers ----

@pytest.mark.parametrize(("text", "key", "region", "owner_part"), [
    ("香港防騙易熱線 18222", "18222", "HK", "防骗易"),
    ("有懷疑請致電 18222 查詢", "18222", "HK", "防骗易"),
    ("台灣反詐騙請撥 165 查詢", "165", "TW", "反诈骗咨询专线"),
    ("撥打165反詐騙專線", "165", "TW", "反诈骗咨询专线"),
    ("澳門司法警察局反詐騙熱線 8800 7777", "+85388007777", "MO", "司法警察局"),
    ("請致電 +853 8800 7777", "+85388007777", "MO", "司法警察局"),
])
def test_hk_tw_mo_anti_fraud_lines_are_found_and_official(text: str, key: str, region: str, owner_part: str) -> None:
    (fact,) = find_numbers(text, official_codes=OFFICIAL)
    assert (fact.e164, fact.region, fact.type != "invalid") == (key, region, True)
    assert fact.signals == ()  # not "invalid", not "港澳台号码，冒充客服…常用", not "unofficial"
    official = regional_official(fact)
    assert official is not None and owner_part in official.owner


@pytest.mark.parametrize(("raw", "key", "region"), [("18222", "18222", "HK"), ("165", "165", "TW"),
                                                    ("8800 7777", "+85388007777", "MO")])
def test_regional_lines_typed_alone_are_numbers(raw: str, key: str, region: str) -> None:
    fact = parse_number(raw, official_codes=OFFICIAL)
    assert (fact.e164, fact.region) == (key, region) and regional_official(fact) is not None


def test_a_regional_short_code_with_a_country_code_is_spoof_like_and_not_official() -> None:
    (fact,) = find_numbers("來電顯示 +852 18222，說你的戶口有問題", official_codes=OFFICIAL)
    assert (fact.e164, fact.region, fact.signal_keys) == ("18222", "HK", ("spoof_format",))
    assert regional_official(fact) is None


def test_12110_police_sms_number_is_on_the_shipped_allowlist() -> None:
    (fact,) = find_numbers("收到 12110 的反诈预警短信")
    assert fact.e164 == "12110" and "unofficial_service_code" not in fact.signal_keys


@pytest.mark.parametrize("text", ["【工商银行】请致电 +86 95588", "请致电 0086 95588", "请致电 +8695588"])
def test_service_code_with_a_country_code_in_a_text_is_spoof_like(text: str) -> None:
    (fact,) = find_numbers(text, official_codes=OFFICIAL)
    assert fact.e164 == "95588" and "spoof_format" in fact.signal_keys


@pytest.mark.parametrize(("raw", "saved"), [
    ("+95588", "95588"), ("+86 95588", "95588"), ("8695588", "95588"), ("0086 95588", "95588"),
    ("95588", "95588"), ("+8613800138000", "+8613800138000"), ("8613800138000", "8613800138000"),
])
def test_a_contact_cards_app_added_prefix_is_taken_off_service_codes_only(raw: str, saved: str) -> None:
    assert contact_number(raw) == saved
    fact = parse_number(contact_number(raw), official_codes=OFFICIAL)
    assert "spoof_format" not in fact.signal_keys


@pytest.mark.parametrize("text", [
    "腾讯会议号码 123 456 789", "会议号码：123456789", "會議號碼 123 456 789", "Zoom 会议号 812 3456 7890",
    "QQ号码 12345678", "我的QQ号码是 1234567890", "会议号 138 0013 8000", "会议号 123 456 789",
])
def test_meeting_ids_and_qq_numbers_are_not_phone_numbers(text: str) -> None:
    assert find_numbers(text, official_codes=OFFICIAL) == []


def test_a_phone_word_after_the_meeting_id_still_counts() -> None:
    (fact,) = find_numbers("会议号 123 456 789，有问题打客服电话 13800138000", official_codes=OFFICIAL)
    assert fact.e164 == M


def test_a_short_code_sent_alone_is_a_number_but_an_unknown_five_digit_run_is_not() -> None:
    assert [(f.e164, f.region) for f in find_numbers("165", official_codes=OFFICIAL)] == [("165", "TW")]
    assert [(f.e164, f.region) for f in find_numbers(" 110 ", official_codes=OFFICIAL)] == [("110", "CN")]
    assert find_numbers("12000", official_codes=OFFICIAL) == []
    assert find_numbers("还差165", official_codes=OFFICIAL) == []
