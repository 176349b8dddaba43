"""The 台账 sheets of the annex: every live record of the year, one sheet per record kind,
in the import template's sheet names and columns (core.ledger_io.columns), so the annex
doubles as a backup a clerk can read, print, or import again.

Row 1 is the header row exactly as the template has it (the importer finds it there); the
bureau and year are in the printed page header instead of a title row. Rows are streamed
from `ledger_rows` into the write-only sheet, so 100,000 records never sit in memory; only
the header and the money cells are styled (a style per cell is what streaming pays for).
"""

from __future__ import annotations

from typing import Callable

from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from core.annex.layout import FORMATS, display_width, setup_print, sheet_title, styled
from core.ledger_io.columns import LEDGER_SHEETS, LedgerSheet, ledger_rows
from core.text import excel_texts


def write_ledgers(wb, taken: set[str], session: Session, year: int, bureau: str,
                  say: Callable[[str], None]) -> None:
    for sheet in LEDGER_SHEETS:
        say(f"正在写入台账：{sheet.title}…")
        ws = wb.create_sheet(sheet_title(sheet.title, taken))
        scope = "" if sheet.model.__name__ in ("Staff", "Unit") else f"{year}年度"
        setup_print(ws, title_rows="1:1", header=f"{bureau}{scope}{sheet.title}台账",
                    gridlines=True)
        write_ledger(ws, session, year, sheet)


def write_ledger(ws, session: Session, year: int, sheet: LedgerSheet) -> int:
    """Header and rows of one ledger sheet; returns the number of records written."""
    columns = sheet.columns
    for i, column in enumerate(columns, start=1):
        width = max(column.width, display_width(column.header) + 2)
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.row_dimensions[1].height = 22
    ws.freeze_panes = "B2"
    ws.append([styled(ws, c.header, "head") for c in columns])
    money = [i for i, c in enumerate(columns) if c.kind == "money"]
    count = 0
    text = excel_texts()
    for values in ledger_rows(session, year, sheet):
        row = [text(v) if isinstance(v, str) else v for v in values]
        for i in money:
            if row[i] is not None:
                cell = WriteOnlyCell(ws, value=row[i])
                cell.number_format = FORMATS["money"]
                row[i] = cell
        ws.append(row)
        count += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return count
