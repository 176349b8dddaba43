"""How a figure is printed: one function for the report's sentences, the annex's tables and
the overview, so that the overview's 「与年度报告所用数字一致」 is true to the character.

The published reports (Tianjin districts' 年度行政执法工作报告) write a figure as plain digits
with its unit and no thousands separator (「出动1200人次」「100%取得行政执法证」): a count as
it is, an amount in 元 without 分 when it has none (94800元; 94800.50元), a rate or an
average to one decimal, and a whole one without 「.0」 (95%, 71.4%).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.figures import NO_VALUE


def figure_number(value) -> str:
    """674 → "674"; 71.43 → "71.4"; 95.0 → "95"; money Decimal('94800.00') → "94800"."""
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else f"{value:.2f}"
    if isinstance(value, float):
        text = f"{value:.1f}"
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def figure_text(value, unit: str = "") -> str:
    """A figure with its unit as the report prints it ("94800元", "71.4%"); NO_VALUE for a
    figure with no value (a rate with nothing to divide by), a list joined with 、."""
    if value is None:
        return NO_VALUE
    if isinstance(value, list):
        return "、".join(value) or NO_VALUE
    return f"{figure_number(value)}{unit}"


# The Excel number formats that show a cell's number as figure_number writes it.
FIGURE_FORMATS = {"whole": "0", "tenths": "0.0", "cents": "0.00"}


def figure_format(value) -> str | None:
    """The FIGURE_FORMATS key under which an Excel cell shows `value` as figure_number
    writes it, or None for a value that is not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    text = figure_number(value)
    if "." not in text:
        return "whole"
    return "cents" if isinstance(value, Decimal) else "tenths"


# Below this many (last year's count), a change is stated as a number of cases or people,
# not a percentage: 「较上年减少1人」 for 19 against 20, never 「减少5%」; 「增加2件」 for 4
# against 2, never 「增长100%」. Fifty is where one case moves the rate by two points or less.
SMALL_COUNT = 50


@dataclass(frozen=True)
class Change:
    """A figure against last year's, as the report states it."""
    direction: str          # "same", "up" or "down"
    amount: str = ""        # the printed difference, or the printed percentage
    by_count: bool = False  # True: `amount` is in the figure's own unit; False: per cent


def figure_change(fig) -> Change | None:
    """How a figure changed on last year (the report's sentence and the overview's card);
    None where nothing can be said: no figure last year, or none to compare with (0)."""
    if fig.previous is None:
        return None
    if fig.value == fig.previous:
        return Change("same")
    if not fig.previous:                       # nothing last year: a change means nothing
        return None
    if isinstance(fig.previous, (int, Decimal)) and not isinstance(fig.previous, bool) \
            and abs(fig.previous) < SMALL_COUNT:
        diff = fig.value - fig.previous
        return Change("up" if diff > 0 else "down", figure_number(abs(diff)), by_count=True)
    pct = fig.change_pct
    if pct is None:
        return None
    return Change("up" if pct > 0 else "down", figure_number(abs(pct)))
