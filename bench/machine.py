"""What the benchmarks record about the machine they ran on."""

from __future__ import annotations

import contextlib
import platform
from pathlib import Path


def cpu_name() -> str:
    """The CPU model and whether it has native bfloat16: what decides the model's speed (and dtype) here."""
    from nlp.classifier import native_bf16

    name = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    return f"{name}, native bfloat16: {'yes' if native_bf16() else 'no'}"
