"""What makes the annex publishable: values not formulas, frozen headers, widths for Chinese
text, A4 landscape fit to width with title rows repeated, valid sheet names, and the clerk's
text never turning into a formula."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

from openpyxl import load_workbook

from core.annex import write_annex
from core.models import CustomFigure, Inspection, PenaltyCase, Staff, Unit
from core.records import save, set_profile


def test_every_sheet_prints_a4_landscape_one_page_wide_with_title_rows(demo_annex):
    annex, _ = demo_annex
    for ws in annex.wb.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert str(setup.paperSize) == "9", ws.title               # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title
        assert ws.print_title_rows, ws.title
        assert ws.freeze_panes, ws.title
        assert "&P" in ws.oddFooter.center.text


def test_headers_frozen_where_the_reader_scrolls(demo_annex):
    annex, _ = demo_annex
    assert annex["行政检查"].freeze_panes == "B2"            # 台账: header row
    assert annex["行政检查"].print_title_rows == "$1:$1"
    assert annex["数据来源"].freeze_panes == "B3"
    assert annex["月度统计"].freeze_panes == "B5"
    assert annex["行政处罚实施情况"].print_title_rows == "$1:$2"


def test_no_cell_in_the_workbook_is_a_formula(demo_annex):
    annex, _ = demo_annex
    with zipfile.ZipFile(annex.path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode("utf-8"), name


def test_sheet_names_are_valid_and_in_order(demo_annex):
    annex, _ = demo_annex
    names = annex.wb.sheetnames
    for name in names:
        assert 0 < len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)
    assert names[:3] == ["执法职权情况", "行政许可实施情况", "行政处罚实施情况"]
    assert names.index("月度统计") < names.index("说明") < names.index("数据来源") < names.index("执法人员")


def test_columns_wide_enough_for_chinese_text(demo_annex):
    annex, _ = demo_annex
    ws = annex["行政许可实施情况"]
    # "民办学校设立" is 6 Chinese characters: 12 width units at least
    assert ws.column_dimensions["A"].width >= 12
    ledger = annex["行政检查"]
    assert ledger.column_dimensions["B"].width >= 24        # 检查对象: long school names


def _hostile_ledger(session):
    set_profile(session, full_name="测试\x01区教育局&二科")
    staff = [save(session, Staff(name=n, certificate_no=f"Z{n}",
                                 certificate_issued=dt.date(2020, 1, 1))) for n in ("甲", "乙")]
    unit = save(session, Unit(name='=HYPERLINK("http://evil.example","点我")',
                              unit_type="校外培训机构"))
    unit2 = save(session, Unit(name="@SUM(1+1)培训学校\x07\x1b", unit_type="校外培训机构"))
    for u, day in ((unit, 3), (unit2, 4)):
        save(session, Inspection(date=dt.date(2025, 5, day), category="日常检查", method="其他",
                                 unit=u, unit_id=u.id, result="合格", inspectors=staff,
                                 items="-1+1、收费"))
    save(session, PenaltyCase(decision_no="+测教罚〔2025〕1号", party="=1+2", party_type="公民",
                              procedure="简易程序", kinds="警告", decided_on=dt.date(2025, 6, 2)))
    save(session, CustomFigure(year=2025, name="=cmd|' /C calc'!A0", value=3, unit="台"))
    session.commit()


def test_a_formula_looking_unit_name_stays_text(session, store, tmp_path):
    _hostile_ledger(session)
    with store.session() as s:
        path = write_annex(s, 2025, tmp_path / "a.xlsx")
    wb = load_workbook(path)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and ("HYPERLINK" in c.value or "SUM(1+1)" in c.value
                                              or "cmd|" in c.value
                                              or c.value.lstrip("'").startswith(("=1+2", "+测教罚", "-1+1")))]
    assert {ws for ws in ("行政检查", "检查对象", "数据来源", "行政处罚", "其他指标")} <= {
        c.parent.title for c in cells}
    for c in cells:
        assert c.data_type == "s", (c.parent.title, c.coordinate, c.value)
        # defused (a leading ' shows it as text in Excel/WPS) or not at the start at all
        assert not c.value.startswith(("=", "+", "-", "@")), c.value
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode("utf-8")


def test_control_characters_are_stripped_and_the_bureau_heads_the_tables(session, store, tmp_path):
    _hostile_ledger(session)
    with store.session() as s:
        path = write_annex(s, 2025, tmp_path / "a.xlsx")
    wb = load_workbook(path)
    assert wb["行政检查实施情况"]["A1"].value == "测试区教育局&二科2025年度行政检查实施情况统计表"
    assert wb["行政检查"].oddHeader.center.text == "测试区教育局&&二科2025年度行政检查台账"
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, str):
                    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", v), (ws.title, v)
    names = [r[1] for r in wb["行政检查"].iter_rows(min_row=2, values_only=True)]
    assert "'@SUM(1+1)培训学校" in names


def test_printed_pages_do_not_cut_a_block_in_two(demo_annex):
    """行政检查实施情况 has six blocks, more than one page holds: the page ends between
    blocks, so each printed block keeps its caption, header and rows together."""
    annex, _ = demo_annex
    ws = annex["行政检查实施情况"]
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks, "the sheet needs two pages but has no page break"
    first_cells = {r[0].row: r[0].value for r in ws.iter_rows()}
    for row in breaks:
        # the next page starts at a block's caption (or the blank line before it)
        following = first_cells.get(row + 1)
        assert following is None or following[1] == "、", (row, following)
