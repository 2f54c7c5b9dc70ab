"""A stand-in model for the supervision tests of ``nlp.process``, loaded in a real child process.

Supervision is about processes, not about what the model says, so the child loads this instead of torch:
a load takes a fraction of a second, and the stand-in can fail the ways a model's child does (killed while
loading, an error while loading, a load that does not finish until the test says so). It lives in its own
module so that ``spawn`` can import it in the child by name without importing the test module's torch.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Answer:
    """What the stand-in says about one text: enough to tell which child answered."""

    length: int
    pid: int


class EchoClassifier:
    def predict(self, texts: list[str]) -> list[Answer]:
        return [Answer(len(text), os.getpid()) for text in texts]


def counted_load(counter: str, die_on: tuple[int, ...] = (), fail_on: tuple[int, ...] = (),
                 gate: str | None = None, gated_from: int = 2) -> EchoClassifier:
    """Load number n (counted in the file ``counter``) is SIGKILLed if n is in ``die_on`` (as the OOM killer
    would do), raises if n is in ``fail_on``, and from ``gated_from`` on waits until the file ``gate`` exists."""
    path = Path(counter)
    n = (int(path.read_text()) if path.exists() else 0) + 1
    written = path.with_suffix(".new")
    written.write_text(str(n))
    written.replace(path)  # whole, never half-written, for the test that reads it meanwhile
    if n in die_on:
        os.kill(os.getpid(), signal.SIGKILL)
    if n in fail_on:
        raise OSError(f"load {n} failed on purpose")
    if gate is not None and n >= gated_from:
        give_up = time.monotonic() + 300
        while not Path(gate).exists():
            if time.monotonic() > give_up:
                raise TimeoutError("the test never opened the gate")
            time.sleep(0.05)
    return EchoClassifier()
