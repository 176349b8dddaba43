"""Writing the 台账 workbook: the blank template, and (with rows) the export.

Layout: a 说明 sheet first, then one sheet per record kind in columns.LEDGER_SHEETS order,
Chinese headers in row 1 (frozen), column widths, drop-down lists for every enumeration,
dates as real Excel dates. openpyxl's write-only mode streams rows, so exporting 100,000
inspections never builds the whole sheet in memory.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.ledger_io.columns import LEDGER_SHEETS, Column, LedgerSheet
from core.outfiles import atomic_write
from core.text import excel_text

# Drop-downs cover this many rows below the data, so the clerk can keep typing.
EXTRA_VALIDATED_ROWS = 2000
# Excel keeps at most 32,767 characters in a cell.
EXCEL_CELL_LIMIT = 32767

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
WRAP = Alignment(wrap_text=True, vertical="top")
NUMBER_FORMATS = {"date": "yyyy-mm-dd", "money": "#,##0.00", "int": "0", "year": "0",
                  "month": "0", "number": "General"}

SEPARATORS = "顿号“、”、中文逗号“，”、英文逗号“,”、英文分号“;”、中文分号“；”或换行"

Rows = Callable[[LedgerSheet], Iterable[list]]


def write_ledger_workbook(target: Path, rows: Rows | None = None,
                          intro: Iterable[str] = ()) -> Path:
    """Write the workbook to `target` atomically. `rows(sheet)` gives each sheet's cell
    values (None: the blank template). Returns the path written."""
    def write(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        _instructions(wb.create_sheet("说明"), list(intro))
        for sheet in LEDGER_SHEETS:
            _data_sheet(wb.create_sheet(sheet.title), sheet, rows(sheet) if rows else ())
        wb.save(str(tmp))

    return atomic_write(Path(target), write)


def write_template(target: Path) -> Path:
    return write_ledger_workbook(target, None, intro=(
        "这是教育行政执法台账的空白导入模板。请在各工作表第 2 行起逐行填写，一行一条记录，然后在程序中"
        "选择“导入台账”（命令行：zhifa-cli import 文件名）。",))


def _instructions(ws, intro: list[str]) -> None:
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 70
    lines = [
        ["教育行政执法台账 填写说明"],
        *([["本文件" if i == 0 else "", "", line] for i, line in enumerate(intro)]),
        [],
        ["填写规则"],
        ["", "表头", "第 1 行为表头，请勿修改表头文字；列的顺序可以调整，多出的列导入时忽略。"
                     "橙色表头为必填列。"],
        ["", "日期", "可填 Excel 日期，或 2025-03-05、2025/3/5、2025年3月5日。"],
        ["", "数字", "可用全角数字；以文本形式存储的数字也可以。金额单位为元。"],
        ["", "多项内容", f"同一格内多项（执法人员、联合部门、处罚种类、检查事项等）用{SEPARATORS}分隔。"],
        ["", "是/否", "填“是”或“否”（也可填 √/×、有/无）。"],
        ["", "下拉选项", "带下拉箭头的列请从列表中选择。"],
        ["", "重复记录", "导入时跳过已在台账中的记录：执法人员按姓名，检查对象按名称，行政检查按"
                      "同一检查对象同一日期，行政处罚按决定书文号，专项行动按名称和开始日期，"
                      "检查频次上限按年份与对象类型，其他各表按年份与名称（或日期与主题）。"],
        ["", "导入顺序", "先执法人员、检查对象、专项行动、检查计划任务、检查频次上限，再行政检查等；"
                      "行政检查中的执法人员、检查对象找不到时自动新建，检查计划任务须已在同一年的"
                      "“检查计划任务”表中。"],
        ["", "未导入的行", "不符合要求的行不会导入，程序会在原文件旁生成“<原文件名>-未导入的行.xlsx”，"
                       "逐行写明原因；改正后可再次导入（已导入的行会按重复记录跳过）。"],
        [],
        ["各表的列"],
        ["工作表", "列名", "说明"],
    ]
    for sheet in LEDGER_SHEETS:
        for i, column in enumerate(sheet.columns):
            lines.append([sheet.title if i == 0 else "", column.header, _describe(column)])
    _fit_width(ws, landscape=False)
    for number, line in enumerate(lines, start=1):
        if len(line) == 3:   # rows are not sized to wrapped text on opening: size them here
            ws.row_dimensions[number].height = 15 * _lines(line[2], 70)
        if len(line) == 1:   # a title or a sentence: one line, running over the empty cells
            cell = WriteOnlyCell(ws, value=excel_text(line[0]))
            cell.font = HEADER_FONT if len(line[0]) < 20 else Font()
            ws.append([cell])
        else:
            ws.append([_text_cell(ws, v, bold=(line[0] == "工作表")) for v in line])


def _lines(text: str, width: int) -> int:
    """Lines `text` takes in a column `width` characters wide (a Chinese character is two)."""
    units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return max(1, -(-units // (width - 2)))


def _fit_width(ws, *, landscape: bool) -> None:
    """Printed, every column fits the page width (pages run on downwards)."""
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = "9"   # A4
    ws.print_options.gridLines = landscape


def _describe(column: Column) -> str:
    parts = []
    if column.required:
        parts.append("必填。")
    kind = {"date": "日期。", "int": "整数。", "money": "金额（元）。", "number": "数字。",
            "year": "年份，如 2025。", "month": "月份 1–12。", "bool": "是/否。",
            "list": "可填多项。"}.get(column.kind)
    if kind:
        parts.append(kind)
    if column.choices and column.kind != "bool":
        parts.append(f"可选：{'、'.join(column.choices)}。")
    if column.note:
        parts.append(column.note)
    if column.synonyms:
        parts.append(f"表头也可写作：{'、'.join(column.synonyms)}。")
    return "".join(parts)


def _text_cell(ws, value, *, bold=False) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=excel_text(value) if value else None)
    cell.alignment = WRAP
    if bold:
        cell.font = HEADER_FONT
    return cell


def _data_sheet(ws, sheet: LedgerSheet, rows: Iterable[list]) -> None:
    for i, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    _fit_width(ws, landscape=True)
    # A write-only sheet writes its validations after the rows, at save time, so their
    # ranges are set once the row count is known.
    validations = _validations(sheet)
    for dv, _ in validations:
        ws.data_validations.append(dv)
    ws.append([_header_cell(ws, c) for c in sheet.columns])
    count = 0
    for values in rows:
        ws.append([_value_cell(ws, c, v) for c, v in zip(sheet.columns, values)])
        count += 1
    last = count + 1 + EXTRA_VALIDATED_ROWS
    for dv, column_index in validations:
        letter = get_column_letter(column_index)
        dv.add(f"{letter}2:{letter}{last}")


def _validations(sheet: LedgerSheet) -> list:
    """One drop-down per enumerated column. A list column (处罚种类) may hold several
    values, so its list only suggests; a choice column warns but lets synonyms through."""
    out = []
    for i, column in enumerate(sheet.columns, start=1):
        if not column.choices:
            continue
        dv = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"',
                            allow_blank=True)
        dv.showDropDown = False   # (sic) False shows the arrow
        if column.kind == "list":
            dv.showErrorMessage = False
        else:
            dv.showErrorMessage = True
            dv.errorStyle = "warning"
            dv.errorTitle = column.header
            dv.error = f"请从下拉列表中选择：{'、'.join(column.choices)}"
        dv.promptTitle = column.header
        out.append((dv, i))
    return out


def _header_cell(ws, column: Column) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=column.header)
    cell.font = HEADER_FONT
    cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    text = _describe(column)
    if text:
        cell.comment = Comment(text, "台账模板", width=260, height=120)
    return cell


def _value_cell(ws, column: Column, value) -> WriteOnlyCell:
    if isinstance(value, str):
        text = excel_text(value)
        if len(text) > EXCEL_CELL_LIMIT:
            text = text[:EXCEL_CELL_LIMIT - 10] + "…（已截断）"
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"   # never a formula, whatever the text starts with
        return cell
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() and column.kind != "money" else float(value)
    cell = WriteOnlyCell(ws, value=value)
    fmt = NUMBER_FORMATS.get(column.kind)
    if fmt and value is not None:
        cell.number_format = fmt
    return cell
