"""Loading, normalisation, label policy and grouped splits of the shared Chinese fraud/spam sets.

Label policy (the same text is in data/MODEL_CARD.md):

* ``normal``: telecom_fraud_texts_5 ``label00`` (ads + notifications), FBS ``AD_*`` and ``Other`` (advertising is
  *normal*: annoying, not fraud), sms800k ham (web/Weibo fragments), sms800k spam that passes the advertising
  rule below, NUS personal SMS (grouped by ``user_id``), LCCC utterances and whole multi-turn LCCC dialogues
  joined into one chat-like text (grouped by dialogue).
* Advertising rule, one rule for every advertising source (tf5 normal, FBS AD_*, sms800k spam): an ad whose
  offer is a loan / credit card / cash-out (``_LOAN_OFFER``) is **dropped**: such ads are the lure of the
  ``loan_credit`` fraud class and cannot be told apart by text. sms800k spam is unreviewed, so it also loses
  rows that look like illegal services, prizes or phishing (``_SPAM_REVIEW``); what is left is ordinary ads.
* fraud categories (keys of ``bot/categories.py``): telecom_fraud_texts_8 classes 1–7 → impersonate_police,
  loan_credit, fake_customer_service, impersonate_acquaintance, task_rebate, romance, game_trading (the _5 fraud
  files are subsets of _8 and are not loaded); FBS ``FR_Phishing_Bank``/``FR_Phishing_Other`` → phishing,
  ``FR_Other`` → phishing if it carries a link (the "看完这相册 URL" lures), else dropped (mostly bare bank
  card numbers), ``FR_Financial`` → fake_investment.
* ``illegal_service``: FBS ``IL_Gambling``, ``IL_Escort_service``, ``IL_Fake_ID_and_invoice``.
  ``IL_Political_propaganda`` is dropped: it is not a service nor fraud, and the bot has no class for it.
* A text that occurs under two labels after normalisation is dropped everywhere.

Normalisation (``normalize_for_model``, used at inference too): NFKC + Traditional→Simplified
(``nlp.textnorm``), every mask style rewritten to one placeholder scheme and then realised as plausible values
(see the masks section below), whitespace tidied. Deduplication and grouping use the placeholder form, so two
copies of a template with different masked values are one text.

Splits: near-duplicates (character 3-gram Jaccard ≥ 0.5 via MinHash/LSH, verified exactly), NUS messages of one
sender and LCCC utterances of one dialogue form one group; groups go whole to train, dev or test (70/15/15 per
source × label, seeded). Train gets augmentation (``nlp.augment``); dev/test hold real rows only, plus a
flagged ``source="synthetic"`` slice of held-out templates in test.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.labels import CATEGORY_ZH, FRAUD_LABELS, ILLEGAL, LABELS, NORMAL, decide  # noqa: F401  (re-exported)
from nlp.normalize import (  # noqa: F401  (re-exported: loading and normalisation are used together)
    _CJK,
    _PLACEHOLDER,
    canonical_text,
    canonicalize_masks,
    has_placeholder,
    join_segmented,
    join_spaced_chars,
    normalize_for_model,
    realize_masks,
    tidy_whitespace,
)

SOURCES: tuple[str, ...] = ("tf5", "tf8", "fbs", "nus", "sms800k", "lccc", "tgspam", "cofacts", "synthetic")
PERSONAL_SOURCES: tuple[str, ...] = ("nus", "lccc")  # personal SMS / chat: the false-alarm figure that matters

TF8_LABELS = {1: "impersonate_police", 2: "loan_credit", 3: "fake_customer_service", 4: "impersonate_acquaintance",
              5: "task_rebate", 6: "romance", 7: "game_trading"}
FBS_LABELS: dict[str, str | None] = {
    "AD_Loan": "normal", "AD_Network_service": "normal", "AD_Other": "normal", "AD_Real_estate": "normal",
    "AD_Retail": "normal", "Other": "normal",
    "FR_Financial": "fake_investment", "FR_Other": "phishing", "FR_Phishing_Bank": "phishing",
    "FR_Phishing_Other": "phishing",
    "IL_Escort_service": "illegal_service", "IL_Fake_ID_and_invoice": "illegal_service",
    "IL_Gambling": "illegal_service", "IL_Political_propaganda": None,
}

_LOAN_OFFER = re.compile(r"贷款|信贷|车贷|房贷|借款|放款|下款|信用贷|无抵押|低息|提额|套现|"
                         r"代办信用卡|办信用卡|信用卡办理|急用钱|网贷")
_SPAM_REVIEW = re.compile(
    r"发票|开票|办证|证件|刻章|印章|职称|文凭|学历|赌|博彩|彩票|六合|时时彩|百家乐|棋牌|娱乐城|真人|美女|靓女|小姐|"
    r"按摩|上门|特殊服务|中奖|奖金|幸运|获得|领取|积分|兑换|验证码|密码|账户|帐户|转账|汇款|链接|点击|网址|"
    r"理财|投资|收益|股票|炒股|牛股|兼职|刷单|佣金|日赚|代还|征信|pos|POS|微信|QQ|qq"
)


# ------------------------------------------------------------------------------------------------ parsers
@dataclass(frozen=True)
class Example:
    text: str
    label: str
    source: str
    group: str


@dataclass(frozen=True)
class RawRow:
    """A parsed row before normalisation: its text, label, source, and the group the data itself gives."""

    text: str
    label: str
    source: str
    base_group: str


def read_text_file(path: Path) -> str:
    """UTF-8, or GB18030 for the one legacy file (label04-last.csv); BOM tolerated."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def read_content_csv(path: Path) -> Iterator[tuple[str, str]]:
    """telecom_fraud_texts: ``content,label`` with a header; quoted fields may span lines."""
    reader = csv.reader(io.StringIO(read_text_file(path), newline=""))
    header = next(reader, None)
    if header is None:
        return
    if [h.strip().lower() for h in header[:2]] != ["content", "label"]:
        raise ValueError(f"{path}: expected header 'content,label', got {header!r}")
    for row in reader:
        if len(row) >= 2:
            yield ",".join(row[:-1]), row[-1].strip()
        elif len(row) == 1:
            yield row[0], ""


