"""The one list of fraud categories, used by the store, the model and the verdict alike.

Each category has a stable English key (stored, sent in JSON and in callback data) and its names from the
string tables (shown to users). Every command that takes a category accepts the key or a name.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.locales import t


@dataclass(frozen=True)
class Category:
    key: str
    zh: str
    en: str
    description: str


# Keys and what each covers; the names people read come from the string tables (``cat.<key>`` in
# ``bot/locales``), the one place they are written.
_KEYS_AND_DESCRIPTIONS: tuple[tuple[str, str], ...] = (
    ("impersonate_police",
     "冒充公安、检察院、法院或政府机关，以涉案、洗钱为由要求转账到'安全账户'"),
    ("loan_credit",
     "无抵押秒批贷款、代办信用卡、提额，先收手续费/保证金/解冻费"),
    ("fake_customer_service",
     "冒充电商、快递、平台客服，以退款、理赔、关闭百万保障等为由诱导转账或共享屏幕"),
    ("impersonate_acquaintance",
     "冒充领导、老师、亲友，换号加好友后借钱或要求转账"),
    ("task_rebate",
     "刷单、点赞、做任务返佣金，先小额返利再诱导大额垫付"),
    ("fake_investment",
     "荐股群、虚假投资平台、数字货币，高收益稳赚不赔"),
    ("romance",
     "网恋交友后诱导投资、赌博或以各种理由要钱"),
    ("game_trading",
     "游戏账号、装备、点卡的虚假交易或充值"),
    ("phishing",
     "积分兑换、ETC认证、医保、补贴等钓鱼链接，骗取银行卡号、密码和验证码"),
    ("fake_credit_repair",
     "以'征信有问题''注销校园贷'为由要求转账或贷款"),
    ("card_trafficking",
     "招募出租、出售、出借银行卡、电话卡、对公账户、收付款码或社交账号（帮信罪）"),
    ("illegal_service",
     "赌博、代开发票、假证、色情等违法服务推广"),
    ("other",
     "其他诈骗类型"),
)

CATEGORIES: tuple[Category, ...] = tuple(
    Category(key, t("zh-Hans", f"cat.{key}"), t("en", f"cat.{key}"), description)
    for key, description in _KEYS_AND_DESCRIPTIONS)

BY_KEY: dict[str, Category] = {c.key: c for c in CATEGORIES}
_BY_NAME: dict[str, Category] = {}
for _c in CATEGORIES:
    for _name in (_c.key, _c.zh, _c.en.lower(), _c.zh.replace("/", "")):
        _BY_NAME[_name.lower()] = _c
_BY_NAME.update({"公检法": BY_KEY["impersonate_police"], "代办信用卡": BY_KEY["loan_credit"],
                 "贷款": BY_KEY["loan_credit"], "客服": BY_KEY["fake_customer_service"],
                 "刷单": BY_KEY["task_rebate"], "投资理财": BY_KEY["fake_investment"],
                 "钓鱼": BY_KEY["phishing"], "征信": BY_KEY["fake_credit_repair"],
                 "赌博": BY_KEY["illegal_service"]})


class UnknownCategory(ValueError):
    """Raised for a category that is neither a key nor a Chinese name of the list."""


def resolve_category(name: str) -> Category:
    """Find a category by key or Chinese name (case-insensitive; Traditional script accepted)."""
    text = (name or "").strip()
    found = _BY_NAME.get(text.lower())
    if found is None:
        from nlp.textnorm import to_simplified

        found = _BY_NAME.get(to_simplified(text).lower())
    if found is None:
        choices = "、".join(f"{c.zh}({c.key})" for c in CATEGORIES)
        raise UnknownCategory(f"unknown category {name!r}; use one of: {choices}")
    return found
