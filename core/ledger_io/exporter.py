"""Exporting the 台账: the template's layout filled with a year's (or every year's) records,
so the file can be sent to a colleague, kept as a backup, or imported into another ledger."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from core.errors import ValidationError
from core.ledger_io.columns import ledger_rows
from core.ledger_io.template import write_ledger_workbook
from core.records import profile
from core.years import FIRST_YEAR, LAST_YEAR, is_valid_year


def export_ledger(session: Session, year: int | None, target: Path) -> tuple[Path, dict[str, int]]:
    """Write the ledger of `year` (None: all years) to `target`; returns the path and the
    number of rows written per sheet."""
    if year is not None and not is_valid_year(year):
        raise ValidationError("年度", f"「{year}」不是有效年份（{FIRST_YEAR}—{LAST_YEAR}年）。")
    counts: dict[str, int] = {}

    def rows(sheet):
        counts[sheet.title] = 0
        for values in ledger_rows(session, year, sheet):
            counts[sheet.title] += 1
            yield values

    bureau = profile(session)
    scope = f"{year}年度" if year else "全部年度"
    intro = (f"{bureau.full_name if bureau else ''}教育行政执法台账（{scope}），"
             f"导出于 {dt.datetime.now():%Y-%m-%d %H:%M}。",
             "执法人员、检查对象为全部在册记录；其余各表为该年度的记录。本文件可直接导入另一台账。")
    path = write_ledger_workbook(Path(target), rows, intro=intro)
    return path, counts
