"""How the annex looks on screen and on paper: fonts, borders, column widths that fit Chinese
text, valid sheet names, and A4 landscape print setup with the title rows repeated.

The whole workbook is written in openpyxl's streaming (write-only) mode, so memory stays flat
for a 100,000-row ledger. That mode has an order to it: column widths, frozen panes and row
heights must be set before the first row is appended (they are written at the top of the
sheet's XML); merged cells, print setup, filters and charts may be set until the sheet is
closed (they are written at its tail).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from core.figure_format import FIGURE_FORMATS
from core.text import excel_text

# One CJK font throughout (issue 17): titles are the same 宋体, larger and bold. A second
# face (黑体) printed as a second font, and the charts' default (Calibri) has no Chinese.
BODY_FONT = "宋体"
TITLE_FONT = BODY_FONT

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")

# Number formats by the kind of value a cell holds.
FORMATS = {"int": "0", "cap": "0", "money": "#,##0.00", "rate": "0.0", "hours": "0.0",
           "date": "yyyy-mm-dd", "change": "+0.0;-0.0;0.0",
           # 较上年: a rate by 百分点, a count or an amount by percent (core.annex.tables)
           "points": '+0.0"个百分点";-0.0"个百分点";0.0"个百分点"',
           "percent": '+0.0"%";-0.0"%";0.0"%"',
           # a figure: its digits as the report prints them (core.figure_format)
           **FIGURE_FORMATS}

# Cell looks, by role. Each role is a dict of style attributes applied to a WriteOnlyCell.
STYLES = {
    "attachment": dict(font=Font(name=TITLE_FONT, size=14),
                       alignment=Alignment(horizontal="left", vertical="center")),
    "title": dict(font=Font(name=TITLE_FONT, size=16, bold=True),
                  alignment=Alignment(horizontal="center", vertical="center")),
    "table_title": dict(font=Font(name=TITLE_FONT, size=12, bold=True),
                        alignment=Alignment(horizontal="center", vertical="center")),
    "total": dict(font=Font(name=BODY_FONT, size=10, bold=True), border=BORDER,
                  alignment=Alignment(horizontal="center", vertical="center")),
    "subtitle": dict(font=Font(name=BODY_FONT, size=10),
                     alignment=Alignment(horizontal="left", vertical="center")),
    "caption": dict(font=Font(name=TITLE_FONT, size=11, bold=True),
                    alignment=Alignment(horizontal="left", vertical="center")),
    "head": dict(font=Font(name=BODY_FONT, size=10, bold=True), fill=HEAD_FILL, border=BORDER,
                 alignment=Alignment(horizontal="center", vertical="center", wrap_text=True)),
    "label": dict(font=Font(name=BODY_FONT, size=10), border=BORDER,
                  alignment=Alignment(horizontal="left", vertical="center", wrap_text=True,
                                      indent=1)),
    "value": dict(font=Font(name=BODY_FONT, size=10), border=BORDER,
                  alignment=Alignment(horizontal="center", vertical="center")),
    "text": dict(font=Font(name=BODY_FONT, size=10), border=BORDER,
                 alignment=Alignment(horizontal="left", vertical="center", wrap_text=True,
                                     indent=1)),
    "note": dict(font=Font(name=BODY_FONT, size=10, italic=False, color="404040"),
                 alignment=Alignment(horizontal="left", vertical="top", wrap_text=True)),
    "lead": dict(font=Font(name=BODY_FONT, size=10, bold=True),
                 border=Border(top=Side(style="thin", color="808080"))),
}

# Headers and free text wider than this (in width units) wrap onto more lines.
WRAP_AT = {"head": 10, "text": 24}
LINE_HEIGHT = 13  # points per line of 10-point text

# The printable area of an A4 landscape page with setup_print's margins, in points, and the
# points one unit of column width takes (Excel: 7 pixels a character at 96 dpi).
PAGE_WIDTH_PT = 842 - 2 * 36
PAGE_HEIGHT_PT = 595 - 2 * 50 - 15
# The smallest print scale a published table may need: its 10-point text prints at 9
# points or more (issue 17: legible on A4).
PRINT_SCALE_MIN = 0.9


def page_width_pt(orientation: str = "landscape") -> float:
    return PAGE_WIDTH_PT if orientation == "landscape" else 595 - 2 * 36


def page_height_pt(orientation: str = "landscape") -> float:
    return PAGE_HEIGHT_PT if orientation == "landscape" else 842 - 2 * 50 - 15
POINTS_PER_WIDTH = 5.25
DEFAULT_ROW_PT = 15.0   # shown where a rate has no denominator or there is no previous year


def display_width(value) -> int:
    """Width of a value in Excel's units (one per Latin character, two per Chinese one)."""
    if value is None:
        return 0
    if isinstance(value, (dt.date, dt.datetime)):
        return 10
    if isinstance(value, (float, Decimal)):
        value = f"{value:,.2f}"
    return max(_line_width(line) for line in str(value).split("\n"))


