"""The 台账 sheets of the working copy: every live record of the year, one sheet per record
kind, in the import template's sheet names and columns (core.ledger_io.columns), so the
working copy doubles as a backup a clerk can read, print, or import again. A kind with no
record this year has no sheet (the importer takes the sheets it finds).

Row 1 is the header row exactly as the template has it (the importer finds it there); the
bureau and year are in the printed page header instead of a title row. Rows are streamed
from `ledger_rows` into the write-only sheet, so 100,000 records never sit in memory; only
the header and the money cells are styled (a style per cell is what streaming pays for:
the rest take the workbook's default, 10-point 宋体 wrapped, core.annex.layout.cjk_workbook).

On paper a ledger is printed at 90 % (9-point text), never shrunk to fit one page wide: a
ledger wider than the page is split across pages by design, between columns, with its
first columns (the date and the unit, the 文号 and the party) repeated on every page.
"""

from __future__ import annotations

from typing import Callable

import itertools

from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from sqlalchemy.orm import Session

from core.annex.layout import (
    FORMATS, POINTS_PER_WIDTH, display_width, line_count, page_width_pt, setup_print,
    sheet_title, styled,
)
from core.annex.sources import filled_sentence
from core.ledger_io.columns import CUSTOM, LEDGER_SHEETS, LedgerSheet, ledger_rows
from core.text import excel_texts

LEDGER_SCALE = 90          # percent: 10-point text prints at 9 points
# The columns repeated on every page of a ledger split across pages: what a reader needs
# to know which record a row is.
KEY_COLUMNS = {"行政检查": 2, "行政处罚": 2, "学法培训": 2, "执法人员": 1, "检查对象": 1,
               "专项行动": 1}
# Long free text wraps at this width rather than widening the page.
MAX_WIDTH = 26
LINE_PT = 13.5             # one line of 10-point 宋体


def write_ledgers(wb, taken: set[str], session: Session, year: int, bureau: str,
                  say: Callable[[str], None]) -> list[str]:
    """The non-empty ledgers of the year; returns the titles of those left out (empty)."""
    empty = []
    for sheet in LEDGER_SHEETS:
        say(f"正在写入台账：{sheet.title}…")
        rows = iter(ledger_rows(session, year, sheet))
        first = next(rows, None)
        if first is None:
            empty.append(sheet.title)
            continue
        ws = wb.create_sheet(sheet_title(sheet.title, taken))
        scope = "" if sheet.model.__name__ in ("Staff", "Unit") else f"{year}年度"
        setup_print(ws, title_rows="1:1", header=f"{bureau}{scope}{sheet.title}台账",
                    gridlines=True, header_size=10)
        write_ledger(ws, session, year, sheet, rows=itertools.chain([first], rows))
    return empty


def column_widths(sheet: LedgerSheet) -> list[float]:
    return [float(min(max(c.width, display_width(c.header) + 2), MAX_WIDTH))
            for c in sheet.columns]


def split_across_pages(ws, widths: list[float], repeat: int) -> list[int]:
    """Print at LEDGER_SCALE, the first `repeat` columns on every page, and a page break
    before any column that would run past the page. Returns the columns breaks follow."""
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
    ws.page_setup.scale = LEDGER_SCALE
    ws.page_setup.fitToWidth = None
    ws.page_setup.fitToHeight = None
    room = page_width_pt() * 100 / LEDGER_SCALE

    def points(w):
        return POINTS_PER_WIDTH * w + 4

    if repeat:
        ws.print_title_cols = f"A:{get_column_letter(repeat)}"
    fixed = sum(points(w) for w in widths[:repeat])
    breaks, used = [], fixed
    for i, width in enumerate(widths[repeat:], start=repeat + 1):
        if used + points(width) > room and used > fixed:
            breaks.append(i - 1)
            ws.col_breaks.append(Break(id=i - 1))
            used = fixed
        used += points(width)
    return breaks


def write_ledger(ws, session: Session, year: int, sheet: LedgerSheet, rows=None) -> int:
    """Header and rows of one ledger sheet; returns the number of records written."""
    columns = sheet.columns
    widths = column_widths(sheet)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.row_dimensions[1].height = 28
    ws.freeze_panes = "B2"
    split_across_pages(ws, widths, KEY_COLUMNS.get(sheet.title, 1))
    ws.append([styled(ws, c.header, "head") for c in columns])
    money = [i for i, c in enumerate(columns) if c.kind == "money"]
    # Text that may wrap, and the characters (two width units each) a line of it holds:
    # a row gets the height of its longest wrapped cell, as neither Excel nor WPS nor
    # LibreOffice fits a row to wrapped text by itself when it opens a file.
    wrapping = [(i, widths[i], max(int((widths[i] - 2) // 2), 1))
                for i, c in enumerate(columns) if c.kind in ("text", "list", "choice")]
    heights = ws.row_dimensions
    fill = _sentence_filler(sheet)
    count = 0
    text = excel_texts()
    for values in (ledger_rows(session, year, sheet) if rows is None else rows):
        if fill:
            values = fill(values)
        row = [text(v) if isinstance(v, str) else v for v in values]
        lines = 1
        for i, width, chars in wrapping:
            v = row[i]
            if v and len(v) > chars:
                lines = max(lines, line_count(v, width))
        for i in money:
            if row[i] is not None:
                cell = WriteOnlyCell(ws, value=row[i])
                cell.number_format = FORMATS["money"]
                row[i] = cell
        count += 1
        if lines > 1:
            heights[count + 1].height = LINE_PT * lines + 3
            ws.append(row)
            del heights[count + 1]        # written: 100,000 rows keep no dimensions
        else:
            ws.append(row)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return count


def _sentence_filler(sheet: LedgerSheet):
    """其他指标: the 说明 shows the sentence as the report prints it ({year}, {value}, {unit}
    filled), so the working copy reads as the report does and re-imports as that text."""
    if sheet is not CUSTOM:
        return None
    index = {c.attr: i for i, c in enumerate(sheet.columns)}
    at = index["sentence"]

    def fill(values):
        values = list(values)
        if values[at]:
            values[at] = filled_sentence(values[at], year=values[index["year"]],
                                         name=values[index["name"]],
                                         value=values[index["value"]],
                                         unit=values[index["unit"]])
        return values
    return fill
