"""nlp.data: parsers, one mask scheme, T→S, dedup, label policy, grouped seeded splits, leave-one-source-out.

Small fixture files in the real formats live in tests/model/fixtures/shared/; the last tests run on the real
shared data (FANZHA_SHARED_DATA or the repo's sibling ../shared/data) and are skipped only if it is absent.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest

from nlp import data as D
from nlp import normalize as N
from nlp import splits as S

FIXTURES = Path(__file__).parent / "fixtures" / "shared"
REPO = Path(__file__).resolve().parents[2]
RAW_MASK = re.compile(r"URL|DIGIT|PLACE|NAME|CELLPHONE|WECHAT|PHONE|HOTLINE|BANK|<#>|<[A-Z]+>|xxx|XXX|\*\*|⟦|⟧")


def shared_data_dir() -> Path | None:
    env = os.environ.get("FANZHA_SHARED_DATA")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "data")
    return next((p for p in candidates if p.is_dir()), None)


@pytest.fixture(scope="module")
def fixture_examples() -> list[D.Example]:
    return D.load_examples(FIXTURES)


# ------------------------------------------------------------------------------------------------ parsers
def test_quoted_multiline_csv_keeps_newline_inside_one_row():
    rows = list(D.read_content_csv(FIXTURES / "telecom_fraud_texts_8" / "label1-new1030.csv"))
    assert len(rows) == 6
    assert "\n你涉嫌一起洗钱案件" in rows[1][0]
    assert {label for _, label in rows} == {"1"}


def test_gb18030_file_is_decoded():
    rows = list(D.read_content_csv(FIXTURES / "telecom_fraud_texts_5" / "label04-last.csv"))
    assert rows[0][0].startswith("我是你们学校的李老师")
    assert rows[0][1] == "冒充领导、熟人类"


def test_content_csv_with_wrong_header_is_a_clear_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("text,cls\n你好,0\n", encoding="utf-8")
    with pytest.raises(ValueError, match="content,label"):
        list(D.read_content_csv(path))


def test_segmented_fbs_text_is_rejoined():
    assert D.join_segmented("尊敬 的 工商 用户 您 的 电子 密码 器") == "尊敬的工商用户您的电子密码器"
    assert D.join_segmented("apple iphone 新品 到店") == "apple iphone新品到店"


def test_fbs_rows_rejoined_masked_and_labelled():
    rows = list(D.parse_fbs(FIXTURES / "fbs_sms"))
    texts = {r.text: r.label for r in rows}
    assert "尊敬的工商用户您的电子密码器认证将于次日过期请即时登陆我行管理网站⟦URL⟧进行证书校验工商银行" in texts
    assert "apple iphone新品到店⟦PLACE⟧专卖店欢迎选购⟦WECHAT⟧" in texts
    labels = Counter(r.label for r in rows)
    # 6 bank phishing + the FR_Other lure link; FR_Other without a link, the loan ad and propaganda are dropped.
    assert labels["phishing"] == 7
    assert labels["illegal_service"] == 2
    assert not any("禁闻" in r.text for r in rows)
    assert not any("贷款" in r.text for r in rows)
    assert not any(r.base_group.startswith("fbs:FR_Other") and "⟦URL⟧" not in r.text for r in rows)


def test_lccc_spaced_characters_and_dialogues():
    rows = list(D.parse_lccc(FIXTURES / "lccc_toy"))
    texts = [r.text for r in rows]
    assert "我也要去健身懒半年了" in texts
    assert "pr做得好" in texts
    joined = [r for r in rows if "\n" in r.text]  # the multi-turn dialogue, joined as one chat-like text
    assert len(joined) == 1 and joined[0].text.split("\n")[0] == "遭淋安逸了？"
    assert len({r.base_group for r in rows if r.base_group.startswith("lccc:json:train")}) == 1


def test_sms800k_first_comma_split_and_spam_review():
    rows = list(D.parse_sms800k(FIXTURES / "sms800k_sample50k"))
    texts = [r.text for r in rows]
    assert "带给我们大常州一场壮观的视觉盛宴，真的，太美了" in texts  # commas inside the text survive
    assert any(t.startswith("感谢致电杭州萧山") for t in texts)  # a plain ad is kept as normal
    assert not any("贷款" in t or "发票" in t for t in texts)  # loan ad and illegal service are dropped
    assert {r.label for r in rows} == {"normal"}


def test_nus_grouped_by_user_and_multiline_text():
    rows = list(D.parse_nus(FIXTURES / "nus_sms_zh"))
    assert len(rows) == 14
    assert {r.base_group for r in rows} == {f"nus:u{i}" for i in range(1, 7)}
    assert any("\n明天见" in r.text for r in rows)


def test_missing_data_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="data folder not found"):
        D.load_examples(tmp_path / "nope")
    with pytest.raises(ValueError, match="none of the expected data folders"):
        D.load_examples(tmp_path)


# ---------------------------------------------------------------------------------------- normalisation
@pytest.mark.parametrize("raw", [
    "点击URL领取", "点击URLdfge领取", "电话CELLPHONE找NAME", "PLACE平安DIGIT元", "加WECHAT", "热线HOTLINE",
    "BANK 户名NAME", "我的新号 <#> 下午", "<TIME>见,<DECIMAL>元,<EMAIL>,<URL>,<DATE>", "我是**,到了",
    "充xxx送xxx,x月xx日", "请问是XXX吗", "微信xxxxxxx", "时间:x.xx-x.x日", "流量XXXMB", "电话:x x x x x x x x x x x",
])
def test_no_raw_mask_survives(raw):
    out = D.normalize_for_model(raw)
    assert not RAW_MASK.search(out), out


def test_masks_become_realistic_values():
    out = D.normalize_for_model("电话CELLPHONE,详情URL,DIGIT月DIGIT日")
    assert re.search(r"1[3-9]\d[- ]?\d{4}[- ]?\d{4}", out)
    assert re.search(r"[a-z0-9-]+\.[a-z]{2,}", out)
    month, day = map(int, re.search(r"(\d+)月(\d+)日", out).groups())
    assert 1 <= month <= 12 and 1 <= day <= 28


def test_mask_values_are_deterministic_per_text_and_vary_across_texts():
    assert D.normalize_for_model("电话CELLPHONE") == D.normalize_for_model("电话CELLPHONE")
    phones = {D.normalize_for_model(f"第{i}家店 电话CELLPHONE")[-11:] for i in range(30)}
    assert len(phones) > 20


def test_real_text_without_masks_is_unchanged_except_nfkc_t2s_whitespace():
    assert D.normalize_for_model("  您的验证码是 123456，  切勿泄露  ") == "您的验证码是 123456, 切勿泄露"
    assert D.normalize_for_model("xbox 3 x 4 XXL") == "xbox 3 x 4 XXL"
    assert D.normalize_for_model("請點擊鏈接領取積分") == "请点击链接领取积分"


def test_placeholders_are_idempotent():
    canonical = D.canonical_text("NAME 您好 URL DIGIT xxxx <#>")
    assert D.canonical_text(canonical) == canonical


def test_traditional_is_converted_like_textnorm(fixture_examples):
    from nlp.textnorm import normalize_text

    for raw in ("新開張優惠會員全場八折", "沈默是金", "老師,媽咪話想買盒月餅比你", "ＡＢＣ１２３"):
        assert N._nfkc_simplified(raw) == normalize_text(raw)
    texts = [e.text for e in fixture_examples]
    assert "老师,妈咪话想买盒月饼比你,你要传统定冰皮?" in texts
    assert any(t.startswith("新开张优惠会员全场八折") for t in texts)


def test_dedup_empties_and_conflicts():
    rows = [D.RawRow("你好 ", "normal", "nus", "a"), D.RawRow("你好", "normal", "nus", "b"),
            D.RawRow("  ", "normal", "nus", "c"), D.RawRow("点击URL", "normal", "fbs", "d"),
            D.RawRow("点击 URL", "phishing", "fbs", "e"), D.RawRow("好的", "normal", "lccc", "f")]
    kept = D._clean_rows(rows)
    assert [(r.canonical, r.base_group) for r in kept] == [("你好", "a"), ("好的", "f")]


def test_examples_are_unique_and_mask_free(fixture_examples):
    texts = [e.text for e in fixture_examples]
    assert len(texts) == len(set(texts))
    assert all(t.strip() for t in texts)
    assert not any(RAW_MASK.search(t) for t in texts)
    assert sum("中国联通" in t for t in texts) == 1  # the duplicate row of label00 is gone


def test_label_policy_on_fixtures(fixture_examples):
    by_source = Counter((e.source, e.label) for e in fixture_examples)
    assert by_source[("tf8", "impersonate_police")] == 6
    assert by_source[("tf8", "romance")] == 5
    assert not any(e.source == "tf5" and e.label != "normal" for e in fixture_examples)  # _5 fraud not loaded
    assert not any("无抵押贷款" in e.text for e in fixture_examples)  # loan ads dropped from every ad source
    assert {e.label for e in fixture_examples} <= set(D.LABELS)


def test_labels_and_names_match_the_bot_category_list():
    from bot.categories import BY_KEY

    assert D.LABELS[0] == "normal" and D.LABELS[-1] == "illegal_service"
    for key in D.LABELS[1:]:
        assert BY_KEY[key].zh == D.CATEGORY_ZH[key]


# ------------------------------------------------------------------------------------------ grouping/splits
def test_near_duplicates_found_and_unrelated_texts_not():
    texts = ["尊敬的工商用户您的电子密码器认证将于次日过期请即时登陆我行管理网站⟦URL⟧进行证书效验工商银行",
             "尊敬的工商用户您的电子密码器认证将于次日过期请即时登陆我行网站⟦URL⟧进行证书校验工商银行",
             "亲爱的会员⟦NAME⟧:本店⟦DIGIT⟧月⟦DIGIT⟧日全场⟦DIGIT⟧折,地址⟦PLACE⟧",
             "好的呀", "好的呀!"]
    pairs = {tuple(sorted(p)) for p in D.near_duplicate_pairs(texts)}
    assert pairs == {(0, 1)}


def test_near_duplicate_grouping_is_fast_enough_for_the_corpus():
    # Not a timing assertion: a smoke check that 20k texts go through the vectorised path.
    texts = [f"第{i}条通知:您的订单{i * 7919 % 100000}已发货,请注意查收,祝您生活愉快" for i in range(20000)]
    pairs = D.near_duplicate_pairs(texts)
    assert pairs  # a template with different numbers is one group


def test_fixture_templates_share_a_group_and_a_side():
    splits = S.load_splits(FIXTURES, augment=False)
    phishing_bank = [e for split in (splits.train, splits.dev, splits.test) for e in split
                     if "电子密码器认证将于次日过期" in e.text]
    assert len(phishing_bank) == 3
    assert len({e.group for e in phishing_bank}) == 1
    coupons = [e for e in D.load_examples(FIXTURES) if "美团外卖" in e.text]
    assert len(coupons) == 8 and len({e.group for e in coupons}) == 1


def _side_of_groups(splits: S.Splits) -> dict[str, set[str]]:
    sides: dict[str, set[str]] = {}
    for name in ("train", "dev", "test"):
        for e in getattr(splits, name):
            if e.source in D.SOURCES[:-1]:
                sides.setdefault(e.group, set()).add(name)
    return sides


def test_splits_disjoint_by_group_and_reproducible_by_seed():
    a = S.load_splits(FIXTURES, seed=7)
    b = S.load_splits(FIXTURES, seed=7)
    c = S.load_splits(FIXTURES, seed=8)
    assert all(len(s) == 1 for s in _side_of_groups(a).values())
    assert [e.text for e in a.train] == [e.text for e in b.train]
    assert [e.text for e in a.test] == [e.text for e in b.test]
    assert [e.text for e in a.test if e.source != "synthetic"] != [e.text for e in c.test
                                                                      if e.source != "synthetic"]
    assert a.fingerprint() == b.fingerprint() != c.fingerprint()


def test_dev_and_test_stay_real_and_synthetic_is_flagged():
    splits = S.load_splits(FIXTURES)
    assert all(e.source in D.SOURCES[:-1] for e in splits.dev)
    assert all(e.source in D.SOURCES for e in splits.test)
    assert splits.synthetic_test and all(e.source == "synthetic" for e in splits.synthetic_test)
    assert all(e.source != "synthetic" for e in splits.real_test)
    assert any(e.source.endswith("+aug") or e.source == "synthetic" for e in splits.train)
    # Held-out template ids never appear in train.
    train_groups = {e.group for e in splits.train if e.group.startswith("tpl:")}
    test_groups = {e.group for e in splits.test if e.group.startswith("tpl:")}
    assert train_groups and test_groups and not train_groups & test_groups


def test_leave_out_puts_the_whole_source_in_test_only():
    splits = S.load_splits(FIXTURES, leave_out="fbs")
    assert not any(e.source.startswith("fbs") for e in splits.train + splits.dev)
    fbs_total = sum(e.source == "fbs" for e in D.load_examples(FIXTURES))
    assert sum(e.source == "fbs" for e in splits.test) == fbs_total
    with pytest.raises(ValueError, match="unknown source"):
        S.load_splits(FIXTURES, leave_out="nope")


def test_counts_table_lists_every_split_label_and_source():
    table = S.load_splits(FIXTURES, augment=False).counts()
    for needle in ("### train", "### dev", "### test", "| impersonate_police |", "| nus |", "tf8"):
        assert needle.strip("| ") in table


# ------------------------------------------------------------------------------------------ the real data
@pytest.fixture(scope="module")
def real_examples() -> list[D.Example]:
    folder = shared_data_dir()
    if folder is None:
        pytest.skip("shared data folder absent (set FANZHA_SHARED_DATA)")
    return D.load_examples(folder)


def test_real_data_loads_every_source_and_label(real_examples):
    counts = Counter(e.source for e in real_examples)
    assert set(counts) == set(D.SOURCES[:-1])
    assert counts["tf8"] > 10_000 and counts["nus"] > 20_000 and counts["lccc"] > 20_000
    assert counts["sms800k"] > 45_000 and counts["fbs"] > 9_000 and counts["tf5"] > 7_000
    assert {e.label for e in real_examples} == set(D.LABELS)
    texts = [e.text for e in real_examples]
    assert len(texts) == len(set(texts))


def test_real_data_has_no_raw_masks_and_placeholder_style_is_not_a_label_tell(real_examples):
    leftovers = [e.text for e in real_examples if re.search(r"URL|DIGIT|CELLPHONE|WECHAT|<#>|⟦", e.text)]
    assert len(leftovers) < 20, leftovers[:5]
    # A realised link occurs in normal and in fraud rows alike.
    has_link = re.compile(r"(?:https?://)?(?:[a-z0-9-]+\.)+(?:cn|com|net|top|vip|cc|xyz|org|info)\b")
    linked = Counter(e.label == "normal" for e in real_examples if has_link.search(e.text))
    assert linked[True] > 1000 and linked[False] > 1000


def test_real_data_groups_keep_senders_dialogues_and_templates_together(real_examples):
    groups = Counter(e.group for e in real_examples)
    assert max(groups.values()) < 0.05 * len(real_examples)  # no giant chained component
    nus_groups_per_user: dict[str, set[str]] = {}
    for e in real_examples:
        if e.source == "nus":
            nus_groups_per_user.setdefault(e.group, set())
    assert 400 <= len(nus_groups_per_user) <= 490
    templated = [e for e in real_examples if "看完这相册" in e.text]
    assert len(templated) > 20 and len({e.group for e in templated}) <= 3
