"""`zhifa-cli log --year 2025 -o 操作日志.xlsx`: the 操作日志 of a year as a workbook (issue 22),
for a 司法局 audit that asks who entered or changed a record. A file of its own rather than a
sheet of the working annex: the annex is about the year's records, the log about the
year's work on the ledger (an entry for 2025 may be corrected in January 2026), and it is
asked for separately.

The year is the calendar year in which the changes were made (audit_log.at).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from core.audit import year_entries
from core.commands import Command
from core.outfiles import atomic_write
from core.text import excel_text
from core.years import statistical_year

HEADERS = ("时间", "操作人", "操作", "记录", "修改的项目", "原内容", "新内容")
WIDTHS = (20, 18, 8, 40, 16, 30, 30)


def log_rows(entries) -> list[tuple]:
    """One row per changed field of an edit, so a column filter finds every change of one
    field; a new record (or an import) in one row, its fields in 新内容."""
    rows = []
    for e in entries:
        at = f"{e.at:%Y-%m-%d %H:%M:%S}"
        if e.action in ("新增", "导入") or not e.changes:
            given = "\n".join(f"{field}：{new}" for field, _old, new in e.changes)
            rows.append((at, e.who, e.action, e.record, "", "", given))
            continue
        for field, old, new in e.changes:
            rows.append((at, e.who, e.action, e.record, field, old, new))
    return rows


def write_log(store, year: int, target: Path) -> int:
    """Write the year's 操作日志 to `target` (.xlsx, atomically). Returns the entries written."""
    with store.read_session() as s:
        entries = year_entries(s, year)
    rows = log_rows(entries)

    def write(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(f"{year}年操作日志")
        ws.freeze_panes = "A2"
        ws.page_setup.orientation = "landscape"         # seven columns: printed across
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        for i, width in enumerate(WIDTHS):
            ws.column_dimensions[chr(ord("A") + i)].width = width
        header = []
        for title in HEADERS:
            cell = WriteOnlyCell(ws, value=title)
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(ws, value=excel_text(value) or None)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                cells.append(cell)
            ws.append(cells)
        if not rows:
            ws.append([f"{year}年没有操作记录。"])
        wb.save(str(tmp))

    atomic_write(Path(target), write)
    return len(entries)


def run_log(args, store) -> int:
    year = statistical_year(args.year)
    target = Path(args.out or f"{year}年操作日志.xlsx").expanduser()
    n = write_log(store, year, target)
    print(f"已写出 {year} 年的操作日志（{n} 条操作）：{target}")
    return 0


COMMANDS = [
    Command("log", "导出一年的操作日志（谁在何时新增、修改、删除、恢复、导入了哪条记录）",
            lambda p: (p.add_argument("--year", "-y", required=True, help="年度，例如 2025"),
                       p.add_argument("--out", "-o", help="输出的 .xlsx 文件，默认「年度操作日志.xlsx」")),
            run_log),
]
