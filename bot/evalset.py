"""The real-register evaluation set (``data/eval/``): verdict-level figures that nothing trains on.

In-split test figures measure how well a model recognises each training source's style. What users need is
the right level on messages written unlike those sources: bank notices, terse official-looking SMS, OCR'd
chat logs, warnings, ordinary money talk, 断卡 recruitment in Taiwan / Hong Kong wording, English scams aimed at
Chinese speakers abroad. ``data/eval/*.jsonl`` holds such messages, written independently of the training
data and its augmentation (see ``data/eval/README.md``); this module scores the *whole* checker on them (lists,
rules, model, policy: the level a user would see) per register and script, beside the model alone (the
transformer, its TF-IDF peer, the shipped ensemble) at the policy's thresholds.

Labels: ``scam`` (a fraud attempt or 断卡 recruitment), ``normal``, ``warning`` (harmless text that names scam
tactics: anti-fraud notices, news, safety tips, retold escapes). Warnings count as normal in false-positive
rates and are also reported alone, since a warning rated high is the worst false alarm there is.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import PROJECT_ROOT
from bot.policy import MODEL_HIGH, MODEL_SUSPICIOUS
from bot.verdict import RiskLevel, Verdict

EVAL_DIR = PROJECT_ROOT / "data" / "eval"
LABELS = ("scam", "normal", "warning")
SCRIPTS = ("hans", "hant", "en")
FIELDS = ("id", "text", "label", "category", "register", "script", "region", "note")


def half(row_id: str) -> str:
    """"tune" or "holdout", fixed by the id: rules and thresholds may be looked at against the tune half's
    misses only, and the holdout half says whether what was changed generalises."""
    return "tune" if int(hashlib.blake2b(row_id.encode(), digest_size=4).hexdigest(), 16) % 2 == 0 else "holdout"


@dataclass(frozen=True)
class EvalRow:
    id: str
    text: str
    label: str
    category: str | None
    register: str
    script: str
    region: str
    note: str = ""


def load_eval_set(folder: Path | str = EVAL_DIR) -> list[EvalRow]:
    """Every ``*.jsonl`` row of the folder; a ``ValueError`` names the file and line of a malformed row."""
    from bot.categories import BY_KEY

    rows: list[EvalRow] = []
    seen: set[str] = set()
    for path in sorted(Path(folder).glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path.name} line {number}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{where}: not valid JSON ({exc.msg})") from None
            if not isinstance(obj, dict) or set(obj) != set(FIELDS):
                raise ValueError(f"{where}: expected exactly the keys {', '.join(FIELDS)}")
            if obj["label"] not in LABELS or obj["script"] not in SCRIPTS:
                raise ValueError(f"{where}: label must be one of {LABELS} and script one of {SCRIPTS}")
            if obj["category"] is not None and obj["category"] not in BY_KEY:
                raise ValueError(f"{where}: unknown category {obj['category']!r}")
            if (obj["label"] == "scam") != (obj["category"] is not None):
                raise ValueError(f"{where}: a scam needs a category, and only a scam has one")
            if not isinstance(obj["text"], str) or not obj["text"].strip():
                raise ValueError(f"{where}: empty text")
            if obj["id"] in seen:
                raise ValueError(f"{where}: duplicate id {obj['id']!r}")
            seen.add(obj["id"])
            rows.append(EvalRow(**{k: obj[k] for k in FIELDS}))
    if not rows:
        raise ValueError(f"no evaluation rows in {folder}")
    return rows


# --------------------------------------------------------------------------------------------- scoring
_RANK = {RiskLevel.LOW: 0, RiskLevel.SUSPICIOUS: 1, RiskLevel.HIGH: 2}


def _model_rank(p: float | None) -> int:
    if p is None:
        return 0
    return 2 if p >= MODEL_HIGH else 1 if p >= MODEL_SUSPICIOUS else 0


@dataclass
class Tally:
    """Counts of one slice for one system: ranks 0 (low) / 1 (suspicious) / 2 (high) per label."""

    n: dict[str, int]
    high: dict[str, int]
    flagged: dict[str, int]  # high or suspicious
    category_right: int = 0

    @classmethod
    def empty(cls) -> Tally:
        return cls(defaultdict(int), defaultdict(int), defaultdict(int))

    def add(self, label: str, rank: int, category_right: bool = False) -> None:
        self.n[label] += 1
        self.high[label] += rank >= 2
        self.flagged[label] += rank >= 1
        self.category_right += category_right

    def figures(self) -> dict[str, Any]:
        def share(part: dict[str, int], *labels: str) -> float | None:
            total = sum(self.n[x] for x in labels)
            return round(sum(part[x] for x in labels) / total, 4) if total else None

        return {
            "scams": self.n["scam"], "normals": self.n["normal"] + self.n["warning"],
            "warnings": self.n["warning"],
            "scam_high": share(self.high, "scam"), "scam_flagged": share(self.flagged, "scam"),
            "normal_high": share(self.high, "normal", "warning"),
            "normal_flagged": share(self.flagged, "normal", "warning"),
            "warning_high": share(self.high, "warning"),
            "category_right": round(self.category_right / self.n["scam"], 4) if self.n["scam"] else None,
        }


def score(rows: Sequence[EvalRow], verdicts: Sequence[Verdict],
          model_probs: dict[str, Sequence[float | None]] | None = None) -> dict[str, Any]:
    """Figures per system ("verdict" plus each model-only column) × slice (all, register, script)."""
    systems: dict[str, list[int]] = {"verdict": [_RANK[v.risk_level] for v in verdicts]}
    for name, probs in (model_probs or {}).items():
        systems[name] = [_model_rank(p) for p in probs]
    out: dict[str, Any] = {}
    for system, ranks in systems.items():
        slices: dict[str, Tally] = defaultdict(Tally.empty)
        for i, (row, rank) in enumerate(zip(rows, ranks, strict=True)):
            right = system == "verdict" and row.label == "scam" and verdicts[i].category_key == row.category
            for key in ("all", f"half:{half(row.id)}", f"register:{row.register}", f"script:{row.script}"):
                slices[key].add(row.label, rank, right)
        out[system] = {key: tally.figures() for key, tally in sorted(slices.items())}
    return out


def misses(rows: Sequence[EvalRow], verdicts: Sequence[Verdict], limit: int = 40) -> dict[str, list[dict]]:
    """Examples of what went wrong on the tune half (scams rated low, normals rated high, warnings flagged)."""
    pairs = [(r, v) for r, v in zip(rows, verdicts, strict=True) if half(r.id) == "tune"]
    low_scams = [r for r, v in pairs if r.label == "scam" and v.risk_level == RiskLevel.LOW]
    high_normals = [r for r, v in pairs if r.label != "scam" and v.risk_level != RiskLevel.LOW]
    return {"scams_rated_low": [{"id": r.id, "register": r.register, "text": r.text[:160]}
                                for r in low_scams[:limit]],
            "normals_flagged": [{"id": r.id, "register": r.register, "text": r.text[:160]}
                                for r in high_normals[:limit]]}


# ----------------------------------------------------------------------------------------------- report
_COLUMNS = (("scams", "scams"), ("scam_high", "high"), ("scam_flagged", "high+susp"),
            ("normals", "normals"), ("normal_high", "FP high"), ("normal_flagged", "FP high+susp"),
            ("warning_high", "warnings high"))


def _pct(value: Any) -> str:
    return "–" if value is None else f"{100 * value:.1f}%" if isinstance(value, float) else str(value)


def report_markdown(figures: dict[str, Any], *, title: str, context: Iterable[str] = ()) -> str:
    lines = [f"# {title}", "", *context, ""]
    for system, slices in figures.items():
        lines += [f"## {system}", "", "| slice | " + " | ".join(h for _, h in _COLUMNS) + " |",
                  "|---|" + "---:|" * len(_COLUMNS)]
        for key, fig in slices.items():
            lines.append(f"| {key} | " + " | ".join(_pct(fig[c]) for c, _ in _COLUMNS) + " |")
        lines.append("")
    return "\n".join(lines)


class FixedAnswers:
    """A ``Classifier`` that answers from predictions computed beforehand (one model pass per text)."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers

    def predict(self, texts: list[str]) -> list[Any]:
        return [self.answers[t] for t in texts]