def parse_tf5(folder: Path) -> Iterator[RawRow]:
    """Only ``label00`` (normal): the _5 fraud files are subsets of _8's and are read from there."""
    path = folder / "label00-last.csv"
    if not path.exists():
        return
    for i, (text, _label) in enumerate(read_content_csv(path)):
        if _LOAN_OFFER.search(text):
            continue  # the advertising rule (module docstring)
        yield RawRow(text, "normal", "tf5", f"tf5:{i}")


def parse_tf8(folder: Path) -> Iterator[RawRow]:
    for path in sorted(folder.glob("label*-*.csv")):
        m = re.match(r"label(\d+)-", path.name)
        if not m or int(m.group(1)) not in TF8_LABELS:
            continue
        label = TF8_LABELS[int(m.group(1))]
        for i, (text, _label) in enumerate(read_content_csv(path)):
            yield RawRow(text, label, "tf8", f"tf8:{m.group(1)}:{i}")


def _fbs_label(stem: str, text: str) -> str | None:
    label = FBS_LABELS.get(stem)
    if stem == "FR_Other" and "URL" not in text:
        return None
    return label


def parse_fbs(folder: Path) -> Iterator[RawRow]:
    """One message per line, file name = class, word-segmented: masks first, then re-join CJK tokens."""
    for path in sorted(folder.glob("*.txt")):
        if path.stem not in FBS_LABELS:
            continue
        for i, line in enumerate(read_text_file(path).splitlines()):
            label = _fbs_label(path.stem, line)
            if label is None or not line.strip():
                continue
            # Canonical placeholders are non-Latin, so "NAME NAME" joins to two adjacent values.
            text = join_segmented(canonicalize_masks(line))
            if path.stem.startswith("AD_") and _LOAN_OFFER.search(text):
                continue
            yield RawRow(text, label, "fbs", f"fbs:{path.stem}:{i}")


def parse_nus(folder: Path) -> Iterator[RawRow]:
    path = folder / "nus_sms_zh.csv"
    if not path.exists():
        return
    reader = csv.DictReader(io.StringIO(read_text_file(path), newline=""))
    missing = {"user_id", "text"} - set(reader.fieldnames or ())
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    for row in reader:
        yield RawRow(row["text"] or "", "normal", "nus", f"nus:{row['user_id']}")


