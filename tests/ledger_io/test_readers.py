"""The two readers (python-calamine for a regular workbook, openpyxl for the rest) give the
import the same rows, and a workbook calamine would build too big, or read otherwise, goes
to openpyxl."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from core.ledger_io import reader

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _rows(path, monkeypatch=None):
    book = reader.open_workbook(path)
    try:
        found, _ = reader.sheets_of(book, path.name)
        out = {}
        for ws, source in found:
            out[source.name] = (source.header_row, source.headers, [
                (n, v) for n, v in reader.data_rows(ws, source, path.name)])
        return type(book).__name__, getattr(book, "epoch").year, out
    finally:
        book.close()


def _same_day_and_line(sheets: dict) -> dict:
    """What the importer makes of both alike: openpyxl gives a date cell as a datetime at
    midnight, calamine as a date; calamine gives _x000D_ and a line feed as \r\n, the line
    end the importer (_text_of) turns into \n."""
    def one(v):
        if isinstance(v, dt.datetime) and v.time() == dt.time():
            return v.date()
        return v.replace("\r\n", "\n") if isinstance(v, str) else v
    return {k: (h, hd, [(n, [one(v) for v in values]) for n, values in rows])
            for k, (h, hd, rows) in sheets.items()}


@pytest.mark.parametrize("epoch", [None, CALENDAR_MAC_1904])
def test_both_readers_give_the_same_rows(tmp_path, monkeypatch, epoch):
    wb = Workbook()
    if epoch:
        wb.epoch = epoch
    ws = wb.active
    ws.title = "2025年行政检查台账"
    ws.append(["某区教育局2025年行政检查台账"])                 # a title row above the headers
    ws.append([])
    ws.append(["检查日期", "检查对象", "对象类型", "检查类别", "检查方式", "检查结果", "出动人次",
               "发现问题数", "全过程记录", "备注"])
    ws.append([dt.date(2025, 3, 5), "一中", "公办中小学", "日常检查", "其他", "合格", 3, 1.5, True,
               "第一行_x000D_\n第二行"])
    ws.append([45722, "二中", None, "专项检查", None, "合格", 12345678901, 0, False, "编号_x005F_x000D_"])
    ws.append([])
    ws.append([dt.datetime(2025, 3, 7, 9, 30), "  三中 ", "公办中小学", "日常检查", "其他", "合格",
               None, None, None, dt.time(10, 30)])
    ws.append([None, "四中", "公办中小学", "日常检查", "其他", "合格"])
    ws.merge_cells("A7:A8")                                 # a date typed once for two rows
    wb.save(tmp_path / "台账.xlsx")
    fast = _rows(tmp_path / "台账.xlsx")
    monkeypatch.setattr(reader, "_calamine_book", lambda path: None)
    slow = _rows(tmp_path / "台账.xlsx")
    assert (fast[0], slow[0]) == ("CalamineBook", "Workbook")
    assert fast[1] == slow[1] == (1904 if epoch else 1899)
    norm, slow_norm = _same_day_and_line(fast[2]), _same_day_and_line(slow[2])
    assert norm == slow_norm
    rows = norm["2025年行政检查台账"][2]
    assert [n for n, _ in rows] == [4, 5, 7, 8]
    assert rows[0][1][6:] == [3, 1.5, True, "第一行\n第二行"]
    assert rows[1][1][0] == 45722 and rows[1][1][6] == 12345678901 and rows[1][1][9] == "编号_x000D_"
    assert rows[3][1][0] == rows[2][1][0] == dt.datetime(2025, 3, 7, 9, 30)   # merged down


def _with_sheet(tmp_path, name, xml: str):
    wb = Workbook()
    ws = wb.active
    ws.title = "执法人员"
    ws.append(["姓名", "科室"])
    ws.append(["张三", "法制科"])
    wb.save(tmp_path / "base.xlsx")
    with zipfile.ZipFile(tmp_path / "base.xlsx") as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(tmp_path / name, "w", zipfile.ZIP_DEFLATED) as z:
        for n, c in parts.items():
            z.writestr(n, c)
    return tmp_path / name


def _cell(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


@pytest.mark.parametrize("sheet_data", [
    # two cells far apart: calamine would build a 16,384 × 1,048,576 grid and abort the process
    f'<row r="1">{_cell("A1", "姓名")}</row><row r="1048576">{_cell("XFD1048576", "x")}</row>',
    # a grid of 200 columns × 200,000 rows from two cells: 1.2 GB in calamine
    f'<row r="1">{_cell("A1", "姓名")}{_cell("GR1", "x")}</row><row r="200000">{_cell("A200000", "y")}</row>',
    # a cell without its reference: calamine counts positions itself
    '<row r="1"><c t="inlineStr"><is><t>姓名</t></is></c></row>',
    # an error value: calamine reads #N/A as blank, openpyxl as the text it shows
    f'<row r="1">{_cell("A1", "姓名")}</row><row r="2"><c r="A2" t="e"><v>#N/A</v></c></row>',
    # trailing empty rows past the limit: openpyxl counts them and refuses the sheet
    f'<row r="1">{_cell("A1", "姓名")}</row><row r="300000"/>',
    # a self-closing cell without a reference, and one whose reference is not its first
    # attribute: each is a position calamine would count for itself
    f'<row r="1">{_cell("A1", "姓名")}<c/></row>',
    f'<row r="1">{_cell("A1", "姓名")}<c s="0" r="B1"><v>1</v></c></row>',
    # attributes apart by a tab or a line end instead of a space
    f'<row r="1">{_cell("A1", "姓名")}<c\tr="B1"><v>1</v></c></row>',
    f'<row r="1">{_cell("A1", "姓名")}</row><row\nr="2">{_cell("A2", "x")}</row>',
    # a reference in lower case, or with a leading zero: read otherwise by the two readers
    f'<row r="1">{_cell("A1", "姓名")}</row><row r="2">{_cell("a2", "x")}</row>',
    f'<row r="1">{_cell("A1", "姓名")}</row><row r="2">{_cell("A02", "x")}</row>',
    # a cell with a namespace prefix
    f'<row r="1">{_cell("A1", "姓名")}<x:c xmlns:x="{MAIN}" r="B1"><x:v>1</x:v></x:c></row>',
])
def test_a_sheet_calamine_would_build_too_big_or_read_otherwise_goes_to_openpyxl(tmp_path,
                                                                                sheet_data):
    path = _with_sheet(tmp_path, "怪.xlsx", f'<?xml version="1.0"?><worksheet {NS}><sheetData>'
                                           f'{sheet_data}</sheetData></worksheet>')
    book = reader.open_workbook(path)
    try:
        assert not isinstance(book, reader.CalamineBook)
    finally:
        book.close()


def test_a_regular_sheet_is_read_by_calamine(tmp_path):
    # Columns, a conditional format and Excel's x14 extension (x14:conditionalFormatting,
    # x14:cfRule) hold "<c" and ":c" too, but no cell: still regular.
    path = _with_sheet(tmp_path, "好.xlsx", f'<?xml version="1.0"?><worksheet {NS}><dimension '
                                           f'ref="A1:XFD1048576"/><cols><col min="1" max="1" '
                                           f'width="12"/></cols><sheetData><row r="1">'
                                           f'{_cell("A1", "姓名")}{_cell("AF1", "x")}</row>'
                                           f'<row r="200010">{_cell("B200010", "y")}</row>'
                                           f'</sheetData><conditionalFormatting sqref="A1">'
                                           f'<cfRule type="expression" priority="1"><formula>'
                                           f'TRUE</formula></cfRule></conditionalFormatting>'
                                           f'<extLst><ext uri="{{78C0D931}}"><x14:conditionalFormattings '
                                           f'xmlns:x14="http://schemas.microsoft.com/office/'
                                           f'spreadsheetml/2009/9/main"><x14:conditionalFormatting>'
                                           f'<x14:cfRule type="expression" priority="2"/>'
                                           f'</x14:conditionalFormatting></x14:conditionalFormattings>'
                                           f'</ext></extLst></worksheet>')
    book = reader.open_workbook(path)
    try:
        assert isinstance(book, reader.CalamineBook)
    finally:
        book.close()
