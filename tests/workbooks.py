"""Reading back a workbook the program wrote: its rows, with the file closed afterwards.

openpyxl's read-only workbook keeps its file open until `close()`, and a sheet and its
workbook refer to each other, so a test that dropped them left the file to the cycle
collector, whose ResourceWarning then failed whichever test was running when it came."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook


def sheet_rows(path: Path | str, sheet: str | None = None) -> list[tuple]:
    """Every row's values of `sheet` (the active one if None)."""
    wb = load_workbook(path, read_only=True)
    try:
        return list((wb[sheet] if sheet else wb.active).iter_rows(values_only=True))
    finally:
        wb.close()


def sheet_names(path: Path | str) -> list[str]:
    wb = load_workbook(path, read_only=True)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()
