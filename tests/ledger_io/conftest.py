"""Helpers for the 台账 import tests: a workbook written the way a clerk's Excel holds it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """`sheets`: name -> rows (the first row is the header). Cells are written as given:
    a date stays an Excel date, a string that looks like a number stays text."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"   # text, never a formula
    wb.save(path)
    return path


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model).where(model.deleted_at.is_(None)))


@pytest.fixture
def workbook(tmp_path):
    def make(sheets, name="台账.xlsx"):
        return write_workbook(tmp_path / name, sheets)
    return make


D = dt.date
