"""The model's label set: one place for the class names every part of ``nlp`` uses.

``CATEGORY_ZH`` has the same names as ``bot/categories.py`` (``nlp`` must not import ``bot``;
``tests/model/test_data.py`` checks that they agree).
"""

from __future__ import annotations

from collections.abc import Sequence

NORMAL = "normal"
ILLEGAL = "illegal_service"

LABELS: tuple[str, ...] = (
    NORMAL,
    "impersonate_police",
    "loan_credit",
    "fake_customer_service",
    "impersonate_acquaintance",
    "task_rebate",
    "fake_investment",
    "romance",
    "game_trading",
    "phishing",
    "card_trafficking",
    ILLEGAL,
)
FRAUD_LABELS: tuple[str, ...] = tuple(label for label in LABELS if label not in (NORMAL, ILLEGAL))


def decide(labels: Sequence[str], row: Sequence[float]) -> tuple[str, str | None, float]:
    """(label, category key, fraud probability) from class probabilities: the one rule every model uses.

    fraud probability = 1 − P(normal) − P(illegal_service); the answer is whichever of normal / illegal /
    fraud has the most mass, and for fraud the most probable fraud type.
    """
    scores = dict(zip(labels, row, strict=True))
    p_normal = scores["normal"]
    p_illegal = scores.get("illegal_service", 0.0)
    fraud_probability = min(1.0, max(0.0, 1.0 - p_normal - p_illegal))
    groups = {"normal": p_normal, "illegal": p_illegal, "fraud": fraud_probability}
    label = max(groups, key=lambda g: groups[g])
    if label == "normal":
        return label, None, fraud_probability
    if label == "illegal":
        return label, "illegal_service", fraud_probability
    fraud_type = max((k for k in labels if k not in ("normal", "illegal_service")), key=lambda k: scores[k])
    return label, fraud_type, fraud_probability


CATEGORY_ZH: dict[str, str] = {
    "impersonate_police": "冒充公检法",
    "loan_credit": "贷款/代办信用卡",
    "fake_customer_service": "冒充客服",
    "impersonate_acquaintance": "冒充领导熟人",
    "task_rebate": "刷单返利",
    "fake_investment": "虚假投资理财",
    "romance": "婚恋交友",
    "game_trading": "游戏交易",
    "phishing": "钓鱼链接",
    "card_trafficking": "断卡",
    "illegal_service": "违法服务",
}
