"""Helpers for reading the annex back the way a person reads it: find a block by its header
row, take the value under a header in the year's row. An Annex is the pair as written: the
published 数据统计表 (`wb`) and the working copy 台账与数据来源 (`working`); a sheet is looked
up in either."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.annex import write_annex
from core.figures import annual_figures


class Annex:
    """A written annex, loaded back with openpyxl (full mode: print setup and charts too)."""

    def __init__(self, path: Path, year: int, working_path: Path | None = None):
        self.path = path
        self.year = year
        self.wb = load_workbook(path)
        self.working_path = working_path
        self.working = load_workbook(working_path) if working_path else None

    def __getitem__(self, sheet: str):
        if sheet in self.wb.sheetnames or self.working is None:
            return self.wb[sheet]
        return self.working[sheet]

    @property
    def worksheets(self) -> list:
        return [*self.wb.worksheets, *(self.working.worksheets if self.working else [])]

    def blocks(self, sheet: str, row_label: str | None = None) -> list[dict]:
        """Each block of a table sheet as {header: value} for the row labelled `row_label`
        (default: the year's row, "2025年")."""
        label = row_label or f"{self.year}年"
        ws = self[sheet]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        out = []
        for i, row in enumerate(rows):
            if row and row[0] == "年度":
                headers = row
                for below in rows[i + 1:i + 4]:
                    if below and below[0] == label:
                        # long headers carry their unit on a second line
                        out.append({h.replace("\n", ""): v for h, v in zip(headers[1:], below[1:])
                                    if h})
                        break
        return out

    def value(self, sheet: str, header: str, row_label: str | None = None, block: int = 0):
        return self.blocks(sheet, row_label)[block][header]

    def texts(self, sheet: str) -> str:
        return "\n".join(str(v) for row in self[sheet].iter_rows(values_only=True)
                         for v in row if v is not None)


def make_annex(store, year: int, folder: Path) -> tuple[Annex, object]:
    with store.session() as s:
        path = write_annex(s, year, folder / "annex.xlsx", working=folder / "working.xlsx")
        figures = annual_figures(s, year)
    return Annex(path, year, folder / "working.xlsx"), figures


@pytest.fixture
def demo_annex(demo_store, tmp_path):
    return make_annex(demo_store, 2025, tmp_path)


@pytest.fixture
def annex_of(tmp_path):
    """annex_of(store, year) -> (Annex, AnnualFigures)."""
    def make(store, year: int):
        return make_annex(store, year, tmp_path)
    return make
