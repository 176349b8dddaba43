"""Which years the program knows, and which year each kind of record belongs to.

One rule, used by validation, import, export, the year selector, lists, forms and figures
(before this module they held three ranges and four answers for a 专项行动 between them).

- A year the ledger holds or reports on lies in FIRST_YEAR–LAST_YEAR, and so does every date.
- A record belongs to the year of its decision or completion date (DOMAIN.md, 填报说明):
  an inspection or a training by its date; a penalty case by its 决定日期, and one not yet
  decided by its 立案日期 (it is listed and exported there; the figures count decided cases
  only); a 专项行动 by its 结束日期, and one still running by its 开始日期; a 复议/诉讼 by its
  收案日期; aggregate counts, power lists, custom figures, plan tasks and frequency caps by
  their year field.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func

from core.errors import ReportError
from core.models import (
    Campaign, CustomFigure, Inspection, InspectionCap, InspectionPlanTask, OtherAct, PenaltyCase,
    PowerItem, ReviewCase, Training,
)

FIRST_YEAR, LAST_YEAR = 2000, 2100


def is_valid_year(year) -> bool:
    return isinstance(year, int) and not isinstance(year, bool) and FIRST_YEAR <= year <= LAST_YEAR


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def in_year(column, year: int):
    """`column` (a date) falls in `year`: a range, which SQLite reads off an index."""
    return column.between(*year_bounds(year))


def statistical_year(value) -> int:
    """The year the clerk asked for (a number, or text typed on a command line) as a year
    the program counts, or a ReportError saying why it is not one."""
    try:
        year = int(str(value).strip())
    except ValueError:
        raise ReportError(f"年度「{value}」不是有效的年份，请填写四位数字，例如 2025。") from None
    if not is_valid_year(year):
        raise ReportError(f"年度「{year}」超出范围（{FIRST_YEAR}—{LAST_YEAR}年）。")
    return year


# The column (or expression) whose year decides a record's year; a date, or a year number.
_YEAR_OF = {
    Inspection: Inspection.date,
    PenaltyCase: func.coalesce(PenaltyCase.decided_on, PenaltyCase.filed_on),
    Training: Training.date,
    Campaign: func.coalesce(Campaign.end_date, Campaign.start_date),
    OtherAct: OtherAct.year,
    PowerItem: PowerItem.year,
    ReviewCase: ReviewCase.received_on,
    CustomFigure: CustomFigure.year,
    InspectionPlanTask: InspectionPlanTask.year,
    InspectionCap: InspectionCap.year,
}

# The record kinds that belong to a year (staff, units and report texts do not count in one).
YEAR_KINDS = tuple(_YEAR_OF)


def year_of(model):
    """The SQL expression deciding the year a record of `model` belongs to, or None."""
    return _YEAR_OF.get(model)


def is_year_number(model) -> bool:
    """Whether `year_of(model)` is a year number (else a date)."""
    return model in (OtherAct, PowerItem, CustomFigure, InspectionPlanTask, InspectionCap)


def belongs_to_year(model, year: int):
    """The SQL condition selecting the records of `model` that belong to `year`."""
    column = year_of(model)
    return column == year if is_year_number(model) else in_year(column, year)