def parse_sms800k(folder: Path) -> Iterator[RawRow]:
    """``label,text`` without quoting: split at the first comma only."""
    path = folder / "dataset.csv"
    if not path.exists():
        return
    for i, line in enumerate(read_text_file(path).splitlines()):
        label, sep, text = line.partition(",")
        if not sep or label.strip() not in ("0", "1"):
            continue
        if label.strip() == "1" and (_LOAN_OFFER.search(text) or _SPAM_REVIEW.search(text)):
            continue  # unreviewed spam: keep only plain advertising (see module docstring)
        yield RawRow(text, "normal", "sms800k", f"sms800k:{i}")


def parse_lccc(folder: Path) -> Iterator[RawRow]:
    """Utterances of the two-turn txt files and the multi-turn json; multi-turn dialogues also joined whole."""
    for name in ("toy_train.txt", "toy_valid.txt"):
        path = folder / name
        if not path.exists():
            continue
        for i, line in enumerate(read_text_file(path).splitlines()):
            group = f"lccc:{path.stem}:{i}"
            for utterance in line.split("\t"):
                yield RawRow(join_spaced_chars(utterance), "normal", "lccc", group)
    path = folder / "toy_data.json"
    if path.exists():
        data = json.loads(read_text_file(path))
        for split in sorted(data):
            for i, dialogue in enumerate(data[split]):
                group = f"lccc:json:{split}:{i}"
                turns = [join_spaced_chars(u) for u in dialogue if isinstance(u, str)]
                for turn in turns:
                    yield RawRow(turn, "normal", "lccc", group)
                if len(turns) >= 3:
                    yield RawRow("\n".join(turns), "normal", "lccc", group)


# tg_spam_zh: real Telegram/IM spam, labelled spam/not-spam only. Spam is not fraud, so a spam row is kept only
# when it is plainly one of our classes: 断卡 / money-mule and account-rental recruitment (收卡, 公户, 盾卡, 跑分,
# 账密 租号 上号 …) → card_trafficking; gambling, sex services and personal-data selling → illegal_service.
# Everything else (obfuscated ads whose offer cannot be read, job lures of unknown kind) is dropped unreviewed.
_TG_CARD = re.compile(
    r"收卡|卡商|卡农|公户|对公|盾卡|U盾|手银|[四五六]件套|银行卡|(收|租|借|买|卖|出|求购)[^，。,\s]{0,3}(卡|户|号)|跑分|码商|"
    r"接码|账密|租号|上号|号主|号商|收.{0,4}(微信|支付宝|QQ|抖音|陌陌)号?|走账|过账|代收|代付|收款码", re.IGNORECASE)
_TG_ILLEGAL = re.compile(
    r"博彩|投注|菠菜|棋牌|彩票|上分|下分|百家乐|娱乐城|首充|彩金|老虎机|电子游戏|体育|真人|赌|哈希|盘口|"
    r"私密|裸|上门|约炮|资源|色|妹|少女|福利|视频|看P|楼凤|外围|包夜|温柔体贴|"
    r"开房记录|定位|机主|户籍|社工|查档|身份证|[三四]要素|名下", re.IGNORECASE)


def _tg_label(text: str) -> str | None:
    folded = unicodedata.normalize("NFKC", text)
    if _TG_CARD.search(folded):
        return "card_trafficking"
    if _TG_ILLEGAL.search(folded):
        return "illegal_service"
    return None


def parse_tgspam(folder: Path) -> Iterator[RawRow]:
    """``target,input`` (1 = spam). Normal rows stay normal; spam rows only by the rule above."""
    for name in ("train.csv", "eval.csv"):
        path = folder / name
        if not path.exists():
            continue
        reader = csv.DictReader(io.StringIO(read_text_file(path), newline=""))
        for i, row in enumerate(reader):
            text = row.get("input") or ""
            label = "normal" if row.get("target") == "0" else _tg_label(text)
            if label is not None:
                yield RawRow(text, label, "tgspam", f"tgspam:{path.stem}:{i}")


