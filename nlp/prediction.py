"""``Prediction``: what a classifier says about one text, in a module that imports nothing heavy.

It lives apart from ``nlp.classifier`` (which imports torch) because predictions cross a process boundary:
``nlp.process`` runs the model in a child process and pickles its ``Prediction``s back to the bot, and
unpickling imports the module that defines the class. Defined in ``nlp.classifier``, the bot's first model
answer imported torch into the bot process: 2–3 s of CPU (4–7 s of waiting on the busy 2-core machine) in
the middle of answering, while that reply and the ones behind it waited, and about 170 MB of memory for a
library the bot never calls. ``nlp.classifier.Prediction`` is this same class.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, repr=False)
class Prediction:
    """The model's threshold-free view of one text."""

    label: str  # "normal" | "fraud" | "illegal"
    category_key: str | None  # predicted fraud type key (bot.categories), None for normal
    category: str | None  # its Chinese name, None for normal
    fraud_probability: float  # 1 − P(normal) − P(illegal_service)
    scores: dict[str, float] = field(default_factory=dict)  # per class, sums to 1

    def __repr__(self) -> str:
        top = sorted(self.scores.items(), key=lambda kv: -kv[1])[:3]
        tops = ", ".join(f"{k}={v:.3f}" for k, v in top)
        return (f"Prediction(label={self.label!r}, category={self.category!r}, "
                f"fraud_probability={self.fraud_probability:.3f}, top=[{tops}])")
