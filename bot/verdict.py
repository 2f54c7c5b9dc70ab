"""The ``Verdict``: what the checker concludes, as plain data.

No user-facing words live here: ``bot.render`` turns a Verdict into text per language. Evidence items
carry a ``kind`` and a ``detail`` dict of facts (numbers, names, probabilities) the renderer words.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class RiskLevel(StrEnum):
    HIGH = "high"              # 高风险
    SUSPICIOUS = "suspicious"  # 可疑
    LOW = "low"                # 未发现明显风险 — never "safe": the bot cannot prove safety


class EvidenceKind(StrEnum):
    BLOCKLIST = "blocklist"            # on the blocklist (detail: e164, category_key, added_at, reporters, evidence)
    ALLOWLIST = "allowlist"            # official number (detail: e164, owner)
    IMPERSONATION = "impersonation"    # names an allowlisted org, gives another number/site (detail: org, number|url)
    NUMBER_SIGNAL = "number_signal"    # MVNO / overseas / spoof-like (detail: e164, signal, reason)
    MODEL = "model"                    # classifier (detail: fraud_probability, category_key)
    PHRASE = "phrase"                  # rule phrase with span (detail: phrase, rule, category_key)
    CARD_TRAFFICKING = "card_trafficking"  # 断卡 recruitment rule (detail: rule, phrase)
    URL = "url"                        # a link found (detail: url, domain)
    RISKY_LINK = "risky_link"          # a link risky by its shape: lookalike, shortener, IP (detail: domain, reason)
    FORWARD = "forward"                # forward metadata (detail: origin: user|hidden_user|chat|channel, title?)


@dataclass(frozen=True)
class Span:
    """Character offsets into the text the user sent (Python str indices, end exclusive)."""

    start: int
    end: int
    text: str


@dataclass
class Evidence:
    kind: EvidenceKind
    detail: dict[str, Any] = field(default_factory=dict)
    span: Span | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": str(self.kind), "detail": self.detail}
        if self.span is not None:
            out["span"] = asdict(self.span)
        return out


@dataclass
class NumberReport:
    """One number found in the input, with its facts and list status."""

    raw: str
    e164: str | None
    type: str
    region: str | None
    carrier: str | None
    location: str | None
    signals: list[dict[str, str]] = field(default_factory=list)  # [{"signal": key, "reason": text}]
    blocklisted: dict[str, Any] | None = None  # entry facts when on the blocklist (and not expired)
    allowlisted: dict[str, Any] | None = None  # {"owner": ..., "aliases": [...]} when official
    span: Span | None = None

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["blocklisted"] = self.blocklisted is not None
        out["blocklist_entry"] = self.blocklisted
        out["allowlisted"] = self.allowlisted is not None
        out["allowlist_entry"] = self.allowlisted
        return out


class Stage(StrEnum):
    """The steps of a text check, in the order they run (``bot.check``)."""

    NUMBERS = "numbers"              # numbers found in the text
    LISTS = "lists"                  # blocklist and allowlist look-ups
    LINKS = "links"                  # links and their domains
    RULES = "rules"                  # phrase and 断卡 rules
    IMPERSONATION = "impersonation"  # an official name with someone else's contact
    MODEL = "model"                  # the classifier


class SkipReason(StrEnum):
    """Why a stage gave nothing to a verdict."""

    BUDGET = "budget"                          # the check's time budget was spent before the stage began
    MODEL_UNAVAILABLE = "model_unavailable"    # the classifier failed (down, stuck, restarting)


class Advice(StrEnum):
    """Advice keys; ``bot.render`` words them per language."""

    NO_TRANSFER = "no_transfer"              # 不要转账汇款
    NO_CODES = "no_codes"                    # 不要提供验证码、密码
    NO_SCREEN_SHARE = "no_screen_share"      # 不要共享屏幕、不要下载陌生APP
    CALL_OFFICIAL = "call_official"          # 挂断后自行拨打官方号码核实
    VERIFY_IN_PERSON = "verify_in_person"    # 熟人借钱：电话或当面核实
    NO_LINKS = "no_links"                    # 不要点击链接
    POLICE_NO_TRANSFER = "police_no_transfer"  # 公检法不会电话办案，没有"安全账户"
    LOAN_NO_FEES = "loan_no_fees"            # 正规贷款放款前不收费
    TASK_SCAM = "task_scam"                  # 刷单就是诈骗
    PRIZE_NO_FEE = "prize_no_fee"            # 真中奖不用先交钱，先交费才能领奖的是诈骗
    INVESTMENT_NO_GUARANTEE = "investment_no_guarantee"  # 稳赚不赔、导师带单是骗局，别在对方的平台充钱
    ROMANCE_NO_MONEY = "romance_no_money"    # 没见过面的网友一谈钱、投资就是骗局
    GAME_OFFICIAL_PLATFORM = "game_official_platform"  # 游戏交易只走官方平台，不私下转账
    CREDIT_RECORD = "credit_record"          # 征信不能花钱修复或注销，只向人民银行征信中心查
    ILLEGAL_SERVICE = "illegal_service"      # 赌博、假证、代开发票本身违法，钱要不回来
    CARD_CRIME = "card_crime"                # 出租出售银行卡、电话卡、账号是犯罪（帮信罪）
    CALL_96110 = "call_96110"                # 拿不准就打 96110 咨询
    CALL_110 = "call_110"                    # 已转账：立即报警 110
    REPORT_APP = "report_app"                # 在国家反诈中心 APP 举报
    CANNOT_PROVE_SAFE = "cannot_prove_safe"  # 未发现明显风险不等于安全


@dataclass
class Verdict:
    risk_level: RiskLevel
    category_key: str | None = None
    confidence: float = 0.0
    fraud_probability: float | None = None  # None when the model did not run (bare number, model off)
    numbers: list[NumberReport] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    advice: list[Advice] = field(default_factory=list)
    input_kind: str = "text"  # "text" or "number"
    # Stages that did not contribute, and why: the verdict rests on the others only, and says so.
    skipped_stages: dict[Stage, SkipReason] = field(default_factory=dict)

    @property
    def partial(self) -> bool:
        """Some stage of the check did not run: the verdict was given from what finished."""
        return bool(self.skipped_stages)

    @property
    def category(self) -> str | None:
        """The category's Chinese name from the shared list."""
        if self.category_key is None:
            return None
        from bot.categories import BY_KEY

        return BY_KEY[self.category_key].zh

    def to_json(self) -> dict[str, Any]:
        """The verdict's facts, free of words (advice as keys): ``bot.render.verdict_json`` adds the sentences."""
        return {
            "risk_level": str(self.risk_level),
            "category": self.category,
            "category_key": self.category_key,
            "confidence": round(self.confidence, 4),
            "fraud_probability": None if self.fraud_probability is None else round(self.fraud_probability, 4),
            "numbers": [n.to_json() for n in self.numbers],
            "evidence": [e.to_json() for e in self.evidence],
            "advice_keys": [str(a) for a in self.advice],
            "input_kind": self.input_kind,
            "partial": self.partial,
            "skipped_stages": {str(stage): str(reason) for stage, reason in self.skipped_stages.items()},
        }