# cofacts_rumors_dev: real LINE forwards from Taiwan with topic tags, not verdicts. Tag 10 (免費訊息詐騙) with a
# link that is not LINE's own sticker shop or news → phishing (free-gift lures that harvest accounts); tag 10
# without such a link, 13 (ads, some 家庭代工 job scams) and 14 (only a URL) are dropped; every other tag
# (health, politics, news, policy …) is a long genuine forward → normal.
_COFACTS_LINK = re.compile(r"https?://(?!(?:today\.)?line\.me/|www\.youtube\.com/)\S+|bit\.ly/\S+|goo\.gl/\S+")


def parse_cofacts(folder: Path) -> Iterator[RawRow]:
    path = folder / "dev.csv"
    if not path.exists():
        return
    reader = csv.DictReader(io.StringIO(read_text_file(path), newline=""))
    for row in reader:
        tag, text = (row.get("label") or "").strip(), row.get("text") or ""
        if tag in ("13", "14"):
            continue
        if tag == "10":
            if not _COFACTS_LINK.search(text):
                continue
            label = "phishing"
        else:
            label = "normal"
        yield RawRow(text, label, "cofacts", f"cofacts:{row.get('id')}")


PARSERS = {
    "telecom_fraud_texts_5": parse_tf5,
    "telecom_fraud_texts_8": parse_tf8,
    "fbs_sms": parse_fbs,
    "nus_sms_zh": parse_nus,
    "sms800k_sample50k": parse_sms800k,
    "lccc_toy": parse_lccc,
    "tg_spam_zh": parse_tgspam,
    "cofacts_rumors_dev": parse_cofacts,
}


def read_raw_rows(data_dir: Path) -> list[RawRow]:
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise FileNotFoundError(f"data folder not found: {data_dir}")
    rows: list[RawRow] = []
    for folder, parser in PARSERS.items():
        if (data_dir / folder).is_dir():
            rows.extend(parser(data_dir / folder))
    if not rows:
        raise ValueError(f"{data_dir}: none of the expected data folders ({', '.join(PARSERS)}) holds rows")
    return rows


@dataclass
class _Row:
    canonical: str
    label: str
    source: str
    base_group: str


def _clean_rows(rows: Iterable[RawRow]) -> list[_Row]:
    """Normalise, drop empties, drop texts seen under two labels, keep the first copy of each text.

    Texts are compared without whitespace, so a segmented and an unsegmented copy are one text.
    """
    labels_of: dict[str, set[str]] = defaultdict(set)
    cleaned: list[tuple[str, _Row]] = []
    for row in rows:
        canonical = canonical_text(row.text)
        if not _has_content(canonical):
            continue
        key = "".join(canonical.split())
        labels_of[key].add(row.label)
        cleaned.append((key, _Row(canonical, row.label, row.source, row.base_group)))
    seen: set[str] = set()
    out: list[_Row] = []
    for key, row in cleaned:
        if len(labels_of[key]) > 1 or key in seen:
            continue
        seen.add(key)
        out.append(row)
    return out


_CONTENT = re.compile(rf"[{_CJK}A-Za-z0-9]")


def _has_content(canonical: str) -> bool:
    return bool(_CONTENT.search(_PLACEHOLDER.sub("", canonical)) or _PLACEHOLDER.search(canonical))