def _line_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def line_count(value, width: float) -> int:
    """Lines a wrapped text takes in a column `width` units wide."""
    room = max(width - 2, 2)
    return sum(max(1, math.ceil(_line_width(line) / room)) for line in str(value).split("\n"))


def fit_width(chars: int, minimum: int = 6, maximum: int = 40) -> float:
    """Column width for content `chars` wide: a little padding, kept readable on paper."""
    return float(min(max(chars + 2, minimum), maximum))


_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def sheet_title(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no []:*?/\\, not empty, at most 31 characters, not
    starting or ending with an apostrophe. Adds the result to `taken`."""
    base = _BAD_SHEET_CHARS.sub("_", str(title or "")).strip("'").strip() or "工作表"
    base = base[:31]
    name, n = base, 2
    while name.casefold() in {t.casefold() for t in taken}:
        suffix = f"({n})"
        name = base[:31 - len(suffix)] + suffix
        n += 1
    taken.add(name)
    return name


def cjk_workbook():
    """A streaming workbook whose default cell style is 10-point 宋体, wrapped.

    The ledgers' hundred thousand rows are written unstyled (a style per cell is what
    streaming pays for), so they take the default style: openpyxl's is Calibri 11, which
    has no Chinese glyphs, and does not wrap, so 参加人员 and 法律依据 were cut off on
    paper. Changing the default costs nothing per cell. openpyxl keeps the default in
    private lists (font 0, cell style 0, the Normal named style): tests/annex checks the
    written styles.xml, so an openpyxl upgrade that moves them fails a test, not a clerk."""
    from copy import copy

    from openpyxl import Workbook
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.utils.indexed_list import IndexedList

    wb = Workbook(write_only=True)
    font = Font(name=BODY_FONT, size=10)
    wb._fonts = IndexedList([font])
    # Bottom-aligned, as Excel's default: a date cell gets a style of its own from openpyxl
    # (its number format) with the default alignment, and a row's cells should line up.
    wrap = Alignment(wrap_text=True)
    default = StyleArray()
    default.alignmentId = wb._alignments.add(wrap)
    # Index 0 is what an unstyled cell gets; the lookup still finds StyleArray() at 0.
    wb._cell_styles[0] = default
    for style in wb._named_styles:
        if style.name == "Normal":
            style.font = copy(font)
            style.alignment = copy(wrap)
    return wb


def header_footer_text(text: str) -> str:
    """Text for a print header: '&' starts a control code there, so it is doubled."""
    return excel_text(text).replace("&", "&&")


def setup_print(ws, *, title_rows: str | None, header: str, gridlines: bool = False,
                orientation: str = "landscape", header_size: int = 9) -> None:
    """A4, landscape, all columns on one page wide, title rows repeated, page numbers."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0          # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.print_options.gridLines = gridlines
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = 0.7
    ws.page_margins.bottom = 0.7
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddHeader.center.text = header_footer_text(header)
    ws.oddHeader.center.size = header_size
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = header_size


def styled(ws, value, role: str = "value", kind: str | None = None) -> WriteOnlyCell:
    """A cell for a write-only sheet: text cleaned and defused, numbers formatted."""
    if isinstance(value, str):
        value = excel_text(value)
    cell = WriteOnlyCell(ws, value=value)
    for attr, style in STYLES[role].items():
        setattr(cell, attr, style)
    if kind in FORMATS and not isinstance(value, str):
        cell.number_format = FORMATS[kind]
    return cell


