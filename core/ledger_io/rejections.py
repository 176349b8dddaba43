"""The 「未导入的行」 workbook: every rejected row as it was read, with the reason first.

Sheets are named after the ledger kind and keep the source's own headers, so the clerk can
correct the rows in this file and import it again; the two added columns (未导入原因,
原表行号) are not ledger headers and are ignored by the import.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from core.ledger_io.columns import REASON_HEADER, ROW_HEADER
from core.ledger_io.template import EXCEL_CELL_LIMIT, HEADER_FILL, HEADER_FONT
from core.outfiles import atomic_write
from core.text import excel_text

REASON_FILL = PatternFill("solid", fgColor="FFF2CC")


def _cell(ws, value) -> WriteOnlyCell:
    if isinstance(value, str):
        text = excel_text(value)
        if len(text) > EXCEL_CELL_LIMIT:
            text = text[:EXCEL_CELL_LIMIT - 10] + "…（已截断）"
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"
        return cell
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, (dt.date, dt.datetime)):
        cell.number_format = "yyyy-mm-dd"
    return cell


def write_rejections(plan, target: Path) -> Path:
    def write(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        taken: set[str] = set()
        for result in plan.sheets:
            if not result.rejected:
                continue
            title, n = result.kind, 2
            while title in taken:
                title, n = f"{result.kind}{n}", n + 1
            taken.add(title)
            ws = wb.create_sheet(title)
            ws.freeze_panes = "C2"
            ws.column_dimensions["A"].width = 50
            ws.column_dimensions["B"].width = 10
            header = []
            for text in (REASON_HEADER, ROW_HEADER, *result.headers):
                cell = WriteOnlyCell(ws, value=excel_text(text) or None)
                cell.font = HEADER_FONT
                cell.fill = REASON_FILL if text in (REASON_HEADER, ROW_HEADER) else HEADER_FILL
                header.append(cell)
            ws.append(header)
            for r in result.rejected:
                reason = _cell(ws, r.reason)
                reason.alignment = Alignment(wrap_text=True, vertical="top")
                reason.font = Font(color="C00000")
                ws.append([reason, r.row, *(_cell(ws, v) for v in r.values)])
        notes = wb.create_sheet("说明")
        for line in (f"以下各行来自「{plan.source.name}」，未能导入台账。",
                     "请按“未导入原因”改正后保存本文件，再次导入即可（已导入的行会按重复记录跳过）。",
                     "“未导入原因”“原表行号”两列导入时会自动忽略。",
                     *([f"未导入的行过多，本文件只列出前 {len(plan.problems()):,} 行，"
                        f"另有 {plan.unlisted:,} 行未列出。"] if plan.unlisted else [])):
            notes.append([excel_text(line)])
        wb.save(str(tmp))

    return atomic_write(target, write)