# ----------------------------------------------------------------------------------- near-duplicate groups
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def _shingle_hashes(texts: list[str], k: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of character k-grams of every text (whitespace removed), vectorised; returns (hashes, starts)."""
    compact = ["".join(t.split()) for t in texts]
    lengths = np.fromiter((len(t) for t in compact), dtype=np.int64, count=len(compact))
    codes = np.frombuffer("".join(compact).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    n_grams = np.maximum(lengths - (k - 1), 1)
    gram_starts = np.concatenate(([0], np.cumsum(n_grams)[:-1]))
    total = int(n_grams.sum())
    owner = np.repeat(np.arange(len(texts)), n_grams)
    pos = starts[owner] + (np.arange(total) - gram_starts[owner])
    h = np.zeros(total, dtype=np.uint64)
    mult = np.uint64(0x100000001B3)
    with np.errstate(over="ignore"):
        for j in range(k):
            idx = pos + j
            valid = idx < ends[owner]
            c = np.where(valid, codes[np.minimum(idx, len(codes) - 1)] if len(codes) else 0, 0).astype(np.uint64)
            h = (h ^ (c + np.uint64(j + 1))) * mult
    return h, gram_starts


def _placeholder_char(m: re.Match[str]) -> str:
    return chr(0xE000 + sum(map(ord, m.group(1))) % 4096)


def near_duplicate_pairs(texts: list[str], *, threshold: float = 0.5, min_chars: int = 10,
                         bands: int = 10, rows: int = 2) -> list[tuple[int, int]]:
    """Pairs (i, j) with character 3-gram Jaccard ≥ threshold, found by MinHash LSH and verified exactly.

    10 bands × 2 rows find a pair at Jaccard 0.5 with probability ≈ 0.94 (20 bands: 0.997, +3 % pairs). Any
    change here regroups and therefore reshuffles the whole split: the shipped model was trained on this one
    (``Splits.fingerprint``), so change it only together with retraining.

    Texts shorter than ``min_chars`` take no part: short replies ("好的呀") would otherwise chain unrelated
    senders together; exact duplicates are already gone.
    """
    # A placeholder counts as one character, so "⟦NAME⟧…⟦URL⟧" skeletons do not look alike by their brackets.
    compact = ["".join(_PLACEHOLDER.sub(_placeholder_char, t).split()) for t in texts]
    eligible = [i for i, t in enumerate(compact) if len(t) >= min_chars]
    if len(eligible) < 2:
        return []
    sub = [compact[i] for i in eligible]
    hashes, starts = _shingle_hashes(sub)
    rng = np.random.default_rng(20240513)
    n_perm = bands * rows
    a = rng.integers(1, 2**63, size=n_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=n_perm, dtype=np.uint64)
    sig = np.empty((n_perm, len(sub)), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for p in range(n_perm):
            sig[p] = np.minimum.reduceat(hashes * a[p] + b[p], starts)
    ends = np.append(starts[1:], len(hashes))
    sets_cache: dict[int, set[int]] = {}

    def shingles(i: int) -> set[int]:
        s = sets_cache.get(i)
        if s is None:
            s = sets_cache[i] = set(hashes[starts[i]:ends[i]].tolist())
        return s

    parent = list(range(len(sub)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    pairs: list[tuple[int, int]] = []
    for band in range(bands):
        keys = sig[band * rows:(band + 1) * rows]
        combined = keys[0]
        with np.errstate(over="ignore"):
            for r in range(1, rows):
                combined = combined * np.uint64(0x9E3779B97F4A7C15) ^ keys[r]
        order = np.argsort(combined, kind="stable")
        sorted_keys = combined[order]
        boundaries = np.flatnonzero(np.diff(sorted_keys)) + 1
        for bucket in np.split(order, boundaries):
            if len(bucket) < 2:
                continue
            rep = int(bucket[0])
            rep_set = shingles(rep)
            for other in bucket[1:].tolist():
                if find(rep) == find(other):
                    continue
                other_set = shingles(other)
                inter = len(rep_set & other_set)
                if inter / (len(rep_set) + len(other_set) - inter) >= threshold:
                    parent[find(other)] = find(rep)
                    pairs.append((eligible[rep], eligible[other]))
    return pairs


def _assign_groups(rows: list[_Row]) -> list[str]:
    """Union of the data's own groups (sender, dialogue) and near-duplicate links; a stable name per group."""
    parent = list(range(len(rows)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: int, y: int) -> None:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)

    first_of: dict[str, int] = {}
    for i, row in enumerate(rows):
        j = first_of.setdefault(row.base_group, i)
        if j != i:
            union(i, j)
    for i, j in near_duplicate_pairs([r.canonical for r in rows]):
        union(i, j)
    return [rows[find(i)].base_group for i in range(len(rows))]


def load_examples(data_dir: Path) -> list[Example]:
    """Every set, parsed, normalised (masks realised), deduplicated, with its group."""
    rows = _clean_rows(read_raw_rows(Path(data_dir)))
    groups = _assign_groups(rows)
    return [Example(realize_masks(r.canonical), r.label, r.source, g) for r, g in zip(rows, groups, strict=True)]