@dataclass
class Grid:
    """A small sheet laid out in memory first (so its column widths can be measured), then
    streamed out. Rows are lists of (value, role, kind) triples or None for an empty cell."""

    rows: list[list] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)   # fixed widths by column index
    keep_together: list[tuple[int, int]] = field(default_factory=list)  # row ranges
    title_rows: int = 2                                      # frozen on screen
    orientation: str = "landscape"
    # The rows from here to title_rows are repeated on every printed page (the 附件 line and
    # the annex title print once, on the first page).
    repeat_from: int = 1

    @property
    def print_title_rows(self) -> str:
        return f"{self.repeat_from}:{self.title_rows}"

    def add(self, cells: list, height: float | None = None) -> int:
        self.rows.append(cells)
        if height:
            self.heights[len(self.rows)] = height
        return len(self.rows)

    def blank(self) -> None:
        self.rows.append([])

    def merge_row(self, row: int, first_col: int, last_col: int) -> None:
        if last_col > first_col:
            self.merges.append(f"{get_column_letter(first_col)}{row}:"
                               f"{get_column_letter(last_col)}{row}")

    @property
    def column_count(self) -> int:
        return max((len(r) for r in self.rows), default=1)

    def measured_widths(self, minimum: int = 8, maximum: int = 36) -> list[float]:
        """Widths from the cells that are not titles, captions or notes (those span).
        Headers and free text wrap, so they ask for a limited width only."""
        n = self.column_count
        chars = [0] * n
        for row in self.rows:
            for i, item in enumerate(row):
                if item is None or item[1] in ("attachment", "title", "table_title", "subtitle",
                                               "caption", "note"):
                    continue
                w = display_width(item[0])
                chars[i] = max(chars[i], min(w, WRAP_AT.get(item[1], w)))
        return [self.widths.get(i + 1, fit_width(c, minimum, maximum))
                for i, c in enumerate(chars)]

    def wrapped_heights(self, widths: list[float]) -> dict[int, float]:
        """Row heights tall enough for the longest wrapped header or text in the row."""
        out = {}
        for r, row in enumerate(self.rows, start=1):
            lines = [line_count(item[0], widths[i])
                     for i, item in enumerate(row)
                     if item is not None and item[1] in WRAP_AT and item[0]]
            if lines and (max(lines) > 1 or any(i and i[1] == "head" for i in row)):
                out[r] = max(LINE_HEIGHT * max(lines) + 8, 22)
        return out

    def write(self, ws, *, freeze: str | None = None) -> None:
        widths = self.measured_widths()
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        for i, width in self.widths.items():     # fixed widths beyond the table (spacers)
            if i > len(widths):
                ws.column_dimensions[get_column_letter(i)].width = width
        heights = dict(self.heights)
        for row, height in self.wrapped_heights(widths).items():
            heights[row] = max(height, heights.get(row, 0))
        for row, height in heights.items():
            ws.row_dimensions[row].height = height
        if freeze:
            ws.freeze_panes = freeze
        for row in self.rows:
            ws.append([None if item is None else styled(ws, *item) for item in row])
        for ref in self.merges:
            ws.merged_cells.add(ref)
        for row in self.page_breaks(widths, heights):
            ws.row_breaks.append(Break(id=row))

    def page_breaks(self, widths: list[float], heights: dict[int, float]) -> list[int]:
        """Rows after which a printed page should end so that no block (caption, header and
        its rows) is cut in two: estimated from the A4 landscape page, scaled as "fit to
        width" scales it. A block longer than a page is left to break where it falls."""
        table_width = sum(POINTS_PER_WIDTH * w + 4 for w in widths)
        room = page_width_pt(self.orientation)
        scale = min(1.0, room / table_width) if table_width else 1.0
        page = page_height_pt(self.orientation) / scale
        height = [heights.get(r, DEFAULT_ROW_PT) for r in range(1, len(self.rows) + 1)]
        titles = sum(height[self.repeat_from - 1:self.title_rows])
        starts = {first: last for first, last in self.keep_together}
        breaks, used, row = [], 0.0, 1
        while row <= len(self.rows):
            last = starts.get(row, row)
            block = sum(height[row - 1:last])
            if used + block > page and used > titles and block <= page - titles:
                breaks.append(row - 1)
                used = titles
            used += block
            if used > page:                     # a long block ran over: the rest carries on
                used = titles + (used - page)
            row = last + 1
        return breaks