def evaluate(rows: Sequence[EvalRow], lists: Any, classifier: Any | None,
             progress: Callable[[int], None] | None = None) -> tuple[dict[str, Any], list[Verdict]]:
    """Verdicts for every row (the real checker over ``lists``) and the figures of ``score``.

    With an ``EnsembleClassifier`` the transformer and the peer are also scored alone; every model pass is
    made once and shared by the columns.
    """
    from bot.check import Checker

    texts = [r.text for r in rows]
    model_probs: dict[str, list[float | None]] = {}
    fixed = None
    if classifier is not None:
        if hasattr(classifier, "component_proba"):
            from nlp.ensemble import combine

            p_t, p_p = classifier.component_proba(texts)
            p_e = combine(p_t, p_p, classifier.weight, classifier.method)
            preds = classifier.predictions(p_e)
            model_probs["transformer"] = [p.fraud_probability for p in classifier.predictions(p_t)]
            model_probs["peer"] = [p.fraud_probability for p in classifier.predictions(p_p)]
        else:
            preds = classifier.predict(texts)
        model_probs["model"] = [p.fraud_probability for p in preds]
        fixed = FixedAnswers(dict(zip(texts, preds, strict=True)))
    checker = Checker(lists, fixed)
    try:
        verdicts = checker.check_texts_sync(texts)
    finally:
        checker.close()
    bad = [(r.id, v) for r, v in zip(rows, verdicts, strict=True) if not isinstance(v, Verdict)]
    if bad:
        raise ValueError(f"{len(bad)} evaluation rows could not be checked, first: {bad[0][0]}: {bad[0][1]}")
    rules_only = Checker(lists, None)
    try:
        rule_verdicts = rules_only.check_texts_sync(texts)
    finally:
        rules_only.close()
    model_probs_out: dict[str, Sequence[float | None]] = dict(model_probs)
    figures = score(rows, verdicts, model_probs_out)  # type: ignore[arg-type]
    figures["rules and lists only"] = score(rows, rule_verdicts)["verdict"]  # type: ignore[arg-type]
    return figures, verdicts  # type: ignore[return-value]


