"""One measured figure of the benchmark table, and the figures of one ledger size: shared by
bench/run.py and bench/gui_probe.py (which run.py starts), so neither imports the other."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Result:
    name: str                     # Chinese, as in the table
    value: float
    unit: str                     # "s", "ms", "MB"
    floor: float | None = None
    floor_name: str = ""
    target: str = ""              # e.g. "< 0.3 s", "≤ 1.5 × 基准"
    ok: bool | None = None
    note: str = ""

    def ratio(self) -> str:
        if not self.floor:
            return ""
        return f"{self.value / self.floor:.1f}×"


@dataclass
class Run:
    size: int
    results: list[Result] = field(default_factory=list)
