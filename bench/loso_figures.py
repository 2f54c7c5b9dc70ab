"""Leave-one-source-out figures from a training run's ``outputs_test.jsonl`` (``fanzha train --leave-out SOURCE``).

The transformer never saw the left-out source (nor any near-duplicate of it): how much of that source's fraud
does it flag at ``fraud_probability ≥ 0.5``, is the fraud type right, and how many of the source's normal rows
does it flag? The other real sources' test rows show it kept its footing elsewhere (the synthetic slice is left
out: its register-shifted copies come from the left-out rows as well).

    python -m bench.loso_figures runs/v2_leave_tf8 --source tf8

Writes ``bench/results/eval/loso_<source>.json`` (``--out`` to change) and prints one Markdown table row.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from nlp.labels import FRAUD_LABELS, LABELS, decide

RESULTS = Path(__file__).parent / "results" / "eval"


def figures(outputs: Path, source: str) -> dict[str, float | int | None]:
    rows = [json.loads(line) for line in outputs.read_text(encoding="utf-8").splitlines() if line.strip()]
    tally: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        labels = [lab for lab in LABELS if lab in row["scores"]]
        _label, category, p = decide(labels, [row["scores"][lab] for lab in labels])
        if row["source"] == "synthetic":
            continue  # the synthetic slice holds register-shifted copies of the left-out rows too: neither side
        side = "left_out" if row["source"] == source else "others"
        kind = "fraud" if row["label"] in FRAUD_LABELS else "normal" if row["label"] == "normal" else "illegal"
        tally[side][kind] += 1
        tally[side][f"{kind}_flagged"] += p >= 0.5
        if kind == "fraud" and p >= 0.5 and category == row["label"]:
            tally[side]["fraud_category_right"] += 1

    def share(side: str, part: str, whole: str) -> float | None:
        return round(tally[side][part] / tally[side][whole], 4) if tally[side][whole] else None

    return {"source": source, "left_out_fraud_rows": tally["left_out"]["fraud"],
            "left_out_fraud_recall": share("left_out", "fraud_flagged", "fraud"),
            "left_out_category_right": share("left_out", "fraud_category_right", "fraud"),
            "left_out_normal_rows": tally["left_out"]["normal"],
            "left_out_normal_flagged": share("left_out", "normal_flagged", "normal"),
            "others_fraud_recall": share("others", "fraud_flagged", "fraud"),
            "others_normal_flagged": share("others", "normal_flagged", "normal")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="the training run's folder (with outputs_test.jsonl)")
    parser.add_argument("--source", required=True)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    result = figures(args.run / "outputs_test.jsonl", args.source)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"loso_{args.source}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"| {args.source} | {result['left_out_fraud_rows']} | {result['left_out_fraud_recall']} | "
          f"{result['left_out_category_right']} | {result['left_out_normal_flagged']} | "
          f"{result['others_fraud_recall']} | {result['others_normal_flagged']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
