"""What the model process sends back costs the bot no torch: the bot's first model answer once imported torch
into the bot (the class of each answer was defined next to the model): 2–3 s of CPU while that reply waited
and about 170 MB of memory for a library the bot never uses."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

from test_classifier import TEXTS, make_classifier

RECEIVER = """
import json, pickle, sys
answers = pickle.loads(sys.stdin.buffer.read())
print(json.dumps({"torch": "torch" in sys.modules, "answers": [
    [a.label, a.category_key, a.category, a.fraud_probability, a.scores] for a in answers]}))
"""


def test_a_process_that_receives_predictions_does_not_import_torch(tiny_base: Path, labels) -> None:
    answers = make_classifier(tiny_base, labels).predict(TEXTS)
    received = subprocess.run([sys.executable, "-c", RECEIVER], input=pickle.dumps(answers), capture_output=True,
                              check=True, timeout=120)
    out = json.loads(received.stdout)
    assert out["torch"] is False
    assert out["answers"] == [[a.label, a.category_key, a.category, a.fraud_probability, a.scores]
                              for a in answers]