@dataclass(frozen=True)
class VerdictSummary:
    """A verdict's gist, the one shape every layer passes on (stored check, report, feedback, moderation):
    level, category, probability and the kinds of evidence, never the text or the numbers."""

    risk_level: str
    category_key: str | None = None
    fraud_probability: float | None = None
    evidence_kinds: tuple[str, ...] = ()
    input_kind: str = "text"

    @classmethod
    def of(cls, verdict: Verdict) -> VerdictSummary:
        return cls(risk_level=str(verdict.risk_level), category_key=verdict.category_key,
                   fraud_probability=verdict.fraud_probability,
                   evidence_kinds=tuple(sorted({str(e.kind) for e in verdict.evidence})),
                   input_kind=verdict.input_kind)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> VerdictSummary:
        """From a stored summary, or from a whole ``Verdict.to_json()`` (its evidence list gives the kinds)."""
        data = data or {}
        kinds = data.get("evidence_kinds")
        if kinds is None:
            kinds = {e.get("kind") for e in data.get("evidence") or () if isinstance(e, dict) and e.get("kind")}
        return cls(risk_level=str(data.get("risk_level") or "unknown"), category_key=data.get("category_key"),
                   fraud_probability=data.get("fraud_probability"),
                   evidence_kinds=tuple(sorted(str(k) for k in kinds)), input_kind=data.get("input_kind") or "text")

    def to_json(self) -> dict[str, Any]:
        return {"risk_level": self.risk_level, "category_key": self.category_key,
                "fraud_probability": self.fraud_probability, "evidence_kinds": list(self.evidence_kinds),
                "input_kind": self.input_kind}