def threshold_grid(rows: Sequence[EvalRow], lists: Any, classifier: Any,
                   highs: Sequence[float] = (0.8, 0.9, 0.95, 0.98, 0.99),
                   suspicious: Sequence[float] = (0.3, 0.5, 0.7, 0.8, 0.9)) -> list[dict[str, Any]]:
    """Verdict-level figures per half for each pair of model thresholds (the policy's two constants).

    The model runs once; every pair re-decides the same prepared checks. The thresholds are chosen on the tune
    half and the holdout half says whether the choice generalises.
    """
    import bot.policy as policy
    from bot.check import Checker

    texts = [r.text for r in rows]
    preds = classifier.predict(texts)
    checker = Checker(lists, FixedAnswers(dict(zip(texts, preds, strict=True))))
    saved = policy.MODEL_HIGH, policy.MODEL_SUSPICIOUS
    out: list[dict[str, Any]] = []
    try:
        for high in highs:
            for susp in suspicious:
                if susp > high:
                    continue
                policy.MODEL_HIGH, policy.MODEL_SUSPICIOUS = high, susp
                verdicts = checker.check_texts_sync(texts)
                figures = score(rows, verdicts)["verdict"]  # type: ignore[arg-type]
                out.append({"high": high, "suspicious": susp,
                            **{h: figures[f"half:{h}"] for h in ("tune", "holdout")}})
    finally:
        policy.MODEL_HIGH, policy.MODEL_SUSPICIOUS = saved
        checker.close()
    return out


# ------------------------------------------------------------------------------------------- obfuscation
_CYRILLIC_LOOKALIKES = str.maketrans("aceopxyABCEHKMOPTX", "асеорхуАВСЕНКМОРТХ")


def _spread(text: str, sep: str) -> str:
    return sep.join(text)


OBFUSCATIONS: dict[str, Callable[[str], str]] = {
    "spaces between characters": lambda text: _spread(text, " "),
    "zero-width spaces": lambda text: _spread(text, "\u200b"),
    "full-width letters and digits": lambda text: "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text),
    "Cyrillic look-alike letters": lambda text: text.translate(_CYRILLIC_LOOKALIKES),
    "dots between characters": lambda text: _spread(text, "."),
}
"""The ways scam senders disguise a text from filters (seen in real spam), applied to a whole message."""


def obfuscation_consistency(rows: Sequence[EvalRow], verdicts: Sequence[Verdict], checker: Any) -> dict[str, Any]:
    """For every scam, each disguised form's level against its clean form's: the share rated lower.

    A disguised scam must get the level of its clean form; a lower level is what the disguise was for.
    """
    scams = [(r, v) for r, v in zip(rows, verdicts, strict=True) if r.label == "scam"]
    out: dict[str, Any] = {}
    for name, disguise in OBFUSCATIONS.items():
        texts = [disguise(r.text) for r, _ in scams]
        disguised = checker.check_texts_sync(texts)
        lower = sum(1 for (_, clean), other in zip(scams, disguised, strict=True)
                    if isinstance(other, Verdict) and _RANK[other.risk_level] < _RANK[clean.risk_level])
        out[name] = {"scams": len(scams), "rated_lower": lower,
                     "share_lower": round(lower / len(scams), 4) if scams else None}
    return out
