"""Figures for RELIABILITY.md: each test records what it tried and what happened.

Tests assert the property themselves (so they fail when it breaks); the figures are only the
record. They are appended as JSON lines to the file named by RELIABILITY_FIGURES, when set.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field


@dataclass
class Figure:
    row: str
    tried: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str, n: int = 1) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + n

    def write(self) -> None:
        target = os.environ.get("RELIABILITY_FIGURES")
        if target:
            with open(target, "a", encoding="utf-8") as out:
                out.write(json.dumps(asdict(self)) + "\n")


def examples(default: int) -> int:
    """How many generated inputs to try; CI keeps the default, a long run raises it."""
    return int(os.environ.get("RELIABILITY_EXAMPLES", default))
